"""Segments of the people directory: the funnel, adoption by segment and opportunity
(DESIGN section 4, "Segments"). Pure.

The input is the frame of `store.fetch_segment_months`: one row per product, month and
segment (attribute, value) with columns product_id, month (datetime), attribute, value,
eligible (float; NaN for a product without eligibility rules) and the counts of
USER_COLUMNS. Every person holds one value of each attribute (users outside the
directory hold 'unknown'), so summing the rows of one attribute gives the product.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from valuemodel.core.contract import SEGMENT_ATTRIBUTES, UNKNOWN_SEGMENT

USER_COLUMNS = (
    "active_users",
    "active_eligible",
    "active_days",
    "prev_active_users",
    "retained_users",
    "succeeded_true",
    "succeeded_known",
    "responses",
    "promoters",
    "detractors",
    "reached",
    "tried",
    "funnel_active",
    "habitual",
)
# The columns of a `product_months` frame a segment replaces (the user side).
_REPLACED = {
    "active_users": "active_users",
    "active_days": "active_days",
    "prev_active_users": "prev_active_users",
    "retained_users": "retained_users",
    "succeeded_true": "succeeded_true",
    "succeeded_known": "succeeded_known",
    "responses": "responses",
    "promoters": "promoters",
    "detractors": "detractors",
}
ATTRIBUTE_LABELS = {
    "org": "Org",
    "team": "Team",
    "job_family": "Job family",
    "location": "Location",
}
FUNNEL_STEPS = ("eligible", "reached", "tried", "active", "habitual")


class SegmentError(ValueError):
    """A segment that cannot be used (unknown attribute, empty value)."""


@dataclass(frozen=True)
class Segment:
    """One segment of the people directory: every person whose `attribute` is `value`."""

    attribute: str
    value: str

    def __post_init__(self) -> None:
        if self.attribute not in SEGMENT_ATTRIBUTES:
            raise SegmentError(
                f"{self.attribute!r} is not a segment attribute ({', '.join(SEGMENT_ATTRIBUTES)})"
            )
        if not self.value:
            raise SegmentError("a segment needs a value")

    @property
    def label(self) -> str:
        """'Org: Payments' (the value shown as written in people.csv)."""
        return f"{ATTRIBUTE_LABELS[self.attribute]}: {self.value}"


def segment_user_months(months: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """A `product_months` frame whose user side is one segment's.

    months: the whole products' `product_months` rows; rows: the segment's rollup rows
    (one attribute and value). eligible_users becomes the segment's eligible people (NaN
    for a product without rules: its adoption by segment is undefined); active, retained
    and outcome counts and survey answers become the segment's; tasks, hours and cost stay
    the whole product's, because savings are not attributed to segments. The rolling
    quarter's survey counts (happiness_responses, _promoters, _detractors) are summed from
    the segment's months m-2..m.
    """
    out = months.copy()
    keyed = rows.set_index(["product_id", "month"])
    index = pd.MultiIndex.from_arrays([out["product_id"], out["month"]])
    for target, source in _REPLACED.items():
        out[target] = keyed[source].reindex(index).fillna(0).astype("int64").to_numpy()
    out["eligible_users"] = keyed["eligible"].reindex(index).to_numpy(dtype=float)
    # Happiness is the NPS of the rolling quarter m-2..m: sum the segment's monthly answers
    # (rows should start two months before the first month of `months`).
    if len(rows):
        quarter = []
        for _pid, own in rows.groupby("product_id"):
            own = own.set_index("month").sort_index()
            full = pd.date_range(own.index.min(), own.index.max(), freq="MS")
            counts = own[["responses", "promoters", "detractors"]].reindex(full, fill_value=0)
            rolled = counts.rolling(3, min_periods=1).sum()
            rolled["product_id"] = _pid
            quarter.append(rolled.rename_axis("month").reset_index())
        rolling = pd.concat(quarter).set_index(["product_id", "month"])
    else:
        rolling = pd.DataFrame(
            columns=["responses", "promoters", "detractors"],
            index=pd.MultiIndex.from_arrays([[], []], names=["product_id", "month"]),
        )
    for column in ("responses", "promoters", "detractors"):
        out[f"happiness_{column}"] = (
            rolling[column].reindex(index).fillna(0).astype("int64").to_numpy()
        )
    return out


@dataclass(frozen=True)
class Funnel:
    """The adoption funnel of one month (DESIGN section 4): eligible people, reached (used
    the product at least once by then), tried (did a task with a time baseline by then),
    active (tried, and active this month) and habitual (active this month and the two
    before). Counts of people; eligible is None without any product in the selection."""

    month: str
    eligible: int | None
    reached: int
    tried: int
    active: int
    habitual: int

    def count(self, step: str) -> int | None:
        found: int | None = getattr(self, step)
        return found

    def conversions(self) -> list[tuple[str, int | None, float | None]]:
        """(step, people, share of the step before; None for the first or a zero base)."""
        out: list[tuple[str, int | None, float | None]] = []
        previous: int | None = None
        for step in FUNNEL_STEPS:
            people = self.count(step)
            share = None
            if previous and people is not None:
                share = people / previous
            out.append((step, people, share))
            previous = people
        return out


def _one_attribute(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one attribute (any; each partitions every user exactly once)."""
    if rows.empty:
        return rows
    return rows[rows["attribute"] == SEGMENT_ATTRIBUTES[0]]


def product_funnel(
    rows: pd.DataFrame, product_id: str, month: str, *, eligible_users: int, ruled: bool
) -> Funnel:
    """The funnel of one product in `month` ('YYYY-MM').

    With eligibility rules every step counts eligible people only; without, eligible is
    products.eligible_users (`eligible_users`) and the other steps count every user.
    """
    at = pd.Timestamp(f"{month}-01")
    own = _one_attribute(rows)
    own = own[(own["product_id"] == product_id) & (own["month"] == at)]
    eligible = int(own["eligible"].fillna(0).sum()) if ruled else int(eligible_users)
    return Funnel(
        month=month,
        eligible=eligible,
        reached=int(own["reached"].sum()),
        tried=int(own["tried"].sum()),
        active=int(own["funnel_active"].sum()),
        habitual=int(own["habitual"].sum()),
    )


def portfolio_funnel(funnels: list[Funnel], month: str) -> Funnel:
    """Several products' funnels summed (a person eligible for two products counts twice)."""
    return Funnel(
        month=month,
        eligible=sum(f.eligible or 0 for f in funnels) if funnels else None,
        reached=sum(f.reached for f in funnels),
        tried=sum(f.tried for f in funnels),
        active=sum(f.active for f in funnels),
        habitual=sum(f.habitual for f in funnels),
    )


def savings_per_active_user(values: pd.DataFrame, month: str) -> dict[str, float | None]:
    """Per product: risk-adjusted savings in `month` / active users in `month` (money per
    active user; None without active users). `values` is a `metrics.monthly_values` frame
    of the whole products."""
    at = pd.Timestamp(f"{month}-01")
    out: dict[str, float | None] = {}
    for row in values[values["month"] == at].itertuples():
        active = int(row.active_users)
        out[str(row.product_id)] = float(row.risk_adjusted_savings) / active if active > 0 else None
    return out


SEGMENT_TABLE_COLUMNS = (
    "product_id",
    "attribute",
    "value",
    "eligible",
    "active",
    "active_eligible",
    "adoption",
    "not_active",
    "opportunity",
)


def segment_table(
    rows: pd.DataFrame,
    attribute: str,
    month: str,
    savings_per_active: Mapping[str, float | None],
) -> pd.DataFrame:
    """Adoption and opportunity of each segment of `attribute` in `month`, per product.

    Columns (SEGMENT_TABLE_COLUMNS): eligible (people; NaN without rules), active (users
    of the segment active in the month), active_eligible, adoption (active / eligible, a
    fraction; NaN without rules or eligible people), not_active (eligible people not
    active), opportunity (not_active x the product's savings per active user: money a
    month; NaN when either is undefined). Sorted by opportunity, largest first.
    """
    at = pd.Timestamp(f"{month}-01")
    own = rows[(rows["attribute"] == attribute) & (rows["month"] == at)]
    if own.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SEGMENT_TABLE_COLUMNS})
    eligible = own["eligible"].astype(float)
    active = own["active_users"].astype("int64")
    active_eligible = own["active_eligible"].astype("int64")
    not_active = (eligible - active_eligible).where(eligible.notna())
    per_user = own["product_id"].map(
        lambda pid: math.nan if savings_per_active.get(pid) is None else savings_per_active[pid]
    )
    table = pd.DataFrame(
        {
            "product_id": own["product_id"].to_numpy(),
            "attribute": attribute,
            "value": own["value"].to_numpy(),
            "eligible": eligible.to_numpy(),
            "active": active.to_numpy(),
            "active_eligible": active_eligible.to_numpy(),
            "adoption": (active / eligible.where(eligible > 0)).to_numpy(dtype=float),
            "not_active": not_active.to_numpy(dtype=float),
            "opportunity": (not_active * per_user.astype(float)).to_numpy(dtype=float),
        }
    )
    return table.sort_values(
        ["opportunity", "eligible", "value"], ascending=[False, False, True], na_position="last"
    ).reset_index(drop=True)


def ranked_opportunities(table: pd.DataFrame) -> pd.DataFrame:
    """Segments by opportunity over the products of `table` (a `segment_table`): eligible,
    active, active_eligible, not_active and opportunity summed per value, adoption
    recomputed; only segments with eligible people; largest opportunity first."""
    ruled = table[table["eligible"].notna() & (table["eligible"] > 0)]
    if ruled.empty:
        return ruled.reset_index(drop=True)
    summed = (
        ruled.groupby(["attribute", "value"], as_index=False)[
            ["eligible", "active", "active_eligible", "not_active", "opportunity"]
        ]
        .sum(min_count=1)
        .reset_index(drop=True)
    )
    summed["adoption"] = summed["active"] / summed["eligible"]
    return summed.sort_values(
        ["opportunity", "value"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)


def adoption_grid(rows: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """Adoption of each segment of `attribute` in each month over the selection's products
    with rules: columns value, month (datetime), eligible, active, adoption (fraction; NaN
    without eligible people). Users outside the directory ('unknown') are left out: they
    are never eligible."""
    own = rows[
        (rows["attribute"] == attribute)
        & rows["eligible"].notna()
        & (rows["value"] != UNKNOWN_SEGMENT)
    ]
    if own.empty:
        return pd.DataFrame(columns=["value", "month", "eligible", "active", "adoption"])
    grid = own.groupby(["value", "month"], as_index=False)[["eligible", "active_users"]].sum()
    grid = grid.rename(columns={"active_users": "active"})
    grid["adoption"] = grid["active"] / grid["eligible"].where(grid["eligible"] > 0)
    return grid


def outside_audience(rows: pd.DataFrame, month: str) -> pd.DataFrame:
    """Per product with rules: users active in `month` who are not in its eligible
    population (columns product_id, active, outside, of them unknown = outside the
    directory). A product used beyond its audience is news for the buyer."""
    at = pd.Timestamp(f"{month}-01")
    own = _one_attribute(rows)
    own = own[(own["month"] == at) & own["eligible"].notna()]
    if own.empty:
        return pd.DataFrame(columns=["product_id", "active", "outside", "unknown"])
    unknown = own[own["value"] == UNKNOWN_SEGMENT].groupby("product_id")["active_users"].sum()
    out = own.groupby("product_id", as_index=False)[["active_users", "active_eligible"]].sum()
    out["outside"] = out["active_users"] - out["active_eligible"]
    out["unknown"] = out["product_id"].map(unknown).fillna(0).astype("int64")
    return out.rename(columns={"active_users": "active"})[
        ["product_id", "active", "outside", "unknown"]
    ]


def unknown_users(rows: pd.DataFrame, month: str) -> int:
    """Users active in `month` who are not in the people directory (all products)."""
    at = pd.Timestamp(f"{month}-01")
    own = _one_attribute(rows)
    own = own[(own["month"] == at) & (own["value"] == UNKNOWN_SEGMENT)]
    return int(own["active_users"].sum())
