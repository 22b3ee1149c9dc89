"""The Value and Data pages' named queries against a real PostgreSQL, on the hand-made
PORTFOLIO fixture (tests/sql/csvdata.py). Every expected number is worked out by hand:

assumptions: loaded_hourly_cost 60, currency EUR.
baselines:  ci build 120 min x confidence 0.5; ci deploy 30 min x 0.8; dm query 60 min x 1.0;
            hr has none.
tasks done = events of a baselined action whose succeeded is not false (empty counts):
  ci build   Jan: true, false -> 1; Feb: true, true -> 2; Mar: none; Apr: true -> 1  => 4
  ci deploy  Jan: empty -> 1;     Feb: true, true -> 2;            Apr: false -> 0 => 3
  dm query   Mar: 1; Apr: 2                                                       => 3
hours saved:      build 4 x 120 / 60 = 8; deploy 3 x 30 / 60 = 1.5; query 3 x 60 / 60 = 3
risk-adj. hours:  build 8 x 0.5 = 4;      deploy 1.5 x 0.8 = 1.2;   query 3 x 1 = 3
gross EUR (x 60): 480, 90, 180 = 750;  risk-adjusted EUR: 240, 72, 180 = 492
cost Jan..Apr:    ci 110, 40, 0 (no cost row in March), 10; dm 50 each month; hr none
portfolio per month (risk-adjusted savings - cost):
  Jan 60 + 24 = 84 - 160 = -76; Feb 120 + 48 = 168 - 90 = 78; Mar 60 - 50 = 10;
  Apr 60 + 120 = 180 - 60 = 120  -> cumulative -76, 2, 12, 132; payback 1 + 76/78 months
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from tests.sql.csvdata import PORTFOLIO
from valuemodel.core.months import Period
from valuemodel.data import queries, store
from valuemodel.data.importer import import_contents, import_folder
from valuemodel.data.report import build_report
from valuemodel.present import value
from valuemodel.present.report_json import report_json

PROJECT = Path(__file__).resolve().parents[2]
JAN_TO_APR = Period("2025-01", "2025-04")


def ledger_rows(ledger: pd.DataFrame, hourly_cost: float) -> list[tuple[object, ...]]:
    """(product, action, tasks done, hours, risk-adjusted hours) of a priced ledger."""
    return [
        (
            r.product_id,
            r.action,
            r.tasks_done,
            round(r.hours_saved, 9),
            round(r.risk_adjusted_savings / hourly_cost, 9),
        )
        for r in ledger.itertuples()
    ]


# ---------------------------------------------------------------- the assumptions ledger


def priced_rows(engine: Engine, *bounds: str) -> list[tuple[object, ...]]:
    cost = store.fetch_assumptions(engine).loaded_hourly_cost
    return ledger_rows(
        value.baseline_ledger(store.fetch_baseline_ledger(engine, *bounds), cost), cost
    )


def test_ledger_counts_tasks_whose_outcome_is_true_or_empty_and_not_false(
    portfolio_engine: Engine,
) -> None:
    frame = store.fetch_baseline_ledger(portfolio_engine, "2025-01", "2025-04")
    cost = store.fetch_assumptions(portfolio_engine).loaded_hourly_cost
    # Ordered by product name (CI Platform, Data Mart), then risk-adjusted hours.
    assert ledger_rows(value.baseline_ledger(frame, cost), cost) == [
        ("ci", "build", 4, 8.0, 4.0),
        ("ci", "deploy", 3, 1.5, 1.2),
        ("dm", "query", 3, 3.0, 3.0),
    ]
    assert list(frame["product_name"]) == ["CI Platform", "CI Platform", "Data Mart"]
    assert list(frame["source"]) == ["time study", "survey", "analyst log"]
    assert list(frame["confidence"]) == [0.5, 0.8, 1.0]


def test_ledger_money_adds_up_to_the_reports_savings(portfolio_engine: Engine) -> None:
    rows = store.fetch_baseline_ledger(portfolio_engine, "2025-01", "2025-04")
    ledger = value.baseline_ledger(
        rows, store.fetch_assumptions(portfolio_engine).loaded_hourly_cost
    )
    assert list(ledger["gross_savings"]) == pytest.approx([480.0, 90.0, 180.0])
    assert list(ledger["risk_adjusted_savings"]) == pytest.approx([240.0, 72.0, 180.0])
    totals = value.ledger_totals(ledger)
    portfolio = report_json(build_report(portfolio_engine, JAN_TO_APR))["portfolio"]["buyer"]  # type: ignore[index]
    assert totals["hours_saved"] == pytest.approx(portfolio["hours_saved"]) == 12.5
    assert totals["gross_savings"] == pytest.approx(portfolio["gross_savings"]) == 750.0
    assert (
        totals["risk_adjusted_savings"]
        == pytest.approx(portfolio["risk_adjusted_savings"])
        == 492.0
    )


def test_ledger_lists_a_baseline_with_no_tasks_in_the_period_with_zeros(
    portfolio_engine: Engine,
) -> None:
    # ci has no event in March 2025.
    assert priced_rows(portfolio_engine, "2025-03", "2025-03", "ci") == [
        ("ci", "build", 0, 0.0, 0.0),
        ("ci", "deploy", 0, 0.0, 0.0),
    ]


def test_a_product_without_baselines_has_an_empty_ledger(portfolio_engine: Engine) -> None:
    assert store.fetch_baseline_ledger(portfolio_engine, "2025-01", "2025-04", "hr").empty


def test_ledger_ignores_months_outside_the_period(portfolio_engine: Engine) -> None:
    # December 2024 holds one ci build (u4, written as 2025-01-01T00:30+01:00).
    assert priced_rows(portfolio_engine, "2024-12", "2024-12", "ci") == [
        ("ci", "build", 1, 2.0, 1.0),
        ("ci", "deploy", 0, 0.0, 0.0),
    ]


# ---------------------------------------------------------------- monthly and quarterly flows


def test_portfolio_flows_match_the_hand_computed_months(portfolio_engine: Engine) -> None:
    months = store.fetch_product_months(portfolio_engine, "2025-01", "2025-04")
    flows = value.selection_flows(months, 60.0)
    assert list(flows["cost"]) == pytest.approx([160, 90, 50, 60])
    assert list(flows["risk_adjusted_savings"]) == pytest.approx([84, 168, 60, 180])
    assert list(flows["gross_savings"]) == pytest.approx([150, 300, 60, 240])
    assert list(flows["cumulative_net_value"]) == pytest.approx([-76, 2, 12, 132])


def test_a_month_with_no_cost_row_is_a_zero_cost_month_not_a_missing_one(
    portfolio_engine: Engine,
) -> None:
    months = store.fetch_product_months(portfolio_engine, "2025-01", "2025-04", "ci")
    flows = value.selection_flows(months, 60.0)
    march = flows[flows["month"] == pd.Timestamp("2025-03-01")]
    assert len(march) == 1
    assert float(march["cost"].iloc[0]) == 0.0
    assert float(march["risk_adjusted_savings"].iloc[0]) == 0.0


def test_payback_point_and_cash_flow_of_the_portfolio(portfolio_engine: Engine) -> None:
    months = store.fetch_product_months(portfolio_engine, "2025-01", "2025-04")
    flows = value.selection_flows(months, 60.0)
    figures = value.buyer_figures(months, 60.0)
    assert figures.payback_months == pytest.approx(1 + 76 / 78)
    marker = value.payback_marker(flows, "2025-01", figures.payback_months)
    assert marker is not None
    # Cumulative cost 160 + 76/78 of February's 90 = cumulative savings 84 + 76/78 x 168.
    assert marker.value == pytest.approx(160 + 76 / 78 * 90)
    assert marker.value == pytest.approx(84 + 76 / 78 * 168)
    assert marker.label == "Payback: Feb 2025"
    quarters = value.quarterly_cash_flow(flows)
    assert quarters.to_dict("list") == {
        "quarter": ["2025 Q1", "2025 Q2"],
        "months": [3, 1],
        "cost": pytest.approx([300, 60]),
        "risk_adjusted_savings": pytest.approx([312, 180]),
        "net_value": pytest.approx([12, 120]),
        "cumulative_net_value": pytest.approx([12, 132]),
    }


def test_a_period_before_the_first_month_of_data_has_no_data(portfolio_engine: Engine) -> None:
    # The fixture's first event is in September 2024 and its first cost in December 2024.
    assert not value.has_data(store.fetch_product_months(portfolio_engine, "2024-01", "2024-08"))
    assert value.has_data(store.fetch_product_months(portfolio_engine, "2024-09", "2024-12"))


def test_page_figures_equal_the_report_for_each_product(portfolio_engine: Engine) -> None:
    report = report_json(build_report(portfolio_engine, JAN_TO_APR))
    for product in report["products"]:  # type: ignore[attr-defined]
        months = store.fetch_product_months(
            portfolio_engine, "2025-01", "2025-04", product["product_id"]
        )
        figures = value.buyer_figures(months, 60.0).as_dict()
        for key, expected in product["buyer"].items():
            if expected is None:
                assert figures[key] is None, (product["product_id"], key)
            else:
                assert figures[key] == pytest.approx(expected, abs=0.01), (
                    product["product_id"],
                    key,
                )


# ---------------------------------------------------------------- freshness and history


def test_freshness_counts_rows_and_names_the_latest_month_and_import(
    portfolio_engine: Engine, portfolio_folder: Path
) -> None:
    frame = store.fetch_table_freshness(portfolio_engine).set_index("table_name")
    assert frame.loc["products", "row_count"] == 3
    assert frame.loc["costs", "row_count"] == 9
    assert frame.loc["costs", "latest"] == "2025-04"
    # 12 ci + 18 hr + 3 dm events, counted from the rollups; the latest is ci's April 12.
    assert frame.loc["usage_events", "row_count"] == 33
    assert frame.loc["usage_events", "latest"] == "2025-04-12"
    # The last survey was written 2025-05-01T00:30Z.
    assert frame.loc["surveys", "row_count"] == 6
    assert frame.loc["surveys", "latest"] == "2025-05-01"
    assert frame.loc["kr_measurements", "latest"] == "2025-05"
    assert frame.loc["task_baselines", "row_count"] == 3
    for table, rows in (("usage_events", 33), ("costs", 9), ("assumptions", 3)):
        assert frame.loc[table, "last_source"] == f"folder {portfolio_folder.name}"
        assert frame.loc[table, "last_rows"] == rows
        assert frame.loc[table, "last_imported_at"] is not None
    # Rollups have no file of their own: every import rebuilds them.
    assert pd.isna(frame.loc["rollup_user_month", "file_name"])
    assert pd.isna(frame.loc["rollup_user_month", "last_imported_at"])


def test_import_history_lists_the_import_with_its_rows_per_file(
    portfolio_engine: Engine, portfolio_folder: Path
) -> None:
    history = store.fetch_import_history(portfolio_engine)
    assert len(history) == 1
    assert history.loc[0, "source"] == f"folder {portfolio_folder.name}"
    assert history.loc[0, "files"]["usage_events.csv"] == 33
    assert sum(history.loc[0, "files"].values()) == sum(len(rows) for rows in PORTFOLIO.values())


def test_an_upload_shows_as_the_source_of_only_the_files_it_carried(
    engine: Engine, portfolio_folder: Path
) -> None:
    import_folder(engine, portfolio_folder)
    contents = {"costs.csv": b"product_id,month,category,amount\nci,2025-05,other,7\n"}
    result = import_contents(engine, contents, source="upload")
    assert result.rows == {"costs.csv": 1}
    frame = store.fetch_table_freshness(engine).set_index("table_name")
    assert frame.loc["costs", "last_source"] == "upload"
    assert frame.loc["costs", "last_rows"] == 1
    assert frame.loc["costs", "row_count"] == 10
    assert frame.loc["costs", "latest"] == "2025-05"
    assert frame.loc["products", "last_source"] == f"folder {portfolio_folder.name}"
    assert list(store.fetch_import_history(engine)["source"]) == [
        "upload",
        f"folder {portfolio_folder.name}",
    ]


def test_freshness_of_an_empty_database_is_zero_rows_and_no_import(engine: Engine) -> None:
    frame = store.fetch_table_freshness(engine)
    counts = dict(zip(frame["table_name"], frame["row_count"], strict=True))
    # Only the default assumptions are stored by the schema itself.
    assert counts.pop("assumptions") == 3
    assert set(counts.values()) == {0}
    assert frame["last_imported_at"].isna().all()
    assert store.fetch_import_history(engine).empty


# ---------------------------------------------------------------- editing assumptions


def stored(engine: Engine) -> dict[str, str]:
    rows = store.fetch_assumption_rows(engine)
    return dict(zip(rows["key"], rows["value"], strict=True))


def test_saving_assumptions_stores_them_and_reports_what_changed(
    engine: Engine, portfolio_folder: Path
) -> None:
    import_folder(engine, portfolio_folder)
    before = store.fetch_assumption_rows(engine).set_index("key")["updated_at"]
    changed = store.save_assumptions(
        engine, {"loaded_hourly_cost": "120", "currency": "EUR", "discount_rate": "0.05"}
    )
    # EUR was already stored: only the two values that differ count as changed.
    assert sorted(changed) == ["discount_rate", "loaded_hourly_cost"]
    assert stored(engine) == {
        "currency": "EUR",
        "discount_rate": "0.05",
        "loaded_hourly_cost": "120",
    }
    after = store.fetch_assumption_rows(engine).set_index("key")["updated_at"]
    assert after["currency"] == before["currency"]
    assert after["loaded_hourly_cost"] > before["loaded_hourly_cost"]
    assert store.save_assumptions(engine, {"loaded_hourly_cost": "120"}) == []


@pytest.mark.parametrize(
    "values",
    [
        {"loaded_hourly_cost": "-5"},
        {"loaded_hourly_cost": "0"},
        {"discount_rate": "1.5"},
        {"currency": "XYZ"},
        {"loaded_hourly_cost": "80", "currency": "ZZZ"},
    ],
)
def test_invalid_assumptions_are_refused_and_nothing_is_written(engine: Engine, values) -> None:
    before = stored(engine)
    with pytest.raises(store.AssumptionsRefused) as refused:
        store.save_assumptions(engine, values)
    assert set(refused.value.problems) <= set(values)
    assert refused.value.problems
    assert stored(engine) == before


def test_the_report_follows_a_changed_hourly_cost_at_once(
    engine: Engine, portfolio_folder: Path
) -> None:
    import_folder(engine, portfolio_folder)
    at_60 = report_json(build_report(engine, JAN_TO_APR))["portfolio"]["buyer"]  # type: ignore[index]
    assert at_60["risk_adjusted_savings"] == 492.0
    store.save_assumptions(engine, {"loaded_hourly_cost": "120", "currency": "GBP"})
    report = report_json(build_report(engine, JAN_TO_APR))
    at_120 = report["portfolio"]["buyer"]  # type: ignore[index]
    # Twice the hourly cost: 12.5 h x 120 = 1,500 gross; 8.2 risk-adjusted h x 120 = 984.
    assert report["currency"] == "GBP"
    assert at_120["gross_savings"] == 1500.0
    assert at_120["risk_adjusted_savings"] == 984.0
    assert at_120["net_value"] == 984.0 - 360.0
    assert at_120["hours_saved"] == at_60["hours_saved"]


def test_the_report_command_follows_a_changed_hourly_cost(
    engine: Engine, portfolio_folder: Path
) -> None:
    import_folder(engine, portfolio_folder)
    store.save_assumptions(engine, {"loaded_hourly_cost": "30"})
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "valuemodel", "report", "--from", "2025-01", "--to", "2025-04",
         "--format", "json"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Half of 60 per hour: 492 / 2 = 246.
    assert json.loads(done.stdout)["portfolio"]["buyer"]["risk_adjusted_savings"] == 246.0


def test_assumption_upsert_binds_the_value_as_text_and_never_runs_it(
    engine: Engine, portfolio_folder: Path
) -> None:
    import_folder(engine, portfolio_folder)
    hostile = "x'); DROP TABLE products; --"
    with engine.begin() as conn:
        conn.execute(queries.q("assumption_upsert"), {"key": "currency", "value": hostile})
    assert stored(engine)["currency"] == hostile
    assert len(store.fetch_products(engine)) == 3
