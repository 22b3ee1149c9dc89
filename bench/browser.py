"""Real-browser measurements against `streamlit run app.py`: page visits, a scenario
slider rerun against a full page rerun and reload, the app's peak memory, first start.

Timing: from the action (key press, reload, navigation) until the server has sent
`script_finished` for a run that began after the action, the page shows no running
indicator and no stale element, and two animation frames have passed (charts drawn).
The websocket frames are decoded with Streamlit's own protobuf classes, so a fragment
run is told apart from a full run (`FINISHED_FRAGMENT_RUN_SUCCESSFULLY`).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import peak_memory_mb, resident_mb
from bench.server import StreamlitServer, default_page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SETTLED_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
FRAGMENT_DONE = 3  # ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
EARLY_FOR_RERUN = 2
# Streamlit 1.67 draws sliders with react-aria (an input type=range). Only the page's own
# sliders count: the sidebar's period selector is a select_slider too (a full rerun).
SLIDER_THUMBS = (
    '[data-testid="stMainBlockContainer"] [data-testid="stSlider"] '
    'input[type="range"]:not([disabled])'
)


@dataclass
class FrameLog:
    """Decoded Streamlit messages with the time they arrived."""

    starts: list[float] = field(default_factory=list)
    finishes: list[tuple[float, int]] = field(default_factory=list)

    def attach(self, page: object) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def on_frame(payload: object) -> None:
            if not isinstance(payload, bytes | bytearray):
                return
            now = time.perf_counter()
            msg = ForwardMsg()
            try:
                msg.ParseFromString(bytes(payload))
            except Exception:  # noqa: BLE001 - not a ForwardMsg: ignore
                return
            kind = msg.WhichOneof("type")
            if kind == "session_status_changed" and msg.session_status_changed.script_is_running:
                self.starts.append(now)
            elif kind == "script_finished":
                self.finishes.append((now, int(msg.script_finished)))

        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))  # type: ignore[attr-defined]

    def finished_after(self, t0: float) -> tuple[float, int] | None:
        for when, status in self.finishes:
            if when > t0 and status != EARLY_FOR_RERUN:
                return when, status
        return None

    def started_after(self, t0: float) -> float | None:
        return next((when for when in self.starts if when > t0), None)


@dataclass
class Timing:
    total: float  # action -> settled, seconds
    run: float | None  # script start -> script_finished, seconds (server side)
    fragment: bool


def settle(page: object, frames: FrameLog, t0: float, timeout: float = 300) -> Timing:
    """Wait until a run that began after t0 finished and the page settled."""
    deadline = time.perf_counter() + timeout
    while (done := frames.finished_after(t0)) is None:
        if time.perf_counter() > deadline:
            raise TimeoutError("no script_finished within the timeout")
        page.wait_for_timeout(5)  # type: ignore[attr-defined]
    page.wait_for_function(SETTLED_JS, timeout=timeout * 1000, polling=10)  # type: ignore[attr-defined]
    page.evaluate(TWO_FRAMES_JS)  # type: ignore[attr-defined]
    total = time.perf_counter() - t0
    started = frames.started_after(t0)
    run = None if started is None or started > done[0] else done[0] - started
    return Timing(total=total, run=run, fragment=done[1] == FRAGMENT_DONE)


def _launch(playwright: object) -> object:
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def _visit(page: object, frames: FrameLog, url: str) -> Timing:
    t0 = time.perf_counter()
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid='stApp']", timeout=120_000)  # type: ignore[attr-defined]
    return settle(page, frames, t0)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def measure_slider(
    page: object, frames: FrameLog, base: str, repeats: int, product: str
) -> dict[str, object]:
    """Scenario slider (fragment) rerun against a full rerun ('r') and a full reload, on
    the Scenarios page of one product (scenarios model one product at a time)."""
    _visit(page, frames, f"{base}/scenarios?product={product}")
    sliders = page.locator(SLIDER_THUMBS)  # type: ignore[attr-defined]
    with contextlib.suppress(Exception):  # absence is reported below
        sliders.first.wait_for(state="attached", timeout=5_000)
    if sliders.count() == 0:
        return {"status": "no slider on the Scenarios page yet (page not ready): not measured"}
    slider_times: list[Timing] = []
    for i in range(repeats):
        thumb = sliders.first
        thumb.focus()
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")  # type: ignore[attr-defined]
        slider_times.append(settle(page, frames, t0, timeout=120))
    rerun_times: list[Timing] = []
    for _ in range(repeats):
        page.evaluate("() => document.activeElement && document.activeElement.blur()")  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        page.keyboard.press("r")  # type: ignore[attr-defined]
        try:
            rerun_times.append(settle(page, frames, t0, timeout=30))
        except TimeoutError:
            break
    reload_times: list[Timing] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        page.reload()  # type: ignore[attr-defined]
        page.wait_for_selector("[data-testid='stApp']", timeout=120_000)  # type: ignore[attr-defined]
        reload_times.append(settle(page, frames, t0))
    fragments = sum(t.fragment for t in slider_times)
    return {
        "status": "ok",
        "sliders": sliders.count(),
        "slider_label": sliders.first.get_attribute("aria-label"),
        "repeats": repeats,
        "slider_s": _median([t.total for t in slider_times]),
        "slider_run_s": _median([t.run for t in slider_times if t.run is not None]),
        "slider_fragment_runs": f"{fragments}/{len(slider_times)}",
        "rerun_s": _median([t.total for t in rerun_times]),
        "rerun_run_s": _median([t.run for t in rerun_times if t.run is not None]),
        "reload_s": _median([t.total for t in reload_times]),
        "reload_run_s": _median([t.run for t in reload_times if t.run is not None]),
    }


def browse(
    database_url: str, pages: list[str], product: str, log_dir: Path, repeats: int = 5
) -> dict[str, object]:
    """Visit every page for the portfolio and for `product`, measure the slider, and read
    the app process's peak memory."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return {"status": f"{CHROMIUM} is missing: browser measurements skipped"}
    env = {**os.environ, "DATABASE_URL": database_url}
    server = StreamlitServer(env, log_dir / "streamlit.log")
    result: dict[str, Any] = {"status": "ok", "visits": {}}
    try:
        server.wait_healthy()
        result["idle_mb"] = resident_mb(server.pid)
        with sync_playwright() as playwright:
            browser = _launch(playwright)
            context = browser.new_context(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
            page = context.new_page()
            frames = FrameLog()
            frames.attach(page)
            visits: dict[str, float] = {}
            root = default_page()
            for query, label in (("", "portfolio"), (f"?product={product}", product)):
                for slug in pages:
                    path = "" if slug == root else slug
                    try:
                        visits[f"{slug} ({label})"] = _visit(
                            page, frames, f"{server.url}/{path}{query}"
                        ).total
                    except Exception as exc:  # noqa: BLE001 - recorded, not fatal
                        visits[f"{slug} ({label})"] = float("nan")
                        result.setdefault("errors", []).append(f"{slug} ({label}): {exc}")
            result["visits"] = visits
            result["peak_after_visits_mb"] = peak_memory_mb(server.pid)
            try:
                result["slider"] = measure_slider(page, frames, server.url, repeats, product)
            except Exception as exc:  # noqa: BLE001 - recorded, not fatal
                result["slider"] = {"status": f"failed: {type(exc).__name__}: {exc}"}
            result["peak_mb"] = peak_memory_mb(server.pid)
            result["rss_end_mb"] = resident_mb(server.pid)
            context.close()
            browser.close()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - recorded, not fatal
        result["status"] = f"failed: {type(exc).__name__}: {exc}"
    finally:
        server.stop()
    return result


def first_start(data_dir: Path, events: int, log_dir: Path) -> dict[str, object]:
    """A first start on an empty data folder (embedded server, demo generated and loaded,
    progress shown), then a second start reusing the data."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return {"status": f"{CHROMIUM} is missing: skipped"}
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"VALUEDASH_DATA_DIR": str(data_dir), "VALUEDASH_DEMO_EVENTS": str(events)})
    result: dict[str, object] = {"status": "ok", "events": events}
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            for run in ("first", "second"):
                server = StreamlitServer(env, log_dir / f"streamlit-{run}-start.log")
                try:
                    t0 = server.started
                    server.wait_healthy()
                    page = browser.new_page()  # type: ignore[attr-defined]
                    frames = FrameLog()
                    frames.attach(page)
                    page.goto(server.url)
                    seen: list[str] = []
                    deadline = time.perf_counter() + 900
                    while frames.finished_after(t0) is None:
                        if time.perf_counter() > deadline:
                            raise TimeoutError("the app did not finish its first run")
                        text = page.evaluate("() => document.body.innerText")
                        for line in str(text).splitlines():
                            line = line.strip()
                            if line and line not in seen and any(
                                w in line for w in ("Simulating", "Writing", "Validating",
                                                    "Loading", "Refreshing", "First start")
                            ):  # fmt: skip
                                seen.append(line)
                        page.wait_for_timeout(250)
                    settle(page, frames, t0)
                    result[f"{run}_s"] = time.perf_counter() - t0
                    if run == "first":
                        result["progress_lines"] = seen
                    page.close()
                finally:
                    server.stop()
        except Exception as exc:  # noqa: BLE001 - recorded, not fatal
            result["status"] = f"failed: {type(exc).__name__}: {exc}"
        finally:
            browser.close()  # type: ignore[attr-defined]
    return result
