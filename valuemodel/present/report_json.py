"""The JSON of DESIGN section 5, made from a typed `Report`: the one place that rounds.

Money, hours and payback keep 2 decimals, ratios (adoption, retention, task success, ROI)
and r 4, NPS, scores and the HEART index 1, engagement 2; NaN and undefined values are
null. To add a field, add it to the dataclass (see `valuemodel.core.report`) and emit it
here, at its place in the object.

`report_exact_json` is the same object at full precision (nothing rounded, NaN still
null, plus a top-level `"precision": "full"`): a frozen review keeps its report that way,
so it reproduces every figure exactly and "what changed" compares unrounded figures.
`report_from_json` reads either document back (a key it lacks takes the dataclass's
default), so `report_json(report_from_json(report_exact_json(r))) == report_json(r)`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.metrics import none_if_nan
from valuemodel.core.months import Period
from valuemodel.core.okr import NOT_ENOUGH_DATA
from valuemodel.core.releases import NOT_ENOUGH, DiD, Effect, MetricEffect, Release
from valuemodel.core.report import (
    Buyer,
    Link,
    Portfolio,
    ProductReport,
    Report,
    SegmentFigures,
    User,
)
from valuemodel.core.segments import Funnel
from valuemodel.core.stats import Interval

Json = dict[str, Any]  # plain JSON values: str, int, float, None, list, dict


PRECISION_FULL = "full"


def _round(value: float | None, digits: int, exact: bool = False) -> float | None:
    """`value` to `digits` decimals (unrounded when `exact`), None when undefined or NaN."""
    value = none_if_nan(value)
    if value is None:
        return None
    return float(value) if exact else round(value, digits)


def interval_json(
    interval: Interval | None, digits: int, exact: bool = False
) -> list[float] | None:
    """[low, high] rounded (unrounded when `exact`), or None when either end is undefined."""
    if interval is None:
        return None
    low, high = (_round(float(v), digits, exact) for v in interval)
    return None if low is None or high is None else [low, high]


def buyer_json(buyer: Buyer, exact: bool = False) -> dict[str, float | None]:
    """The `buyer` object: money and hours to 2 decimals, ROI to 4 (`exact`: unrounded)."""
    return {
        "cost": _round(buyer.cost, 2, exact),
        "hours_saved": _round(buyer.hours_saved, 2, exact),
        "gross_savings": _round(buyer.gross_savings, 2, exact),
        "risk_adjusted_savings": _round(buyer.risk_adjusted_savings, 2, exact),
        "net_value": _round(buyer.net_value, 2, exact),
        "roi": _round(buyer.roi, 4, exact),
        "payback_months": _round(buyer.payback_months, 2, exact),
    }


def user_json(user: User, exact: bool = False) -> Json:
    """The `user` object of a product (`exact`: unrounded)."""
    return {
        "month": user.month,
        "active_users": user.active_users,
        "adoption": _round(user.adoption, 4, exact),
        "engagement": _round(user.engagement, 2, exact),
        "retention": _round(user.retention, 4, exact),
        "task_success": _round(user.task_success, 4, exact),
        "happiness": _round(user.happiness, 1, exact),
        "happiness_responses": user.happiness_responses,
        "happiness_ci90": interval_json(user.happiness_ci90, 1, exact),
        "retention_ci90": interval_json(user.retention_ci90, 4, exact),
        "task_success_ci90": interval_json(user.task_success_ci90, 4, exact),
        "scores": {d: _round(user.scores[d], 1, exact) for d in HEART_DIMENSIONS},
        "heart_index": _round(user.heart_index, 1, exact),
    }


def link_json(link: Link, exact: bool = False) -> Json:
    """One `okr_links` item (`exact`: unrounded)."""
    return {
        "kr_id": link.kr_id,
        "metric": link.metric,
        "evidence": link.evidence,
        "r": _round(link.r, 4, exact),
        "lag_months": link.lag_months,
        "months": link.months,
        "ci90": interval_json(link.ci90, 4, exact),
        "r_changes": _round(link.r_changes, 4, exact),
        "months_changes": link.months_changes,
        "ci90_changes": interval_json(link.ci90_changes, 4, exact),
        "verdict": link.verdict,
    }


def product_json(product: ProductReport, exact: bool = False) -> Json:
    """One `products` item (`exact`: unrounded)."""
    return {
        "product_id": product.product_id,
        "name": product.name,
        "buyer": buyer_json(product.buyer, exact),
        "user": user_json(product.user, exact),
        "okr_links": [link_json(link, exact) for link in product.okr_links],
        **({} if product.funnel is None else {"funnel": funnel_json(product.funnel)}),
        "releases": [release_json(r, exact) for r in product.releases],
        **(
            {}
            if product.segments is None
            else {"segments": [segment_json(s, exact) for s in product.segments]}
        ),
    }


def effect_json(effect: MetricEffect, exact: bool = False) -> Json:
    """One `effects` item of a release: figures and intervals to 4 decimals (`exact`:
    unrounded)."""
    e = effect.effect
    did = effect.did
    return {
        "metric": effect.metric,
        "role": effect.role,
        "before_mean": _round(e.before_mean, 4, exact),
        "after_mean": _round(e.after_mean, 4, exact),
        "change": _round(e.change, 4, exact),
        "level_change": _round(e.level_change, 4, exact),
        "level_change_ci90": interval_json(e.level_change_ci90, 4, exact),
        "slope_change": _round(e.slope_change, 4, exact),
        "months_before": e.months_before,
        "months_after": e.months_after,
        "verdict": e.verdict,
        "did": None
        if did is None
        else {
            "estimate": _round(did.estimate, 4, exact),
            "ci90": interval_json(did.ci90, 4, exact),
            "treated": list(did.treated),
            "control": list(did.control),
        },
    }


def release_json(release: Release, exact: bool = False) -> Json:
    """One `releases` item of a product (`exact`: unrounded)."""
    return {
        "release_id": release.release_id,
        "released_on": release.released_on,
        "title": release.title,
        "kind": release.kind,
        "effects": [effect_json(e, exact) for e in release.effects],
        # The full-precision copy also keeps the rollout's attribute (not in the contract).
        **({"rollout": release.rollout} if exact else {}),
    }


def funnel_json(funnel: Funnel) -> Json:
    """A product's `funnel` (counts of people at the period's last month)."""
    return {
        "month": funnel.month,
        "eligible": funnel.eligible,
        "reached": funnel.reached,
        "tried": funnel.tried,
        "active": funnel.active,
        "habitual": funnel.habitual,
    }


def segment_json(segment: SegmentFigures, exact: bool = False) -> Json:
    """One `segments` item: adoption to 4 decimals, opportunity (money) to 2 (`exact`:
    unrounded)."""
    return {
        "attribute": segment.attribute,
        "value": segment.value,
        "eligible": segment.eligible,
        "active": segment.active,
        "adoption": _round(segment.adoption, 4, exact),
        "opportunity": _round(segment.opportunity, 2, exact),
    }


def report_json(report: Report) -> Json:
    """The report object of DESIGN section 5 (plain JSON types, rounded)."""
    return {
        "period": {"from": report.period.first, "to": report.period.last},
        "currency": report.currency,
        "products": [product_json(p) for p in report.products],
        "portfolio": {"buyer": buyer_json(report.portfolio.buyer)},
    }


def report_exact_json(report: Report) -> Json:
    """The report object at full precision (what a frozen review keeps): the shape of
    `report_json` with nothing rounded, plus `"precision": "full"`."""
    return {
        "precision": PRECISION_FULL,
        "period": {"from": report.period.first, "to": report.period.last},
        "currency": report.currency,
        "products": [product_json(p, exact=True) for p in report.products],
        "portfolio": {"buyer": buyer_json(report.portfolio.buyer, exact=True)},
    }


def is_exact(document: Mapping[str, Any]) -> bool:
    """True for a document `report_exact_json` made (False for a rounded one)."""
    return document.get("precision") == PRECISION_FULL


def rounded(document: Mapping[str, Any]) -> Json:
    """The contract JSON (`report_json`) of a report document of either precision."""
    return report_json(report_from_json(document))


def dumps(report: Report) -> str:
    """The report as the indented JSON text `python -m valuemodel report` prints."""
    return json.dumps(report_json(report), indent=2)


# ---------------------------------------------------------------- and back


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _buyer(doc: Mapping[str, Any]) -> Buyer:
    return Buyer(
        cost=float(doc.get("cost") or 0.0),
        hours_saved=float(doc.get("hours_saved") or 0.0),
        gross_savings=float(doc.get("gross_savings") or 0.0),
        risk_adjusted_savings=float(doc.get("risk_adjusted_savings") or 0.0),
        net_value=float(doc.get("net_value") or 0.0),
        roi=_number(doc.get("roi")),
        payback_months=_number(doc.get("payback_months")),
    )


def _interval(value: Any) -> Interval | None:
    if not isinstance(value, list | tuple) or len(value) != 2 or None in value:
        return None
    return float(value[0]), float(value[1])


def _user(doc: Mapping[str, Any]) -> User:
    scores = doc.get("scores") or {}
    return User(
        month=str(doc.get("month", "")),
        active_users=int(doc.get("active_users") or 0),
        scores={d: _number(scores.get(d)) for d in HEART_DIMENSIONS},
        heart_index=_number(doc.get("heart_index")),
        happiness_responses=int(doc.get("happiness_responses") or 0),
        happiness_ci90=_interval(doc.get("happiness_ci90")),
        retention_ci90=_interval(doc.get("retention_ci90")),
        task_success_ci90=_interval(doc.get("task_success_ci90")),
        happiness_scored=scores.get("happiness") is not None,
        **{d: _number(doc.get(d)) for d in HEART_DIMENSIONS},
    )


def _link(doc: Mapping[str, Any]) -> Link:
    return Link(
        kr_id=str(doc["kr_id"]),
        metric=str(doc["metric"]),
        evidence=str(doc["evidence"]),
        r=_number(doc.get("r")),
        lag_months=None if doc.get("lag_months") is None else int(doc["lag_months"]),
        months=None if doc.get("months") is None else int(doc["months"]),
        ci90=_interval(doc.get("ci90")),
        r_changes=_number(doc.get("r_changes")),
        months_changes=None if doc.get("months_changes") is None else int(doc["months_changes"]),
        ci90_changes=_interval(doc.get("ci90_changes")),
        verdict=str(doc.get("verdict") or NOT_ENOUGH_DATA),
    )


def _funnel(doc: Any) -> Funnel | None:
    if not isinstance(doc, Mapping):
        return None
    eligible = doc.get("eligible")
    return Funnel(
        month=str(doc.get("month", "")),
        eligible=None if eligible is None else int(eligible),
        reached=int(doc.get("reached") or 0),
        tried=int(doc.get("tried") or 0),
        active=int(doc.get("active") or 0),
        habitual=int(doc.get("habitual") or 0),
    )


def _segment(doc: Mapping[str, Any]) -> SegmentFigures:
    eligible = doc.get("eligible")
    return SegmentFigures(
        attribute=str(doc.get("attribute", "")),
        value=str(doc.get("value", "")),
        eligible=None if eligible is None else int(eligible),
        active=int(doc.get("active") or 0),
        adoption=_number(doc.get("adoption")),
        opportunity=_number(doc.get("opportunity")),
    )


def _effect(doc: Mapping[str, Any]) -> MetricEffect:
    did = doc.get("did")
    count_before, count_after = doc.get("months_before"), doc.get("months_after")
    return MetricEffect(
        metric=str(doc["metric"]),
        role=None if doc.get("role") is None else str(doc["role"]),
        effect=Effect(
            before_mean=_number(doc.get("before_mean")),
            after_mean=_number(doc.get("after_mean")),
            change=_number(doc.get("change")),
            level_change=_number(doc.get("level_change")),
            level_change_ci90=_interval(doc.get("level_change_ci90")),
            slope_change=_number(doc.get("slope_change")),
            months_before=int(count_before or 0),
            months_after=int(count_after or 0),
            verdict=str(doc.get("verdict") or NOT_ENOUGH),
        ),
        did=None
        if not isinstance(did, Mapping)
        else DiD(
            estimate=float(did["estimate"]),
            ci90=_interval(did.get("ci90")),
            treated=tuple(str(v) for v in did.get("treated") or ()),
            control=tuple(str(v) for v in did.get("control") or ()),
        ),
    )


def _release(doc: Mapping[str, Any]) -> Release:
    """A release read back (only the full-precision JSON names the rollout's attribute)."""
    effects = tuple(_effect(e) for e in doc.get("effects") or [])
    return Release(
        release_id=str(doc["release_id"]),
        released_on=str(doc["released_on"]),
        title=str(doc.get("title", "")),
        kind=str(doc.get("kind", "")),
        effects=effects,
        rollout=None if doc.get("rollout") is None else str(doc["rollout"]),
    )


def report_from_json(document: Mapping[str, Any]) -> Report:
    """A `Report` read back from its JSON (the figures the JSON holds: rounded from
    `report_json`, full precision from `report_exact_json`)."""
    period = document["period"]
    return Report(
        period=Period(str(period["from"]), str(period["to"])),
        currency=str(document.get("currency", "USD")),
        products=tuple(
            ProductReport(
                product_id=str(p["product_id"]),
                name=str(p["name"]),
                buyer=_buyer(p.get("buyer") or {}),
                user=_user(p.get("user") or {}),
                okr_links=tuple(_link(link) for link in p.get("okr_links") or []),
                funnel=_funnel(p.get("funnel")),
                segments=None
                if p.get("segments") is None
                else tuple(_segment(s) for s in p["segments"]),
                releases=tuple(_release(r) for r in p.get("releases") or []),
            )
            for p in document.get("products") or []
        ),
        portfolio=Portfolio(buyer=_buyer((document.get("portfolio") or {}).get("buyer") or {})),
    )
