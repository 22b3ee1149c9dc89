"""HEART: whether people like, use, adopt, keep using and succeed with each product,
against its goals (DESIGN section 4). The user view beside the buyer view.

Headline figures come from the cached report (`dashboard.data.report`), so the page and
`python -m valuemodel report` show the same numbers; the monthly series, lifecycle,
cohorts and task durations come from the rollups through `dashboard.data`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard import data, segment_filter, ui
from valuemodel.core import metrics
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.present import heart
from valuemodel.present.charts import TopChart
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
from valuemodel.present.pages import heart as page
from valuemodel.present.text import plain


def show(chart: TopChart) -> None:
    st.altair_chart(chart, width="stretch")


def show_gsm(gsm: pd.DataFrame, *, with_product: bool) -> None:
    """The Goals-Signals-Metrics table with a warning for backstops below target."""
    alert = page.backstop_alert(gsm)
    if alert:
        st.warning(alert, icon=":material/warning:")
    visible = page.GSM_COLUMNS_PORTFOLIO if with_product else page.GSM_COLUMNS_PRODUCT
    ui.table(gsm[visible].style.map(page.status_style, subset=["Status"]))
    st.caption(page.GSM_CAPTION)


def show_lifecycle(lifecycle: pd.DataFrame) -> None:
    """New, returning, resurrected and dormant users by month, titled by the last month."""
    totals = heart.lifecycle_totals(lifecycle)
    show(lifecycle_chart(heart.lifecycle_long(totals), heart.lifecycle_title(totals.iloc[-1])))


# ---------------------------------------------------------------- the page

selection = ui.selection()
period = selection.period
st.title("HEART")
st.markdown(page.INTRO)

segment_filter.caption(selection.segment)
catalogue = data.products()
if catalogue.empty:
    ui.empty_state("No products are loaded yet.")
    st.stop()

names: Mapping[str, str] = dict(zip(catalogue["product_id"], catalogue["name"], strict=True))
report = data.report(period.first, period.last, selection.product_id, selection.segment)
assumptions = data.assumptions()
lead_in = heart.month_before(period.first)
months_with_lead_in = data.product_months(
    lead_in, period.last, selection.product_id, selection.segment
)
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
lifecycle = data.heart_lifecycle(period.first, period.last, selection.product_id, selection.segment)
cohorts = data.heart_cohorts(period.first, period.last, selection.product_id, selection.segment)
actions = data.heart_action_months(period.first, period.last, selection.product_id)
grid = heart.cohort_grid(cohorts, period.last)
nps = heart.nps_months(values, minimum)

st.caption(page.period_caption(selection.label, last_month))

if selection.is_portfolio:
    # ------------------------------------------------------------ portfolio
    products = report.products
    responses = heart.responses_of_month(values, last_month)
    score_grid = heart.portfolio_grid(products, goals, responses, minimum)
    mean_index, indexed = heart.portfolio_index(products)
    portfolio_by_month = heart.portfolio_index_by_month(index)
    worst = heart.weakest_across(score_grid)
    gsm = heart.gsm_table(goals, {p.product_id: p.user for p in products}, names, minimum)

    backstops_below = int(gsm["backstop_below"].sum()) if not gsm.empty else 0
    change = heart.index_change(portfolio_by_month, previous_month, mean_index)
    tiles = page.portfolio_tiles(mean_index, indexed, len(products), backstops_below, change)
    row = st.container(horizontal=True, gap="small")
    for label, shown, delta, explain in tiles:
        ui.tile(row.container(width=240), label, shown, delta=delta, help=explain)
    trend = heart.index_trend_sentence(heart.from_month(portfolio_by_month, period.first))
    summary = page.portfolio_summary(mean_index, indexed, last_month, trend, worst)
    if summary:
        st.markdown(summary)

    show(score_heatmap(score_grid, f"HEART scores by product in {last_month} (100 = goal met)"))
    st.caption(page.HEATMAP_CAPTION)

    in_period_index = heart.from_month(index, period.first).assign(
        name=lambda f: [names.get(p, p) for p in f["product_id"]]
    )
    show(index_chart(in_period_index, "HEART index by product and month", colour_field="name"))

    sections = st.tabs(
        [
            "Each dimension against each product's goal",
            "Adoption and the user lifecycle",
            "Retention by monthly cohort",
            "Task success and task duration",
            "Happiness",
            "Goals, signals and metrics",
        ]
    )
    with sections[0]:
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
        for position, pid in enumerate(p.product_id for p in products):
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

    with sections[1]:
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
        st.caption(page.PORTFOLIO_LIFECYCLE_CAPTION)

    with sections[2]:
        if grid.empty:
            st.info("No user had their first active month in this period.", icon=":material/info:")
        else:
            show(cohort_chart(grid, heart.cohort_title(grid) + " (all products pooled)"))

    with sections[3]:
        table = heart.action_table(actions, last_month, names)
        if table.empty:
            st.info(f"No events with an action in {last_month}.", icon=":material/info:")
        else:
            ui.table(table)
            st.caption(f"Per action in {last_month}. " + page.TASK_CAPTION.split(". ", 1)[1])

    with sections[4]:
        happiness = page.happiness_table(nps, last_month, names)
        ui.table(happiness)
        st.caption(page.happiness_caption(last_month, minimum))

    with sections[5]:
        show_gsm(gsm, with_product=True)

else:
    # ------------------------------------------------------------ one product
    product_id = str(selection.product_id)
    product = report.products[0]
    user = product.user
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
            page.no_usage_notice(selection.product_name, period.first, period.last),
            icon=":material/inbox:",
        )

    index_value = user.heart_index
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
    worst = heart.weakest(user.scores)
    summary.markdown(page.product_summary(index_value, last_month, trend, worst, cards))

    row = st.container(horizontal=True, gap="small")  # wraps on a narrow screen
    for card in cards:
        column = row.container(width=230 if ui.presenting() else 180)
        ui.tile(
            column,
            card.label,
            card.tile_value,
            delta=card.change,
            delta_color=card.change_colour,
            help=page.card_help(card.dimension, previous_month),
        )
        column.caption(card.detail + (f" · {card.interval_text}" if card.interval_text else ""))
    gsm = heart.gsm_table(goals, {product_id: user}, min_responses=minimum)

    sections = st.tabs(
        [
            "Each dimension against its goal",
            "Adoption and the user lifecycle",
            "Retention by monthly cohort",
            "Task success and task duration",
            "Happiness",
            "Goals, signals and metrics",
        ]
    )
    with sections[0]:
        own_scores = heart.from_month(scores[scores["product_id"] == product_id], period.first)
        low_confidence_months = int(nps["low_confidence"].sum())
        pairs = [*HEART_DIMENSIONS, "heart_index"]
        for row_start in range(0, len(pairs), 2):
            for column, dimension in zip(
                st.columns(2), pairs[row_start : row_start + 2], strict=False
            ):
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
                            min_responses=minimum,
                            low_confidence_months=low_confidence_months
                            if dimension == "happiness"
                            else 0,
                        )
                    )

    with sections[1]:
        left, right = st.columns(2)
        adoption_target = goal_rows.get("adoption", {}).get("target")
        with left:
            show(
                reach_chart(
                    values,
                    None if adoption_target is None else float(adoption_target),
                    page.reach_title(values, user.adoption, last_month),
                )
            )
        with right:
            show_lifecycle(lifecycle)
        st.caption(page.LIFECYCLE_CAPTION)

    with sections[2]:
        if grid.empty:
            st.info("No user had their first active month in this period.", icon=":material/info:")
        else:
            show(cohort_chart(grid, heart.cohort_title(grid)))
            st.caption(page.COHORT_CAPTION)

    with sections[3]:
        table = heart.action_table(actions, last_month)
        durations = heart.duration_series(actions)
        left, right = st.columns([3, 2])  # the per-action table needs the wider half
        with left:
            if table.empty:
                st.info(f"No events in {last_month}.", icon=":material/info:")
            else:
                st.markdown(f"**Per action in {last_month}**")
                ui.table(table)
        with right:
            if durations.empty:
                st.info(
                    "No event of this product recorded a duration.", icon=":material/timer_off:"
                )
            else:
                show(duration_chart(durations, heart.duration_title(durations)))
        st.caption(page.TASK_CAPTION)

    with sections[4]:
        happiness_target = goal_rows.get("happiness", {}).get("target")
        if int(nps["responses"].sum()) == 0:
            st.info(
                f"No survey responses for {plain(selection.product_name)} in this period, so "
                "happiness has no data (it is not 0).",
                icon=":material/sentiment_neutral:",
            )
        else:
            show(
                nps_chart(
                    nps,
                    None if happiness_target is None else float(happiness_target),
                    page.nps_title(nps, last_month),
                )
            )
            note = heart.low_confidence_note(nps, minimum)
            if note:
                st.caption(note)

    with sections[5]:
        show_gsm(gsm, with_product=False)
