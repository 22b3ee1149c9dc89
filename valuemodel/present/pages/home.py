"""The Home page model: the products-covered table and how fresh each product's data
is. Pure (no streamlit); product names and teams are cell values (text)."""

from __future__ import annotations

import pandas as pd


def _today() -> pd.Timestamp:
    """Today's date in UTC, as a naive midnight timestamp."""
    return pd.Timestamp.now(tz="UTC").normalize().tz_localize(None)


def freshness(last_day: object, today: pd.Timestamp | None = None) -> str:
    """How old the latest event is: 'up to date' (today or yesterday), '12 days ago',
    or 'no events' when there is none."""
    if last_day is None or pd.isna(last_day):
        return "no events"
    days = ((_today() if today is None else today) - pd.Timestamp(last_day)).days
    if days <= 1:
        return "up to date"
    return f"{days:,} days ago"


def coverage_table(coverage: pd.DataFrame, today: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per product: owner, eligible and seen users, the months covered, events,
    surveys and the latest event with its age (text where a cell is a sentence)."""
    today = _today() if today is None else today
    return pd.DataFrame(
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
                f"{pd.Timestamp(d):%Y-%m-%d} ({freshness(d, today)})"
                if d is not None and not pd.isna(d)
                else "no events"
                for d in coverage["last_day"]
            ],
        }
    )
