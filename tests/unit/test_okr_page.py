"""The OKR page model's key-metric and backstop table, from hand-made HEART goals and
current values run through the guardrail rule. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd

from valuemodel.core import okr
from valuemodel.present.pages import okr as page

GOAL_FIELDS = ["product_id", "dimension", "role", "goal", "signal", "metric", "target"]
COLUMNS = ["Product", "Role", "Dimension", "Value", "Target", "Status", "Goal"]


def test_backstop_table_shows_each_goal_with_its_value_target_and_status() -> None:
    goals = pd.DataFrame(
        [
            ("ci", "adoption", "key", "Most engineers use it", "s", "m", 0.5),
            ("ci", "happiness", "backstop", "Keep NPS <b>positive</b>", "s", "m", 20.0),
            ("ci", "task_success", "backstop", "Tasks succeed", "s", "m", 0.9),
            ("gone", "engagement", "key", "Weekly use", "s", "m", 4.0),
        ],
        columns=GOAL_FIELDS,
    )
    values = {
        "ci": {"adoption": 0.613, "happiness": 12.4, "happiness_responses": 1412,
               "task_success": None},
        "gone": {"engagement": 4.3},
    }  # fmt: skip
    table = page.backstop_table(okr.guardrails(goals, values, 30), {"ci": "CI Platform"})
    assert list(table.columns) == COLUMNS
    rows = {(r.Product, r.Dimension): r for r in table.itertuples()}
    adoption = rows[("CI Platform", "Adoption")]
    assert (adoption.Role, adoption.Value, adoption.Target, adoption.Status) == (
        "Key metric", "61.3%", "50.0%", "Meets target",
    )  # fmt: skip
    nps = rows[("CI Platform", "Happiness (NPS)")]
    assert (nps.Role, nps.Value, nps.Target, nps.Status) == (
        "Backstop", "+12 (n=1,412)", "+20", "Below target",
    )  # fmt: skip
    assert nps.Goal == "Keep NPS <b>positive</b>"  # a cell value, as written
    missing = rows[("CI Platform", "Task success")]
    assert (missing.Value, missing.Status) == ("—", "No data")
    unnamed = rows[("gone", "Engagement")]  # a product without a name shows its id
    assert (unnamed.Value, unnamed.Target) == ("4.3 days", "4.0 days")


def test_backstop_table_of_no_goals_is_empty_with_the_same_columns() -> None:
    table = page.backstop_table(okr.guardrails(pd.DataFrame(columns=GOAL_FIELDS), {}), {})
    assert table.empty
    assert list(table.columns) == COLUMNS


def kr_table(*rows: tuple[str, float | None, str]) -> pd.DataFrame:
    """(kr_id, progress, status) rows of the key-result table."""
    return pd.DataFrame(list(rows), columns=["kr_id", "progress", "status"])


def test_progress_tiles_count_judged_key_results_and_missed_backstops() -> None:
    krs = kr_table(
        ("k1", 1.0, okr.ACHIEVED),
        ("k2", 0.5, okr.ON_TRACK),
        ("k3", 0.1, okr.BEHIND),
        ("k4", None, okr.UNKNOWN),  # not judged: left out of both counts
    )
    backstops = pd.DataFrame({"below_target": [True, False, False]})
    (kr_label, kr_value, _), (bs_label, bs_value, bs_help) = page.progress_tiles(
        krs, backstops, "2025-12"
    )
    assert (kr_label, kr_value) == ("Key results on track", "2 of 3")
    assert (bs_label, bs_value) == ("Backstops missed", "1 of 3")
    assert "below their target in 2025-12" in bs_help
    empty = page.progress_tiles(kr_table(), pd.DataFrame({"below_target": []}), "2025-12")
    assert [value for _, value, _ in empty] == ["—", "—"]


def test_kr_notes_give_progress_and_status_or_the_status_alone() -> None:
    notes = page.kr_notes(kr_table(("k1", 0.456, okr.ON_TRACK), ("k2", None, okr.UNKNOWN)))
    assert notes == {"k1": "46% of the way, on track", "k2": "unknown"}
    assert page.kr_notes(kr_table()) == {}


def test_backstop_alert_names_each_missed_backstop_with_its_nps_n_and_caps_the_list() -> None:
    goals = pd.DataFrame(
        [("p*", "happiness", "backstop", "g", "s", "m", 20.0)]
        + [(f"p{i}", "retention", "backstop", "g", "s", "m", 0.8) for i in range(7)],
        columns=GOAL_FIELDS,
    )
    values = {"p*": {"happiness": -5.0, "happiness_responses": 2500}} | {
        f"p{i}": {"retention": 0.5} for i in range(7)
    }
    guard = okr.guardrails(goals, values, 30)
    breached = guard[guard["below_target"]]
    text = page.backstop_alert(breached, {"p0": "Atlas"}, "2025-12")
    assert text is not None
    assert text.startswith("**8 backstops are below target in 2025-12.**")
    assert "NPS is -5 (n=2,500) against a target of +20" in text
    assert "- **Atlas**: retention is 50.0% against a target of 80.0%" in text
    assert "p\\*" in text  # a product id reaching Markdown is escaped
    assert text.count("\n- ") == 7  # six backstops and the 'more' line
    assert text.endswith("- and 2 more in the table below")
    one = page.backstop_alert(breached.head(1), {}, "2025-12")
    assert one is not None and one.startswith("**1 backstop is below target")
    assert page.backstop_alert(breached.iloc[0:0], {}, "2025-12") is None
