"""The demo portfolio: the CSV contract, determinism, and the story its numbers tell.

Every metric here is recomputed from the written files with pandas, following the
definitions of DESIGN section 4, so the tests check the data, not the generator's
intentions.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuemodel.core.csvcheck import StoredKeys, validate
from valuemodel.demo.portfolio import last_complete_month, write_demo_csv

EVENTS = 20_000
END_MONTH = "2025-06"
WINDOW = [str(m) for m in pd.period_range(end=END_MONTH, periods=24, freq="M")]

# DESIGN section 3, verbatim.
CONTRACT = {
    "products.csv": "product_id,name,owner_team,eligible_users,launched_on",
    "costs.csv": "product_id,month,category,amount",
    "usage_events.csv": "product_id,user_id,occurred_at,action,succeeded,duration_seconds",
    "surveys.csv": "product_id,user_id,responded_at,score",
    "task_baselines.csv": "product_id,action,minutes_saved,confidence,source",
    "heart_goals.csv": "product_id,dimension,role,goal,signal,metric,target",
    "objectives.csv": "objective_id,title,level,parent_id,period",
    "key_results.csv": "kr_id,objective_id,title,unit,baseline,target",
    "kr_measurements.csv": "kr_id,month,value",
    "metric_links.csv": "product_id,metric,kr_id,evidence,note",
    "assumptions.csv": "key,value",
    "people.csv": "user_id,org,team,job_family,location,started_on,left_on",
    "eligibility.csv": "product_id,attribute,value",
    "releases.csv": "product_id,release_id,released_on,title,kind",
    "rollouts.csv": "product_id,release_id,attribute,value,rolled_out_on",
}
NATURAL_KEYS = {
    "products.csv": ["product_id"],
    "costs.csv": ["product_id", "month", "category"],
    "surveys.csv": ["product_id", "user_id", "responded_at"],
    "task_baselines.csv": ["product_id", "action"],
    "heart_goals.csv": ["product_id", "dimension"],
    "objectives.csv": ["objective_id"],
    "key_results.csv": ["kr_id"],
    "kr_measurements.csv": ["kr_id", "month"],
    "metric_links.csv": ["product_id", "metric", "kr_id"],
    "assumptions.csv": ["key"],
    "people.csv": ["user_id"],
    "eligibility.csv": ["product_id", "attribute", "value"],
}
HOURLY_COST = 100.0


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo_csv(out, events=EVENTS, end_month=END_MONTH)
    return out


@pytest.fixture(scope="module")
def tables(demo_dir: Path) -> dict[str, pd.DataFrame]:
    """Every file as text columns (empty cells stay empty strings)."""
    return {
        name: pd.read_csv(demo_dir / name, dtype=str, keep_default_na=False) for name in CONTRACT
    }


@pytest.fixture(scope="module")
def events(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """usage_events with `at` (the UTC instant), `month` and `day` in UTC."""
    frame = tables["usage_events.csv"].copy()
    frame["at"] = pd.to_datetime(frame["occurred_at"], format="ISO8601", utc=True)
    frame["month"] = frame["at"].dt.strftime("%Y-%m")
    frame["day"] = frame["at"].dt.strftime("%Y-%m-%d")
    return frame


@pytest.fixture(scope="module")
def active_users(events: pd.DataFrame) -> pd.DataFrame:
    """|A(p, m)|: product x month (window months; 0 where none)."""
    counts = events.groupby(["product_id", "month"])["user_id"].nunique().unstack(fill_value=0)
    return counts.reindex(columns=WINDOW, fill_value=0)


@pytest.fixture(scope="module")
def adoption(active_users: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Adoption by product and month; NaN before a product's first event."""
    eligible = tables["products.csv"].set_index("product_id")["eligible_users"].astype(int)
    frame = active_users.div(eligible, axis=0)
    return frame.where(active_users.cumsum(axis=1) > 0)


def savings_and_cost(tables: dict[str, pd.DataFrame], events: pd.DataFrame) -> pd.DataFrame:
    """Risk-adjusted savings and cost per product over the window (DESIGN section 4)."""
    baselines = tables["task_baselines.csv"].astype({"minutes_saved": float, "confidence": float})
    done = events[events["succeeded"] != "false"].merge(baselines, on=["product_id", "action"])
    done["value"] = done["minutes_saved"] / 60 * HOURLY_COST * done["confidence"]
    costs = tables["costs.csv"].astype({"amount": float})
    result = pd.DataFrame(
        {
            "savings": done.groupby("product_id")["value"].sum(),
            "cost": costs.groupby("product_id")["amount"].sum(),
        }
    ).fillna(0.0)
    result["roi"] = (result["savings"] - result["cost"]) / result["cost"]
    return result


def best_lag(product: pd.Series, kr: pd.Series) -> tuple[float, int, int] | None:
    """DESIGN section 4's link rule: Pearson r of product month m with KR month m + lag,
    lag 0..3, at least 6 pairs; the largest |r| wins (the smaller lag on a tie)."""
    months = pd.period_range(start=product.index.min(), end=product.index.max(), freq="M")
    x = product.reindex([str(m) for m in months])
    best = None
    for lag in range(4):
        y = kr.reindex([str(m + lag) for m in months]).to_numpy(dtype=float)
        pairs = pd.DataFrame({"x": x.to_numpy(dtype=float), "y": y}).dropna()
        if len(pairs) < 6:
            continue
        r = pairs["x"].corr(pairs["y"])
        if best is None or abs(r) > abs(best[0]):
            best = (r, lag, len(pairs))
    return best


# ------------------------------------------------------------------ the contract


def test_writes_the_contract_files_with_exact_headers(demo_dir: Path) -> None:
    assert sorted(p.name for p in demo_dir.iterdir()) == sorted(CONTRACT)
    for name, header in CONTRACT.items():
        raw = (demo_dir / name).read_bytes()
        raw.decode("utf-8")
        assert b"\r" not in raw
        assert raw.split(b"\n", 1)[0].decode() == header, name


def test_returns_the_rows_written_per_file(tmp_path: Path, tables: dict) -> None:
    rows = write_demo_csv(tmp_path, events=EVENTS, end_month=END_MONTH)
    assert rows == {name: len(tables[name]) for name in CONTRACT}


def test_same_seed_gives_byte_identical_files(tmp_path: Path, demo_dir: Path) -> None:
    write_demo_csv(tmp_path / "again", events=EVENTS, end_month=END_MONTH)
    write_demo_csv(tmp_path / "other", events=EVENTS, end_month=END_MONTH, seed=7)
    for name in CONTRACT:
        assert (tmp_path / "again" / name).read_bytes() == (demo_dir / name).read_bytes(), name
    other = (tmp_path / "other" / "usage_events.csv").read_bytes()
    assert other != (demo_dir / "usage_events.csv").read_bytes()


def test_the_import_validator_accepts_the_demo(demo_dir: Path) -> None:
    contents = {name: (demo_dir / name).read_bytes() for name in CONTRACT}
    result = validate(contents, StoredKeys())
    assert result.ok, result.report_lines()


def test_event_count_is_within_two_percent_of_the_request(events: pd.DataFrame) -> None:
    assert abs(len(events) - EVENTS) <= 0.02 * EVENTS


def test_natural_keys_are_unique(tables: dict, events: pd.DataFrame) -> None:
    for name, key in NATURAL_KEYS.items():
        assert not tables[name].duplicated(key).any(), name
    # Events: compare instants, not strings (an offset spelling is the same instant).
    assert not events.duplicated(["product_id", "user_id", "at", "action"]).any()


def test_every_reference_resolves(tables: dict, events: pd.DataFrame) -> None:
    products = set(tables["products.csv"]["product_id"])
    for name in ("costs.csv", "surveys.csv", "task_baselines.csv", "heart_goals.csv"):
        assert set(tables[name]["product_id"]) <= products, name
    assert set(tables["metric_links.csv"]["product_id"]) <= products
    assert set(events["product_id"]) == products
    objectives = tables["objectives.csv"]
    parents = set(objectives["parent_id"]) - {""}
    assert parents <= set(objectives["objective_id"])
    assert set(tables["key_results.csv"]["objective_id"]) <= set(objectives["objective_id"])
    krs = set(tables["key_results.csv"]["kr_id"])
    assert set(tables["kr_measurements.csv"]["kr_id"]) <= krs
    assert set(tables["metric_links.csv"]["kr_id"]) <= krs
    baselines = tables["task_baselines.csv"]
    used = set(zip(events["product_id"], events["action"], strict=True))
    assert set(zip(baselines["product_id"], baselines["action"], strict=True)) <= used


def test_one_employee_directory_is_shared_across_products(
    events: pd.DataFrame, tables: dict
) -> None:
    users = pd.concat([events["user_id"], tables["surveys.csv"]["user_id"]])
    assert users.str.fullmatch(r"u\d{5}").all()
    number = events["user_id"].str[1:].astype(int)
    directory = int(tables["products.csv"]["eligible_users"].astype(int).max())
    assert number.between(1, directory).all()
    engineering = number[events["product_id"] == "ci"].max()
    assert number[events["product_id"] == "hr"].max() > 2 * engineering
    shared = set(events.loc[events["product_id"] == "ci", "user_id"]) & set(
        events.loc[events["product_id"] == "hr", "user_id"]
    )
    assert shared


# ------------------------------------------------------------------ events


def test_timestamps_are_iso_utc_with_some_offsets_and_some_bare(events: pd.DataFrame) -> None:
    text = events["occurred_at"]
    assert text.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)?").all()
    utc = text.str.endswith("Z").mean()
    offset = text.str.contains(r"[+-]\d\d:\d\d$").mean()
    bare = 1 - utc - offset
    assert 0.95 < utc < 0.99
    assert 0.01 < offset < 0.03
    assert 0.005 < bare < 0.015
    assert (text.str.endswith("+00:00")).sum() == 0
    # An offset is the same instant: in UTC every event falls in working hours.
    hour = events["at"].dt.hour + events["at"].dt.minute / 60
    assert hour.between(7.5, 19.0).all()


def test_events_cover_the_window_and_start_after_launch(events: pd.DataFrame, tables: dict) -> None:
    assert events["month"].min() == WINDOW[0]
    assert events["month"].max() == WINDOW[-1]
    launched = pd.to_datetime(tables["products.csv"].set_index("product_id")["launched_on"])
    first = events.groupby("product_id")["at"].min().dt.tz_localize(None).dt.normalize()
    assert (first >= launched.reindex(first.index)).all()
    inside = launched[launched >= pd.Timestamp(WINDOW[0])]
    assert list(inside.index) == ["flags"]
    assert first["flags"].strftime("%Y-%m") == WINDOW[4]
    assert (launched < pd.Timestamp(WINDOW[0])).sum() == len(launched) - 1


def test_each_product_has_baselined_tasks_and_unbaselined_actions(
    events: pd.DataFrame, tables: dict
) -> None:
    baselines = tables["task_baselines.csv"]
    for product, group in events.groupby("product_id"):
        actions = set(group["action"])
        tasks = set(baselines.loc[baselines["product_id"] == product, "action"])
        assert 3 <= len(actions) <= 5, product
        assert 2 <= len(tasks) <= 4, product
        assert actions - tasks, f"{product} has no action without a baseline"
    minutes = baselines["minutes_saved"].astype(float)
    confidence = baselines["confidence"].astype(float)
    assert minutes.between(2, 45).all()
    assert confidence.between(0.5, 0.9).all()
    assert baselines["source"].nunique() >= 4
    assert (baselines.groupby("product_id")["confidence"].nunique() > 1).sum() >= 5


def test_outcomes_and_durations_follow_the_action(events: pd.DataFrame) -> None:
    assert set(events["succeeded"]) == {"true", "false", ""}
    by_action = events.groupby(["product_id", "action"])["succeeded"].agg(set)
    # An action either always reports an outcome or never does (page views).
    assert all(s == {""} or "" not in s for s in by_action)
    assert (by_action.map(lambda s: s == {""})).sum() >= 8
    judged = events[events["succeeded"] != ""]
    failure = (judged["succeeded"] == "false").groupby(judged["product_id"]).mean()
    assert failure.between(0.02, 0.15).all(), failure
    duration = events["duration_seconds"]
    assert duration.str.fullmatch(r"(\d+(\.\d)?)?").all()
    assert 0.2 < (duration == "").mean() < 0.8
    assert (duration[duration != ""].astype(float) > 0).all()


# ------------------------------------------------------------------ the user story (HEART)


def retention_by_product(events: pd.DataFrame) -> pd.Series:
    """Mean over the window of |A(m) ∩ A(m-1)| / |A(m-1)|, per product."""
    users = events.groupby(["product_id", "month"])["user_id"].agg(set)
    mean = {}
    for product in events["product_id"].unique():
        rates = [
            len(users[product, now] & users[product, before]) / len(users[product, before])
            for before, now in itertools.pairwise(WINDOW)
            if (product, before) in users and (product, now) in users
        ]
        mean[product] = np.mean(rates)
    return pd.Series(mean)


def test_retention_per_product_lands_between_55_and_98_percent(events: pd.DataFrame) -> None:
    retention = retention_by_product(events)
    assert retention.between(0.55, 0.98).all(), retention


def test_retention_differs_between_products(events: pd.DataFrame) -> None:
    retention = retention_by_product(events)
    assert retention["ci"] > 0.9 > 0.7 > retention["hr"]


def test_exactly_one_product_loses_adoption_in_the_last_months(adoption: pd.DataFrame) -> None:
    recent = adoption[WINDOW[-3:]].mean(axis=1)
    peak = adoption[WINDOW[:-3]].T.rolling(3).mean().max()
    declining = sorted(recent[recent < 0.85 * peak].index)
    assert declining == ["expense"]
    assert (adoption.max(axis=1) <= 1).all()


def test_adoption_rises_along_an_s_curve(adoption: pd.DataFrame) -> None:
    for product in ("ci", "devportal", "design"):
        series = adoption.loc[product]
        assert series[WINDOW[-3:]].mean() > 1.4 * series[WINDOW[:3]].mean(), product
    assert adoption.loc["ci", WINDOW[-1]] > 0.8


def test_engagement_varies_by_product(events: pd.DataFrame) -> None:
    days = events.groupby(["product_id", "month", "user_id"])["day"].nunique()
    engagement = days.groupby("product_id").mean()
    assert engagement["ci"] > 1.8 * engagement["hr"]
    assert engagement["hr"] >= 1.0


def test_surveys_are_sparse_and_flags_has_none(tables: dict, active_users: pd.DataFrame) -> None:
    surveys = tables["surveys.csv"]
    assert "flags" not in set(surveys["product_id"])
    assert set(surveys["product_id"]) == set(active_users.index) - {"flags"}
    assert surveys["score"].astype(int).between(0, 10).all()
    assert surveys["responded_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    per_month = surveys.groupby(["product_id", surveys["responded_at"].str[:7]]).size()
    grid = per_month.unstack(fill_value=0).reindex(columns=WINDOW, fill_value=0)
    assert (grid == 0).to_numpy().sum() >= 5  # months without a single response
    assert (grid < 30).to_numpy().mean() > 0.5  # most months are too thin for a firm NPS
    assert len(surveys) < 0.2 * active_users.to_numpy().sum()


def test_a_pulse_is_answered_by_twenty_to_forty_percent_of_the_quarters_users(
    tables: dict, events: pd.DataFrame
) -> None:
    surveys = tables["surveys.csv"]
    ci = surveys[surveys["product_id"] == "ci"]
    pulses = [m for m in WINDOW[2:] if int(m[5:]) % 3 == 0]
    for pulse in pulses[-3:]:
        quarter = [str(pd.Period(pulse, freq="M") - k) for k in range(3)]
        users = events[(events["product_id"] == "ci") & events["month"].isin(quarter)]
        invited = users["user_id"].nunique()
        answered = (ci["responded_at"].str[:7] == pulse).sum()
        # 20-40% of the quarter's users, plus a trickle of in-product prompts
        assert 0.18 * invited <= answered <= 0.45 * invited, (pulse, answered, invited)


def test_nps_is_plausible_with_one_clearly_low_product(tables: dict) -> None:
    surveys = tables["surveys.csv"].astype({"score": int})
    nps = surveys.groupby("product_id")["score"].apply(
        lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean())
    )
    assert nps.between(-40, 70).all(), nps
    assert nps.idxmin() == "expense"
    assert nps["expense"] < -10
    assert nps.drop("expense").min() > nps["expense"] + 15


def test_heart_goals_have_key_and_backstop_roles(tables: dict) -> None:
    goals = tables["heart_goals.csv"]
    dimensions = {"happiness", "engagement", "adoption", "retention", "task_success"}
    assert set(goals["dimension"]) == dimensions
    assert set(goals["role"]) == {"key", "backstop"}
    per_product = goals.groupby("product_id")
    assert per_product.size().between(3, 5).all()
    assert (per_product["role"].apply(lambda r: (r == "key").sum()) == 2).all()
    missing = per_product["dimension"].apply(lambda d: len(dimensions - set(d)))
    assert 1 <= (missing > 0).sum() <= 2
    assert "happiness" not in set(goals.loc[goals["product_id"] == "flags", "dimension"])
    target = goals["target"].astype(float)
    fraction = goals["dimension"].isin(["adoption", "retention", "task_success"])
    assert target[fraction].between(0, 1).all()
    assert target[goals["dimension"] == "engagement"].between(1, 31).all()
    assert target[goals["dimension"] == "happiness"].between(-100, 100).all()
    assert (goals[["goal", "signal", "metric"]] != "").all().all()


# ------------------------------------------------------------------ the buyer story (value)


def test_costs_cover_every_month_from_launch_with_headcount_dominant(tables: dict) -> None:
    costs = tables["costs.csv"]
    assert costs["amount"].str.fullmatch(r"\d+\.\d\d").all()
    assert set(costs["category"]) == {"headcount", "infrastructure", "licenses", "other"}
    assert (costs["amount"].astype(float) > 0).all()
    launched = tables["products.csv"].set_index("product_id")["launched_on"].str[:7]
    for product, group in costs.groupby("product_id"):
        expected = [m for m in WINDOW if m >= launched[product]]
        assert sorted(group["month"].unique()) == expected, product
        headcount = group[group["category"] == "headcount"]
        assert sorted(headcount["month"]) == expected, product
    totals = costs.astype({"amount": float}).pivot_table(
        index="product_id", columns="category", values="amount", aggfunc="sum", fill_value=0
    )
    assert (totals["headcount"] > totals.drop(columns="headcount").max(axis=1)).all()
    with_licenses = (totals["licenses"] > 0).sum()
    assert 0 < with_licenses < len(totals)
    assert costs.groupby("product_id")["category"].apply(lambda c: (c == "other").any()).any()


def test_infrastructure_grows_with_usage(tables: dict) -> None:
    costs = tables["costs.csv"].astype({"amount": float})
    infra = costs[(costs["product_id"] == "ci") & (costs["category"] == "infrastructure")]
    series = infra.set_index("month")["amount"]
    assert series[WINDOW[-3:]].mean() > 1.3 * series[WINDOW[:3]].mean()


def test_most_products_pay_back_one_is_clearly_negative_one_borderline(
    tables: dict, events: pd.DataFrame
) -> None:
    value = savings_and_cost(tables, events)
    assert (value["roi"] > 0.15).sum() >= 5, value
    assert value.loc["design", "roi"] < -0.4, value
    assert abs(value.loc["devportal", "roi"]) < 0.15, value
    assert value["cost"].sum() < value["savings"].sum()


def test_assumptions_are_the_defaults(tables: dict) -> None:
    assumptions = dict(tables["assumptions.csv"].itertuples(index=False, name=None))
    assert assumptions == {"loaded_hourly_cost": "100", "currency": "USD", "discount_rate": "0.10"}


# ------------------------------------------------------------------ OKRs


def test_objectives_form_a_three_level_tree(tables: dict) -> None:
    objectives = tables["objectives.csv"].set_index("objective_id")
    level = objectives["level"]
    assert (level == "company").sum() == 2
    assert 3 <= (level == "org").sum() <= 4
    assert 4 <= (level == "team").sum() <= 6
    parent_level = objectives["parent_id"].map(level)
    assert (objectives.loc[level == "company", "parent_id"] == "").all()
    assert (parent_level[level == "org"] == "company").all()
    assert (parent_level[level == "team"] == "org").all()
    assert objectives["period"].str.fullmatch(r"FY\d{4}").all()
    krs = tables["key_results.csv"]
    assert 8 <= len(krs) <= 12
    assert set(krs["objective_id"].map(level)) == {"company", "org", "team"}
    baseline, target = krs["baseline"].astype(float), krs["target"].astype(float)
    assert (target < baseline).any() and (target > baseline).any()


def test_links_use_every_evidence_kind_and_reach_every_product(tables: dict) -> None:
    links = tables["metric_links.csv"]
    assert 10 <= len(links) <= 16
    assert set(links["evidence"]) == {"causal", "correlational", "asserted"}
    assert set(links["product_id"]) == set(tables["products.csv"]["product_id"])
    allowed = {"happiness", "engagement", "adoption", "retention", "task_success", "savings"}
    assert set(links["metric"]) <= allowed


def test_most_key_results_are_measured_monthly(tables: dict) -> None:
    measurements = tables["kr_measurements.csv"]
    assert measurements["month"].isin(WINDOW).all()
    counts = measurements.groupby("kr_id").size()
    assert (counts == 24).sum() >= 6
    assert (counts < 24).sum() >= 2  # some start later


def test_deploy_frequency_follows_ci_adoption_two_months_later(
    tables: dict, adoption: pd.DataFrame
) -> None:
    links = tables["metric_links.csv"].set_index("kr_id")
    assert links.loc["kr-1", "product_id"] == "ci" and links.loc["kr-1", "metric"] == "adoption"
    measured = tables["kr_measurements.csv"].astype({"value": float})
    kr = measured[measured["kr_id"] == "kr-1"].set_index("month")["value"]
    found = best_lag(adoption.loc["ci"].dropna(), kr)
    assert found is not None
    r, lag, pairs = found
    assert lag == 2 and r > 0.8 and pairs >= 18
    x = adoption.loc["ci"].to_numpy()[:-2]
    y = kr.reindex(WINDOW).to_numpy()[2:]
    assert pd.Series(x).corr(pd.Series(y)) > 0.8


def test_one_key_result_is_only_weakly_correlated(tables: dict, adoption: pd.DataFrame) -> None:
    links = tables["metric_links.csv"].set_index("kr_id")
    assert links.loc["kr-5", "product_id"] == "datamart"
    assert links.loc["kr-5", "evidence"] == "correlational"
    measured = tables["kr_measurements.csv"].astype({"value": float})
    kr = measured[measured["kr_id"] == "kr-5"].set_index("month")["value"]
    found = best_lag(adoption.loc["datamart"].dropna(), kr)
    assert found is not None
    assert 0.2 <= abs(found[0]) <= 0.4, found


def test_one_asserted_key_result_has_no_measurements(tables: dict) -> None:
    links = tables["metric_links.csv"]
    measured = set(tables["kr_measurements.csv"]["kr_id"])
    unmeasured = set(tables["key_results.csv"]["kr_id"]) - measured
    assert unmeasured == {"kr-10"}
    assert set(links.loc[links["kr_id"] == "kr-10", "evidence"]) == {"asserted"}


# ------------------------------------------------------------------ API details


def test_last_complete_month_is_the_month_before_today() -> None:
    assert last_complete_month(dt.date(2025, 7, 14)) == "2025-06"
    assert last_complete_month(dt.date(2025, 1, 1)) == "2024-12"
    assert last_complete_month(dt.date(2024, 3, 31)) == "2024-02"


def test_end_month_defaults_to_the_last_complete_month(tmp_path: Path) -> None:
    before = last_complete_month(dt.datetime.now(dt.UTC).date())
    write_demo_csv(tmp_path, events=5_000)
    after = last_complete_month(dt.datetime.now(dt.UTC).date())
    months = pd.read_csv(tmp_path / "costs.csv", dtype=str)["month"]
    assert months.max() in {before, after}


def test_progress_names_each_product_and_the_events_file(tmp_path: Path) -> None:
    messages: list[str] = []
    write_demo_csv(tmp_path, events=5_000, end_month=END_MONTH, progress=messages.append)
    assert any(
        re.fullmatch(r"Generating usage events for CI Platform \(1/8\)\.\.\.", m) for m in messages
    )
    assert any(m.startswith("Writing usage_events.csv (") for m in messages)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"end_month": "2025-13"}, "end_month"),
        ({"end_month": "June 2025"}, "end_month"),
        ({"events": 10}, "events"),
    ],
)
def test_refuses_bad_arguments(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_demo_csv(tmp_path, **kwargs)


# ------------------------------------------------------------------ a company of N people


def test_people_fixes_the_directory_and_scales_every_products_eligible_users(
    tmp_path: Path,
) -> None:
    from valuemodel.demo.portfolio import PRODUCTS, events_for_people

    people = 1_000
    rows = write_demo_csv(
        tmp_path, events=events_for_people(people), end_month=END_MONTH, people=people
    )
    events = pd.read_csv(tmp_path / "usage_events.csv", dtype=str)
    products = pd.read_csv(tmp_path / "products.csv", dtype=str).set_index("product_id")
    assert rows["usage_events.csv"] == len(events)
    assert abs(len(events) - 300 * people) <= 0.02 * 300 * people
    numbers = events["user_id"].str[1:].astype(int)
    assert numbers.max() <= people and numbers.max() > 0.9 * people
    assert not events.duplicated(["product_id", "user_id", "occurred_at", "action"]).any()
    for product in PRODUCTS:
        eligible = int(products.loc[product.product_id, "eligible_users"])
        assert eligible == round(product.eligible_users * people / 5_000)


def test_too_few_events_for_the_people_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too few for 50,000 people"):
        write_demo_csv(tmp_path, events=100_000, end_month=END_MONTH, people=50_000)
    assert not (tmp_path / "usage_events.csv").exists()


# ------------------------------------------------------------------ the people directory


def _ci_adoption_by(tables: dict, events: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """CI adoption per segment value and month over the engineering job families."""
    people = tables["people.csv"]
    engineers = people[
        people["job_family"].isin(["Software engineering", "Site reliability", "Data engineering"])
    ]
    ci = events[events["product_id"] == "ci"][["user_id", "month"]].drop_duplicates()
    ci = ci.merge(people[["user_id", attribute]], on="user_id")
    active = ci.groupby([attribute, "month"])["user_id"].nunique().unstack(fill_value=0)
    return active.div(engineers.groupby(attribute).size(), axis=0).reindex(columns=WINDOW)


def test_payments_lags_on_the_ci_platform(tables: dict, events: pd.DataFrame) -> None:
    adoption = _ci_adoption_by(tables, events, "org")
    late = adoption[WINDOW[-6:]].mean(axis=1)
    others = late.drop(["Payments", "Go-to-market", "Corporate"], errors="ignore")
    assert late["Payments"] < others.min() - 0.1


def test_singapore_adopts_the_ci_platform_late(tables: dict, events: pd.DataFrame) -> None:
    adoption = _ci_adoption_by(tables, events, "location")
    early = adoption[WINDOW[:6]].mean(axis=1)
    late = adoption[WINDOW[-6:]].mean(axis=1)
    others = early.drop("Singapore")
    assert early["Singapore"] < 0.5 * others.min()
    assert late["Singapore"] > late.drop("Singapore").min() - 0.15


def test_hires_and_leavers_fall_inside_the_window_and_match_activity(
    tables: dict, events: pd.DataFrame
) -> None:
    people = tables["people.csv"]
    first_day, last_day = f"{WINDOW[0]}-01", f"{WINDOW[-1]}-28"
    hired = people[(people["started_on"] > first_day) & (people["started_on"] < last_day)]
    left = people[(people["left_on"] > first_day) & (people["left_on"] < last_day)]
    assert len(hired) > 0.05 * len(people) and len(left) > 0.01 * len(people)
    days = events.groupby("user_id")["day"].agg(["min", "max"]).reset_index()
    joined = days.merge(people, on="user_id")
    assert not (joined["started_on"].ne("") & (joined["min"] < joined["started_on"])).any()
    assert not (joined["left_on"].ne("") & (joined["max"] > joined["left_on"])).any()


def test_a_few_users_are_outside_the_directory_and_rules_name_known_values(
    tables: dict, events: pd.DataFrame
) -> None:
    people = tables["people.csv"]
    outside = set(events["user_id"]) - set(people["user_id"])
    assert 0 < len(outside) < 0.05 * events["user_id"].nunique()
    rules = tables["eligibility.csv"]
    assert set(rules["product_id"]) == {"ci", "datamart", "hr"}
    for rule in rules.itertuples():
        assert rule.value in set(people[rule.attribute]), rule
