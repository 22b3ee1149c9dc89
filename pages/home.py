"""Home: what the dashboard is for, and which products it covers with how much data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from valuemodel.formatting import number

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
tiles[2].metric("Months of data", f"{span[0]} to {span[1]}" if span else "none yet")
tiles[3].metric(
    "Last import",
    pd.Timestamp(last_import["imported_at"]).strftime("%Y-%m-%d %H:%M UTC")
    if last_import
    else "never",
)


def _freshness(last_day: object) -> str:
    if last_day is None or pd.isna(last_day):
        return "no events"
    days = (pd.Timestamp.now(tz="UTC").normalize().tz_localize(None) - pd.Timestamp(last_day)).days
    if days <= 1:
        return "up to date"
    return f"{days:,} days old"


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
        "Survey responses": coverage["survey_responses"].astype(int),
        "Latest event": [
            pd.Timestamp(d).strftime("%Y-%m-%d") if d is not None and not pd.isna(d) else "—"
            for d in coverage["last_day"]
        ],
        "Freshness": [_freshness(d) for d in coverage["last_day"]],
    }
)
st.subheader("Products covered")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "Eligible users": st.column_config.NumberColumn(format="localized"),
        "Users seen": st.column_config.NumberColumn(format="localized"),
        "Events": st.column_config.NumberColumn(format="localized"),
        "Survey responses": st.column_config.NumberColumn(format="localized"),
    },
)
st.caption(
    "Coverage counts the months holding usage events; freshness is the age of the latest "
    "event. Months are calendar months in UTC."
)
