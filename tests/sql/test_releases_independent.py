"""Release effects in the report (DESIGN sections 4 "Releases" and 5) against an
independent computation from the demo's raw CSV files.

Expected figures come from the files with pandas and statsmodels' formula API, never
from valuemodel: months in UTC from the timestamps, task success, engagement and
retention counted from the events, the segmented regression fitted by `smf.ols`, and
the verdict rule written out again. The demo holds a release near the start of the data
(four months before it) and one too recent to judge (one month after it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from sqlalchemy.engine import Engine

from tests.conftest import DEMO_END_MONTH
from valuemodel.core.months import Period
from valuemodel.data.report import build_report
from valuemodel.present.report_json import report_json

LAST = pd.Period(DEMO_END_MONTH, freq="M")
PERIOD = Period(str(LAST - 23), DEMO_END_MONTH)  # the demo's whole window
METRICS = ("task_success", "engagement", "retention")


@pytest.fixture(scope="module")
def series(demo_csv_dir: Path) -> dict[tuple[str, str], pd.Series]:
    """(product_id, metric) -> monthly values from usage_events.csv."""
    events = pd.read_csv(demo_csv_dir / "usage_events.csv", dtype=str, keep_default_na=False)
    at = pd.to_datetime(events["occurred_at"], format="ISO8601", utc=True)
    events["month"] = at.dt.tz_localize(None).dt.to_period("M")
    events["day"] = at.dt.tz_localize(None).dt.date
    out: dict[tuple[str, str], pd.Series] = {}
    for pid, own in events.groupby("product_id"):
        known = own[own["succeeded"].isin(["true", "false"])]
        out[(pid, "task_success")] = known.groupby("month")["succeeded"].apply(
            lambda s: (s == "true").mean()
        )
        days = own.drop_duplicates(["user_id", "day"]).groupby("month").size()
        users = own.groupby("month")["user_id"].nunique()
        out[(pid, "engagement")] = days / users
        active = own.groupby("month")["user_id"].apply(set)
        retention = {}
        for month, now in active.items():
            before = active.get(month - 1)
            if before:
                retention[month] = len(now & before) / len(before)
        out[(pid, "retention")] = pd.Series(retention, dtype=float)
    return out


@pytest.fixture(scope="module")
def releases(demo_engine: Engine) -> dict[tuple[str, str], dict]:
    built = report_json(build_report(demo_engine, PERIOD))
    return {(p["product_id"], r["release_id"]): r for p in built["products"] for r in p["releases"]}


@pytest.fixture(scope="module")
def raw_releases(demo_csv_dir: Path) -> pd.DataFrame:
    return pd.read_csv(demo_csv_dir / "releases.csv", dtype=str)


@pytest.fixture(scope="module")
def roles(demo_csv_dir: Path) -> dict[tuple[str, str], str]:
    goals = pd.read_csv(demo_csv_dir / "heart_goals.csv", dtype=str)
    return {(g.product_id, g.dimension): g.role for g in goals.itertuples()}


def expected(values: pd.Series, released_on: str, role: str | None) -> dict:
    at = pd.Period(released_on[:7], freq="M")
    rows = [
        (offset, float(values[at + offset]))
        for offset in [*range(-6, 0), *range(1, 7)]
        if (at + offset) in values.index and np.isfinite(values[at + offset])
    ]
    frame = pd.DataFrame(rows, columns=["t", "y"])
    before, after = frame[frame["t"] < 0], frame[frame["t"] > 0]
    if len(before) < 3 or len(after) < 3:
        return {"verdict": "not enough data", "n": (len(before), len(after))}
    frame["post"] = (frame["t"] > 0).astype(float)
    fit = smf.ols("y ~ t + post + t:post", data=frame).fit()
    low, high = fit.conf_int(alpha=0.10).loc["post"]
    if role == "backstop":
        verdict = "hurt" if high < 0 else "held"
    else:
        verdict = "improved" if low > 0 else "worse" if high < 0 else "no clear change"
    return {
        "before_mean": before["y"].mean(),
        "after_mean": after["y"].mean(),
        "level_change": fit.params["post"],
        "ci90": (low, high),
        "slope_change": fit.params["t:post"],
        "n": (len(before), len(after)),
        "verdict": verdict,
    }


def test_every_release_of_the_period_is_in_the_report(releases, raw_releases) -> None:
    in_period = raw_releases[
        (raw_releases["released_on"].str[:7] >= PERIOD.first)
        & (raw_releases["released_on"].str[:7] <= PERIOD.last)
    ]
    assert set(releases) == set(zip(in_period["product_id"], in_period["release_id"], strict=True))
    assert len(releases) >= 10


def test_effects_match_statsmodels_on_the_raw_events(releases, raw_releases, series, roles) -> None:
    checked = 0
    for row in raw_releases.itertuples():
        release = releases[(row.product_id, row.release_id)]
        effects = {e["metric"]: e for e in release["effects"]}
        for metric in METRICS:
            if (row.product_id, metric) not in roles:
                assert metric not in effects
                continue
            got = effects[metric]
            want = expected(
                series[(row.product_id, metric)], row.released_on, roles[(row.product_id, metric)]
            )
            assert got["role"] == roles[(row.product_id, metric)]
            assert got["verdict"] == want["verdict"], (row.release_id, metric)
            assert (got["months_before"], got["months_after"]) == want["n"]
            if want["verdict"] == "not enough data":
                assert got["level_change"] is None and got["level_change_ci90"] is None
                continue
            assert got["before_mean"] == pytest.approx(want["before_mean"], abs=1e-4)
            assert got["after_mean"] == pytest.approx(want["after_mean"], abs=1e-4)
            assert got["change"] == pytest.approx(
                want["after_mean"] - want["before_mean"], abs=2e-4
            )
            assert got["level_change"] == pytest.approx(want["level_change"], abs=1e-4)
            assert got["level_change_ci90"] == pytest.approx(list(want["ci90"]), abs=1e-4)
            assert got["slope_change"] == pytest.approx(want["slope_change"], abs=1e-4)
            checked += 1
    assert checked >= 20


def test_the_edge_of_the_data_and_a_too_recent_release(releases) -> None:
    edge = {e["metric"]: e for e in releases[("devportal", "dp-templates")]["effects"]}
    assert edge["task_success"]["months_before"] == 4
    assert edge["task_success"]["months_after"] == 6
    assert edge["task_success"]["level_change"] is not None
    recent = {e["metric"]: e for e in releases[("observability", "ob-alert-routing")]["effects"]}
    assert all(e["verdict"] == "not enough data" for e in recent.values())
    assert recent["task_success"]["months_after"] == 1


def test_a_staggered_rollout_has_a_difference_in_differences_and_others_none(releases) -> None:
    rollout = {e["metric"]: e for e in releases[("datamart", "dm-self-serve")]["effects"]}
    did = rollout["adoption"]["did"]
    assert did is not None and did["treated"] == ["Data", "Platform"]
    assert did["control"] == ["Consumer", "Payments"]
    assert rollout["engagement"]["did"] is None  # only pooled ratios have a DiD
    everyone = {e["metric"]: e for e in releases[("ci", "ci-runners")]["effects"]}
    assert all(e["did"] is None for e in everyone.values())


def test_the_release_effects_alone_are_the_reports(demo_engine: Engine) -> None:
    """What backs a causal OKR link is read without the rest of the report; it must be
    what the report of the same period says, release by release, to full precision."""
    from valuemodel.data.report import release_effects

    alone = release_effects(demo_engine, PERIOD)
    whole = {p.product_id: p.releases for p in build_report(demo_engine, PERIOD).products}
    assert alone, "the demo has releases"
    assert alone == {pid: found for pid, found in whole.items() if found}
    one = release_effects(demo_engine, PERIOD, "datamart")
    assert list(one) == ["datamart"] and one["datamart"] == whole["datamart"]
