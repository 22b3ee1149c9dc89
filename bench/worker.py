"""Heavy benchmark phases, one per child process, so each one's peak memory is its own.

    python -m bench.worker gen DIR EVENTS [PEOPLE]
    python -m bench.worker split DIR            (plan the import parts; see split_for_import)
    python -m bench.worker validate PARTS_JSON
    python -m bench.worker copy URL CSV
    python -m bench.worker import URL PARTS_JSON
    python -m bench.worker naive URL FIRST LAST

Each prints one JSON object on its last line of stdout (timings in seconds, peak memory
in MB as VmHWM of this process).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import importphases
from bench.machine import peak_memory_mb
from valuemodel.data import queries

EVENTS_FILE = "usage_events.csv"


def _emit(result: dict[str, object]) -> None:
    result["peak_mb"] = peak_memory_mb()
    print(json.dumps(result, default=str), flush=True)


# ---------------------------------------------------------------- generation


def cmd_gen(folder: str, events: str, people: str = "") -> None:
    from valuemodel.demo.portfolio import write_demo_csv

    started = time.perf_counter()
    rows = write_demo_csv(Path(folder), events=int(events), people=int(people) if people else None)
    seconds = time.perf_counter() - started
    users = _distinct_users(Path(folder) / EVENTS_FILE)
    _emit({"seconds": seconds, "rows": rows, "events": rows[EVENTS_FILE], **users})


def _distinct_users(path: Path) -> dict[str, int]:
    """People who used any product, and active user-months (product, user, month)."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            include_columns=["product_id", "user_id", "occurred_at"],
            column_types={"occurred_at": "string"},
        ),
    )
    months = pc.utf8_slice_codeunits(table["occurred_at"], 0, 7)
    user_months = table.select(["product_id", "user_id"]).append_column("month", months)
    return {
        "users": len(pc.unique(table["user_id"])),
        "user_months": user_months.group_by(["product_id", "user_id", "month"])
        .aggregate([])
        .num_rows,
    }


# ---------------------------------------------------------------- import parts


def split_for_import(folder: Path, limit: int) -> list[Path]:
    """The folders to import in order: `folder` itself when usage_events.csv fits the
    importer's size limit, else parts cut at month boundaries (the first part holds every
    other file too), so each import rebuilds the rollups of its own months only."""
    events = folder / EVENTS_FILE
    if limit <= 0 or events.stat().st_size <= limit:
        return [folder]
    target = int(limit * 0.9)
    root = folder.parent / f"{folder.name}-parts"
    shutil.rmtree(root, ignore_errors=True)
    parts: list[Path] = []
    with events.open("rb") as source:
        header = source.readline()
        out = None
        size = 0
        month = b""
        for line in source:
            this_month = line.split(b",", 3)[2][:7]
            if out is None or (size >= target and this_month != month):
                if out is not None:
                    out.close()
                part = root / f"part{len(parts):02d}"
                part.mkdir(parents=True)
                parts.append(part)
                out = part.joinpath(EVENTS_FILE).open("wb")
                out.write(header)
                size = len(header)
            out.write(line)
            size += len(line)
            month = this_month
        if out is not None:
            out.close()
    for other in folder.iterdir():
        if other.name != EVENTS_FILE and other.suffix == ".csv":
            shutil.copy(other, parts[0] / other.name)
    return parts


def cmd_split(folder: str) -> None:
    from valuemodel.data.importer import MAX_UPLOAD_BYTES

    started = time.perf_counter()
    # The importer streams usage_events.csv in chunks (memory does not grow with it), so
    # a folder of any size is one import; the upload cap applies to uploads only.
    parts = split_for_import(Path(folder), 0)
    _emit(
        {
            "seconds": time.perf_counter() - started,
            "parts": [str(p) for p in parts],
            "limit_bytes": MAX_UPLOAD_BYTES,
        }
    )


def _events_in(folder: Path) -> int:
    path = folder / EVENTS_FILE
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(2**24), b"")) - 1


# ---------------------------------------------------------------- validation


def cmd_validate(parts_json: str) -> None:
    """Time csvcheck.validate alone (reading the files excluded), part by part."""
    import pandas as pd

    from valuemodel.core.csvcheck import StoredKeys, validate
    from valuemodel.data.importer import read_folder

    parts = [Path(p) for p in json.loads(parts_json)]
    read_s = 0.0
    validate_s = 0.0
    problems = 0
    stored = StoredKeys()
    for part in parts:
        started = time.perf_counter()
        contents = read_folder(part)
        read_s += time.perf_counter() - started
        started = time.perf_counter()
        checked = validate(contents, stored)
        validate_s += time.perf_counter() - started
        problems += checked.problem_count
        if "products.csv" in contents:
            ids = pd.read_csv(part / "products.csv", dtype=str)["product_id"]
            stored = StoredKeys(products=frozenset(ids))
        del contents, checked
    _emit({"read_seconds": read_s, "validate_seconds": validate_s, "problems": problems})


# ---------------------------------------------------------------- plain COPY


def cmd_copy(url: str, csv_path: str) -> None:
    """COPY the events CSV into an unindexed table with typed columns: the ceiling."""
    import psycopg

    from valuemodel.data.db import normalize_url

    dsn = normalize_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True, options="-c timezone=UTC") as conn:
        conn.execute(queries.sql("bench_copy_drop"))
        conn.execute(queries.sql("bench_copy_create"))
        conn.execute(queries.sql("bench_checkpoint"))
        started = time.perf_counter()
        with (
            conn.transaction(),
            conn.cursor() as cursor,
            cursor.copy(queries.sql("bench_copy")) as copy,
            open(csv_path, "rb") as source,
        ):
            for chunk in iter(lambda: source.read(8 * 2**20), b""):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        rows = conn.execute(queries.sql("bench_copy_count")).fetchone()[0]  # type: ignore[index]
        conn.execute(queries.sql("bench_copy_drop"))
        conn.execute(queries.sql("bench_checkpoint"))
    _emit({"seconds": seconds, "rows": rows})


# ---------------------------------------------------------------- import


def cmd_import(url: str, parts_json: str) -> None:
    """import_folder over each part; phases from the importer's own progress messages."""
    from valuemodel.data.db import create_engine_for
    from valuemodel.data.importer import import_folder

    engine = create_engine_for(url)
    parts = [Path(p) for p in json.loads(parts_json)]
    phases = {"prepare": 0.0, "validate": 0.0, "load": 0.0, "load_events": 0.0, "rollups": 0.0}
    import_phases: dict[str, float] = {}  # the importer's own timings (bench/importphases.py)
    total = 0.0
    rows = 0
    events = 0
    for part in parts:
        marks: list[tuple[float, str]] = []

        def mark(message: str, marks: list[tuple[float, str]] = marks) -> None:
            marks.append((time.perf_counter(), message))

        started = time.perf_counter()
        result = import_folder(engine, part, progress=mark)
        ended = time.perf_counter()
        importphases.merge(import_phases, result.phases)
        total += ended - started
        rows += result.total_rows
        events += result.rows.get(EVENTS_FILE, 0)
        # Messages: "Validating...", "Loading <file> (...)..." per file, "Refreshing rollups...".
        times = [started] + [t for t, _ in marks] + [ended]
        labels = ["prepare"] + [m for _, m in marks]
        for i, label in enumerate(labels):
            span = times[i + 1] - times[i]
            if label == "prepare":
                phases["prepare"] += span
            elif label.startswith("Validating"):
                phases["validate"] += span
            elif label.startswith("Loading"):
                phases["load"] += span
                if EVENTS_FILE in label:
                    phases["load_events"] += span
            elif label.startswith("Refreshing"):
                phases["rollups"] += span
    engine.dispose()
    _emit(
        {
            "seconds": total,
            "rows": rows,
            "events": events,
            "parts": len(parts),
            "phases": phases,
            "import_phases": import_phases,
        }
    )


# ---------------------------------------------------------------- naive


def cmd_naive(url: str, first: str, last: str) -> None:
    """The portfolio buyer figures the naive way: every event into pandas, then aggregate."""
    import numpy as np
    import pandas as pd

    from valuemodel.data.db import create_engine_for

    engine = create_engine_for(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        events = pd.read_sql(queries.q("bench_naive_events"), conn)
        baselines = pd.read_sql(queries.q("bench_naive_baselines"), conn)
        costs = pd.read_sql(queries.q("bench_naive_costs"), conn)
        assumptions = pd.read_sql(queries.q("bench_naive_assumptions"), conn)
    read_s = time.perf_counter() - started
    peak_after_read = peak_memory_mb()

    started = time.perf_counter()
    hourly = float(
        dict(zip(assumptions["key"], assumptions["value"], strict=True)).get(
            "loaded_hourly_cost", 100
        )
    )
    lo, hi = np.datetime64(first, "M"), np.datetime64(last, "M")
    at = pd.to_datetime(events["occurred_at"], utc=True).dt.tz_localize(None)
    month = at.to_numpy().astype("datetime64[M]")
    done = (month >= lo) & (month <= hi) & ~(events["succeeded"] == False).to_numpy()  # noqa: E712
    tasks = (
        events.loc[done]
        .groupby(["product_id", "action"], observed=True)
        .size()
        .rename("tasks_done")
        .reset_index()
        .merge(baselines, on=["product_id", "action"])
    )
    hours = tasks["tasks_done"] * tasks["minutes_saved"] / 60.0
    risk = float((hours * hourly * tasks["confidence"]).sum())
    cost_month = pd.to_datetime(costs["month"]).to_numpy().astype("datetime64[M]")
    cost = float(costs.loc[(cost_month >= lo) & (cost_month <= hi), "amount"].astype(float).sum())
    figures = {
        "tasks_done": int(tasks["tasks_done"].sum()),
        "hours_saved": float(hours.sum()),
        "gross_savings": float(hours.sum() * hourly),
        "risk_adjusted_savings": risk,
        "cost": cost,
        "net_value": risk - cost,
    }
    aggregate_s = time.perf_counter() - started
    engine.dispose()
    _emit(
        {
            "read_seconds": read_s,
            "aggregate_seconds": aggregate_s,
            "seconds": read_s + aggregate_s,
            "rows": len(events),
            "figures": figures,
            "peak_after_read_mb": peak_after_read,
        }
    )


COMMANDS: dict[str, Callable[..., None]] = {
    "gen": cmd_gen,
    "split": cmd_split,
    "validate": cmd_validate,
    "copy": cmd_copy,
    "import": cmd_import,
    "naive": cmd_naive,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    COMMANDS[argv[0]](*argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
