"""Durability: a killed import leaves the previous data intact; a killed app leaves no
orphan embedded server behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from valuemodel.data.importer import import_folder
from valuemodel.demo.portfolio import write_demo_csv

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_QUERIES = tuple(
    "SELECT * FROM " + table
    for table in (
        "products",
        "usage_events",
        "surveys",
        "costs",
        "rollup_user_day",
        "rollup_user_month",
    )
)


def _snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            query: sorted(tuple(map(str, row)) for row in conn.exec_driver_sql(query))
            for query in SNAPSHOT_QUERIES
        }


def test_an_import_killed_halfway_leaves_the_previous_data_intact(engine, tmp_path):
    small, large = tmp_path / "small", tmp_path / "large"
    write_demo_csv(small, events=6_000, end_month="2025-06")
    import_folder(engine, small)
    before = _snapshot(engine)
    write_demo_csv(large, events=200_000, end_month="2025-08", seed=99)

    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    process = subprocess.Popen(
        [sys.executable, "-m", "valuemodel", "import", str(large)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # wait until the write transaction is under way
        if line.startswith("Loading usage_events.csv"):
            break
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert process.returncode == -signal.SIGKILL

    deadline = time.monotonic() + 30
    while _snapshot(engine) != before and time.monotonic() < deadline:
        time.sleep(0.5)  # the server notices the dead client and rolls back
    assert _snapshot(engine) == before
    # Nothing is left locked: the same import now succeeds.
    result = import_folder(engine, large)
    assert result.rows["usage_events.csv"] > 150_000


def test_a_killed_app_leaves_no_orphan_embedded_server(tmp_path):
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VALUEDASH_DATA_DIR"] = str(data_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from valuemodel.data import db, schema; "
            "schema.ensure_schema(db.get_engine()); print('ready', flush=True); time.sleep(600)",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    pid_file = data_dir / "pgdata" / "postmaster.pid"
    assert pid_file.exists()  # the server outlived its only client
    orphan = int(pid_file.read_text().splitlines()[0])

    again = subprocess.run(
        [sys.executable, "-m", "valuemodel", "init"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    deadline = time.monotonic() + 30
    while _alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(orphan), "the embedded server was left running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
