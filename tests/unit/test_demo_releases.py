"""The demo's release stories hold at a realistic size (DESIGN section 4, "Releases"):
checked on the generated CSV files with pandas and statsmodels' formula API, not with
valuemodel's estimators. The small demo of the other tests is too noisy for verdicts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import statsmodels.formula.api as smf

from valuemodel.demo.portfolio import write_demo_csv

END_MONTH = "2025-12"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo_releases")
    write_demo_csv(folder, events=400_000, end_month=END_MONTH)
    return folder


def _task_success(files: Path, product_id: str) -> pd.Series:
    events = pd.read_csv(files / "usage_events.csv", dtype=str, keep_default_na=False)
    own = events[(events["product_id"] == product_id) & events["succeeded"].isin(["true", "false"])]
    month = pd.to_datetime(own["occurred_at"], format="ISO8601", utc=True).dt.strftime("%Y-%m")
    return (own["succeeded"] == "true").groupby(month).mean()


def _level_interval(values: pd.Series, released_on: str) -> tuple[float, float]:
    at = pd.Period(released_on[:7], freq="M")
    rows = [
        (k, float(values[str(at + k)]))
        for k in [*range(-6, 0), *range(1, 7)]
        if str(at + k) in values.index
    ]
    frame = pd.DataFrame(rows, columns=["t", "y"]).assign(post=lambda f: (f["t"] > 0) * 1.0)
    low, high = smf.ols("y ~ t + post + t:post", data=frame).fit().conf_int(alpha=0.10).loc["post"]
    return float(low), float(high)


def _released_on(files: Path, release_id: str) -> str:
    releases = pd.read_csv(files / "releases.csv", dtype=str)
    return str(releases.loc[releases["release_id"] == release_id, "released_on"].iloc[0])


def test_the_quarantine_improves_ci_task_success(files: Path) -> None:
    low, _ = _level_interval(_task_success(files, "ci"), _released_on(files, "ci-quarantine"))
    assert low > 0


def test_query_history_quietly_hurts_the_data_marts_task_success(files: Path) -> None:
    goals = pd.read_csv(files / "heart_goals.csv", dtype=str)
    role = goals[(goals["product_id"] == "datamart") & (goals["dimension"] == "task_success")]
    assert role["role"].iloc[0] == "backstop"
    _, high = _level_interval(
        _task_success(files, "datamart"), _released_on(files, "dm-query-history")
    )
    assert high < 0


def test_the_self_serve_rollout_goes_to_orgs_in_two_waves(files: Path) -> None:
    rollouts = pd.read_csv(files / "rollouts.csv", dtype=str)
    assert set(rollouts["release_id"]) == {"dm-self-serve"}
    assert rollouts["attribute"].eq("org").all()
    waves = rollouts.groupby("rolled_out_on")["value"].apply(sorted).to_dict()
    assert list(waves.values()) == [["Data", "Platform"], ["Consumer", "Payments"]]
