"""HEART: whether people like, use, adopt, keep using and succeed with each product,
against its goals (DESIGN section 4). The user view beside the buyer view.

Headline figures come from the cached report (`dashboard.data.report`), so the page and
`python -m valuemodel report` show the same numbers; the monthly series, lifecycle,
cohorts and task durations come from the rollups through `dashboard.data`. The sentences,
tables and figures are the page model's (`valuemodel.present.pages.heart`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard import data, segment_filter, ui
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


def show_cohorts(grid: pd.DataFrame, title: str, caption: str | None = None) -> None:
    if grid.empty:
        st.info(page.NO_COHORT, icon=":material/info:")
        return
    show(cohort_chart(grid, title))
    if caption:
        st.caption(caption)


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
minimum = assumptions.min_survey_responses
goals = data.heart_goals(selection.product_id)
months = page.monthly(
    data.product_months(
        heart.month_before(period.first), period.last, selection.product_id, selection.segment
    ),
    goals,
    period.first,
    hourly_cost=assumptions.loaded_hourly_cost,
    min_responses=minimum,
)
values, nps = months.values, months.nps
last_month = period.last
previous_month = heart.month_before(last_month)
lifecycle = data.heart_lifecycle(period.first, period.last, selection.product_id, selection.segment)
cohorts = data.heart_cohorts(period.first, period.last, selection.product_id, selection.segment)
actions = data.heart_action_months(period.first, period.last, selection.product_id)
grid = heart.cohort_grid(cohorts, period.last)

st.caption(page.period_caption(selection.label, last_month))

if selection.is_portfolio:
    # ------------------------------------------------------------ portfolio
    products = report.products
    view = page.portfolio(products, months, goals, names, period.first, last_month, minimum)
    row = st.container(horizontal=True, gap="small")
    for label, shown, delta, explain in view.tiles:
        ui.tile(row.container(width=240), label, shown, delta=delta, help=explain)
    if view.summary:
        st.markdown(view.summary)

    show(score_heatmap(view.score_grid, page.heatmap_title(last_month)))
    st.caption(page.HEATMAP_CAPTION)
    in_period_index = page.named_index(months.index, period.first, names)
    show(index_chart(in_period_index, "HEART index by product and month", colour_field="name"))

    sections = st.tabs(list(page.PORTFOLIO_TABS))
    with sections[0]:
        dimension = (
            st.segmented_control(
                "Dimension",
                list(HEART_DIMENSIONS),
                default=view.default_dimension,
                format_func=lambda d: heart.DIMENSION_LABELS[d],
                key="heart_dimension",
            )
            or view.default_dimension
        )
        st.markdown(page.dimension_heading(dimension))
        panel_columns = st.columns(page.PANEL_COLUMNS)
        product_ids = [p.product_id for p in products]
        panels = page.dimension_panels(months, dimension, product_ids, goals, names, period.first)
        for position, panel in enumerate(panels):
            with panel_columns[position % page.PANEL_COLUMNS]:
                show(
                    dimension_chart(
                        dimension,
                        panel.series,
                        panel.target,
                        title=panel.title,
                        height=120,
                        compact=True,
                    )
                )

    with sections[1]:
        left, right = st.columns(2)
        with left:
            adoption = heart.adoption_by_product(values, last_month, goals, names)
            show(adoption_by_product_chart(adoption, page.adoption_title(last_month)))
        with right:
            show_lifecycle(lifecycle)
        st.caption(page.PORTFOLIO_LIFECYCLE_CAPTION)

    with sections[2]:
        show_cohorts(grid, heart.cohort_title(grid) + " (all products pooled)")

    with sections[3]:
        table = heart.action_table(actions, last_month, names)
        if table.empty:
            st.info(page.no_actions_notice(last_month, portfolio=True), icon=":material/info:")
        else:
            ui.table(table)
            st.caption(page.portfolio_task_caption(last_month))

    with sections[4]:
        ui.table(page.happiness_table(nps, last_month, names))
        st.caption(page.happiness_caption(last_month, minimum))

    with sections[5]:
        show_gsm(view.gsm, with_product=True)

else:
    # ------------------------------------------------------------ one product
    product_id = str(selection.product_id)
    user = report.products[0].user
    one = page.product(product_id, user, months, goals, period.first, last_month, minimum)

    if page.has_no_usage(values):
        st.info(
            page.no_usage_notice(selection.product_name, period.first, period.last),
            icon=":material/inbox:",
        )

    headline, summary = st.columns([1, 3], vertical_alignment="center")
    ui.tile(headline, "HEART index", one.index_tile, delta=one.index_change, help=page.INDEX_HELP)
    summary.markdown(one.summary)

    row = st.container(horizontal=True, gap="small")  # wraps on a narrow screen
    for card in one.cards:
        column = row.container(width=230 if ui.presenting() else 180)
        ui.tile(
            column,
            card.label,
            card.tile_value,
            delta=card.change,
            delta_color=card.change_colour,
            help=page.card_help(card.dimension, previous_month),
        )
        column.caption(page.card_caption(card))

    sections = st.tabs(list(page.PRODUCT_TABS))
    with sections[0]:
        for pair in page.dimension_rows():
            for column, dimension in zip(st.columns(2), pair, strict=False):
                with column:
                    if dimension == "heart_index":
                        title = "HEART index by month (mean of the scores that exist)"
                        show(index_chart(one.index, title))
                        continue
                    show(
                        dimension_chart(
                            dimension,
                            one.scores[one.scores["dimension"] == dimension],
                            one.target(dimension),
                            min_responses=minimum,
                            low_confidence_months=one.low_confidence_months
                            if dimension == "happiness"
                            else 0,
                        )
                    )

    with sections[1]:
        left, right = st.columns(2)
        with left:
            title = page.reach_title(values, user.adoption, last_month)
            show(reach_chart(values, one.target("adoption"), title))
        with right:
            show_lifecycle(lifecycle)
        st.caption(page.LIFECYCLE_CAPTION)

    with sections[2]:
        show_cohorts(grid, heart.cohort_title(grid), page.COHORT_CAPTION)

    with sections[3]:
        table = heart.action_table(actions, last_month)
        durations = heart.duration_series(actions)
        left, right = st.columns([3, 2])  # the per-action table needs the wider half
        with left:
            if table.empty:
                st.info(page.no_actions_notice(last_month, portfolio=False), icon=":material/info:")
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
        if page.has_no_survey(nps):
            st.info(
                page.no_survey_notice(selection.product_name), icon=":material/sentiment_neutral:"
            )
        else:
            show(nps_chart(nps, one.target("happiness"), page.nps_title(nps, last_month)))
            note = heart.low_confidence_note(nps, minimum)
            if note:
                st.caption(note)

    with sections[5]:
        show_gsm(one.gsm, with_product=False)
