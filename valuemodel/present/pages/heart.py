"""The HEART page's model: its sentences, captions and tables. Pure (no streamlit).

Every product name, goal and signal that reaches Markdown goes through `text.plain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from valuemodel.core import metrics
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.report import ProductReport, User
from valuemodel.present import charts, heart
from valuemodel.present import formats as formatting
from valuemodel.present.text import plain

INTRO = (
    "**Do people like, use, adopt, keep using and succeed with the product?** "
    "Happiness (NPS), Engagement (active days), Adoption (share of eligible users), "
    "Retention (share of last month's users back) and Task success, each scored 0-100 "
    "against its goal."
)
GSM_CAPTION = (
    "From heart_goals.csv. Key metrics are the ones the product is steered by; "
    "backstops guard against a win on one hiding a loss on another, so a backstop below "
    f"target is flagged ({heart.BACKSTOP_WARNING}). Status compares the period's last month "
    "with the target: met, below goal, no data (no value that month), no goal, or too few "
    "responses (an NPS from fewer than min_survey_responses answers: shown, never judged)."
)
HEATMAP_CAPTION = (
    "Each cell is the product's score for the dimension against its own goal: "
    "clamp(100 x (value - floor) / (target - floor), 0, 100), floor -100 for NPS and 0 "
    "otherwise. 'no goal' means the product set no goal for it; 'no data' means there "
    "was no value in the month. Neither counts as 0 in the index. An NPS is that of the "
    "rolling quarter's survey answers, with their count (n=…); with fewer than "
    "min_survey_responses (Data page) it reads 'too few' and is not scored."
)
LIFECYCLE_CAPTION = (
    "New = first ever active month; returning = active this and last month; resurrected "
    "= active this month, not last month, but before; dormant = active last month, not this."
)
PORTFOLIO_LIFECYCLE_CAPTION = (
    "Lifecycle, counted per product (someone using two products counts in each): "
    + LIFECYCLE_CAPTION[0].lower()
    + LIFECYCLE_CAPTION[1:]
)
COHORT_CAPTION = (
    "Users grouped by their first ever active month; each cell is the share of the "
    "cohort active k months later (retention by cohort, not month over month)."
)
TASK_CAPTION = (
    "Task success = events that succeeded / events with an outcome. The median duration "
    "is each action's own median over the events that recorded a duration; medians of "
    "different actions are not combined."
)
PORTFOLIO_TABS = (
    "Each dimension against each product's goal",
    "Adoption and the user lifecycle",
    "Retention by monthly cohort",
    "Task success and task duration",
    "Happiness",
    "Goals, signals and metrics",
)
PRODUCT_TABS = ("Each dimension against its goal", *PORTFOLIO_TABS[1:])
NO_COHORT = "No user had their first active month in this period."
INDEX_HELP = (
    "The mean of the dimension scores that exist (0-100); a dimension without a "
    "goal or without data is left out, not counted as 0. The change is against the "
    "month before."
)
PANEL_COLUMNS = 4  # small multiples per row on the portfolio's dimension tab
GSM_COLUMNS_PORTFOLIO = [
    "Product", "Dimension", "Role", "Status", "Current value", "Target", "Goal", "Signal",
    "Metric",
]  # fmt: skip
GSM_COLUMNS_PRODUCT = [
    "Dimension", "Role", "Status", "Current value", "Target", "Goal", "Signal", "Metric",
]  # fmt: skip


def status_style(status: str) -> str:
    """CSS for a Status cell: the verdict readable at a glance, not by colour alone."""
    if status.startswith(heart.BELOW):
        return f"color: {charts.COST}; font-weight: 600"
    if status == heart.MET:
        return f"color: {charts.SAVINGS}; font-weight: 600"
    return "color: #6B7280"


def backstop_alert(gsm: pd.DataFrame) -> str | None:
    """Markdown for the backstops below target (names and goals escaped), or None."""
    warnings = heart.backstop_warnings(gsm)
    if not warnings:
        return None
    verb = "s are" if len(warnings) > 1 else " is"
    return (
        f"**{len(warnings)} backstop{verb} below target.** A win elsewhere may be costing "
        "this:\n\n" + "\n".join(f"- {plain(w)}" for w in warnings)
    )


def portfolio_summary(
    mean_index: float | None,
    indexed: int,
    last_month: str,
    trend: str | None,
    worst: tuple[str, float, int] | None,
) -> str:
    """The portfolio's lead sentences (Markdown, no user text)."""
    summary = []
    if mean_index is not None:
        summary.append(
            f"The portfolio HEART index (the mean of {indexed} products' indexes) is "
            f"**{heart.format_score(mean_index)} / 100** in {last_month}"
            + (f", {trend}" if trend else "")
            + "."
        )
    if worst:
        summary.append(
            f"Weakest dimension across products: **{heart.DIMENSION_LABELS[worst[0]]}** "
            f"(mean score {heart.format_score(worst[1])} over {worst[2]} "
            f"product{'s' if worst[2] != 1 else ''})."
        )
    return " ".join(summary)


def product_summary(
    index_value: float | None,
    last_month: str,
    trend: str | None,
    worst: tuple[str, float] | None,
    cards: Sequence[heart.DimensionCard],
) -> str:
    """One product's lead sentences (Markdown): index, weakest dimension (the one rule,
    `heart.weakest`), what is not scored."""
    sentence = []
    if index_value is not None:
        sentence.append(
            f"HEART index **{heart.format_score(index_value)} / 100** in {last_month}"
            + (f", {trend}" if trend else "")
            + "."
        )
    if worst:
        card = next(c for c in cards if c.dimension == worst[0])
        sentence.append(
            f"Weakest dimension: **{heart.DIMENSION_LABELS[worst[0]]}**, score "
            f"{heart.format_score(worst[1])} ({plain(card.detail)})."
        )
    missing = [c for c in cards if c.headline in (heart.NO_GOAL, heart.NO_DATA, heart.TOO_FEW)]
    if missing:
        sentence.append(
            "Not scored: "
            + ", ".join(f"{heart.DIMENSION_LABELS[c.dimension]} ({c.headline})" for c in missing)
            + "."
        )
    return " ".join(sentence) if sentence else "No dimension has a score yet."


def card_help(dimension: str, previous_month: str) -> str:
    return (
        f"{heart.DIMENSION_LABELS[dimension]}, in {heart.DIMENSION_UNITS[dimension]}. Score "
        "(0-100) = clamp(100 x (value - floor) / (goal - floor), 0, 100), floor -100 for NPS "
        f"and 0 otherwise. The change is the value's, against {previous_month}."
    )


def happiness_table(nps: pd.DataFrame, last_month: str, names: Mapping[str, str]) -> pd.DataFrame:
    """Each product's NPS of the quarter ending in the last month: Product, NPS, 90%
    interval, Responses, Scored."""
    latest = nps[nps["month"].dt.strftime("%Y-%m") == last_month]
    return pd.DataFrame(
        {
            "Product": [names.get(p, p) for p in latest["product_id"]],
            "NPS": [formatting.nps(v) for v in latest["happiness"]],
            "90% interval": [
                heart.format_interval("happiness", (lo, hi)) or formatting.MISSING
                for lo, hi in zip(latest["low"], latest["high"], strict=True)
            ],
            "Responses": latest["responses"].astype(int),
            "Scored": latest["confidence"],
        }
    )


def happiness_caption(last_month: str, minimum: int = heart.LOW_CONFIDENCE_RESPONSES) -> str:
    return (
        f"NPS of the survey responses of the quarter ending {last_month} (its month and the "
        f"two before). With fewer than {minimum:,} responses (min_survey_responses on the "
        "Data page) it is shown with its interval but not scored, so it moves no index and "
        "raises no warning."
    )


def nps_title(nps: pd.DataFrame, last_month: str) -> str:
    latest = nps.iloc[-1]
    if latest["responses"]:
        return (
            f"NPS {formatting.nps(latest['happiness'])} in the quarter to {last_month}, from "
            f"{formatting.number(latest['responses'])} responses"
        )
    return f"NPS by month (no responses in {last_month})"


def reach_title(values: pd.DataFrame, adoption: float | None, last_month: str) -> str:
    latest = values.iloc[-1]
    return (
        f"{formatting.number(latest['active_users'])} of "
        f"{formatting.number(latest['eligible_users'])} eligible users active in "
        f"{last_month} ({heart.format_value('adoption', adoption)})"
    )


def no_usage_notice(product_name: str, first: str, last: str) -> str:
    return (
        f"{plain(product_name)} has no usage events and no survey responses in {first} to "
        f"{last}: adoption is 0 and the other dimensions have no data. Choose a longer "
        "period, or import its events on the Data page."
    )


def portfolio_tiles(
    mean_index: float | None, indexed: int, products: int, backstops_below: int, change: str | None
) -> list[tuple[str, str, str | None, str]]:
    """The portfolio's three tiles as (label, value, change, help)."""
    return [
        (
            "HEART index, mean of products",
            heart.format_score(mean_index) if mean_index is not None else heart.NO_DATA,
            change,
            "The portfolio's headline is the mean of the products' HEART indexes in the last "
            "month; each product's index is the mean of its scores against its own goals "
            "(0-100). Products without any score are left out.",
        ),
        (
            "Products with a HEART index",
            f"{indexed} of {products}",
            None,
            "A product needs at least one goal and a value for it in the last month.",
        ),
        (
            "Backstops below target",
            formatting.number(backstops_below),
            None,
            "Backstop metrics under their target in the last month; listed with the "
            "Goals-Signals-Metrics table.",
        ),
    ]


def period_caption(label: str, last_month: str) -> str:
    return (
        f"{plain(label)}. Headline values and scores are those of the period's last month, "
        f"{last_month}; the charts show every month of the period. Months are calendar months "
        "in UTC."
    )


# ---------------------------------------------------------------- the page's figures


@dataclass(frozen=True)
class Months:
    """The monthly figures the page draws: `all_values` keeps the month before the period
    (for the first month's change), the other frames start with the period."""

    all_values: pd.DataFrame
    values: pd.DataFrame
    scores: pd.DataFrame
    index: pd.DataFrame
    nps: pd.DataFrame


def monthly(
    product_months: pd.DataFrame,
    goals: pd.DataFrame,
    first: str,
    *,
    hourly_cost: float,
    min_responses: int,
) -> Months:
    """Values, scores, index and NPS by month from the rollups of the period with its
    lead-in month."""
    all_values = metrics.monthly_values(
        product_months, hourly_cost, min_survey_responses=min_responses
    )
    values = heart.from_month(all_values, first)
    scores = heart.monthly_scores(all_values, goals)
    return Months(
        all_values=all_values,
        values=values,
        scores=scores,
        index=heart.monthly_index(scores),
        nps=heart.nps_months(values, min_responses),
    )


def heatmap_title(last_month: str) -> str:
    return f"HEART scores by product in {last_month} (100 = goal met)"


def adoption_title(last_month: str) -> str:
    return f"Adoption in {last_month}, against each goal (black tick)"


def dimension_heading(dimension: str) -> str:
    return (
        f"**{heart.DIMENSION_LABELS[dimension]} by month, each product against its own goal "
        f"(dashed line)**, in {heart.DIMENSION_UNITS[dimension]}"
    )


def portfolio_task_caption(last_month: str) -> str:
    """The task caption, led by the month the per-action table is of."""
    return f"Per action in {last_month}. " + TASK_CAPTION.split(". ", 1)[1]


def no_actions_notice(last_month: str, *, portfolio: bool) -> str:
    if portfolio:
        return f"No events with an action in {last_month}."
    return f"No events in {last_month}."


def no_survey_notice(product_name: str) -> str:
    return (
        f"No survey responses for {plain(product_name)} in this period, so "
        "happiness has no data (it is not 0)."
    )


def has_no_survey(nps: pd.DataFrame) -> bool:
    """No survey response in any month of the period (happiness has no data, not 0)."""
    return int(nps["responses"].sum()) == 0


def has_no_usage(values: pd.DataFrame) -> bool:
    """No active user and no survey response in any month of the period."""
    return int(values["active_users"].sum()) == 0 and int(values["responses"].sum()) == 0


def named_index(index: pd.DataFrame, first: str, names: Mapping[str, str]) -> pd.DataFrame:
    """Each product's index by month from `first`, with its name for the legend."""
    return heart.from_month(index, first).assign(
        name=lambda f: [names.get(p, p) for p in f["product_id"]]
    )


@dataclass(frozen=True)
class Panel:
    """One product's small multiple for a dimension."""

    series: pd.DataFrame
    target: float | None
    title: tuple[str, str]  # title and subtitle


def dimension_panels(
    months: Months,
    dimension: str,
    product_ids: Sequence[str],
    goals: pd.DataFrame,
    names: Mapping[str, str],
    first: str,
) -> list[Panel]:
    """Per product, the dimension's scores from `first` against that product's goal."""
    panels = heart.from_month(months.scores[months.scores["dimension"] == dimension], first)
    shown = []
    for pid in product_ids:
        series = panels[panels["product_id"] == pid]
        target = heart.targets_of(goals, pid).get(dimension)
        shown.append(
            Panel(series, target, heart.panel_title(names.get(pid, pid), dimension, series, target))
        )
    return shown


@dataclass(frozen=True)
class Portfolio:
    """The portfolio's headline: grid of scores, tiles, lead sentences and GSM table."""

    score_grid: pd.DataFrame
    worst: tuple[str, float, int] | None
    gsm: pd.DataFrame
    tiles: list[tuple[str, str, str | None, str]]
    summary: str

    @property
    def default_dimension(self) -> str:
        """The dimension tab opens on the weakest dimension, else adoption."""
        return self.worst[0] if self.worst else "adoption"


def portfolio(
    products: Sequence[ProductReport],
    months: Months,
    goals: pd.DataFrame,
    names: Mapping[str, str],
    first: str,
    last_month: str,
    min_responses: int,
) -> Portfolio:
    responses = heart.responses_of_month(months.values, last_month)
    score_grid = heart.portfolio_grid(products, goals, responses, min_responses)
    mean_index, indexed = heart.portfolio_index(products)
    by_month = heart.portfolio_index_by_month(months.index)
    worst = heart.weakest_across(score_grid)
    users = {p.product_id: p.user for p in products}
    gsm = heart.gsm_table(goals, users, names, min_responses)
    backstops_below = int(gsm["backstop_below"].sum()) if not gsm.empty else 0
    change = heart.index_change(by_month, heart.month_before(last_month), mean_index)
    trend = heart.index_trend_sentence(heart.from_month(by_month, first))
    return Portfolio(
        score_grid=score_grid,
        worst=worst,
        gsm=gsm,
        tiles=portfolio_tiles(mean_index, indexed, len(products), backstops_below, change),
        summary=portfolio_summary(mean_index, indexed, last_month, trend, worst),
    )


@dataclass(frozen=True)
class Product:
    """One product's headline: its index tile, cards, lead sentences, goals and series."""

    goal_rows: Mapping[str, heart.GoalRow]
    cards: list[heart.DimensionCard]
    index: pd.DataFrame  # from the period's first month
    index_tile: str
    index_change: str | None
    summary: str
    gsm: pd.DataFrame
    scores: pd.DataFrame  # from the period's first month
    low_confidence_months: int

    def target(self, dimension: str) -> float | None:
        """The product's goal for `dimension`, or None when it set none."""
        target = self.goal_rows.get(dimension, {}).get("target")
        return None if target is None else float(target)


def product(
    product_id: str,
    user: User,
    months: Months,
    goals: pd.DataFrame,
    first: str,
    last_month: str,
    min_responses: int,
) -> Product:
    goal_rows = heart.goals_by_dimension(goals, product_id)
    previous_month = heart.month_before(last_month)
    cards = heart.dimension_cards(
        user,
        goal_rows,
        heart.values_of_month(months.all_values, previous_month),
        previous_month,
        responses=heart.responses_of_month(months.values, last_month).get(product_id),
        min_responses=min_responses,
    )
    own_index = months.index[months.index["product_id"] == product_id]
    index_value = user.heart_index
    in_period = heart.from_month(own_index, first)
    trend = heart.index_trend_sentence(in_period)
    worst = heart.weakest(user.scores)
    own_scores = months.scores[months.scores["product_id"] == product_id]
    return Product(
        goal_rows=goal_rows,
        cards=cards,
        index=in_period,
        index_tile=(
            f"{heart.format_score(index_value)} / 100" if index_value is not None else heart.NO_DATA
        ),
        index_change=heart.index_change(own_index, previous_month, index_value),
        summary=product_summary(index_value, last_month, trend, worst, cards),
        gsm=heart.gsm_table(goals, {product_id: user}, min_responses=min_responses),
        scores=heart.from_month(own_scores, first),
        low_confidence_months=int(months.nps["low_confidence"].sum()),
    )


def dimension_rows() -> list[list[str]]:
    """The product's dimension charts two to a row, the HEART index last."""
    pairs = [*HEART_DIMENSIONS, "heart_index"]
    return [pairs[start : start + 2] for start in range(0, len(pairs), 2)]


def card_caption(card: heart.DimensionCard) -> str:
    """The line under a dimension tile: its detail, with its interval when it has one."""
    return card.detail + (f" · {card.interval_text}" if card.interval_text else "")
