"""Value (buyer view): is this money well spent? Savings against cost, in money, with every
assumption behind the numbers in view."""

from __future__ import annotations

import streamlit as st

from dashboard import data, notes_ui, ui
from valuemodel.present import value
from valuemodel.present.formats import money, percent
from valuemodel.present.text import plain

selection = ui.selection()
period = selection.period
product_id = selection.product_id
name = plain(selection.product_name)  # for Markdown

st.title("Value")
st.caption(
    f"{name}, {value.period_label(period.first, period.last)}. "
    "Is this money well spent? Savings in money against cost, and the assumptions behind them."
)

if data.products().empty:
    ui.empty_state("No products are loaded yet.")
    st.stop()

assumptions = data.assumptions()
currency = assumptions.currency
months_frame = data.product_months(period.first, period.last, product_id)
if not value.has_data(months_frame):
    st.info(
        f"No cost and no usage are recorded for {name} from "
        f"{value.period_label(period.first, period.last)}. Choose another period or product "
        "in the sidebar, or import its data on the Data page.",
        icon=":material/inbox:",
    )
    st.stop()

report = data.report(period.first, period.last, product_id)
buyer = value.buyer_of(report, product_id)
flows = value.selection_flows(months_frame, assumptions.loaded_hourly_cost)
previous_period = period.previous()
previous_months = data.product_months(previous_period.first, previous_period.last, product_id)
has_previous = value.has_data(previous_months)
previous = (
    value.buyer_figures(previous_months, assumptions.loaded_hourly_cost) if has_previous else None
)

subject = "The portfolio" if selection.is_portfolio else selection.product_name
st.markdown("#### " + plain(value.verdict(subject, buyer, period.first, period.last, currency)))

# ---------------------------------------------------------------- headline tiles
tiles = value.tiles(
    buyer, previous, currency=currency, loaded_hourly_cost=assumptions.loaded_hourly_cost
)
for row in (tiles[:3], tiles[3:]):
    columns = st.columns(3)
    for column, tile in zip(columns, row, strict=True):
        column.metric(
            tile.label,
            tile.value,
            delta=tile.delta,
            delta_color=tile.delta_color,
            delta_arrow=tile.delta_arrow,
            help=tile.help,
            border=True,
            height="stretch",
        )
st.caption(value.comparison_note(previous_period.first, previous_period.last, has_previous))

# ---------------------------------------------------------------- over time
left, right = st.columns([3, 2])
left.altair_chart(value.cumulative_chart(flows, period.first, buyer, currency), width="stretch")
right.altair_chart(value.monthly_chart(flows, currency), width="stretch")

# ---------------------------------------------------------------- products or baselines
ledger = value.baseline_ledger(
    data.baseline_ledger(period.first, period.last, product_id), assumptions.loaded_hourly_cost
)
if selection.is_portfolio:
    st.subheader("Products ranked by net value")
    ranking = value.product_ranking(report, currency)
    st.altair_chart(value.ranking_chart(ranking, currency), width="stretch")
    table = ranking.assign(
        view=[value.product_link(pid, period.first, period.last) for pid in ranking["product_id"]]
    )
    st.dataframe(
        value.styled_table(
            table,
            currency,
            money_columns=["cost", "risk_adjusted_savings", "net_value"],
            percent_columns=["roi"],
            months_columns=["payback_months"],
        ),
        hide_index=True,
        width="stretch",
        column_order=[
            "name",
            "cost",
            "risk_adjusted_savings",
            "net_value",
            "roi",
            "payback_months",
            "view",  # "Paid back?" is in the chart's tooltip: the grid fits 1024 wide
        ],
        column_config={
            "name": st.column_config.TextColumn("Product", pinned=True),
            "cost": "Cost",
            "risk_adjusted_savings": "Risk-adjusted savings",
            "net_value": "Net value",
            "roi": "ROI",
            "payback_months": "Payback",
            "pays_back": "Paid back?",
            "view": st.column_config.LinkColumn(
                "Details",
                display_text="Open ›",
                width="small",
                help="This product's Value page, same period",
            ),
        },
    )
    st.caption(
        "Each product's figures use its own monthly flows; the portfolio tiles use the flows "
        "of all products summed (so portfolio payback is not an average)."
    )
else:
    st.subheader("Savings by task baseline")
    if ledger.empty:
        st.warning(
            f"No task baselines are recorded for {name}, so its savings count as zero. Import "
            "task_baselines.csv (minutes saved per task, with confidence and source) on the "
            "Data page to credit the time it saves.",
            icon=":material/rule:",
        )
    else:
        st.altair_chart(value.baseline_chart(ledger, currency), width="stretch")

# ---------------------------------------------------------------- assumptions ledger
st.subheader("Assumptions ledger")
st.markdown(
    value.markdown_text(
        "Every headline number traces back to these inputs: tasks done x minutes saved / 60 "
        f"= hours saved; x {money(assumptions.loaded_hourly_cost, currency)} per hour = gross "
        "savings; x confidence = risk-adjusted savings."
    )
)
if not ledger.empty:
    columns = [c for c in value.LEDGER_COLUMNS if c != "product_id"]
    if not selection.is_portfolio:
        columns.remove("product_name")
    ui.table(
        value.styled_table(
            ledger[columns],
            currency,
            money_columns=["gross_savings", "risk_adjusted_savings"],
            percent_columns=["confidence"],
            count_columns=["tasks_done"],
            hours_columns=["hours_saved"],
            minutes_columns=["minutes_saved"],
        ),
        column_config={
            "product_name": "Product",
            "action": "Action",
            "minutes_saved": st.column_config.Column(
                "Saved per task", help="Minutes a task done with the product saves"
            ),
            "confidence": st.column_config.Column(
                "Confidence", help="The share of the saving we count (risk haircut)"
            ),
            "source": st.column_config.TextColumn(
                "Source", help="Where the minutes-saved estimate comes from"
            ),
            "tasks_done": st.column_config.Column(
                "Tasks done", help="Events of this action whose outcome is not false"
            ),
            "hours_saved": "Hours saved",
            "gross_savings": "Gross savings",
            "risk_adjusted_savings": "Risk-adjusted savings",
        },
    )
    totals = value.ledger_totals(ledger)
    st.caption(
        value.markdown_text(
            f"Totals: {totals['tasks_done']:,.0f} tasks done, {totals['hours_saved']:,.0f} hours "
            f"saved, {money(totals['gross_savings'], currency)} gross and "
            f"{money(totals['risk_adjusted_savings'], currency)} risk-adjusted savings "
            "(the headline tiles)."
        )
    )
elif selection.is_portfolio:
    st.warning(
        "No task baselines are recorded, so no savings can be counted. Import "
        "task_baselines.csv on the Data page.",
        icon=":material/rule:",
    )

rows = data.assumption_rows()
changed = rows["updated_at"].max() if not rows.empty else None
st.markdown("**Global assumptions**")
global_columns = st.columns(3)
global_columns[0].metric(
    "Loaded hourly cost",
    f"{money(assumptions.loaded_hourly_cost, currency)} / hour",
    help="Salary plus overhead of one hour of the people who save the time.",
    border=True,
)
global_columns[1].metric("Currency", currency, help="Every amount on every page.", border=True)
global_columns[2].metric(
    "Discount rate",
    f"{percent(assumptions.discount_rate)} / year",
    help="Used for present values in Scenarios; realized months here are not discounted.",
    border=True,
)
st.page_link(
    "views/data.py",
    label="Change these assumptions on the Data page"
    + (f" (last changed {changed:%Y-%m-%d})" if changed is not None else ""),
    icon=":material/edit:",
)

# ---------------------------------------------------------------- cash flow
st.subheader("Cash flow by quarter")
quarters = value.quarterly_cash_flow(flows)
st.dataframe(
    value.styled_table(
        quarters,
        currency,
        money_columns=["cost", "risk_adjusted_savings", "net_value", "cumulative_net_value"],
        count_columns=["months"],
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "quarter": "Quarter",
        "months": st.column_config.Column(
            "Months in period", help="A quarter cut by the period's edges holds fewer months"
        ),
        "cost": "Cost",
        "risk_adjusted_savings": "Risk-adjusted savings",
        "net_value": "Net",
        "cumulative_net_value": "Cumulative net",
    },
)
st.download_button(
    "Download the cash flow (CSV)",
    value.cash_flow_csv(quarters, currency),
    file_name=f"cash-flow-{product_id or 'portfolio'}-{period.first}-to-{period.last}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)

notes_ui.panel("value")
