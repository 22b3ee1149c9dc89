"""The report's intervals, sample sizes and link verdicts (DESIGN sections 4 and 5, second
round) against an independent computation from the demo's raw CSV files.

Everything expected here is computed from the files with pandas, scipy and statsmodels,
never with valuemodel's own functions: months in UTC from the timestamps, the rolling
quarter of surveys, Wilson intervals from statsmodels, Pearson r from scipy, Fisher
intervals with numpy, and the verdict rule written out again.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats
from sqlalchemy.engine import Engine
from statsmodels.stats.proportion import proportion_confint

from tests.conftest import DEMO_END_MONTH
from valuemodel.core.months import Period
from valuemodel.data.report import build_report
from valuemodel.present.report_json import report_json

FIRST = str(pd.Period(DEMO_END_MONTH, freq="M") - 11)
PERIOD = Period(FIRST, DEMO_END_MONTH)
Z = 1.645
MIN_RESPONSES = 30  # the default; the demo's assumptions.csv leaves it out
HOURLY_COST = 100.0


@pytest.fixture(scope="module")
def raw(demo_csv_dir: Path) -> dict[str, pd.DataFrame]:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(demo_csv_dir / name, dtype=str, keep_default_na=False)

    events = read("usage_events.csv")
    at = pd.to_datetime(events["occurred_at"], format="ISO8601", utc=True)
    events["month"] = at.dt.tz_localize(None).dt.to_period("M")
    surveys = read("surveys.csv")
    answered = pd.to_datetime(surveys["responded_at"], format="ISO8601", utc=True)
    surveys["month"] = answered.dt.tz_localize(None).dt.to_period("M")
    surveys["score"] = surveys["score"].astype(int)
    measurements = read("kr_measurements.csv")
    measurements["month"] = pd.PeriodIndex(measurements["month"], freq="M")
    measurements["value"] = measurements["value"].astype(float)
    return {
        "events": events,
        "surveys": surveys,
        "products": read("products.csv"),
        "people": read("people.csv") if (demo_csv_dir / "people.csv").exists() else pd.DataFrame(),
        "eligibility": read("eligibility.csv")
        if (demo_csv_dir / "eligibility.csv").exists()
        else pd.DataFrame(columns=["product_id", "attribute", "value"]),
        "baselines": read("task_baselines.csv"),
        "links": read("metric_links.csv"),
        "measurements": measurements,
    }


@pytest.fixture(scope="module")
def report(demo_engine: Engine) -> dict[str, dict[str, object]]:
    built = report_json(build_report(demo_engine, PERIOD))
    return {p["product_id"]: p for p in built["products"]}


def quarter_surveys(surveys: pd.DataFrame, product_id: str, month: pd.Period) -> pd.Series:
    own = surveys[(surveys["product_id"] == product_id)]
    return own[(own["month"] >= month - 2) & (own["month"] <= month)]["score"]


def nps_and_interval(scores: pd.Series) -> tuple[float, tuple[float, float]]:
    n = len(scores)
    p = float((scores >= 9).mean())
    d = float((scores <= 6).mean())
    half = Z * 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    nps = 100 * (p - d)
    return nps, (max(-100.0, nps - half), min(100.0, nps + half))


# ---------------------------------------------------------------- happiness


def test_happiness_is_the_rolling_quarters_nps_with_its_n_and_interval(
    raw: dict[str, pd.DataFrame], report: dict[str, dict[str, object]]
) -> None:
    last = pd.Period(DEMO_END_MONTH, freq="M")
    checked = 0
    for product_id, entry in report.items():
        user: dict[str, object] = entry["user"]  # type: ignore[assignment]
        scores = quarter_surveys(raw["surveys"], product_id, last)
        assert user["happiness_responses"] == len(scores), product_id
        if scores.empty:
            assert user["happiness"] is None and user["happiness_ci90"] is None
            continue
        nps, (low, high) = nps_and_interval(scores)
        assert user["happiness"] == pytest.approx(round(nps, 1), abs=0.051), product_id
        assert user["happiness_ci90"] == pytest.approx([round(low, 1), round(high, 1)], abs=0.051)
        checked += 1
    assert checked >= 3


def test_no_happiness_score_rests_on_fewer_than_min_survey_responses(
    raw: dict[str, pd.DataFrame], report: dict[str, dict[str, object]]
) -> None:
    last = pd.Period(DEMO_END_MONTH, freq="M")
    thin = 0
    for product_id, entry in report.items():
        user: dict[str, object] = entry["user"]  # type: ignore[assignment]
        n = len(quarter_surveys(raw["surveys"], product_id, last))
        if n < MIN_RESPONSES:
            thin += int(n > 0)
            assert user["scores"]["happiness"] is None, product_id  # type: ignore[index]
    # The small demo has thin quarters: the rule is exercised, not vacuous.
    assert thin >= 1


# ---------------------------------------------------------------- rates


def test_retention_and_task_success_carry_statsmodels_wilson_intervals(
    raw: dict[str, pd.DataFrame], report: dict[str, dict[str, object]]
) -> None:
    events = raw["events"]
    last = pd.Period(DEMO_END_MONTH, freq="M")
    for product_id, entry in report.items():
        user: dict[str, object] = entry["user"]  # type: ignore[assignment]
        own = events[events["product_id"] == product_id]
        now = set(own.loc[own["month"] == last, "user_id"])
        before = set(own.loc[own["month"] == last - 1, "user_id"])
        if before:
            low, high = proportion_confint(len(now & before), len(before), 0.10, "wilson")
            assert user["retention_ci90"] == pytest.approx(
                [round(low, 4), round(high, 4)], abs=1e-4
            )
        else:
            assert user["retention_ci90"] is None
        month = own[(own["month"] == last) & (own["succeeded"] != "")]
        if len(month):
            wins = int((month["succeeded"] == "true").sum())
            low, high = proportion_confint(wins, len(month), 0.10, "wilson")
            assert user["task_success_ci90"] == pytest.approx(
                [round(low, 4), round(high, 4)], abs=1e-4
            )
        else:
            assert user["task_success_ci90"] is None


# ---------------------------------------------------------------- OKR links


def metric_by_month(raw: dict[str, pd.DataFrame], product_id: str, metric: str) -> pd.Series:
    """The product's monthly series from its first to its last month with an event."""
    events = raw["events"][raw["events"]["product_id"] == product_id]
    months = pd.period_range(events["month"].min(), events["month"].max(), freq="M")
    if metric == "adoption":
        active = events.groupby("month")["user_id"].nunique().reindex(months, fill_value=0)
        return active / eligible_by_month(raw, product_id, months)
    if metric == "task_success":
        known = events[events["succeeded"] != ""]
        return (known["succeeded"] == "true").groupby(known["month"]).mean().reindex(months)
    if metric == "savings":
        baselines = raw["baselines"].astype({"minutes_saved": float, "confidence": float})
        done = events[events["succeeded"] != "false"].merge(baselines, on=["product_id", "action"])
        value = done["minutes_saved"] / 60 * HOURLY_COST * done["confidence"]
        return value.groupby(done["month"]).sum().reindex(months, fill_value=0.0)
    assert metric == "happiness", metric
    values = []
    for month in months:
        scores = quarter_surveys(raw["surveys"], product_id, month)
        values.append(nps_and_interval(scores)[0] if len(scores) else np.nan)
    return pd.Series(values, index=months)


def eligible_by_month(
    raw: dict[str, pd.DataFrame], product_id: str, months: pd.PeriodIndex
) -> pd.Series:
    """|E(p, m)|: people employed in m matching any eligibility rule (DESIGN section 4,
    Segments), or products.eligible_users for a product without rules."""
    rules = raw["eligibility"][raw["eligibility"]["product_id"] == product_id]
    if rules.empty:
        count = int(raw["products"].set_index("product_id").loc[product_id, "eligible_users"])
        return pd.Series(float(count), index=months)
    people = raw["people"]
    match = pd.Series(False, index=people.index)
    for rule in rules.itertuples():
        match |= people[rule.attribute] == rule.value
    chosen = people[match]
    counts = []
    for month in months:
        first, last = str(month.start_time.date()), str(month.end_time.date())
        employed = ((chosen["started_on"] == "") | (chosen["started_on"] <= last)) & (
            (chosen["left_on"] == "") | (chosen["left_on"] >= first)
        )
        counts.append(float(employed.sum()))
    return pd.Series(counts, index=months)


def fisher(r: float, n: int) -> list[float] | None:
    if n <= 3 or abs(r) >= 1 - 1e-9:
        return None
    half = Z / math.sqrt(n - 3)
    return [math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)]


def expected_link(x: pd.Series, kr: pd.Series) -> dict[str, object]:
    best = None
    for lag in range(4):
        shifted = pd.Series(x.to_numpy(), index=x.index + lag)
        pairs = pd.concat([shifted, kr], axis=1, join="inner").dropna()
        if len(pairs) < 6 or pairs.iloc[:, 0].nunique() < 2 or pairs.iloc[:, 1].nunique() < 2:
            continue
        r = float(scipy_stats.pearsonr(pairs.iloc[:, 0], pairs.iloc[:, 1]).statistic)
        if best is None or abs(r) > abs(best[0]) + 1e-12:
            best = (r, lag, len(pairs))
    if best is None:
        return {"r": None, "verdict": "not enough data"}
    r, lag, months = best
    dx = x.dropna()
    dx = (dx - pd.Series(dx.to_numpy(), index=dx.index + 1)).dropna()
    dk = (kr - pd.Series(kr.to_numpy(), index=kr.index + 1)).dropna()
    changes = pd.concat(
        [pd.Series(dx.to_numpy(), index=dx.index + lag), dk], axis=1, join="inner"
    ).dropna()
    r_changes = ci_changes = months_changes = None
    if len(changes) >= 5 and changes.iloc[:, 0].nunique() > 1 and changes.iloc[:, 1].nunique() > 1:
        r_changes = float(scipy_stats.pearsonr(changes.iloc[:, 0], changes.iloc[:, 1]).statistic)
        months_changes = len(changes)
        ci_changes = fisher(r_changes, months_changes)
    if (r_changes is not None and abs(r_changes) >= 1 - 1e-9) or (
        ci_changes is not None and (ci_changes[0] > 0 or ci_changes[1] < 0)
    ):
        verdict = "moves together"
    elif abs(r) >= 0.5:
        verdict = "shared trend only"
    else:
        verdict = "no clear link"
    return {
        "r": r,
        "lag_months": lag,
        "months": months,
        "ci90": fisher(r, months),
        "r_changes": r_changes,
        "months_changes": months_changes,
        "ci90_changes": ci_changes,
        "verdict": verdict,
    }


def test_every_links_interval_changes_and_verdict_match_scipy(
    raw: dict[str, pd.DataFrame], report: dict[str, dict[str, object]]
) -> None:
    measurements = raw["measurements"]
    verdicts = []
    for link in raw["links"].itertuples():
        [reported] = [
            item
            for item in report[link.product_id]["okr_links"]  # type: ignore[attr-defined]
            if item["kr_id"] == link.kr_id and item["metric"] == link.metric
        ]
        own = measurements[measurements["kr_id"] == link.kr_id]
        kr = pd.Series(own["value"].to_numpy(), index=pd.PeriodIndex(own["month"], freq="M"))
        expected = expected_link(metric_by_month(raw, link.product_id, link.metric), kr)
        where = (link.product_id, link.metric, link.kr_id)
        assert reported["verdict"] == expected["verdict"], where
        verdicts.append(expected["verdict"])
        if expected["r"] is None:
            assert reported["r"] is None and reported["ci90"] is None, where
            continue
        assert reported["r"] == pytest.approx(expected["r"], abs=1e-4), where
        assert reported["lag_months"] == expected["lag_months"], where
        assert reported["months"] == expected["months"], where
        assert reported["months_changes"] == expected["months_changes"], where
        for key in ("r_changes",):
            if expected[key] is None:
                assert reported[key] is None, where
            else:
                assert reported[key] == pytest.approx(expected[key], abs=1e-4), where
        for key in ("ci90", "ci90_changes"):
            if expected[key] is None:
                assert reported[key] is None, where
            else:
                assert reported[key] == pytest.approx(expected[key], abs=1e-4), where
    # The demo holds links of every kind of evidence the data can give.
    assert {"moves together", "shared trend only", "no clear link"} <= set(verdicts)
