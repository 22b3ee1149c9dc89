"""The HEART page's shaping: dimension cards, status against goals, monthly scores, the
user lifecycle, retention cohorts, task durations, NPS confidence and the portfolio grid.

Pure (pandas only). The definitions themselves live in `valuemodel.metrics`
(monthly_values, heart_score, heart_index, user_figures); this module only arranges
their results for display, so the page and `python -m valuemodel report` agree.

Units: adoption, retention and task success are fractions, engagement is active days per
active user and month, happiness is an NPS (-100..100), scores are 0-100, durations are
seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict, cast

import pandas as pd

from valuemodel.core import metrics
from valuemodel.core.contract import DEFAULT_MIN_SURVEY_RESPONSES, HEART_DIMENSIONS
from valuemodel.core.numbers import finite
from valuemodel.core.report import ProductReport, User
from valuemodel.present import formats as formatting
from valuemodel.present import labels

DIMENSION_LABELS = labels.DIMENSIONS
DIMENSION_UNITS = {
    "happiness": "NPS, -100 to 100",
    "engagement": "active days per user",
    "adoption": "% of eligible users",
    "retention": "% of last month's users",
    "task_success": "% of outcomes that succeeded",
}
# Axis title and d3 format of each dimension's values on charts.
AXIS = {
    "happiness": ("NPS (-100 to 100)", "+d"),
    "engagement": ("Active days per user", ".1f"),
    "adoption": ("Share of eligible users", ".0%"),
    "retention": ("Share of last month's users", ".0%"),
    "task_success": ("Share of outcomes succeeded", ".0%"),
}
# Fewer survey responses than the assumption min_survey_responses (this by default) over
# a happiness value's rolling quarter leave it without a HEART score.
LOW_CONFIDENCE_RESPONSES = DEFAULT_MIN_SURVEY_RESPONSES
# Dimensions whose values carry a 90% interval (DESIGN section 4).
WITH_INTERVAL = ("happiness", "retention", "task_success")

MET = "met"
BELOW = "below goal"
NO_DATA = "no data"
NO_GOAL = "no goal"
TOO_FEW = "too few responses"
BACKSTOP_WARNING = "⚠"

LIFECYCLE_STATES = ("new", "returning", "resurrected", "dormant")
LIFECYCLE_LABELS = {
    "new": "New",
    "returning": "Returning",
    "resurrected": "Resurrected",
    "dormant": "Dormant (gone this month)",
}


_number = finite  # the one NaN guard


def month_before(month: str) -> str:
    """'2025-01' -> '2024-12'."""
    return str(pd.Period(month, freq="M") - 1)


def from_month(frame: pd.DataFrame, month: str, column: str = "month") -> pd.DataFrame:
    """The rows of `frame` from `month` ('YYYY-MM') on (the period without its lead-in)."""
    return frame[frame[column] >= pd.Timestamp(f"{month}-01")].reset_index(drop=True)


# ---------------------------------------------------------------- formatting


def format_value(dimension: str, value: float | None) -> str:
    """A dimension's value in its own unit: '+23' (NPS), '4.2 days', '61.2%'."""
    value = _number(value)
    if value is None:
        return formatting.MISSING
    if dimension == "happiness":
        return formatting.nps(value)
    if dimension == "engagement":
        return f"{value:,.1f} days"
    return formatting.percent(value)


def format_interval(dimension: str, interval: Sequence[float] | None) -> str | None:
    """A 90% interval in the dimension's unit: '+12 to +31', '78.1% to 86.0%'; None
    without one."""
    if interval is None or len(interval) != 2:
        return None
    low, high = _number(interval[0]), _number(interval[1])
    if low is None or high is None:
        return None
    return f"{format_value(dimension, low)} to {format_value(dimension, high)}"


def nps_with_n(
    value: float | None, responses: int | None, interval: Sequence[float] | None = None
) -> str:
    """An NPS with the responses behind it, and its 90% interval when given:
    '+25 (n=412)', '+25 (n=412; 90%: +18 to +32)'; an em dash without a value."""
    value = _number(value)
    if value is None:
        return formatting.MISSING
    text = f"{formatting.nps(value)} (n={int(responses or 0):,}"
    span = format_interval("happiness", interval)
    return f"{text}; 90%: {span})" if span else f"{text})"


def format_change(dimension: str, change: float | None) -> str | None:
    """A month-on-month change in the dimension's unit: '+5 NPS', '+0.4 days', '-2.1 pts'.

    A change that rounds to zero reads without a sign ('0.0 pts', never '-0.0 pts').
    None when the change is undefined (either month has no value).
    """
    change = _number(change)
    if change is None:
        return None
    if dimension == "happiness":
        amount, unit, digits = change, "NPS", 0
    elif dimension == "engagement":
        amount, unit, digits = change, "days", 1
    else:
        amount, unit, digits = change * 100, "pts", 1
    if round(amount, digits) == 0:
        return f"{0:.{digits}f} {unit}"
    return f"{amount:+.{digits}f} {unit}"


def format_score(score: float | None) -> str:
    """A 0-100 score as a whole number (never rounded up to 100); an em dash when missing."""
    return formatting.score(_number(score))


def format_duration(seconds: float | None) -> str:
    """'42 s', '4.7 min' or '1.3 h'; an em dash when there is no duration."""
    seconds = _number(seconds)
    if seconds is None:
        return formatting.MISSING
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def goal_status(value: float | None, target: float | None) -> str:
    """'met' (value at or above target), 'below goal', 'no data' or 'no goal'."""
    if _number(target) is None:
        return NO_GOAL
    value = _number(value)
    if value is None:
        return NO_DATA
    return MET if value >= float(target) else BELOW  # type: ignore[arg-type]


# ---------------------------------------------------------------- goals


class GoalRow(TypedDict, total=False):
    """One row of the heart_goals query (a product's goal for one HEART dimension)."""

    product_id: str
    dimension: str
    role: str
    goal: str
    signal: str
    metric: str
    target: float


def goals_by_dimension(goals: pd.DataFrame, product_id: str) -> dict[str, GoalRow]:
    """One product's goal rows keyed by dimension (role, goal, signal, metric, target)."""
    own = goals[goals["product_id"] == product_id] if not goals.empty else goals
    return {str(row["dimension"]): cast(GoalRow, row.to_dict()) for _, row in own.iterrows()}


def targets_of(goals: pd.DataFrame, product_id: str) -> dict[str, float]:
    """One product's targets by dimension, in each dimension's unit (as report uses)."""
    return {d: float(g["target"]) for d, g in goals_by_dimension(goals, product_id).items()}


# ---------------------------------------------------------------- dimension cards


@dataclass(frozen=True)
class DimensionCard:
    """One dimension's headline for the period's last month.

    value and target are in the dimension's unit; score is 0-100; previous_value is the
    month before (for the trend); role is 'key', 'backstop' or None without a goal.
    """

    dimension: str
    role: str | None
    value: float | None
    target: float | None
    score: float | None
    previous_value: float | None
    previous_month: str | None
    responses: int | None = None  # survey responses behind a happiness value
    interval: tuple[float, float] | None = None  # 90% interval of the value, its unit
    min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES

    @property
    def label(self) -> str:
        return DIMENSION_LABELS[self.dimension]

    @property
    def too_few_responses(self) -> bool:
        """True for a happiness value from fewer than min_responses answers: shown, with
        its interval, but neither scored nor judged against its goal."""
        return (
            self.dimension == "happiness"
            and self.value is not None
            and not metrics.enough_responses(self.responses, self.min_responses)
        )

    @property
    def status(self) -> str:
        if self.too_few_responses and self.target is not None:
            return TOO_FEW
        return goal_status(self.value, self.target)

    @property
    def headline(self) -> str:
        """The score (0-100, whole), or why there is none: 'no goal' / 'no data' / 'too few
        responses'."""
        if self.target is None:
            return NO_GOAL
        if self.too_few_responses:
            return TOO_FEW
        if self.score is None:
            return NO_DATA
        return f"{self.score:.0f}"

    @property
    def tile_value(self) -> str:
        """The tile's big figure: the headline, but an em dash for a happiness with too few
        responses (the reason is long; the tile's caption gives it, see `detail`)."""
        too_few = self.too_few_responses and self.target is not None
        return formatting.MISSING if too_few else self.headline

    @property
    def score_phrase(self) -> str:
        """'score 62', or why there is none: 'no goal', 'no data', 'too few responses'."""
        text = self.headline
        return f"score {text}" if text not in (NO_GOAL, NO_DATA, TOO_FEW) else text

    @property
    def change(self) -> str | None:
        """The value's change since the previous month, in the dimension's unit."""
        if self.value is None or self.previous_value is None:
            return None
        return format_change(self.dimension, self.value - self.previous_value)

    @property
    def change_colour(self) -> Literal["normal", "off"]:
        """'off' (grey, no arrow colour) for an unchanged value, else 'normal'."""
        text = self.change
        return "normal" if text and text[0] in "+-" else "off"

    @property
    def detail(self) -> str:
        """'61.2% · goal 85.0% (key)', '61.2% · no goal set', 'no data · goal +20 (backstop)';
        an NPS carries its number of responses: '+25 (n=412) · goal +20 (key)'."""
        value = format_value(self.dimension, self.value) if self.value is not None else NO_DATA
        if self.dimension == "happiness" and self.value is not None:
            value = f"{value} (n={int(self.responses or 0):,})"
        if self.too_few_responses:
            return f"{value}, under {self.min_responses:,} responses: not scored"
        if self.target is None:
            return f"{value} · no goal set"
        role = f" ({self.role})" if self.role else ""
        return f"{value} · goal {format_value(self.dimension, self.target)}{role}"

    @property
    def interval_text(self) -> str | None:
        """'90% interval: +12 to +31', or None when the value has no interval."""
        span = format_interval(self.dimension, self.interval)
        return f"90% interval: {span}" if span else None

    @property
    def low_confidence(self) -> bool:
        """True for a happiness value from fewer than min_responses responses."""
        return self.too_few_responses


def dimension_cards(
    user: User,
    goals: Mapping[str, Mapping[str, object]],
    previous: Mapping[str, float | None] | None = None,
    previous_month: str | None = None,
    responses: int | None = None,
    min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES,
) -> list[DimensionCard]:
    """The five cards, in HEART order, from a report's `User` figures.

    goals: the product's goal rows by dimension (see goals_by_dimension); previous: the
    values of the month before, by dimension (see values_of_month); responses: the survey
    responses behind happiness (default: the user object's happiness_responses);
    min_responses: the assumption min_survey_responses.
    """
    if responses is None:
        responses = user.happiness_responses
    scores = user.scores
    cards = []
    for dimension in HEART_DIMENSIONS:
        goal = goals.get(dimension)
        cards.append(
            DimensionCard(
                dimension=dimension,
                role=str(goal["role"]) if goal else None,
                value=_number(user.value(dimension)),
                target=_number(goal["target"]) if goal else None,
                score=_number(scores.get(dimension)),
                previous_value=_number((previous or {}).get(dimension)),
                previous_month=previous_month,
                responses=responses if dimension == "happiness" else None,
                interval=_interval(getattr(user, f"{dimension}_ci90", None)),
                min_responses=min_responses,
            )
        )
    return cards


def _interval(value: object) -> tuple[float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    low, high = _number(value[0]), _number(value[1])
    return None if low is None or high is None else (low, high)


def values_of_month(values: pd.DataFrame, month: str) -> dict[str, float | None]:
    """The five values of one month of a single product's `monthly_values` frame."""
    row = values[values["month"].dt.strftime("%Y-%m") == month]
    if row.empty:
        return dict.fromkeys(HEART_DIMENSIONS)
    first = row.iloc[0]
    return {d: _number(first[d]) for d in HEART_DIMENSIONS}


def responses_of_month(values: pd.DataFrame, month: str) -> dict[str, int]:
    """Survey responses behind each product's happiness in one month of a
    `monthly_values` frame: those of the rolling quarter ending with the month."""
    own = values[values["month"].dt.strftime("%Y-%m") == month]
    column = own["happiness_responses"]
    return {str(p): int(n) for p, n in zip(own["product_id"], column, strict=True)}


def weakest(scores: Mapping[str, float | None]) -> tuple[str, float] | None:
    """The dimension with the lowest score, or None: the one rule for the HEART page, the
    Overview and the brief. On a tie, the first in HEART order (happiness, engagement,
    adoption, retention, task success) wins."""
    present = [(d, float(s)) for d in HEART_DIMENSIONS if (s := _number(scores.get(d))) is not None]
    if not present:
        return None
    return min(present, key=lambda pair: pair[1])


# ---------------------------------------------------------------- monthly series


def monthly_scores(values: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """Every product-month's five values, targets and scores, in long form.

    values: a `metrics.monthly_values` frame; goals: `heart_goals_for` rows. Columns:
    product_id, month (Timestamp), dimension, value, target, score (0-100, NaN without a
    goal or value), low and high (the value's 90% interval, NaN without one), responses
    (the survey answers behind happiness, 0 for the other dimensions). Computed with
    `metrics.user_figures`, as the report is.
    """
    rows = []
    target_cache: dict[str, dict[str, float]] = {}
    for _, row in values.iterrows():
        pid = str(row["product_id"])
        targets = target_cache.setdefault(pid, targets_of(goals, pid))
        figures = metrics.user_figures(row, targets)
        intervals = {
            "happiness": figures.happiness_ci90,
            "retention": figures.retention_ci90,
            "task_success": figures.task_success_ci90,
        }
        for dimension in HEART_DIMENSIONS:
            interval = intervals.get(dimension)
            rows.append(
                (
                    pid,
                    row["month"],
                    dimension,
                    figures.value(dimension),
                    targets.get(dimension),
                    figures.scores[dimension],
                    None if interval is None else interval[0],
                    None if interval is None else interval[1],
                    figures.happiness_responses if dimension == "happiness" else 0,
                )
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "product_id", "month", "dimension", "value", "target", "score", "low", "high",
            "responses",
        ],
    )  # fmt: skip
    for column in ("value", "target", "score", "low", "high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["value_text"] = [
        format_value(d, v)
        if d != "happiness" or _number(v) is None
        else f"{format_value(d, v)} (n={n:,})"
        for d, v, n in zip(frame["dimension"], frame["value"], frame["responses"], strict=True)
    ]
    frame["interval_text"] = [
        format_interval(d, (lo, hi)) or formatting.MISSING
        for d, lo, hi in zip(frame["dimension"], frame["low"], frame["high"], strict=True)
    ]
    frame["target_text"] = [
        format_value(d, v) if _number(v) is not None else NO_GOAL
        for d, v in zip(frame["dimension"], frame["target"], strict=True)
    ]
    frame["score_text"] = [format_score(s) for s in frame["score"]]
    return frame


def monthly_index(scores: pd.DataFrame) -> pd.DataFrame:
    """The HEART index of every product-month: the mean of the scores that exist.

    scores: a `monthly_scores` frame. Columns: product_id, month, heart_index (NaN when no
    score exists), scored_dimensions.
    """
    grouped = scores.groupby(["product_id", "month"], sort=True)["score"]
    frame = grouped.agg(heart_index="mean", scored_dimensions="count").reset_index()
    frame["heart_index"] = frame["heart_index"].astype(float)
    return frame


def index_change(index: pd.DataFrame, month: str, current: float | None) -> str | None:
    """'+3 vs 2025-11': the index now against its value in `month`, or None.

    index: columns month (Timestamp), heart_index (one product, or the portfolio mean).
    """
    current = _number(current)
    row = index[index["month"].dt.strftime("%Y-%m") == month]
    before = _number(row["heart_index"].iloc[0]) if not row.empty else None
    if current is None or before is None:
        return None
    return f"{current - before:+.0f} vs {month}"


def portfolio_index_by_month(index: pd.DataFrame) -> pd.DataFrame:
    """Per month, the mean of the products' HEART indexes that exist.

    Columns: month, heart_index (NaN when no product has one), products (how many count).
    """
    grouped = index.groupby("month", sort=True)["heart_index"]
    frame = grouped.agg(heart_index="mean", products="count").reset_index()
    frame["heart_index"] = frame["heart_index"].astype(float)
    return frame


def series_title(dimension: str, series: pd.DataFrame, target: float | None) -> str:
    """A chart title stating the takeaway of one product's monthly series of a dimension:
    the latest defined value against the goal.

    series: columns month (Timestamp), value (NaN where undefined).
    """
    label = DIMENSION_LABELS[dimension]
    defined = series.dropna(subset=["value"])
    if defined.empty:
        return f"{label}: no data in this period"
    last = defined.iloc[-1]
    month = pd.Timestamp(last["month"]).strftime("%Y-%m")
    value = format_value(dimension, last["value"])
    if target is None:
        return f"{label} {value} in {month}; no goal set"
    verdict = "at or above" if last["value"] >= target else "below"
    return f"{label} {value} in {month}, {verdict} the {format_value(dimension, target)} goal"


def series_subtitle(
    series: pd.DataFrame,
    target: float | None,
    low_confidence_months: int = 0,
    min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES,
) -> str:
    """'Dashed line: the goal; met in 4 of 9 months with data' (or why nothing is counted);
    for happiness, how many of those months rest on fewer than min_responses responses
    (not scored): '...; 9 under 30 responses'."""
    defined = series.dropna(subset=["value"])
    if target is None:
        return "No goal: the dimension is shown but not scored"
    if defined.empty:
        return "No month of the period has a value"
    met = int((defined["value"] >= target).sum())
    months = f"{len(defined)} month{'s' if len(defined) != 1 else ''}"
    text = f"Dashed line: the goal; met in {met} of {months} with data"
    if low_confidence_months:
        text += f"; {low_confidence_months} under {min_responses:,} responses"
    return text


def low_confidence_note(
    nps: pd.DataFrame, min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES
) -> str | None:
    """A caption naming the NPS months of one product with too few responses to score
    (see nps_months)."""
    low = nps[nps["low_confidence"]]
    if low.empty:
        return None
    answered = int((nps["responses"] > 0).sum())
    if len(low) == answered:
        return (
            f"Every month's quarter has fewer than {min_responses:,} responses: each NPS here "
            "is shown (pale bars) with its interval, but none is scored or counts in the "
            "HEART index."
        )
    months = ", ".join(pd.to_datetime(low["month"]).dt.strftime("%Y-%m"))
    return (
        f"Fewer than {min_responses:,} responses (pale bars, not scored): {months}. They "
        "are shown, not hidden, and do not count in the HEART index."
    )


def duration_title(durations: pd.DataFrame) -> str:
    """'Slowest task: pipeline_run, 7.0 min median in 2026-10' from a `duration_series`."""
    if durations.empty:
        return "No task recorded a duration"
    month = durations["month"].max()
    latest = durations[durations["month"] == month].sort_values(
        ["duration_median", "action"], ascending=[False, True]
    )
    row = latest.iloc[0]
    return (
        f"Slowest task: {row['action']}, {format_duration(row['duration_median'])} median in "
        f"{pd.Timestamp(month).strftime('%Y-%m')}"
    )


def panel_title(
    name: str, dimension: str, series: pd.DataFrame, target: float | None
) -> tuple[str, str]:
    """Title and subtitle of one product's small chart: ('CI Platform', '6.6 days · goal
    10.0 days'); the value is the last month's ('no data' when it has none).

    series: columns month, value (the product's months in order, NaN where undefined).
    """
    last = _number(series["value"].iloc[-1]) if not series.empty else None
    value = format_value(dimension, last) if last is not None else NO_DATA
    goal = f"goal {format_value(dimension, target)}" if target is not None else NO_GOAL
    return name, f"{value} · {goal}"


def index_trend_sentence(index: pd.DataFrame) -> str | None:
    """'up from 68 in 2025-01' style change of a monthly index series, or None.

    index: columns month, heart_index; compares the last defined month with the first.
    """
    defined = index.dropna(subset=["heart_index"])
    if len(defined) < 2:
        return None
    first, last = defined.iloc[0], defined.iloc[-1]
    change = float(last["heart_index"]) - float(first["heart_index"])
    month = pd.Timestamp(first["month"]).strftime("%Y-%m")
    if abs(change) < 0.5:
        return f"level with {first['heart_index']:.0f} in {month}"
    direction = "up" if change > 0 else "down"
    return f"{direction} from {first['heart_index']:.0f} in {month}"


# ---------------------------------------------------------------- lifecycle


def lifecycle_totals(lifecycle: pd.DataFrame) -> pd.DataFrame:
    """The `heart_lifecycle` rows summed over products per month (users counted per product).

    Columns: month (Timestamp), active_users, new_users, returning_users,
    resurrected_users, dormant_users.
    """
    columns = [f"{s}_users" for s in ("active", *LIFECYCLE_STATES)]
    frame = lifecycle.groupby("month", sort=True)[columns].sum().reset_index()
    frame["month"] = pd.to_datetime(frame["month"])
    for column in columns:
        frame[column] = frame[column].astype(int)
    return frame


def lifecycle_title(month_row: pd.Series) -> tuple[str, str]:
    """Title and subtitle for the lifecycle chart from a `lifecycle_totals` row:
    ('2025-12: 52 users arrived or came back, 35 went dormant',
     '40 new, 12 resurrected, 500 returning')."""
    month = pd.Timestamp(month_row["month"]).strftime("%Y-%m")
    count = formatting.number
    arrived = int(month_row["new_users"]) + int(month_row["resurrected_users"])
    return (
        f"{month}: {count(arrived)} users arrived or came back, "
        f"{count(month_row['dormant_users'])} went dormant",
        f"{count(month_row['new_users'])} new, {count(month_row['resurrected_users'])} "
        f"resurrected, {count(month_row['returning_users'])} returning",
    )


def lifecycle_long(totals: pd.DataFrame) -> pd.DataFrame:
    """Lifecycle totals in long form for a diverging stacked bar chart.

    Columns: month, state (label), users (count), bar (count; negative for dormant, so it
    hangs below the axis), order (stacking order).
    """
    rows = []
    for _, row in totals.iterrows():
        for order, state in enumerate(LIFECYCLE_STATES):
            users = int(row[f"{state}_users"])
            rows.append(
                (
                    row["month"],
                    LIFECYCLE_LABELS[state],
                    users,
                    -users if state == "dormant" else users,
                    order,
                )
            )
    return pd.DataFrame(rows, columns=["month", "state", "users", "bar", "order"])


# ---------------------------------------------------------------- cohorts


def cohort_grid(cohorts: pd.DataFrame, month_to: str) -> pd.DataFrame:
    """Retention by monthly cohort, pooled over the products in `cohorts`.

    cohorts: `heart_cohorts` rows (product_id, cohort_month, months_since, cohort_users,
    active_users). Every observable cell (cohort month + k <= month_to) is present, with
    0 active users where nobody came back. Columns: cohort (YYYY-MM), months_since (k),
    cohort_users, active_users, share (fraction of the cohort active k months later).
    """
    columns = ["cohort", "months_since", "cohort_users", "active_users", "share"]
    if cohorts.empty:
        return pd.DataFrame(columns=columns)
    frame = cohorts.assign(cohort=pd.to_datetime(cohorts["cohort_month"]).dt.strftime("%Y-%m"))
    sizes = frame[frame["months_since"] == 0].groupby("cohort")["active_users"].sum()
    active = frame.groupby(["cohort", "months_since"])["active_users"].sum()
    end = pd.Period(month_to, freq="M")
    rows = []
    for cohort, size in sizes.items():
        horizon = (end - pd.Period(str(cohort), freq="M")).n
        for k in range(horizon + 1):
            users = int(active.get((cohort, k), 0))
            rows.append((cohort, k, int(size), users, users / size if size else math.nan))
    return pd.DataFrame(rows, columns=columns)


def retention_after(grid: pd.DataFrame, months: int) -> float | None:
    """Pooled share of users still active `months` after their first month, over the
    cohorts old enough to tell (a fraction), or None when no cohort is that old."""
    cells = grid[grid["months_since"] == months] if not grid.empty else grid
    size = float(cells["cohort_users"].sum()) if not cells.empty else 0.0
    if size == 0:
        return None
    return float(cells["active_users"].sum()) / size


def cohort_title(grid: pd.DataFrame) -> str:
    """A title stating the takeaway of the cohort heatmap."""
    if grid.empty:
        return "No new users started in this period"
    parts = []
    for k in (1, 3, 6):
        share = retention_after(grid, k)
        if share is not None:
            parts.append(f"{formatting.percent(share, 0)} after {k} month{'s' if k > 1 else ''}")
    if not parts:
        return "New users in this period: too recent to measure retention"
    return "Of new users, " + ", ".join(parts) + " were still active"


# ---------------------------------------------------------------- task success


def action_table(
    actions: pd.DataFrame, month: str, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One month's actions with outcomes and median duration, ready to display.

    actions: `heart_action_months` rows. Columns: Product (only with `names`), Action,
    Events, With outcome, Task success (text), Median duration (text; '—' without
    durations). The median is each action's own median (medians do not add up across
    actions), from the events that recorded a duration.
    """
    own = actions[pd.to_datetime(actions["month"]).dt.strftime("%Y-%m") == month]
    table = pd.DataFrame(
        {
            "Action": own["action"].astype(str),
            "Events": own["events"].astype(int),
            "With outcome": own["succeeded_known"].astype(int),
            "Task success": [
                formatting.percent(t / k) if k else formatting.MISSING
                for t, k in zip(own["succeeded_true"], own["succeeded_known"], strict=True)
            ],
            "Median duration": [
                format_duration(m) if c else formatting.MISSING
                for m, c in zip(own["duration_median"], own["duration_count"], strict=True)
            ],
        }
    )
    if names is not None:
        table.insert(0, "Product", [names.get(p, p) for p in own["product_id"]])
    return table.reset_index(drop=True)


def duration_series(actions: pd.DataFrame) -> pd.DataFrame:
    """Monthly median duration per action, only where durations were recorded.

    Columns: product_id, month (Timestamp), action, duration_median (seconds),
    duration_minutes, duration_count.
    """
    own = actions[(actions["duration_count"] > 0) & actions["duration_median"].notna()].copy()
    own["month"] = pd.to_datetime(own["month"])
    own["duration_median"] = own["duration_median"].astype(float)
    own["duration_minutes"] = own["duration_median"] / 60.0
    columns = [
        "product_id",
        "month",
        "action",
        "duration_median",
        "duration_minutes",
        "duration_count",
    ]
    return own[columns].reset_index(drop=True)


# ---------------------------------------------------------------- happiness


def nps_months(
    values: pd.DataFrame, min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES
) -> pd.DataFrame:
    """NPS per product-month (its rolling quarter) with the responses behind it, its 90%
    interval and whether it is scored.

    values: a `monthly_values` frame. Columns: product_id, month, happiness (NPS, NaN
    without responses), responses, promoters, detractors (of the quarter), low, high
    (the 90% interval, NaN without responses), low_confidence (True when there are
    responses but fewer than min_responses: shown, not scored), confidence (text).
    """
    frame = pd.DataFrame(
        {
            "product_id": values["product_id"],
            "month": values["month"],
            "happiness": values["happiness"].astype(float),
            "responses": values["happiness_responses"].astype(int),
            "promoters": values["happiness_promoters"].astype(int),
            "detractors": values["happiness_detractors"].astype(int),
            "low": values["happiness_ci90_low"].astype(float),
            "high": values["happiness_ci90_high"].astype(float),
        }
    )
    frame["low_confidence"] = (frame["responses"] > 0) & (frame["responses"] < min_responses)
    frame["confidence"] = [
        "no responses"
        if n == 0
        else f"too few to score (under {min_responses:,})"
        if low
        else "scored"
        for n, low in zip(frame["responses"], frame["low_confidence"], strict=True)
    ]
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------- goals-signals-metrics


def gsm_table(
    goals: pd.DataFrame,
    users: Mapping[str, User],
    names: Mapping[str, str] | None = None,
    min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES,
) -> pd.DataFrame:
    """The Goals-Signals-Metrics table: one row per product and dimension, HEART order.

    users: the report's `User` figures by product_id (the current values). A dimension
    without a goal row is listed with status 'no goal'. With `names`, a Product column leads.
    Columns: [Product], Dimension, Role, Goal, Signal, Metric, Target, Current value,
    Status ('met', 'below goal', 'no data', 'no goal'; a backstop below its goal carries
    a warning sign; 'too few responses' for an NPS under min_responses answers, which
    is shown with its n but neither judged nor warned about), and the hidden helpers
    product_id, dimension, backstop_below.
    """
    rows = []
    for pid, user in users.items():
        own = goals_by_dimension(goals, pid)
        for dimension in HEART_DIMENSIONS:
            goal = own.get(dimension)
            value = _number(user.value(dimension))
            target = _number(goal["target"]) if goal else None
            status = goal_status(value, target)
            shown = format_value(dimension, value) if value is not None else NO_DATA
            if dimension == "happiness" and value is not None:
                n = user.happiness_responses
                shown = nps_with_n(value, n)
                if target is not None and not metrics.enough_responses(n, min_responses):
                    status = TOO_FEW
            backstop_below = bool(goal) and goal["role"] == "backstop" and status == BELOW  # type: ignore[index]
            rows.append(
                {
                    "Product": (names or {}).get(pid, pid),
                    "Dimension": DIMENSION_LABELS[dimension],
                    "Role": str(goal["role"]) if goal else formatting.MISSING,
                    "Goal": str(goal["goal"]) if goal else formatting.MISSING,
                    "Signal": str(goal["signal"]) if goal else formatting.MISSING,
                    "Metric": str(goal["metric"]) if goal else formatting.MISSING,
                    "Target": format_value(dimension, target),
                    "Current value": shown,
                    "Status": f"{status} {BACKSTOP_WARNING}" if backstop_below else status,
                    "product_id": pid,
                    "dimension": dimension,
                    "backstop_below": backstop_below,
                }
            )
    table = pd.DataFrame(rows)
    if names is None and not table.empty:
        table = table.drop(columns=["Product"])
    return table


def backstop_warnings(gsm: pd.DataFrame) -> list[str]:
    """One sentence per backstop below its target, from a `gsm_table`."""
    if gsm.empty:
        return []
    below = gsm[gsm["backstop_below"]]
    sentences = []
    for _, row in below.iterrows():
        who = f"{row['Product']}: " if "Product" in gsm.columns else ""
        sentences.append(
            f"{who}{row['Dimension']} is {row['Current value']}, below its backstop of "
            f"{row['Target']}."
        )
    return sentences


# ---------------------------------------------------------------- portfolio


def portfolio_grid(
    products: Sequence[ProductReport],
    goals: pd.DataFrame,
    responses: Mapping[str, int] | None = None,
    min_responses: int = DEFAULT_MIN_SURVEY_RESPONSES,
) -> pd.DataFrame:
    """Every product's five scores and index side by side (the report's products).

    responses: survey responses behind each product's happiness (default: the report's
    happiness_responses); a happiness score reads '62 (n=412)', and an NPS from fewer
    than min_responses answers is not scored: 'too few (n=12)'.
    Columns: product_id, name, dimension (a HEART dimension or 'heart_index'), column
    (its display label), score (0-100, NaN when missing), text (the score, or 'no goal'
    / 'no data'). Products keep the report's order.
    """
    rows = []
    for product in products:
        pid, name = product.product_id, product.name
        user = product.user
        scores = user.scores
        targets = targets_of(goals, pid)
        for dimension in HEART_DIMENSIONS:
            score = _number(scores.get(dimension))
            n = (responses or {}).get(pid)
            if n is None:
                n = user.happiness_responses
            has_nps = _number(user.happiness) is not None
            if dimension not in targets:
                text = NO_GOAL
            elif (
                dimension == "happiness"
                and has_nps
                and not metrics.enough_responses(n, min_responses)
            ):
                score, text = None, f"too few (n={n:,})"
            elif score is None:
                text = NO_DATA
            else:
                text = f"{score:.0f}"
                if dimension == "happiness":
                    text = f"{text} (n={n:,})"
            rows.append((pid, name, dimension, DIMENSION_LABELS[dimension], score, text))
        index = _number(user.heart_index)
        rows.append(
            (pid, name, "heart_index", "HEART index", index,
             NO_DATA if index is None else f"{index:.0f}")
        )  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["product_id", "name", "dimension", "column", "score", "text"]
    )
    frame["score"] = frame["score"].astype(float)
    return frame


def portfolio_index(products: Sequence[ProductReport]) -> tuple[float | None, int]:
    """The mean of the products' HEART indexes that exist, and how many products count."""
    indexes = [i for p in products if (i := _number(p.user.heart_index)) is not None]
    return (sum(indexes) / len(indexes) if indexes else None), len(indexes)


def weakest_across(grid: pd.DataFrame) -> tuple[str, float, int] | None:
    """The dimension with the lowest mean score across products, its mean and how many
    products have a score for it; None when no product has any score."""
    dims = grid[(grid["dimension"] != "heart_index") & grid["score"].notna()]
    if dims.empty:
        return None
    means = dims.groupby("dimension")["score"].agg(["mean", "count"])
    ordered = [d for d in HEART_DIMENSIONS if d in means.index]
    worst = min(ordered, key=lambda d: float(means.loc[d, "mean"]))
    return worst, float(means.loc[worst, "mean"]), int(means.loc[worst, "count"])


def adoption_by_product(
    values: pd.DataFrame, month: str, goals: pd.DataFrame, names: Mapping[str, str]
) -> pd.DataFrame:
    """Active against eligible users per product in one month, with the adoption goal.

    Columns: product_id, name, active_users, eligible_users, adoption (fraction, NaN
    when nobody is eligible), target (fraction, NaN without a goal).
    """
    own = values[values["month"].dt.strftime("%Y-%m") == month]
    rows = []
    for _, row in own.iterrows():
        pid = str(row["product_id"])
        rows.append(
            (
                pid,
                names.get(pid, pid),
                int(row["active_users"]),
                int(row["eligible_users"]),
                _number(row["adoption"]),
                targets_of(goals, pid).get("adoption"),
            )
        )
    frame = pd.DataFrame(
        rows, columns=["product_id", "name", "active_users", "eligible_users", "adoption", "target"]
    )
    for column in ("adoption", "target"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame
