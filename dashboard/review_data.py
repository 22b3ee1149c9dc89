"""Cached reads for the portfolio plan, notes and reviews (TTL at the boundary only);
writes go through here so the cached lists are forgotten at once."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from valuemodel.core import scenario
from valuemodel.core.notes import Note
from valuemodel.data import notes, plans, reviews

TTL_SECONDS = data.TTL_SECONDS


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def plan_baselines(month_to: str) -> dict[str, scenario.Baseline]:
    """Every product's scenario baseline for the three months ending `month_to`."""
    return plans.fetch_baselines(data.engine(), month_to, data.assumptions())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def saved_drivers() -> dict[str, dict[str, dict[str, object]]]:
    return plans.fetch_saved_drivers(data.engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def saved_plans() -> pd.DataFrame:
    return plans.fetch_plans(data.engine())


def save_plan(**values: Any) -> int:
    plan_id = plans.save_plan(data.engine(), **values)
    saved_plans.clear()
    return plan_id


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def product_notes(month_from: str, month_to: str, product_id: str | None) -> pd.DataFrame:
    return notes.fetch_notes(data.engine(), month_from, month_to, product_id)


def add_note(note: Note) -> int:
    note_id = notes.add_note(data.engine(), note)
    product_notes.clear()
    return note_id


def delete_note(note_id: int) -> bool:
    done = notes.delete_note(data.engine(), note_id)
    product_notes.clear()
    return done


@st.cache_data(ttl=60, show_spinner=False)
def review_list() -> pd.DataFrame:
    return reviews.fetch_reviews(data.engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=20)
def frozen_review(name: str) -> reviews.FrozenReview | None:
    """A frozen review never changes, so it may be cached for long."""
    return reviews.fetch_review(data.engine(), name)


def forget_reviews() -> None:
    review_list.clear()
    frozen_review.clear()


def time_events(month_from: str, month_to: str, product_id: str | None) -> pd.DataFrame | None:
    """The product's releases and notes of the period as marker rows for every time
    chart (`charts.event_markers`); None for the portfolio (markers are a product's)."""
    from valuemodel.present import charts
    from valuemodel.present.releases import release_rows_events

    if product_id is None:
        return None
    return charts.combine_events(
        release_rows_events(data.releases(month_from, month_to, product_id)),
        charts.note_events(product_notes(month_from, month_to, product_id)),
    )
