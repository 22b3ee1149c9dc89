"""The typed report (DESIGN section 5), composed from fetched inputs. Pure.

The data layer fetches everything a report needs in one descent
(`valuemodel.data.report.fetch_report_inputs` -> `ReportInputs`); `compose` turns it into
a `Report` of frozen dataclasses with full precision (money in the configured currency,
ratios as fractions, NPS -100..100, engagement in days, None where undefined); the one
function that makes the JSON of section 5 is `valuemodel.present.report_json.report_json`
and it is the only place that rounds. Pages, the brief and the CLI read attributes.

    Report
      period: Period            currency: str
      products: tuple[ProductReport, ...]   (sorted by product_id)
        product_id, name, buyer: Buyer, user: User, okr_links: tuple[Link, ...]
      portfolio: Portfolio
        buyer: Buyer            (computed on the summed monthly flows of all products)

`Buyer` and `User` are `valuemodel.core.metrics.Buyer` / `.User` (the figures metrics
computes), re-exported here.

How to add a field (e.g. `User.happiness_responses`, `Link.verdict`, `ProductReport.funnel`):
1. add it to the dataclass with a type and, when it is optional, a default (`= None` or
   `= ()`), so every existing constructor keeps working; a nested record is one more
   frozen dataclass in this module (tuples, not lists, for sequences);
2. fill it in `compose` (or in `metrics.user_figures` / `metrics.buyer_figures`), from a
   new field of `ReportInputs` that `valuemodel.data.report.fetch_report_inputs` fetches
   when it needs more data;
3. emit it in `valuemodel.present.report_json` (the key, its place in the object and its
   rounding), and add it to DESIGN section 5's example and to the report tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from valuemodel.core import metrics, okr, releases, segments
from valuemodel.core.contract import Assumptions
from valuemodel.core.metrics import Buyer, User
from valuemodel.core.months import Period
from valuemodel.core.numbers import finite
from valuemodel.core.segments import Funnel
from valuemodel.core.stats import Interval

LINK_COLUMNS = (
    "r", "lag_months", "months", "ci90", "r_changes", "months_changes", "ci90_changes",
    "verdict",
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    """One OKR link of a product with its strength (DESIGN section 4, `okr.LinkStrength`):
    r (-1..1), lag_months (0..3) and months (the pairs behind r), None without enough
    data; ci90, the 90% interval of r; r_changes over months_changes pairs of
    month-over-month changes with ci90_changes; verdict, one of `okr.VERDICTS`."""

    kr_id: str
    metric: str
    evidence: str
    r: float | None
    lag_months: int | None
    months: int | None
    ci90: Interval | None = None
    r_changes: float | None = None
    months_changes: int | None = None
    ci90_changes: Interval | None = None
    verdict: str = okr.NOT_ENOUGH_DATA


@dataclass(frozen=True)
class SegmentFigures:
    """One segment of a product in the period's last month (DESIGN section 4, "Segments"):
    eligible people (None without eligibility rules), active users, adoption (fraction,
    None without rules or eligible people) and opportunity (money a month: eligible
    people not active x the product's savings per active user; None when undefined)."""

    attribute: str
    value: str
    eligible: int | None
    active: int
    adoption: float | None
    opportunity: float | None


@dataclass(frozen=True)
class ProductReport:
    """One product's figures over the period: buyer (money, summed over the period),
    user (HEART values of the period's last month), its OKR links, the adoption funnel
    at the period's last month, and (with a segment attribute) its segments."""

    product_id: str
    name: str
    buyer: Buyer
    user: User
    okr_links: tuple[Link, ...] = ()
    funnel: Funnel | None = None
    segments: tuple[SegmentFigures, ...] | None = None
    releases: tuple[releases.Release, ...] = ()


@dataclass(frozen=True)
class Portfolio:
    """The portfolio's buyer figures, computed on the summed monthly flows of all
    products (not averaged)."""

    buyer: Buyer


@dataclass(frozen=True)
class Report:
    """The report of one product or of the whole portfolio over a period."""

    period: Period
    currency: str
    products: tuple[ProductReport, ...]
    portfolio: Portfolio

    def product(self, product_id: str) -> ProductReport:
        """The product's entry; KeyError when the report does not hold it."""
        for entry in self.products:
            if entry.product_id == product_id:
                return entry
        raise KeyError(product_id)

    def buyer_of(self, product_id: str | None) -> Buyer:
        """The buyer figures of a selection: one product's, or the portfolio's (None)."""
        if product_id is not None:
            for entry in self.products:
                if entry.product_id == product_id:
                    return entry.buyer
        return self.portfolio.buyer


@dataclass(frozen=True)
class LinkInputs:
    """What the OKR links need, fetched in one go.

    links: `metric_links_for` rows (product_id, metric, kr_id, evidence, note, kr_title,
    objective_id); measurements: kr_id, month (datetime), value; history_months: the
    `product_months` rows over the union of the products' active spans; spans: per
    product, its first and last month holding a usage event ('YYYY-MM')."""

    links: pd.DataFrame
    measurements: pd.DataFrame
    history_months: pd.DataFrame
    spans: Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class ReportInputs:
    """Everything `compose` reads, fetched by the data layer in one descent.

    products: product_id, name (and the catalogue's other columns); months: the
    `product_months` rows of the period; goals: `heart_goals_for` rows."""

    period: Period
    assumptions: Assumptions
    products: pd.DataFrame
    months: pd.DataFrame
    goals: pd.DataFrame
    link_inputs: LinkInputs
    # Segments (second round): the per segment rollup rows of the period's last month
    # (every attribute, or only the filter's segment) for the funnel; the products with
    # eligibility rules; with a segment attribute, that attribute's rows of the last
    # month; with a segment filter, the whole products' months (months then holds the
    # segment's user side), for savings per active user and the portfolio's money.
    funnel_rows: pd.DataFrame | None = None
    ruled: frozenset[str] = frozenset()
    segment_attribute: str | None = None
    attribute_rows: pd.DataFrame | None = None
    whole_months: pd.DataFrame | None = None
    # Releases (second round): the selection's releases in the period, the
    # `product_months` rows six months either side of them (the segment's user side with
    # a segment filter), their rollouts and the per segment rollup rows around each wave.
    releases: pd.DataFrame | None = None
    release_months: pd.DataFrame | None = None
    rollouts: pd.DataFrame | None = None
    rollout_rows: pd.DataFrame | None = None


def link_history(
    history_months: pd.DataFrame, spans: Mapping[str, tuple[str, str]], assumptions: Assumptions
) -> pd.DataFrame:
    """`metrics.monthly_values` of each product over its own active span: every month from
    its first to its last month holding a usage event (the series behind every link's r).

    history_months: `product_months` rows covering the union of the spans."""
    if not spans:
        return pd.DataFrame(columns=["product_id", "month"])
    values = monthly_values(history_months, assumptions)
    in_span = pd.Series(False, index=values.index)
    for pid, (own_first, own_last) in spans.items():
        in_span |= (
            (values["product_id"] == pid)
            & (values["month"] >= pd.Timestamp(f"{own_first}-01"))
            & (values["month"] <= pd.Timestamp(f"{own_last}-01"))
        )
    return values[in_span].reset_index(drop=True)


def link_strengths(inputs: LinkInputs, assumptions: Assumptions) -> pd.DataFrame:
    """Every link with r, lag_months and months, and ci90, r_changes, months_changes,
    ci90_changes and verdict (DESIGN section 4).

    The product metric's series spans every month from the product's first to its last
    month holding any usage event, over all stored data (not only the report period).
    Columns: the `links` columns plus LINK_COLUMNS (object: None without enough data;
    intervals are (low, high) tuples).
    """
    links = inputs.links
    if links.empty:
        return links.assign(**{column: [] for column in LINK_COLUMNS})
    history = link_history(inputs.history_months, inputs.spans, assumptions)
    measurements = inputs.measurements
    products = set(history["product_id"])
    results = []
    for link in links.itertuples():
        strength = okr.NOT_ENOUGH
        if link.product_id in products:
            kr = measurements[measurements["kr_id"] == link.kr_id]
            strength = okr.link_strength(
                okr.metric_series(history, str(link.product_id), str(link.metric)),
                pd.Series(kr["value"].to_numpy(dtype=float), index=kr["month"]),
            )
        results.append(tuple(getattr(strength, column) for column in LINK_COLUMNS))
    strengths = pd.DataFrame(results, columns=list(LINK_COLUMNS), dtype=object)
    return pd.concat([links.reset_index(drop=True), strengths], axis=1)


def _interval(value: object) -> Interval | None:
    if not isinstance(value, tuple | list) or len(value) != 2:
        return None
    return float(value[0]), float(value[1])


def monthly_values(months: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """`metrics.monthly_values` with the stored assumptions (hourly cost, survey minimum)."""
    return metrics.monthly_values(
        months,
        assumptions.loaded_hourly_cost,
        min_survey_responses=assumptions.min_survey_responses,
    )


def _links_of(strengths: pd.DataFrame, product_id: str) -> tuple[Link, ...]:
    if strengths.empty:
        return ()
    own = strengths[strengths["product_id"] == product_id]
    return tuple(
        Link(
            kr_id=str(link.kr_id),
            metric=str(link.metric),
            evidence=str(link.evidence),
            r=None if link.r is None else float(link.r),
            lag_months=None if link.lag_months is None else int(link.lag_months),
            months=None if link.months is None else int(link.months),
            ci90=_interval(link.ci90),
            r_changes=None if link.r_changes is None else float(link.r_changes),
            months_changes=None if link.months_changes is None else int(link.months_changes),
            ci90_changes=_interval(link.ci90_changes),
            verdict=str(link.verdict),
        )
        for link in own.itertuples()
    )


def compose(inputs: ReportInputs) -> Report:
    """The report of `inputs.period` for the products of `inputs.products` (one or all)."""
    products = inputs.products
    values = monthly_values(inputs.months, inputs.assumptions)
    whole_values = (
        values
        if inputs.whole_months is None
        else monthly_values(inputs.whole_months, inputs.assumptions)
    )
    goals = inputs.goals
    strengths = link_strengths(inputs.link_inputs, inputs.assumptions)

    entries = []
    for product in products.sort_values("product_id").itertuples():
        pid = str(product.product_id)
        own = values[values["product_id"] == pid]
        targets = {
            str(row.dimension): float(row.target)
            for row in goals[goals["product_id"] == pid].itertuples()
        }
        funnel = None
        if inputs.funnel_rows is not None:
            funnel = segments.product_funnel(
                inputs.funnel_rows,
                pid,
                inputs.period.last,
                eligible_users=int(product.eligible_users),
                ruled=pid in inputs.ruled,
            )
        entries.append(
            ProductReport(
                product_id=pid,
                name=str(product.name),
                buyer=metrics.buyer_figures(metrics.monthly_flows(own)),
                user=metrics.user_figures(own.iloc[-1], targets),
                okr_links=_links_of(strengths, pid),
                funnel=funnel,
                segments=_segments_of(inputs, whole_values, pid),
                releases=_releases_of(inputs, pid, goals),
            )
        )
    return Report(
        period=inputs.period,
        currency=inputs.assumptions.currency,
        products=tuple(entries),
        portfolio=Portfolio(buyer=metrics.buyer_figures(metrics.monthly_flows(whole_values))),
    )


@dataclass(frozen=True)
class ReleaseInputs:
    """What release effects need (see ReportInputs' release fields): the releases, the
    `product_months` rows six months either side of them, the rollouts and the per
    segment rollup rows around each wave (None where there is nothing to read)."""

    releases: pd.DataFrame | None
    release_months: pd.DataFrame | None
    rollouts: pd.DataFrame | None = None
    rollout_rows: pd.DataFrame | None = None


def release_effects(
    inputs: ReleaseInputs, goals: pd.DataFrame, assumptions: Assumptions, product_id: str
) -> tuple[releases.Release, ...]:
    """One product's releases with their effects; its HEART goals give each metric's role."""
    if inputs.releases is None or inputs.release_months is None:
        return ()
    own = inputs.releases[inputs.releases["product_id"] == product_id]
    if own.empty:
        return ()
    months = inputs.release_months[inputs.release_months["product_id"] == product_id]
    roles = {
        str(row.dimension): str(row.role)
        for row in goals[goals["product_id"] == product_id].itertuples()
    }

    def mine(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if frame is None else frame[frame["product_id"] == product_id]

    return releases.product_releases(
        own,
        monthly_values(months, assumptions),
        roles,
        mine(inputs.rollouts),
        mine(inputs.rollout_rows),
    )


def _releases_of(
    inputs: ReportInputs, product_id: str, goals: pd.DataFrame
) -> tuple[releases.Release, ...]:
    found = ReleaseInputs(
        inputs.releases, inputs.release_months, inputs.rollouts, inputs.rollout_rows
    )
    return release_effects(found, goals, inputs.assumptions, product_id)


def _segments_of(
    inputs: ReportInputs, whole_values: pd.DataFrame, product_id: str
) -> tuple[SegmentFigures, ...] | None:
    if inputs.segment_attribute is None or inputs.attribute_rows is None:
        return None
    rows = inputs.attribute_rows[inputs.attribute_rows["product_id"] == product_id]
    per_active = segments.savings_per_active_user(
        whole_values[whole_values["product_id"] == product_id], inputs.period.last
    )
    table = segments.segment_table(rows, inputs.segment_attribute, inputs.period.last, per_active)

    def number(value: object) -> float | None:
        return finite(value)

    return tuple(
        SegmentFigures(
            attribute=str(row.attribute),
            value=str(row.value),
            eligible=None if pd.isna(row.eligible) else int(row.eligible),
            active=int(row.active),
            adoption=number(row.adoption),
            opportunity=number(row.opportunity),
        )
        for row in table.itertuples()
    )


__all__ = [
    "Buyer",
    "Link",
    "LinkInputs",
    "Portfolio",
    "ProductReport",
    "Report",
    "ReportInputs",
    "SegmentFigures",
    "User",
    "compose",
    "link_history",
    "link_strengths",
    "monthly_values",
]
