"""The one-page brief: a valid single-page PDF carrying the report's headline figures."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from valuemodel.core.months import Period
from valuemodel.data.report import build_report
from valuemodel.present.formats import money, percent

ROOT = Path(__file__).resolve().parents[2]
PERIOD = Period("2025-01", "2025-12")


def _brief(demo_url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "valuemodel", "brief", "--from", PERIOD.first,
            "--to", PERIOD.last, "--out", str(out), *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": demo_url},
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip


@pytest.mark.parametrize("product_id", [None, "ci"])
def test_the_brief_is_one_page_with_the_reports_headline_figures(
    demo_url, demo_engine, tmp_path, product_id
):
    out = tmp_path / "brief.pdf"
    done = _brief(demo_url, out, *(["--product", product_id] if product_id else []))
    assert done.returncode == 0, done.stderr
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    report = build_report(demo_engine, PERIOD, product_id)
    buyer = report.buyer_of(product_id)
    currency = report.currency
    for figure in (
        money(buyer.net_value, currency),
        money(buyer.cost, currency),
        money(buyer.risk_adjusted_savings, currency),
        percent(buyer.roi, 0),
    ):
        assert figure in text, f"{figure} missing from the brief"
    if product_id:
        assert percent(report.products[0].user.adoption) in text
    assert "Top assumptions" in text and "Risk-adjusted savings =" in text


def test_the_brief_as_png_is_an_image(demo_url, tmp_path):
    out = tmp_path / "brief.png"
    done = _brief(demo_url, out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_brief_for_an_unknown_product_is_refused_in_one_line(demo_url, tmp_path):
    done = _brief(demo_url, tmp_path / "x.pdf", "--product", "nope")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "unknown product" in done.stderr
    assert not (tmp_path / "x.pdf").exists()
