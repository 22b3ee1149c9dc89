"""Home: what the dashboard is for, and which products it covers with how much data."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from valuemodel.present.pages import home as page

st.title("Home")
st.markdown(
    "**Is each internal product worth its funding, and do its users like it?** "
    "This dashboard puts the buyer's view (money saved, ROI, payback, OKR ladder-up) "
    "beside the user's view (HEART: happiness, engagement, adoption, retention, task "
    "success), on live data from PostgreSQL."
)

coverage = data.coverage()
if coverage.empty:
    ui.empty_state("No products are loaded yet.")
    st.stop()

tiles = st.columns(4)
for column, (label, value, help_text) in zip(
    tiles, page.tiles(coverage, data.data_months(), data.last_import()), strict=True
):
    column.metric(label, value, help=help_text)

table = page.coverage_table(coverage)
st.subheader("Products covered")
ui.table(table)
st.caption(
    "Coverage counts the months holding usage events; the latest event's age shows how "
    "fresh each product's data is. Months are calendar months in UTC."
)
