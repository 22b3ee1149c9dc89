"""A real browser against `streamlit run`: Debian's Chromium driven by Playwright.

Browser tests skip with a reason when Chromium is missing, except under CI=true, where a
missing browser fails the run. Screenshots go outside the repository.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(
    os.environ.get("VALUEDASH_SCREENSHOTS", Path(tempfile.gettempdir()) / "valuedash-screenshots")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="session")
def app_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port, reading the demo database."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "DATABASE_URL": demo_url}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.headless", "true",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: object, name: str) -> Path:
    """Save a full-page PNG outside the repository; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


# Streamlit marks its root with the script's state; 'notRunning' once a run has finished.
SCRIPT_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Every chart inside the viewport has drawn its marks (Vega draws charts lazily, so
# charts below the fold are left out until they are scrolled or sized into view).
CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter(c => { const r = c.getBoundingClientRect();
                   return r.bottom > 0 && r.top < window.innerHeight; })
    .every(c => { const m = c.querySelector('canvas.marks, svg.marks');
                  return m && m.getBoundingClientRect().width > 0; })"""


def wait_for_app(page: object, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script and the charts in view are
    drawn: events, not a fixed pause."""
    page.wait_for_selector(SCRIPT_IDLE, timeout=timeout)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout,
    )
    wait_for_charts(page, timeout)


def wait_for_charts(page: object, timeout: float = 30_000) -> None:
    """Wait until every chart inside the viewport has drawn."""
    page.wait_for_function(CHARTS_DRAWN, timeout=timeout)  # type: ignore[attr-defined]


def canvas_of(chart: object) -> str:
    """The drawn pixels of a chart (its canvas as a data URL, or its SVG markup)."""
    return str(
        chart.evaluate(  # type: ignore[attr-defined]
            "c => { const k = c.querySelector('canvas');"
            " return k ? k.toDataURL() : (c.querySelector('svg') || c).outerHTML; }"
        )
    )


def wait_for_redraw(chart: object, before: str, timeout: float = 30_000) -> None:
    """Wait until `chart` shows other pixels than `before` (see canvas_of)."""
    chart.page.wait_for_function(  # type: ignore[attr-defined]
        "([c, old]) => { const k = c.querySelector('canvas');"
        " const now = k ? k.toDataURL() : (c.querySelector('svg') || c).outerHTML;"
        " return now !== old; }",
        arg=[chart.element_handle(), before],  # type: ignore[attr-defined]
        timeout=timeout,
    )


def choose(page, picker, name: str) -> None:
    """Pick `name` in a selectbox; a rerun that lands between the click and the list
    closes the list, so open it again once the script is idle."""
    for _ in range(3):
        picker.click()
        option = page.get_by_role("option", name=name)
        try:
            option.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            wait_for_app(page)
            continue
        option.click()
        return
    raise AssertionError(f"the selectbox never offered {name!r}")
