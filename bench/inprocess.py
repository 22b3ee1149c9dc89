"""In-process measurements: the report, each page's AppTest run, and the data each page
loads (the `dashboard.data` calls a page makes, recorded during its AppTest run and
replayed cold and warm).

cold   = a fresh engine (new connections) and empty Streamlit caches; PostgreSQL's
         shared buffers and the OS page cache are not dropped (the server keeps running).
warm   = the same calls again on the same engine, caches emptied again (query cost).
cached = the same calls again with Streamlit's cache filled (what a page rerun pays).
Every figure is the median of `repeats` runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bench.server import ROOT, app_pages

APP = str(ROOT / "app.py")
# The portfolio's data calls of every page, as recorded by the last measure_pages (the
# replica read path replays them against a primary and a standby).
RECORDED_CALLS: list[tuple[str, tuple, tuple]] = []


def _quiet_streamlit() -> None:
    for name in ("streamlit", "streamlit.runtime.caching", "streamlit.runtime.scriptrunner_utils"):
        logging.getLogger(name).setLevel(logging.ERROR)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def median_time(fn: Callable[[], object], repeats: int, before: Callable[[], None]) -> float:
    times = []
    for _ in range(repeats):
        before()
        times.append(timed(fn)[0])
    return statistics.median(times)


def point_app_at(database_url: str) -> None:
    """DATABASE_URL for the app's engine, a fresh engine, empty Streamlit caches."""
    import streamlit as st

    from valuemodel.data import db

    os.environ["DATABASE_URL"] = database_url
    db.reset_engine()
    st.cache_data.clear()


def fresh() -> None:
    import streamlit as st

    from valuemodel.data import db

    db.reset_engine()
    st.cache_data.clear()


def clear_cache() -> None:
    import streamlit as st

    st.cache_data.clear()


# ---------------------------------------------------------------- report


def measure_report(repeats: int, product: str) -> dict[str, object]:
    """`build_report` over the default period, for the portfolio and for one product."""
    from valuemodel.core.months import default_period
    from valuemodel.data import db, store
    from valuemodel.data.report import build_report
    from valuemodel.present.report_json import buyer_json

    engine = db.get_engine()
    period = default_period(store.fetch_data_months(engine), dt.datetime.now(dt.UTC).date())
    out: dict[str, object] = {"period": [period.first, period.last]}
    for label, pid in (("portfolio", None), (product, product)):

        def call(pid: str | None = pid) -> object:
            return build_report(db.get_engine(), period, pid)

        cold = median_time(call, repeats, db.reset_engine)
        warm = median_time(call, repeats, lambda: None)
        out[label] = {"cold_s": cold, "warm_s": warm}
    portfolio = build_report(db.get_engine(), period, None).portfolio
    out["portfolio_figures"] = buyer_json(portfolio.buyer)
    return out


# ---------------------------------------------------------------- pages


@dataclass
class PageRun:
    status: str = "ok"
    cold_s: float | None = None
    warm_s: float | None = None
    calls: list[tuple[str, tuple, tuple]] = field(default_factory=list)


def _cached_functions() -> dict[str, object]:
    from streamlit.runtime.caching.cache_utils import CachedFunc

    from dashboard import data

    return {name: fn for name, fn in vars(data).items() if isinstance(fn, CachedFunc)}


class _Failures(logging.Handler):
    """Collects the exceptions Streamlit and the app log (the screen shows them redacted)."""

    LOGGERS = ("streamlit.error_util", "valuedash")

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            self.seen.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:150]}")

    def __enter__(self) -> _Failures:
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)


def _page_status(at: object, failures: list[str]) -> str:
    detail = f" ({failures[0]})" if failures else ""
    if at.exception:  # type: ignore[attr-defined]
        return "uncaught exception" + detail
    if len(at.error):  # type: ignore[attr-defined]
        return f"error shown: {str(at.error[0].value)[:100]}" + detail  # type: ignore[attr-defined]
    if failures:
        return "failure logged" + detail
    for info in at.info:  # type: ignore[attr-defined]
        if "being built" in str(info.value):
            return "placeholder (page being built)"
    return "ok"


def run_page(page: str, timeout: float, product: str | None = None) -> PageRun:
    """AppTest of one page for the portfolio, cold then warm, recording its data calls.

    AppTest needs a first run of the app (Home) before `switch_page` (before it, the
    page folder may be taken for a v1 multipage app and the page runs without the frame);
    caches are emptied and the engine renewed after that run, so the page's run is cold.
    warm = the same page rerun (its data cached), the best of two.
    """
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    originals = _cached_functions()
    calls: list[tuple[str, tuple, tuple]] = []

    def recorder(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            key = (name, args, tuple(sorted(kwargs.items())))
            if key not in calls:
                calls.append(key)
            return fn(*args, **kwargs)

        return wrapper

    result = PageRun()
    at = AppTest.from_file(APP, default_timeout=timeout)
    if product is not None:
        at.query_params["product"] = product  # the link decides the first run's product
    try:
        at.run()
        fresh()
        at.switch_page(app_pages()[page])
        for name, fn in originals.items():
            setattr(data, name, recorder(name, fn))  # type: ignore[arg-type]
        with _Failures() as failures:
            result.cold_s = timed(at.run)[0]
        result.status = _page_status(at, failures.seen)
    except Exception as exc:  # noqa: BLE001 - a failing page is reported, not fatal
        result.status = f"failed: {type(exc).__name__}: {str(exc)[:120]}"
    finally:
        for name, fn in originals.items():
            setattr(data, name, fn)
    result.calls = calls
    try:
        result.warm_s = min(timed(at.run)[0] for _ in range(2))
    except Exception as exc:  # noqa: BLE001
        result.status += f"; warm run failed: {type(exc).__name__}"
    return result


def replay(calls: list[tuple[str, tuple, tuple]]) -> None:
    functions = _cached_functions()
    for name, args, kwargs in calls:
        functions[name](*args, **dict(kwargs))  # type: ignore[operator]


def _slowest(calls: list[tuple[str, tuple, tuple]], keep: int = 6) -> dict[str, object]:
    """Each call timed alone on a fresh engine with empty caches: where the time goes."""
    times: list[tuple[float, str, float | None]] = []
    for call in calls:
        fresh()
        label = f"{call[0]}{call[1]!r}"
        try:
            seconds = timed(partial(replay, [call]))[0]
        except Exception as exc:  # noqa: BLE001 - a failing call is listed as such
            times.append((float("inf"), f"{label} failed: {type(exc).__name__}", None))
            continue
        times.append((seconds, label, seconds))
    times.sort(reverse=True)
    return {"calls": [{"call": c, "cold_s": t} for _, c, t in times[:keep]]}


def measure_data_loads(
    calls_by_page: dict[str, list[tuple[str, tuple, tuple]]],
    repeats: int,
) -> dict[str, dict[str, object]]:
    """Each page's recorded data calls replayed: cold, warm and cached."""
    out: dict[str, dict[str, object]] = {}
    union: list[tuple[str, tuple, tuple]] = []
    for label, calls in calls_by_page.items():
        if label not in app_pages():  # a product's run: not part of the portfolio load
            continue
        for call in calls:
            if call not in union:
                union.append(call)
    RECORDED_CALLS[:] = union
    out["slowest calls (cold)"] = _slowest(union)
    for label, calls in [*calls_by_page.items(), ("all pages", union)]:
        if not calls:
            out[label] = {"calls": 0}
            continue
        try:
            out[label] = {
                "calls": len(calls),
                "functions": sorted({name for name, _, _ in calls}),
                "cold_s": median_time(partial(replay, calls), repeats, fresh),
                "warm_s": median_time(partial(replay, calls), repeats, clear_cache),
                "cached_s": median_time(partial(replay, calls), repeats, lambda: None),
            }
        except Exception as exc:  # noqa: BLE001
            out[label] = {"calls": len(calls), "error": f"{type(exc).__name__}: {exc}"}
    return out


def measure_pages(timeout: float, repeats: int, product: str) -> dict[str, object]:
    _quiet_streamlit()
    run_page(next(iter(app_pages())), timeout)  # warm-up: imports are not a page's cost
    runs = {page: run_page(page, timeout) for page in app_pages()}
    # Scenarios model one product at a time: its sliders only show with a product chosen.
    runs[f"scenarios ({product})"] = run_page("scenarios", timeout, product)
    loads = measure_data_loads({p: r.calls for p, r in runs.items()}, repeats)
    return {
        "apptest": {
            p: {"status": r.status, "cold_s": r.cold_s, "warm_s": r.warm_s} for p, r in runs.items()
        },
        "data_loads": loads,
    }
