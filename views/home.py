"""Home: what the dashboard is for, and which products it covers with how much data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from valuemodel.core.months import month_range
from valuemodel.present.formats import number
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

last_import = data.last_import()
span = data.data_months()
tiles = st.columns(4)
tiles[0].metric("Products", number(len(coverage)))
tiles[1].metric("Usage events", number(float(coverage["events"].sum())))
tiles[2].metric(
    "Months of data",
    number(len(month_range(*span))) if span else "none yet",
    help=f"From {span[0]} to {span[1]}" if span else None,
)
tiles[3].metric(
    "Last import",
    f"{pd.Timestamp(last_import['imported_at']):%d %b %Y}" if last_import else "never",
    help=f"At {pd.Timestamp(last_import['imported_at']):%H:%M} UTC from {last_import['source']}"
    if last_import
    else None,
)

table = page.coverage_table(coverage)
st.subheader("Products covered")
ui.table(table)
st.caption(
    "Coverage counts the months holding usage events; the latest event's age shows how "
    "fresh each product's data is. Months are calendar months in UTC."
)
