"""The demo's people directory and eligibility rules (people.csv, eligibility.csv).

Who works where is drawn after the activity is simulated, from the activity itself, so
the segments tell a believable story without changing a single usage event:
- the Payments org lags on the CI Platform (its engineers are drawn from the least
  active CI users);
- Singapore adopts the CI Platform late (its engineers are drawn from the users whose
  first CI month in the window is late);
- the Data Mart's new users in the months after each wave of its staggered rollout
  (see `ROLLOUT_WAVES`) come mostly from that wave's orgs (Payments, drawn from the CI's
  least active users, is left out of this);
- about 1 in 6 people is hired or leaves inside the window (hired before their first
  active month, leaving after their last), and a few users (contractors) are not in the
  directory at all, so they count in the segment "unknown".
Eligibility: the CI Platform and the Data Mart serve the engineering job families (the Data
Mart its product managers too), the HR tool everyone (one rule per org); the other
products keep products.eligible_users.

Pure apart from nothing: returns DataFrames. Seeded: the same inputs give the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

ENGINEERING_FAMILIES = ("Software engineering", "Site reliability", "Data engineering")
ENGINEERING_ORGS = ("Payments", "Platform", "Consumer", "Data")
OTHER_ORGS = ("Go-to-market", "Corporate")
TEAMS = {
    "Payments": ("Checkout", "Billing", "Fraud"),
    "Platform": ("Build and release", "Infrastructure", "Developer experience"),
    "Consumer": ("Mobile", "Web", "Growth"),
    "Data": ("Analytics", "ML platform", "Warehouse"),
    "Go-to-market": ("Enterprise sales", "Marketing", "Customer support"),
    "Corporate": ("Finance", "People", "Legal"),
}
OTHER_FAMILIES = {
    "Go-to-market": ("Sales", "Marketing", "Customer support"),
    "Corporate": ("Finance", "People operations", "Legal"),
}
LOCATIONS = ("Berlin", "London", "New York", "Bangalore")
LATE_LOCATION = "Singapore"
LAGGING_ORG = "Payments"
# The Data Mart's staggered rollout: (month index in the window, org) of each wave.
ROLLOUT_PRODUCT = "datamart"
ROLLOUT_WAVES = ((9, "Platform"), (9, "Data"), (15, "Consumer"), (15, "Payments"))
CONTRACTOR_SHARE = 0.01


def _first_month(active: np.ndarray) -> np.ndarray:
    """Per row: the first month index that is True, or -1."""
    any_active = active.any(axis=1)
    return np.where(any_active, active.argmax(axis=1), -1)


def _last_month(active: np.ndarray) -> np.ndarray:
    any_active = active.any(axis=1)
    return np.where(any_active, active.shape[1] - 1 - active[:, ::-1].argmax(axis=1), -1)


def people_frame(
    months: Sequence[str],
    directory: int,
    engineering: int,
    pools: Mapping[str, np.ndarray],
    active: Mapping[str, np.ndarray],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """people.csv: one row per directory member (contractors left out)."""
    count = len(months)
    # Per person: first and last active month over every product, CI and Data Mart facts.
    first_any = np.full(directory, count, dtype=np.int64)
    last_any = np.full(directory, -1, dtype=np.int64)
    for pid, pool in pools.items():
        first = _first_month(active[pid])
        last = _last_month(active[pid])
        has = first >= 0
        np.minimum.at(first_any, pool[has], first[has])
        np.maximum.at(last_any, pool[has], last[has])
    ci_share = np.zeros(directory)
    ci_first = np.full(directory, -1, dtype=np.int64)
    if "ci" in pools:
        # Weighted to the recent months: the lag shows in the months a review looks at.
        ci_share[pools["ci"]] = active["ci"].mean(axis=1) + 2 * active["ci"][:, -6:].mean(axis=1)
        ci_first[pools["ci"]] = _first_month(active["ci"])
    dm_first = np.full(directory, -1, dtype=np.int64)
    if ROLLOUT_PRODUCT in pools:
        dm_first[pools[ROLLOUT_PRODUCT]] = _first_month(active[ROLLOUT_PRODUCT])

    is_engineer = np.arange(directory) < engineering
    org = np.empty(directory, dtype=object)
    # Payments: about a quarter of the engineers, drawn from the least active CI users.
    engineers = np.flatnonzero(is_engineer)
    propensity = ci_share[engineers] + rng.normal(0.0, 0.08, engineers.size)
    payments = engineers[np.argsort(propensity, kind="stable")[: engineers.size // 4]]
    org[payments] = LAGGING_ORG
    rest = engineers[org[engineers] == None]  # noqa: E711 - an object array
    # The Data Mart's new users after each wave come mostly from the wave's org.
    others = [o for o in ENGINEERING_ORGS if o != LAGGING_ORG]
    choice = rng.choice(others, size=rest.size)
    for month in sorted({m for m, _ in ROLLOUT_WAVES}):
        wave = [o for m, o in ROLLOUT_WAVES if m == month and o != LAGGING_ORG]
        if not wave:
            continue
        joined = (dm_first[rest] >= month + 1) & (dm_first[rest] <= month + 3)
        picked = joined & (rng.random(rest.size) < 0.85)
        choice[picked] = rng.choice(wave, size=int(picked.sum()))
    org[rest] = choice
    non_engineers = np.flatnonzero(~is_engineer)
    org[non_engineers] = rng.choice(OTHER_ORGS, size=non_engineers.size, p=[0.55, 0.45])

    family = np.empty(directory, dtype=object)
    family[engineers] = rng.choice(
        ENGINEERING_FAMILIES, size=engineers.size, p=[0.75, 0.125, 0.125]
    )
    # A few product managers among the engineers use the CI Platform without being its
    # audience (drawn from the less active users, so adoption stays below 1).
    managers = engineers[np.argsort(ci_share[engineers] + rng.normal(0, 0.3, engineers.size))]
    family[managers[: max(1, engineers.size // 30)]] = "Product management"
    for name, families in OTHER_FAMILIES.items():
        members = np.flatnonzero(org == name)
        family[members] = rng.choice(families, size=members.size)
    team = np.array([rng.choice(TEAMS[o]) for o in org], dtype=object)

    location = rng.choice(LOCATIONS, size=directory, p=[0.35, 0.3, 0.2, 0.15]).astype(object)
    late = (ci_first >= 9) & (rng.random(directory) < 0.55)
    early = (ci_first >= 0) & (ci_first < 9) & (rng.random(directory) < 0.005)
    location[late | early] = LATE_LOCATION

    # Hires and leavers inside the window, consistent with the activity.
    start = np.datetime64(months[0], "M")
    started = np.full(directory, "", dtype=object)
    left = np.full(directory, "", dtype=object)
    tenure = rng.integers(1, 3000, directory)  # days before the window
    veteran = rng.random(directory) < 0.7
    first_day = np.datetime64(f"{months[0]}-01", "D")
    started[veteran] = (first_day - tenure[veteran]).astype(str)
    hire = (first_any >= 2) & (first_any < count) & (rng.random(directory) < 0.45)
    hire |= (first_any == count) & (rng.random(directory) < 0.1)  # never active
    # Hired in a month before the first active one (any month for the never active).
    hire_month = np.maximum(1, np.minimum(first_any, count) - 1 - rng.integers(0, 2, directory))
    hire_day = rng.integers(1, 28, directory)
    for i in np.flatnonzero(hire):
        started[i] = f"{start + int(hire_month[i])}-{int(hire_day[i]):02d}"
    never = last_any < 0
    leave = (~never & (last_any <= count - 3) & (rng.random(directory) < 0.6)) | (
        never & (rng.random(directory) < 0.12)
    )
    leave_month = np.where(
        never,
        rng.integers(count // 2, count, directory),
        last_any + 1 + rng.integers(0, 2, directory),
    )
    # Never active and hired: leave after the hire month.
    leave_month = np.where(never & hire, np.maximum(leave_month, hire_month + 1), leave_month)
    for i in np.flatnonzero(leave & (leave_month < count)):
        left[i] = f"{start + int(leave_month[i])}-{int(rng.integers(1, 28)):02d}"

    contractor = rng.random(directory) < CONTRACTOR_SHARE
    keep = ~contractor
    frame = pd.DataFrame(
        {
            "user_id": [f"u{i + 1:05d}" for i in range(directory)],
            "org": org,
            "team": team,
            "job_family": family,
            "location": location,
            "started_on": started,
            "left_on": left,
        }
    )
    return frame[keep].reset_index(drop=True)


def eligibility_frame(product_ids: Sequence[str]) -> pd.DataFrame:
    """eligibility.csv: the CI Platform for the engineering job families, the Data Mart
    for them and the product managers among the engineers (its staggered rollout is
    measured against eligible people per org), HR for everyone."""
    rows = []
    if "ci" in product_ids:
        rows += [("ci", "job_family", family) for family in ENGINEERING_FAMILIES]
    if ROLLOUT_PRODUCT in product_ids:
        rows += [
            (ROLLOUT_PRODUCT, "job_family", family)
            for family in (*ENGINEERING_FAMILIES, "Product management")
        ]
    if "hr" in product_ids:
        rows += [("hr", "org", org) for org in (*ENGINEERING_ORGS, *OTHER_ORGS)]
    return pd.DataFrame(rows, columns=["product_id", "attribute", "value"])
