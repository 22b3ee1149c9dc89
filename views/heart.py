"""HEART: whether people like, use, adopt, keep using and succeed with each product,
against its goals (DESIGN section 4). The user view beside the buyer view.

Headline figures come from the cached report (`dashboard.data.report`), so the page and
`python -m valuemodel report` show the same numbers; the monthly series, lifecycle,
cohorts and task durations come from the rollups through `dashboard.data`.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui
from valuemodel.core import metrics
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.present import charts, heart
from valuemodel.present import formats as formatting
from valuemodel.present.heart_charts import (
    adoption_by_product_chart,
    cohort_chart,
    dimension_chart,
    duration_chart,
    index_chart,
    lifecycle_chart,
    nps_chart,
    reach_chart,
    score_heatmap,
)


def show(chart: alt.TopLevelMixin) -> None:
    st.altair_chart(chart, width="stretch")


def status_style(status: str) -> str:
    """CSS for a Status cell: the verdict readable at a glance, not by colour alone."""
    if status.startswith(heart.BELOW):
        return f"color: {charts.COST}; font-weight: 600"
    if status == heart.MET:
        return f"color: {charts.SAVINGS}; font-weight: 600"
    return "color: #6B7280"


def show_gsm(gsm: pd.DataFrame, *, with_product: bool) -> None:
    """The Goals-Signals-Metrics table with a warning for backstops below target."""
    st.subheader("Goals, signals and metrics")
    warnings = heart.backstop_warnings(gsm)
    if warnings:
        st.warning(
            f"**{len(warnings)} backstop{'s are' if len(warnings) > 1 else ' is'} below target.** "
            "A win elsewhere may be costing this:\n\n" + "\n".join(f"- {w}" for w in warnings),
            icon=":material/warning:",
        )
    if with_product:
        # Many rows: an interactive table, the verdict columns first so nothing that matters
        # scrolls out of sight.
        visible = [
            "Product", "Dimension", "Role", "Status", "Current value", "Target",
            "Goal", "Signal", "Metric",
        ]  # fmt: skip
        st.dataframe(
            gsm[visible].style.map(status_style, subset=["Status"]),
            hide_index=True,
            width="stretch",
        )
    else:
        visible = [
            "Dimension", "Role", "Goal", "Signal", "Metric", "Target", "Current value", "Status",
        ]  # fmt: skip
        st.table(gsm[visible].style.map(status_style, subset=["Status"]), hide_index=True)
    st.caption(
        "From heart_goals.csv. Key metrics are the ones the product is steered by; "
        "backstops guard against a win on one hiding a loss on another, so a backstop below "
        f"target is flagged ({heart.BACKSTOP_WARNING}). Status compares the period's last month "
        "with the target: met, below goal, no data (no value that month) or no goal."
    )


def show_lifecycle(lifecycle: pd.DataFrame) -> None:
    """New, returning, resurrected and dormant users by month, titled by the last month."""
    totals = heart.lifecycle_totals(lifecycle)
    show(lifecycle_chart(heart.lifecycle_long(totals), heart.lifecycle_title(totals.iloc[-1])))


# ---------------------------------------------------------------- the page

selection = ui.selection()
period = selection.period
st.title("HEART")
st.markdown(
    "**Do people like, use, adopt, keep using and succeed with the product?** "
    "Happiness (NPS), Engagement (active days), Adoption (share of eligible users), "
    "Retention (share of last month's users back) and Task success, each scored 0-100 "
    "against its goal."
)

catalogue = data.products()
if catalogue.empty:
    ui.empty_state("No products are loaded yet.")
    st.stop()

names: Mapping[str, str] = dict(zip(catalogue["product_id"], catalogue["name"], strict=True))
report = data.report(period.first, period.last, selection.product_id)
assumptions = data.assumptions()
lead_in = heart.month_before(period.first)
months_with_lead_in = data.product_months(lead_in, period.last, selection.product_id)
minimum = assumptions.min_survey_responses
all_values = metrics.monthly_values(
    months_with_lead_in, assumptions.loaded_hourly_cost, min_survey_responses=minimum
)
values = heart.from_month(all_values, period.first)
goals = data.heart_goals(selection.product_id)
scores = heart.monthly_scores(all_values, goals)
index = heart.monthly_index(scores)
last_month = period.last
previous_month = heart.month_before(last_month)
lifecycle = data.heart_lifecycle(period.first, period.last, selection.product_id)
cohorts = data.heart_cohorts(period.first, period.last, selection.product_id)
actions = data.heart_action_months(period.first, period.last, selection.product_id)
grid = heart.cohort_grid(cohorts, period.last)
nps = heart.nps_months(values, minimum)

st.caption(
    f"{selection.label}. Headline values and scores are those of the period's last month, "
    f"{last_month}; the charts show every month of the period. Months are calendar months in UTC."
)

if selection.is_portfolio:
    # ------------------------------------------------------------ portfolio
    products = report["products"]
    responses = heart.responses_of_month(values, last_month)
    score_grid = heart.portfolio_grid(products, goals, responses, minimum)
    mean_index, indexed = heart.portfolio_index(products)
    portfolio_by_month = heart.portfolio_index_by_month(index)
    worst = heart.weakest_across(score_grid)
    gsm = heart.gsm_table(goals, {p["product_id"]: p["user"] for p in products}, names, minimum)

    tiles = st.columns(3)
    ui.tile(
        tiles[0],
        "HEART index, mean of products",
        heart.format_score(mean_index) if mean_index is not None else heart.NO_DATA,
        delta=heart.index_change(portfolio_by_month, previous_month, mean_index),
        help="The portfolio's headline is the mean of the products' HEART indexes in the "
        "last month; each product's index is the mean of its scores against its own goals "
        "(0-100). Products without any score are left out.",
    )
    ui.tile(
        tiles[1],
        "Products with a HEART index",
        f"{indexed} of {len(products)}",
        help="A product needs at least one goal and a value for it in the last month.",
    )
    ui.tile(
        tiles[2],
        "Backstops below target",
        formatting.number(int(gsm["backstop_below"].sum())) if not gsm.empty else "0",
        help="Backstop (guardrail) metrics under their target in the last month; listed "
        "with the Goals-Signals-Metrics table below.",
    )
    trend = heart.index_trend_sentence(heart.from_month(portfolio_by_month, period.first))
    summary = []
    if mean_index is not None:
        summary.append(
            f"The portfolio HEART index (the mean of {indexed} products' indexes) is "
            f"**{mean_index:.0f} of 100** in {last_month}" + (f", {trend}" if trend else "") + "."
        )
    if worst:
        summary.append(
            f"Weakest dimension across products: **{heart.DIMENSION_LABELS[worst[0]]}** "
            f"(mean score {worst[1]:.0f} over {worst[2]} product{'s' if worst[2] != 1 else ''})."
        )
    if summary:
        st.markdown(" ".join(summary))

    show(score_heatmap(score_grid, f"HEART scores by product in {last_month} (100 = goal met)"))
    st.caption(
        "Each cell is the product's score for the dimension against its own goal: "
        "clamp(100 x (value - floor) / (target - floor), 0, 100), floor -100 for NPS and 0 "
        "otherwise. 'no goal' means the product set no goal for it; 'no data' means there "
        "was no value in the month. Neither counts as 0 in the index. An NPS is that of the "
        "rolling quarter's survey answers (n=…); with fewer than "
        f"{minimum:,} it reads 'too few' and is not scored."
    )

    in_period_index = heart.from_month(index, period.first).assign(
        name=lambda f: [names.get(p, p) for p in f["product_id"]]
    )
    show(index_chart(in_period_index, "HEART index by product and month", colour_field="name"))

    st.subheader("Each dimension against each product's goal")
    default_dimension = worst[0] if worst else "adoption"
    dimension = (
        st.segmented_control(
            "Dimension",
            list(HEART_DIMENSIONS),
            default=default_dimension,
            format_func=lambda d: heart.DIMENSION_LABELS[d],
            key="heart_dimension",
        )
        or default_dimension
    )
    panels = heart.from_month(scores[scores["dimension"] == dimension], period.first)
    st.markdown(
        f"**{heart.DIMENSION_LABELS[dimension]} by month, each product against its own goal "
        f"(dashed line)**, in {heart.DIMENSION_UNITS[dimension]}"
    )
    panel_columns = st.columns(4)
    for position, pid in enumerate(p["product_id"] for p in products):
        series = panels[panels["product_id"] == pid]
        target = heart.targets_of(goals, pid).get(dimension)
        with panel_columns[position % 4]:
            show(
                dimension_chart(
                    dimension,
                    series,
                    target,
                    title=heart.panel_title(names.get(pid, pid), dimension, series, target),
                    height=120,
                    compact=True,
                )
            )

    st.subheader("Adoption and the user lifecycle")
    left, right = st.columns(2)
    with left:
        adoption = heart.adoption_by_product(values, last_month, goals, names)
        show(
            adoption_by_product_chart(
                adoption,
                f"Adoption in {last_month}, against each goal (black tick)",
            )
        )
    with right:
        show_lifecycle(lifecycle)
    st.caption(
        "Lifecycle, counted per product (someone using two products counts in each): new = "
        "first ever active month; returning = active this and last month; resurrected = "
        "active this month, not last month, but before; dormant = active last month, not this."
    )

    st.subheader("Retention by monthly cohort")
    if grid.empty:
        st.info("No user had their first active month in this period.", icon=":material/info:")
    else:
        show(cohort_chart(grid, heart.cohort_title(grid) + " (all products pooled)"))

    st.subheader("Task success and task duration")
    table = heart.action_table(actions, last_month, names)
    if table.empty:
        st.info(f"No events with an action in {last_month}.", icon=":material/info:")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(
            f"Per action in {last_month}. The median duration is each action's own median over "
            "the events that recorded a duration; medians of different actions are not combined."
        )

    st.subheader("Happiness")
    latest_nps = nps[nps["month"].dt.strftime("%Y-%m") == last_month]
    happiness = pd.DataFrame(
        {
            "Product": [names.get(p, p) for p in latest_nps["product_id"]],
            "NPS": [formatting.nps(v) for v in latest_nps["happiness"]],
            "90% interval": [
                heart.format_interval("happiness", (lo, hi)) or formatting.MISSING
                for lo, hi in zip(latest_nps["low"], latest_nps["high"], strict=True)
            ],
            "Responses": latest_nps["responses"].astype(int),
            "Scored": latest_nps["confidence"],
        }
    )
    st.dataframe(
        happiness,
        hide_index=True,
        width="stretch",
        column_config={"Responses": st.column_config.NumberColumn(format="localized")},
    )
    st.caption(
        f"NPS of the survey responses of the quarter ending {last_month} (its month and the "
        f"two before). With fewer than {minimum:,} responses (min_survey_responses on the "
        "Data page) it is shown with its interval but not scored, so it moves no index and "
        "raises no warning."
    )

    show_gsm(gsm, with_product=True)
else:
    # ------------------------------------------------------------ one product
    product_id = str(selection.product_id)
    product = report["products"][0]
    user = product["user"]
    goal_rows = heart.goals_by_dimension(goals, product_id)
    previous = heart.values_of_month(all_values, previous_month)
    cards = heart.dimension_cards(
        user,
        goal_rows,
        previous,
        previous_month,
        responses=heart.responses_of_month(values, last_month).get(product_id),
        min_responses=minimum,
    )
    own_index = index[index["product_id"] == product_id]

    if int(values["active_users"].sum()) == 0 and int(values["responses"].sum()) == 0:
        st.info(
            f"{selection.product_name} has no usage events and no survey responses in "
            f"{period.first} to {period.last}: adoption is 0 and the other dimensions have "
            "no data. Choose a longer period, or import its events on the Data page.",
            icon=":material/inbox:",
        )

    index_value = user["heart_index"]
    headline, summary = st.columns([1, 3], vertical_alignment="center")
    ui.tile(
        headline,
        "HEART index",
        f"{heart.format_score(index_value)} / 100" if index_value is not None else heart.NO_DATA,
        delta=heart.index_change(own_index, previous_month, index_value),
        help="The mean of the dimension scores that exist (0-100); a dimension without a "
        "goal or without data is left out, not counted as 0. The change is against the "
        "month before.",
    )
    trend = heart.index_trend_sentence(heart.from_month(own_index, period.first))
    worst = heart.weakest(user["scores"])
    sentence = []
    if index_value is not None:
        sentence.append(
            f"HEART index **{index_value:.0f} of 100** in {last_month}"
            + (f", {trend}" if trend else "")
            + "."
        )
    if worst:
        weakest_card = next(c for c in cards if c.dimension == worst[0])
        sentence.append(
            f"Weakest dimension: **{heart.DIMENSION_LABELS[worst[0]]}**, score {worst[1]:.0f} "
            f"({weakest_card.detail})."
        )
    missing = [c for c in cards if c.headline in (heart.NO_GOAL, heart.NO_DATA, heart.TOO_FEW)]
    if missing:
        sentence.append(
            "Not scored: "
            + ", ".join(f"{heart.DIMENSION_LABELS[c.dimension]} ({c.headline})" for c in missing)
            + "."
        )
    summary.markdown(" ".join(sentence) if sentence else "No dimension has a score yet.")

    tiles = st.columns(5)
    for column, card in zip(tiles, cards, strict=True):
        ui.tile(
            column,
            card.label,
            card.headline,
            delta=card.change,
            delta_color=card.change_colour,
            help=f"{heart.DIMENSION_LABELS[card.dimension]}, in "
            f"{heart.DIMENSION_UNITS[card.dimension]}. Score (0-100) = clamp(100 x (value - "
            "floor) / (goal - floor), 0, 100), floor -100 for NPS and 0 otherwise. The change "
            f"is the value's, against {previous_month}.",
        )
        column.caption(card.detail + (f" · {card.interval_text}" if card.interval_text else ""))
    gsm = heart.gsm_table(goals, {product_id: user}, min_responses=minimum)

    st.subheader("Each dimension against its goal")
    own_scores = heart.from_month(scores[scores["product_id"] == product_id], period.first)
    low_confidence_months = int(nps["low_confidence"].sum())
    pairs = [*HEART_DIMENSIONS, "heart_index"]
    for row_start in range(0, len(pairs), 2):
        for column, dimension in zip(st.columns(2), pairs[row_start : row_start + 2], strict=False):
            with column:
                if dimension == "heart_index":
                    show(
                        index_chart(
                            heart.from_month(own_index, period.first),
                            "HEART index by month (mean of the scores that exist)",
                        )
                    )
                    continue
                series = own_scores[own_scores["dimension"] == dimension]
                target = goal_rows[dimension]["target"] if dimension in goal_rows else None
                show(
                    dimension_chart(
                        dimension,
                        series,
                        None if target is None else float(target),
                        low_confidence_months=low_confidence_months
                        if dimension == "happiness"
                        else 0,
                        min_responses=minimum,
                    )
                )

    st.subheader("Adoption and the user lifecycle")
    left, right = st.columns(2)
    latest_values = values.iloc[-1]
    adoption_target = goal_rows.get("adoption", {}).get("target")
    with left:
        show(
            reach_chart(
                values,
                None if adoption_target is None else float(adoption_target),
                f"{formatting.number(latest_values['active_users'])} of "
                f"{formatting.number(latest_values['eligible_users'])} eligible users active in "
                f"{last_month} ({heart.format_value('adoption', user['adoption'])})",
            )
        )
    with right:
        show_lifecycle(lifecycle)
    st.caption(
        "New = first ever active month; returning = active this and last month; resurrected "
        "= active this month, not last month, but before; dormant = active last month, not this."
    )

    st.subheader("Retention by monthly cohort")
    if grid.empty:
        st.info("No user had their first active month in this period.", icon=":material/info:")
    else:
        show(cohort_chart(grid, heart.cohort_title(grid)))
        st.caption(
            "Users grouped by their first ever active month; each cell is the share of the "
            "cohort active k months later (retention by cohort, not month over month)."
        )

    st.subheader("Task success and task duration")
    table = heart.action_table(actions, last_month)
    durations = heart.duration_series(actions)
    left, right = st.columns(2)
    with left:
        if table.empty:
            st.info(f"No events in {last_month}.", icon=":material/info:")
        else:
            st.markdown(f"**Per action in {last_month}**")
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                column_config={
                    "Events": st.column_config.NumberColumn(format="localized"),
                    "With outcome": st.column_config.NumberColumn(format="localized"),
                },
            )
    with right:
        if durations.empty:
            st.info("No event of this product recorded a duration.", icon=":material/timer_off:")
        else:
            show(duration_chart(durations, heart.duration_title(durations)))
    st.caption(
        "Task success = events that succeeded / events with an outcome. The median duration "
        "is each action's own median over the events that recorded a duration; medians of "
        "different actions are not combined."
    )

    st.subheader("Happiness")
    happiness_target = goal_rows.get("happiness", {}).get("target")
    if int(nps["responses"].sum()) == 0:
        st.info(
            f"No survey responses for {selection.product_name} in this period, so happiness has "
            "no data (it is not 0).",
            icon=":material/sentiment_neutral:",
        )
    else:
        latest_nps = nps.iloc[-1]
        show(
            nps_chart(
                nps,
                None if happiness_target is None else float(happiness_target),
                f"NPS {formatting.nps(latest_nps['happiness'])} in the quarter to {last_month}, "
                f"from {formatting.number(latest_nps['responses'])} responses"
                if latest_nps["responses"]
                else f"NPS by month (no responses in {last_month})",
            )
        )
        note = heart.low_confidence_note(nps, minimum)
        if note:
            st.caption(note)

    show_gsm(gsm, with_product=False)
