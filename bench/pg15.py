"""Throwaway clusters of Debian's PostgreSQL 15 (the `postgresql-15` package) on loopback.

A primary, and a streaming standby made from it with `pg_basebackup -R`, each in its own
temporary directory, listening on 127.0.0.1 only (and a Unix socket in that directory),
trust authentication for local connections. Run as root, the servers run as the
`postgres` system user. Used by the replica tests (tests/pg15) and the benchmark's
replica read path.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available(extension: str | None = None) -> str | None:
    """None when Debian's PostgreSQL 15 (and `extension`) are installed, else what is missing."""
    if not (PG_BIN / "initdb").exists():
        return f"Debian's PostgreSQL 15 ({PG_BIN}) is not installed"
    if extension and not Path(f"/usr/share/postgresql/15/extension/{extension}.control").exists():
        return f"the {extension} extension for PostgreSQL 15 is not installed"
    return None


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One server: a data directory, a loopback port, a log."""

    def __init__(self, root: Path, name: str):
        self.root = root
        self.data = root / name
        self.port = _free_port()
        self.log = root / f"{name}.log"
        self.started = False

    def _run(
        self, *args: str | int | os.PathLike[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr or result.stdout}")
        return result

    def settings(self) -> str:
        return (
            f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.root}'\n"
            "fsync = off\nshared_buffers = 32MB\nmax_connections = 40\n"
        )

    def init_primary(self) -> None:
        self._run(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(self.settings() + "wal_level = replica\nmax_wal_senders = 5\n")

    def init_standby_of(self, primary: Cluster) -> None:
        self._run(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", self.data, "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(self.settings() + "hot_standby = on\n")

    def start(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")
        self.started = True

    def stop(self) -> None:
        if self.started:
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)
            self.started = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self) -> sa.Engine:
        return sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def make_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="valuedash-pg15-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    os.chmod(root, 0o755)  # noqa: S103 - the servers run as their own system user
    return root


def remove_root(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def wait_for_replay(primary: sa.Engine, standby: sa.Engine, timeout: float = 60) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    with primary.connect() as conn:
        target = conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with standby.connect() as conn:
            caught_up = conn.execute(
                sa.text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"), {"lsn": target}
            ).scalar()
        if caught_up:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the standby did not replay up to {target} in {timeout} s")
