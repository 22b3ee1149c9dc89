"""Home: what the dashboard is for, and which products it covers with how much data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from valuemodel.core.months import month_range
from valuemodel.present.formats import number

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


def _freshness(last_day: object) -> str:
    if last_day is None or pd.isna(last_day):
        return "no events"
    days = (pd.Timestamp.now(tz="UTC").normalize().tz_localize(None) - pd.Timestamp(last_day)).days
    if days <= 1:
        return "up to date"
    return f"{days:,} days ago"


table = pd.DataFrame(
    {
        "Product": coverage["name"],
        "Owner team": coverage["owner_team"],
        "Eligible users": coverage["eligible_users"].astype(int),
        "Users seen": coverage["users"].astype(int),
        "Coverage": [
            f"{pd.Timestamp(a):%Y-%m} to {pd.Timestamp(b):%Y-%m} ({int(n)} months)"
            if a is not None and not pd.isna(a)
            else "no events yet"
            for a, b, n in zip(
                coverage["first_month"],
                coverage["last_month"],
                coverage["active_months"],
                strict=True,
            )
        ],
        "Events": coverage["events"].astype(int),
        "Surveys": coverage["survey_responses"].astype(int),
        "Latest event": [
            f"{pd.Timestamp(d):%Y-%m-%d} ({_freshness(d)})"
            if d is not None and not pd.isna(d)
            else "no events"
            for d in coverage["last_day"]
        ],
    }
)
st.subheader("Products covered")
ui.table(table)
st.caption(
    "Coverage counts the months holding usage events; the latest event's age shows how "
    "fresh each product's data is. Months are calendar months in UTC."
)
