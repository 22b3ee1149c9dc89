"""Adoption: who uses the product and who does not, by segment of the people directory;
the funnel from eligible to habitual; where the unrealised value sits (DESIGN section 4,
"Segments"). Figures come from the per segment rollup through `dashboard.data`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, segment_filter, ui
from valuemodel.core import metrics, segments
from valuemodel.core.contract import SEGMENT_ATTRIBUTES
from valuemodel.present import adoption
from valuemodel.present.text import plain

selection = ui.selection()
period = selection.period
month = period.last
st.title("Adoption")
st.markdown(
    "**Who uses it, who does not, and which group should we win next?** The funnel from "
    "the eligible population to habitual use, adoption by segment of the people directory, "
    "and the money a month each segment is worth at today's savings per active user."
)
segment_filter.caption(selection.segment)

catalogue = ui.require_products()
names = dict(zip(catalogue["product_id"], catalogue["name"], strict=True))
eligible_users = dict(zip(catalogue["product_id"], catalogue["eligible_users"], strict=True))
directory = data.segment_values()
ruled = data.products_with_rules()
chosen = [selection.product_id] if selection.product_id else sorted(names)
currency = data.assumptions().currency

st.caption(
    f"{plain(selection.label)}. The funnel and the ranking are those of the period's last month, "
    f"{month}; the heatmap shows every month of the period."
)
if directory.empty:
    st.info(
        "No people directory is loaded (people.csv), so adoption cannot be split by org, "
        "team, job family or location. The funnel below counts every user of the product "
        "against products.eligible_users.",
        icon=":material/groups:",
    )

# ---------------------------------------------------------------- the funnel

last_rows = data.segment_months(month, month, selection.product_id)
if selection.segment is not None:
    last_rows = last_rows[
        (last_rows["attribute"] == selection.segment.attribute)
        & (last_rows["value"] == selection.segment.value)
    ]
funnels = [
    segments.product_funnel(
        last_rows,
        pid,
        month,
        eligible_users=int(eligible_users[pid]),
        ruled=pid in ruled,
    )
    for pid in chosen
]
funnel = funnels[0] if len(funnels) == 1 else segments.portfolio_funnel(funnels, month)
subject = "the portfolio" if selection.is_portfolio else names[chosen[0]]
if selection.segment is not None:
    subject += f", {selection.segment.label}"
st.subheader(f"The funnel in {month}")
st.altair_chart(
    adoption.funnel_chart(funnel, f"From eligible to habitual: {subject}"), width="stretch"
)
with st.expander("The funnel as a table"):
    st.dataframe(adoption.funnel_table(funnel), hide_index=True, width="stretch")
unruled = [str(names[p]) for p in chosen if p not in ruled]
st.caption(adoption.funnel_notes(unruled, selection.is_portfolio))

unknown = segments.unknown_users(data.segment_months(month, month, selection.product_id), month)
unknown_note = adoption.unknown_users_sentence(unknown, month)
if unknown_note:
    st.caption(unknown_note)

# ---------------------------------------------------------------- by segment

st.subheader("Adoption by segment")
attribute = st.segmented_control(
    "Break down by",
    list(SEGMENT_ATTRIBUTES),
    default=(
        selection.segment.attribute if selection.segment is not None else SEGMENT_ATTRIBUTES[0]
    ),
    format_func=lambda a: segments.ATTRIBUTE_LABELS[a],
    key="adoption_attribute",
)
attribute = attribute or SEGMENT_ATTRIBUTES[0]
rows = data.segment_months(period.first, period.last, selection.product_id, attribute)
with_rules = [p for p in chosen if p in ruled]
if rows.empty or directory.empty:
    st.info("No segment figures for this selection yet.", icon=":material/groups:")
elif not with_rules:
    st.info(
        f"{subject} has no eligibility rules (eligibility.csv), so adoption by segment has "
        "no denominator; the table shows active users by segment only.",
        icon=":material/rule:",
    )
    st.dataframe(
        adoption.active_users_table(rows, attribute, month), hide_index=True, width="stretch"
    )
else:
    grid = segments.adoption_grid(rows, attribute)
    st.altair_chart(
        adoption.heatmap_chart(
            grid,
            attribute,
            f"Adoption by {segments.ATTRIBUTE_LABELS[attribute].lower()} and month "
            "(active users / eligible people)",
        ),
        width="stretch",
    )
    if selection.is_portfolio:
        st.caption(
            "Portfolio: summed over the products with eligibility rules ("
            + ", ".join(plain(names[p]) for p in with_rules)
            + ")."
        )

    # ------------------------------------------------------------ opportunity
    st.subheader("Which group should we win next?")
    whole = data.product_months(month, month, selection.product_id)
    values = metrics.monthly_values(whole, data.assumptions().loaded_hourly_cost)
    per_active = segments.savings_per_active_user(values, month)
    table = segments.segment_table(rows, attribute, month, per_active)
    ranked = segments.ranked_opportunities(table)
    if ranked.empty:
        st.caption("No eligible people in this month.")
    else:
        for row in ranked.head(3).itertuples():
            if pd.notna(row.opportunity) and row.opportunity > 0:
                st.markdown(
                    "- " + adoption.opportunity_sentence(pd.Series(row._asdict()), currency)
                )
        ui.table(adoption.opportunity_table(ranked, attribute, currency))
        st.caption(
            "Opportunity = eligible people not active in the month x the product's "
            "risk-adjusted savings per active user that month (money a month). It assumes a "
            "newly won user saves what today's users save; savings are not otherwise "
            "attributed to segments."
        )

# ---------------------------------------------------------------- beyond the audience

outside = segments.outside_audience(data.segment_months(month, month, selection.product_id), month)
if not outside.empty:
    st.subheader("Used beyond its audience")
    for row in outside.itertuples():
        if row.outside > 0:
            st.markdown(
                "- "
                + adoption.outside_sentence(
                    names.get(row.product_id, row.product_id),
                    int(row.active),
                    int(row.outside),
                    int(row.unknown),
                    month,
                )
            )
    st.caption(
        "People outside the eligible population who use the product anyway: news for the "
        "buyer (the product serves more people than it is funded for) and a hint that the "
        "eligibility rules may be too narrow."
    )
