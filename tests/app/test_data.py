"""The Data page through Streamlit's AppTest: freshness, definitions, editing the global
assumptions (every number follows) and CSV upload with validation.

Tests that write use a fresh database holding the hand-made PORTFOLIO fixture, never the
shared demo database.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from tests.sql.csvdata import PORTFOLIO, write_folder
from valuemodel.core.months import Period
from valuemodel.data import store
from valuemodel.data.report import build_report


def open_page(page: str, **params: str) -> AppTest:
    """The app opened on a link (see tests/app/test_value.py), then switched to `page`."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    [found] = [b for b in at.button if b.label == label]
    return found


def save_button(at: AppTest):  # type: ignore[no-untyped-def]
    [found] = [b for b in at.get("form_submit_button") if b.label == "Save assumptions"]
    return found


def counts(shown):  # type: ignore[no-untyped-def]
    """Counts shown with thousands separators, as numbers."""
    return [int(str(v).replace(",", "")) for v in shown]


def problem_tables(at: AppTest) -> list:  # type: ignore[type-arg]
    return [t.value for t in at.table if "Reason" in t.value.columns]


def stored(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = store.fetch_assumption_rows(engine)
    return dict(zip(rows["key"], rows["value"], strict=True))


@pytest.fixture
def portfolio_app(engine, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The app on a fresh database holding the PORTFOLIO fixture (60 EUR per hour)."""
    from valuemodel.data import db
    from valuemodel.data.importer import import_folder

    import_folder(engine, write_folder(tmp_path / "portfolio", PORTFOLIO))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    yield engine
    db.reset_engine()


# ---------------------------------------------------------------- reading


def test_data_page_shows_freshness_of_every_table_and_the_definitions(app_env, demo_engine):
    at = open_page("views/data.py")
    assert [t.value for t in at.title] == ["Data"]
    assert not at.error
    freshness = at.table[0].value  # a wrapping table; counts shown with separators
    expected = store.fetch_table_freshness(demo_engine)
    assert list(freshness["Table"]) == list(expected["table_name"])
    rows = dict(zip(freshness["Table"], counts(freshness["Rows"]), strict=True))
    assert rows["usage_events"] == int(
        expected.loc[expected["table_name"] == "usage_events", "row_count"].iloc[0]
    )
    definitions = "\n".join(m.value for m in at.markdown)
    assert "risk-adjusted savings" in definitions
    assert "payback" in definitions


def test_the_assumptions_form_starts_from_the_stored_values(app_env, demo_engine):
    at = open_page("views/data.py")
    assumptions = store.fetch_assumptions(demo_engine)
    assert (
        at.number_input(key="assumption_loaded_hourly_cost").value == assumptions.loaded_hourly_cost
    )
    assert at.selectbox(key="assumption_currency").value == assumptions.currency
    # Typed as the page shows it: 10.0 (%), not 0.100.
    rate = at.number_input(key="assumption_discount_rate")
    assert rate.value == pytest.approx(assumptions.discount_rate * 100)
    assert rate.proto.format == "%.1f" and "%" in rate.label


def test_a_discount_rate_typed_in_percent_is_saved_as_its_fraction(portfolio_app):
    at = open_page("views/data.py")
    at.number_input(key="assumption_discount_rate").set_value(7.5)
    save_button(at).click().run()
    assert not at.exception and not at.error
    assert stored(portfolio_app)["discount_rate"] == "0.075"
    assert any("discount rate of 7.5%" in s.value for s in at.success)


# ---------------------------------------------------------------- editing assumptions


def test_saving_a_new_hourly_cost_changes_every_number_at_once(portfolio_app):
    before = build_report(portfolio_app, Period("2025-01", "2025-04"))
    assert before.portfolio.buyer.risk_adjusted_savings == 492.0
    at = open_page("views/data.py", **{"from": "2025-01", "to": "2025-04"})
    at.number_input(key="assumption_loaded_hourly_cost").set_value(120.0)
    save_button(at).click().run()
    assert not at.exception and not at.error
    assert any("Saved" in s.value for s in at.success)
    assert stored(portfolio_app)["loaded_hourly_cost"] == "120"
    # The report (and so `python -m valuemodel report`) follows: 8.2 risk-adjusted hours x 120.
    after = build_report(portfolio_app, Period("2025-01", "2025-04"))
    assert after.portfolio.buyer.risk_adjusted_savings == 984.0
    # So does the Value page, in the same session: its cached reads were invalidated.
    at.switch_page("views/value.py").run()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Risk-adjusted savings"] == "€984"
    assert tiles["Loaded hourly cost"] == "€120 / hour"


def test_min_survey_responses_is_saved_and_decides_which_nps_is_scored(portfolio_app):
    # ci's quarter Feb..Apr holds 4 answers: unscored at the default 30, scored at 4
    from valuemodel.core.months import Period
    from valuemodel.data.report import build_report

    def ci_happiness_score() -> object:
        report = build_report(portfolio_app, Period("2025-01", "2025-04"), "ci")
        return report.products[0].user.scores["happiness"]

    assert ci_happiness_score() is None
    at = open_page("views/data.py", **{"from": "2025-01", "to": "2025-04"})
    at.number_input(key="assumption_min_survey_responses").set_value(4)
    save_button(at).click().run()
    assert stored(portfolio_app)["min_survey_responses"] == "4"
    assert ci_happiness_score() == pytest.approx(250 / 3)  # 100 x (25 + 100) / (50 + 100)
    at.switch_page("views/heart.py").run()
    assert not at.exception


def test_changing_the_currency_relabels_every_amount(portfolio_app):
    at = open_page("views/data.py", **{"from": "2025-01", "to": "2025-04"})
    at.selectbox(key="assumption_currency").set_value("GBP")
    save_button(at).click().run()
    assert stored(portfolio_app)["currency"] == "GBP"
    at.switch_page("views/value.py").run()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Risk-adjusted savings"] == "£492"


@pytest.mark.parametrize(
    ("key", "bad", "words"),
    [
        ("assumption_loaded_hourly_cost", -5.0, "positive hourly cost"),
        ("assumption_loaded_hourly_cost", 0.0, "positive hourly cost"),
        ("assumption_discount_rate", 150.0, "below 100% a year"),
        ("assumption_min_survey_responses", 0, "whole number of survey responses"),
    ],
)
def test_an_invalid_assumption_is_refused_with_a_reason_and_nothing_is_saved(
    portfolio_app, key, bad, words
):
    before = stored(portfolio_app)
    at = open_page("views/data.py")
    at.number_input(key=key).set_value(bad)
    save_button(at).click().run()
    assert not at.exception
    assert at.error and "Nothing was saved" in at.error[0].value
    assert words in at.error[0].value
    assert stored(portfolio_app) == before


def test_saving_unchanged_values_says_nothing_changed(portfolio_app):
    at = open_page("views/data.py")
    save_button(at).click().run()
    assert any("Nothing changed" in s.value for s in at.success)


def test_a_read_only_connection_disables_saving_and_importing_with_the_reason(
    portfolio_app, monkeypatch
):
    monkeypatch.setattr("dashboard.access.database_writable", lambda: False)
    at = open_page("views/data.py")
    assert any("read-only" in i.value for i in at.info)
    assert save_button(at).disabled
    assert button(at, "Validate and import").disabled


# ---------------------------------------------------------------- CSV upload


def test_a_valid_upload_is_imported_and_shows_rows_per_file(portfolio_app):
    at = open_page("views/data.py")
    costs = b"product_id,month,category,amount\nci,2025-05,other,7\nhr,2025-05,licenses,12\n"
    at.get("file_uploader")[0].set_value([("costs.csv", costs, "text/csv")]).run()
    button(at, "Validate and import").click().run()
    assert not at.exception and not at.error
    assert any("Imported 2 rows from 1 file(s)" in s.value for s in at.success)
    assert at.dataframe[0].value.to_dict("records") == [{"File": "costs.csv", "Rows": 2}]
    freshness = store.fetch_table_freshness(portfolio_app).set_index("table_name")
    assert freshness.loc["costs", "last_source"] == "upload"
    assert freshness.loc["costs", "row_count"] == 11


def test_an_invalid_upload_lists_each_problem_and_writes_nothing(portfolio_app):
    before = len(store.fetch_table_freshness(portfolio_app))
    history = store.fetch_import_history(portfolio_app)
    at = open_page("views/data.py")
    costs = b"product_id,month,category,amount\nci,2025-05,other,abc\nzz,2025-13,other,1\n"
    at.get("file_uploader")[0].set_value([("costs.csv", costs, "text/csv")]).run()
    button(at, "Validate and import").click().run()
    assert not at.exception
    assert at.error and "Nothing was imported" in at.error[0].value
    [problems] = problem_tables(at)  # a wrapping table: no reason is cut
    assert list(problems.columns) == ["File", "Line", "Column", "Reason"]
    records = problems.to_dict("records")
    assert {"File": "costs.csv", "Line": "2", "Column": "amount"}.items() <= records[0].items()
    assert all(r["File"] == "costs.csv" for r in records)
    assert {r["Line"] for r in records} == {"2", "3"}
    assert len(store.fetch_table_freshness(portfolio_app)) == before
    assert store.fetch_import_history(portfolio_app).equals(history)


def test_a_file_over_the_size_limit_is_refused_before_validation(portfolio_app, monkeypatch):
    monkeypatch.setattr("valuemodel.data.importer.MAX_UPLOAD_BYTES", 2**20)
    history = store.fetch_import_history(portfolio_app)
    at = open_page("views/data.py")
    big = b"product_id,month,category,amount\n" + b"ci,2025-05,other,7\n" * 80_000
    at.get("file_uploader")[0].set_value([("costs.csv", big, "text/csv")]).run()
    button(at, "Validate and import").click().run()
    assert at.error and "larger than the 1 MB limit" in at.error[0].value
    assert store.fetch_import_history(portfolio_app).equals(history)


def test_on_an_empty_database_the_page_offers_the_import_and_shows_zero_rows(engine, monkeypatch):
    from valuemodel.data import db

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        at = open_page("views/data.py")
        assert not at.error
        freshness = at.table[0].value
        rows = dict(zip(freshness["Table"], counts(freshness["Rows"]), strict=True))
        assert rows["products"] == 0 and rows["usage_events"] == 0
        assert at.get("file_uploader")
        assert any("Recent imports (0)" in e.label for e in at.expander)
    finally:
        db.reset_engine()


def test_the_import_action_checks_editor_rights_itself(portfolio_app):
    # The page's disabled button is only a hint in the browser: the action called by the
    # button refuses a viewer without rights on its own, and writes nothing.
    import io

    from dashboard import imports
    from valuemodel.data.importer import ImportRefused

    history = store.fetch_import_history(portfolio_app)
    upload = io.BytesIO(b"product_id,month,category,amount\nci,2025-05,other,7\n")
    upload.name = "costs.csv"  # type: ignore[attr-defined]
    upload.size = len(upload.getvalue())  # type: ignore[attr-defined]
    with pytest.raises(ImportRefused) as refused:
        imports.import_uploads(portfolio_app, False, "viewers may not import", [upload])  # type: ignore[list-item]
    assert refused.value.lines == ["viewers may not import"]
    assert store.fetch_import_history(portfolio_app).equals(history)


def test_two_uploads_with_the_same_name_are_refused_with_a_message(portfolio_app):
    history = store.fetch_import_history(portfolio_app)
    at = open_page("views/data.py")
    first = b"product_id,month,category,amount\nci,2025-05,other,7\n"
    second = b"product_id,month,category,amount\nhr,2025-05,other,9\n"
    at.get("file_uploader")[0].set_value(
        [("costs.csv", first, "text/csv"), ("costs.csv", second, "text/csv")]
    ).run()
    button(at, "Validate and import").click().run()
    assert not at.exception
    assert at.error and "costs.csv was uploaded 2 times" in at.error[0].value
    assert store.fetch_import_history(portfolio_app).equals(history)


def test_the_problem_count_does_not_count_the_and_more_line(portfolio_app):
    at = open_page("views/data.py")
    rows = b"".join(b"ci,2025-%02d,other,abc\n" % (m % 12 + 1) for m in range(60))
    costs = b"product_id,month,category,amount\n" + rows
    at.get("file_uploader")[0].set_value([("costs.csv", costs, "text/csv")]).run()
    button(at, "Validate and import").click().run()
    assert at.error and "Nothing was imported: 60 problem(s)" in at.error[0].value


def test_the_import_log_shows_folder_names_not_server_paths(portfolio_app):
    at = open_page("views/data.py")
    tables = [d.value for d in at.dataframe]
    [history] = [t for t in tables if "Source" in t.columns and "Files (rows)" in t.columns]
    assert all("/" not in str(s) for s in history["Source"]), list(history["Source"])
    assert list(history["Source"]) == ["folder portfolio"]


def test_a_refused_upload_ends_the_import_status_and_lists_every_problem_of_a_row(portfolio_app):
    at = open_page("views/data.py")
    header = b"product_id,user_id,occurred_at,action,succeeded,duration_seconds\n"
    events = header + b"ci,u1,yesterday,build,maybe,-3\n"  # three bad fields on line 2
    at.get("file_uploader")[0].set_value([("usage_events.csv", events, "text/csv")]).run()
    button(at, "Validate and import").click().run()
    assert not at.exception
    [status] = at.status
    assert status.label.startswith("Refused") and "Validating" not in status.label
    [problems] = problem_tables(at)
    assert set(problems["Line"]) == {"2"}
    assert {"occurred_at", "succeeded", "duration_seconds"} <= set(problems["Column"])
    assert all(len(reason) > 5 for reason in problems["Reason"])
    assert at.error and f"{len(problems)} problem(s)" in at.error[0].value
