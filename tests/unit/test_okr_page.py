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
