"""One label map per vocabulary: what each id reads as on every page, the CLI and the
brief. Pure. Raw ids (`pipeline_run`, `task_success`, `usage_events`) never reach prose.
"""

from __future__ import annotations

DIMENSIONS = {
    "happiness": "Happiness",
    "engagement": "Engagement",
    "adoption": "Adoption",
    "retention": "Retention",
    "task_success": "Task success",
}
# Product metrics a key result can be linked to: the HEART dimensions and the savings.
METRICS = {**DIMENSIONS, "happiness": "Happiness (NPS)", "savings": "Risk-adjusted savings"}
# A HEART goal's role. One word for the guard against a hidden loss: "backstop".
ROLES = {"key": "Key metric", "backstop": "Backstop"}
EVIDENCE = {
    "causal": "Causal (tested)",
    "correlational": "Correlational (dotted line)",
    "asserted": "Asserted (no data)",
}
TABLES = {
    "products": "Products and their eligible users",
    "costs": "Monthly cost rows",
    "usage_events": "Usage events (counted from the rollups)",
    "surveys": "Survey responses",
    "task_baselines": "Minutes saved per task, with confidence",
    "heart_goals": "HEART goals and targets",
    "objectives": "Company, org and team objectives",
    "key_results": "Key results",
    "kr_measurements": "Key result measurements",
    "metric_links": "Links from product metrics to key results",
    "assumptions": "Global assumptions",
    "rollup_user_month": "Rollup: active users per month",
    "rollup_action_month": "Rollup: tasks and outcomes per month",
    "rollup_survey_month": "Rollup: survey bands per month",
}


def action(name: object) -> str:
    """A task's id as words: 'pipeline_run' -> 'Pipeline run'."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def dimension(name: str) -> str:
    return DIMENSIONS.get(name, action(name))


def metric(name: str) -> str:
    return METRICS.get(name, action(name))
