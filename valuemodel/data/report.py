"""The report of DESIGN section 5, built in one descent: fetch, then compose in the core.

`fetch_report_inputs` runs every query a report needs (products, assumptions, the
period's product-months, HEART goals, OKR links with their measurements and history);
`valuemodel.core.report.compose` turns them into a typed `Report`; the JSON is made by
`valuemodel.present.report_json`. The pages show the same numbers because they read the
same `Report`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel.core import releases
from valuemodel.core import report as model
from valuemodel.core.contract import SEGMENT_ATTRIBUTES
from valuemodel.core.months import Period, ReportError
from valuemodel.core.segments import Segment
from valuemodel.data import store


def fetch_link_inputs(engine: Engine, product_id: str | None) -> model.LinkInputs:
    """The links of the selection, their key results' measurements and every linked
    product's `product_months` over its active span (one query over the union of the
    spans). Measurements and history are skipped when there is no link."""
    links = store.fetch_links(engine, product_id)
    empty = pd.DataFrame(columns=["product_id", "month"])
    if links.empty:
        return model.LinkInputs(links, pd.DataFrame(columns=["kr_id", "month", "value"]), empty, {})
    measurements = store.fetch_link_measurements(engine, product_id)
    spans = store.fetch_active_spans(engine, product_id)
    history = empty
    if spans:
        first = min(span[0] for span in spans.values())
        last = max(span[1] for span in spans.values())
        history = store.fetch_product_months(engine, first, last, product_id)
    return model.LinkInputs(links, measurements, history, spans)


def link_history(engine: Engine, product_id: str | None) -> pd.DataFrame:
    """`core.report.link_history` of the selection: the series behind every link's r."""
    spans = store.fetch_active_spans(engine, product_id)
    assumptions = store.fetch_assumptions(engine)
    if not spans:
        return model.link_history(pd.DataFrame(), spans, assumptions)
    first = min(span[0] for span in spans.values())
    last = max(span[1] for span in spans.values())
    months = store.fetch_product_months(engine, first, last, product_id)
    return model.link_history(months, spans, assumptions)


def link_strengths(engine: Engine, product_id: str | None) -> pd.DataFrame:
    """Every link of the selection with its strength (`core.report.link_strengths`).

    Columns: product_id, metric, kr_id, evidence, note, kr_title, objective_id, then
    LINK_COLUMNS (r, lag_months, months, ci90, r_changes, months_changes, ci90_changes,
    verdict; intervals are (low, high) tuples or None).
    """
    return model.link_strengths(
        fetch_link_inputs(engine, product_id), store.fetch_assumptions(engine)
    )


def fetch_release_inputs(
    engine: Engine, period: Period, product_id: str | None, segment: Segment | None = None
) -> model.ReleaseInputs:
    """The releases of the selection in `period` and what their effects read: the
    product-months six months either side (a segment's user side with `segment`), the
    rollouts and the per segment rollup rows around each wave, clamped to stored months."""
    release_rows = store.fetch_releases(engine, period.first, period.last, product_id)
    release_months = rollouts = rollout_rows = None
    span = releases.windows(release_rows["released_on"])
    held = store.fetch_data_months(engine) if span is not None else None
    if span is not None and held is not None:
        # Months outside the data are unknown, not zero: the effects never read them.
        span = (max(span[0], held[0]), min(span[1], held[1]))
        release_months = store.fetch_product_months(engine, *span, product_id, segment)
        rollouts = store.fetch_rollouts(engine, product_id)
        rollouts = rollouts[rollouts["release_id"].isin(release_rows["release_id"])]
        waves = releases.wave_span(rollouts)
        if waves is not None and held is not None:
            waves = (max(waves[0], held[0]), min(waves[1], held[1]))
            rollout_rows = pd.concat(
                [
                    store.fetch_segment_months(engine, *waves, product_id, str(attribute))
                    for attribute in sorted(rollouts["attribute"].unique())
                ],
                ignore_index=True,
            )
    return model.ReleaseInputs(release_rows, release_months, rollouts, rollout_rows)


def release_effects(
    engine: Engine, period: Period, product_id: str | None = None
) -> dict[str, tuple[releases.Release, ...]]:
    """Each product's releases in `period` with their effects, as the report of the same
    period gives them, without the rest of the report (links, HEART, money)."""
    found = fetch_release_inputs(engine, period, product_id)
    if found.releases is None or found.releases.empty:
        return {}
    goals = store.fetch_heart_goals(engine, product_id)
    assumptions = store.fetch_assumptions(engine)
    return {
        str(pid): model.release_effects(found, goals, assumptions, str(pid))
        for pid in sorted(found.releases["product_id"].unique())
    }


def fetch_report_inputs(
    engine: Engine,
    period: Period,
    product_id: str | None = None,
    *,
    segment: Segment | None = None,
    segment_attribute: str | None = None,
) -> model.ReportInputs:
    """Everything the report of `period` needs, for one product or all (None).

    With `segment`, the user side of the months is that segment's (money stays the whole
    product's); with `segment_attribute`, the rows behind each product's `segments`.
    ReportError for an unknown product or attribute (before any other query)."""
    products = store.fetch_products(engine, product_id)
    if product_id is not None and products.empty:
        raise ReportError(f"unknown product {product_id!r}; `report` without --product lists all")
    if segment_attribute is not None and segment_attribute not in SEGMENT_ATTRIBUTES:
        raise ReportError(
            f"unknown segment attribute {segment_attribute!r} "
            f"(one of {', '.join(SEGMENT_ATTRIBUTES)})"
        )
    whole = store.fetch_product_months(engine, period.first, period.last, product_id)
    found = fetch_release_inputs(engine, period, product_id, segment)
    return model.ReportInputs(
        period=period,
        assumptions=store.fetch_assumptions(engine),
        products=products,
        months=whole
        if segment is None
        else store.fetch_product_months(engine, period.first, period.last, product_id, segment),
        goals=store.fetch_heart_goals(engine, product_id),
        link_inputs=fetch_link_inputs(engine, product_id),
        funnel_rows=store.fetch_segment_months(
            engine,
            period.last,
            period.last,
            product_id,
            None if segment is None else segment.attribute,
            None if segment is None else segment.value,
        ),
        ruled=store.fetch_products_with_rules(engine),
        segment_attribute=segment_attribute,
        attribute_rows=None
        if segment_attribute is None
        else store.fetch_segment_months(
            engine, period.last, period.last, product_id, segment_attribute
        ),
        whole_months=None if segment is None else whole,
        releases=found.releases,
        release_months=found.release_months,
        rollouts=found.rollouts,
        rollout_rows=found.rollout_rows,
    )


def build_report(
    engine: Engine,
    period: Period,
    product_id: str | None = None,
    *,
    segment: Segment | None = None,
    segment_attribute: str | None = None,
) -> model.Report:
    """The typed report of DESIGN section 5 for `period` and one product or all (None);
    `segment` and `segment_attribute` as in `fetch_report_inputs`."""
    return model.compose(
        fetch_report_inputs(
            engine, period, product_id, segment=segment, segment_attribute=segment_attribute
        )
    )
