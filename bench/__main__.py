"""`python -m bench` (or `--quick`): see bench/__init__.py."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import render
from bench.machine import describe
from bench.server import ROOT, Scratch, app_pages, run_worker

QUICK_EVENTS = 50_000
DEFAULT_PEOPLE = (5_000, 50_000)
PRODUCT = "ci"
NAIVE_MAX_EVENTS = 10_500_000  # above this the naive read would need about 8 GB and more


@dataclass(frozen=True)
class Size:
    """One workload: `events` usage events, with `people` in the directory when given
    (events then grow with people: 300 each), else the demo's 5,000 or fewer."""

    events: int
    people: int | None = None

    @property
    def key(self) -> str:
        return f"{self.people}p" if self.people else str(self.events)

    @property
    def label(self) -> str:
        if self.people:
            return f"{self.people:,} people, {self.events:,} events"
        return f"{self.events:,} events"


def _log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _attempt(label: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one measurement; a failure is recorded as {'error': ...}, never fatal."""
    _log(label + "...")
    started = time.perf_counter()
    try:
        value = fn()
    except Exception as exc:  # noqa: BLE001 - the bench reports failures, it does not crash
        traceback.print_exc(file=sys.stderr)
        value = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    _log(f"{label}: done in {time.perf_counter() - started:.1f} s")
    return value


def _load() -> list[float]:
    """The 1, 5 and 15 minute load averages: the machine is shared, timings are noisy."""
    return [round(x, 2) for x in os.getloadavg()]


def compare_figures(report: dict[str, Any], naive: dict[str, Any]) -> dict[str, object]:
    """Does the naive computation give the report's portfolio money figures (to the cent)?"""
    keys = ("hours_saved", "gross_savings", "risk_adjusted_savings", "cost", "net_value")
    diffs = {}
    for key in keys:
        a, b = report.get(key), naive.get(key)
        diffs[key] = None if a is None or b is None else round(float(b) - float(a), 4)
    same = all(d is not None and abs(d) <= 0.01 for d in diffs.values())
    return {"same": same, "differences": diffs}


def run_size(size: Size, args: argparse.Namespace, *, replica: bool) -> dict[str, object]:
    from bench import inprocess

    events = size.events
    out: dict[str, object] = {
        "events_requested": events,
        "people": size.people,
        "label": size.label,
        "load_before": _load(),
    }
    scratch = Scratch(size.key)
    try:
        url = scratch.start_server()
        out["postgresql"] = scratch.postgres_version()
        out["generate"] = gen = _attempt(
            f"{size.label}: generating the demo portfolio",
            lambda: run_worker("gen", str(scratch.csv_dir), str(events), str(size.people or "")),
        )
        if "error" in gen:
            return out
        out["split"] = split = _attempt(
            f"{events:,}: planning import parts", lambda: run_worker("split", str(scratch.csv_dir))
        )
        parts = json.dumps(split.get("parts", [str(scratch.csv_dir)]))
        out["validate"] = _attempt(
            f"{events:,}: csvcheck.validate alone", lambda: run_worker("validate", parts)
        )
        out["copy"] = _attempt(
            f"{events:,}: plain COPY into an unindexed typed table",
            lambda: run_worker("copy", url, str(scratch.csv_dir / "usage_events.csv")),
        )
        out["import"] = imported = _attempt(
            f"{events:,}: import_folder", lambda: run_worker("import", url, parts)
        )
        if "error" in imported:
            return out
        if not replica:
            for folder in {scratch.csv_dir, *map(Path, json.loads(parts))}:
                render.remove_tree(folder)  # free the disk before the reads

        inprocess.point_app_at(url)
        out["report"] = rep = _attempt(
            f"{events:,}: report (portfolio and {PRODUCT}), cold and warm",
            lambda: inprocess.measure_report(args.repeats, PRODUCT),
        )
        out["pages"] = _attempt(
            f"{events:,}: AppTest of every page and the data each page loads",
            lambda: inprocess.measure_pages(args.apptest_timeout, args.repeats, PRODUCT),
        )
        if replica:
            from bench import replica as replica_path

            out["replica"] = _attempt(
                f"{events:,}: replica read path (PostgreSQL 15 primary and streaming standby)",
                lambda: replica_path.measure(parts, list(inprocess.RECORDED_CALLS), args.repeats),
            )
            for folder in {scratch.csv_dir, *map(Path, json.loads(parts))}:
                render.remove_tree(folder)
            inprocess.point_app_at(url)
        if "period" in rep and events > args.naive_max_events:
            out["naive"] = {
                "skipped": f"not run above {args.naive_max_events:,} events (it would read "
                f"every event into pandas: about {events * 700 / 1e9:,.0f} GB)"
            }
        elif "period" in rep:
            first, last = rep["period"]
            out["naive"] = naive = _attempt(
                f"{events:,}: naive (every event read with pandas.read_sql)",
                lambda: run_worker("naive", url, first, last),
            )
            if "figures" in naive:
                out["naive"]["check"] = compare_figures(  # type: ignore[index]
                    rep["portfolio_figures"],
                    naive["figures"],
                )
        if not args.no_browser:
            from bench import browser

            out["browser"] = _attempt(
                f"{events:,}: browser (pages, scenario slider, app memory)",
                lambda: browser.browse(
                    url, list(app_pages()), PRODUCT, scratch.root, args.browser_repeats
                ),
            )
    finally:
        out["load_after"] = _load()
        try:
            from bench import inprocess as _inprocess

            _inprocess.fresh()
        except Exception:  # noqa: BLE001, S110 - cleanup only
            pass
        scratch.close()
    return out


def run_first_start(events: int) -> dict[str, object]:
    from bench import browser

    scratch = Scratch("first-start")
    try:
        return browser.first_start(scratch.root / "server", events, scratch.root)
    finally:
        scratch.close()


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if part:
            value = int(float(part))
            if value < 5_000:
                raise argparse.ArgumentTypeError(f"{part}: at least 5,000 events")
            sizes.append(value)
    if not sizes:
        raise argparse.ArgumentTypeError("give at least one size")
    return sorted(set(sizes))


def parse_people(text: str) -> list[int]:
    people = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if part:
            value = int(float(part))
            if value < 100:
                raise argparse.ArgumentTypeError(f"{part}: at least 100 people")
            people.append(value)
    if not people:
        raise argparse.ArgumentTypeError("give at least one size")
    return sorted(set(people))


def sizes_of(args: argparse.Namespace) -> list[Size]:
    from valuemodel.demo.portfolio import events_for_people

    if args.events:
        return [Size(events) for events in args.events]
    return [Size(events_for_people(p), p) for p in (args.people or DEFAULT_PEOPLE)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the dashboard at several event counts, on fresh embedded "
        "databases, against plain COPY and the naive pandas approach.",
    )
    parser.add_argument(
        "--people", type=parse_people, default=None,
        help="comma-separated company sizes in people, events growing with them (300 per "
        "person: 5,000 people make 1,500,000 events); default "
        + ",".join(str(p) for p in DEFAULT_PEOPLE),
    )  # fmt: skip
    parser.add_argument(
        "--events", type=parse_sizes, default=None,
        help="comma-separated event counts with the demo's fixed 5,000 people, instead of "
        "--people",
    )  # fmt: skip
    parser.add_argument(
        "--no-replica", action="store_true",
        help="skip the replica read path (Debian's PostgreSQL 15 primary and standby)",
    )  # fmt: skip
    parser.add_argument(
        "--naive-max-events", type=int, default=NAIVE_MAX_EVENTS,
        help=f"skip the naive pandas read above this many events (default {NAIVE_MAX_EVENTS:,})",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true",
        help=f"a smoke run: {QUICK_EVENTS:,} events, one repeat, no first-start run",
    )  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3, help="repeats per timing (median)")
    parser.add_argument(
        "--browser-repeats", type=int, default=5, help="slider moves, reruns and reloads timed"
    )
    parser.add_argument(
        "--apptest-timeout", type=float, default=300, help="seconds allowed per AppTest run"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the browser parts")
    parser.add_argument(
        "--first-start", type=int, default=None, metavar="EVENTS",
        help="also time a first start of `streamlit run` on an empty data folder with this "
        "many demo events, then a second start (default: 1000000 unless --quick)",
    )  # fmt: skip
    parser.add_argument("--no-first-start", action="store_true", help="skip the first-start run")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results", help="where results are written"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.quick:
        args.events = [QUICK_EVENTS]
        args.people = None
        args.repeats = 1
        args.browser_repeats = 2
    first_start_events = args.first_start
    if first_start_events is None and not args.quick:
        first_start_events = 1_000_000
    if args.no_first_start or args.no_browser:
        first_start_events = None

    results: dict[str, Any] = {
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": describe(),
        "sizes": {},
    }
    started = time.perf_counter()
    for i, size in enumerate(sizes_of(args)):
        replica = i == 0 and not args.no_replica
        results["sizes"][size.key] = run_size(size, args, replica=replica)
        versions = [s.get("postgresql") for s in results["sizes"].values()]
        results["machine"]["postgresql"] = next((v for v in versions if v), None)
    if first_start_events:
        results["first_start"] = _attempt(
            f"first start with {first_start_events:,} demo events",
            lambda: run_first_start(first_start_events),
        )
    results["seconds"] = time.perf_counter() - started
    results["targets"] = render.targets(results)

    text = render.markdown(results)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    label = "quick" if args.quick else "-".join(s.key for s in sizes_of(args))
    for name in (f"{stamp}-{label}", "latest"):
        (args.out / f"{name}.md").write_text(text + "\n")
        (args.out / f"{name}.json").write_text(
            json.dumps(results, indent=2, default=_json_default) + "\n"
        )
    _log(f"results written to {args.out}/{stamp}-{label}.md and .json (and latest.*)")
    return 0


def _json_default(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


if __name__ == "__main__":
    raise SystemExit(main())
