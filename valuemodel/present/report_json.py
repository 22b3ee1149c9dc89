"""The JSON of DESIGN section 5, made from a typed `Report`: the one place that rounds.

Money, hours and payback keep 2 decimals, ratios (adoption, retention, task success, ROI)
and r 4, NPS, scores and the HEART index 1, engagement 2; NaN and undefined values are
null. To add a field, add it to the dataclass (see `valuemodel.core.report`) and emit it
here, at its place in the object. `report_from_json` reads such a document back (a frozen
review keeps its report as JSON); a key it lacks takes the dataclass's default.
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


def _round(value: float | None, digits: int) -> float | None:
    value = none_if_nan(value)
    return None if value is None else round(value, digits)


def interval_json(interval: Interval | None, digits: int) -> list[float] | None:
    """[low, high] rounded, or None when either end is undefined."""
    if interval is None:
        return None
    low, high = (_round(float(v), digits) for v in interval)
    return None if low is None or high is None else [low, high]


def buyer_json(buyer: Buyer) -> dict[str, float | None]:
    """The `buyer` object: money and hours to 2 decimals, ROI to 4."""
    return {
        "cost": _round(buyer.cost, 2),
        "hours_saved": _round(buyer.hours_saved, 2),
        "gross_savings": _round(buyer.gross_savings, 2),
        "risk_adjusted_savings": _round(buyer.risk_adjusted_savings, 2),
        "net_value": _round(buyer.net_value, 2),
        "roi": _round(buyer.roi, 4),
        "payback_months": _round(buyer.payback_months, 2),
    }


def user_json(user: User) -> Json:
    """The `user` object of a product."""
    return {
        "month": user.month,
        "active_users": user.active_users,
        "adoption": _round(user.adoption, 4),
        "engagement": _round(user.engagement, 2),
        "retention": _round(user.retention, 4),
        "task_success": _round(user.task_success, 4),
        "happiness": _round(user.happiness, 1),
        "happiness_responses": user.happiness_responses,
        "happiness_ci90": interval_json(user.happiness_ci90, 1),
        "retention_ci90": interval_json(user.retention_ci90, 4),
        "task_success_ci90": interval_json(user.task_success_ci90, 4),
        "scores": {d: _round(user.scores[d], 1) for d in HEART_DIMENSIONS},
        "heart_index": _round(user.heart_index, 1),
    }


def link_json(link: Link) -> Json:
    """One `okr_links` item."""
    return {
        "kr_id": link.kr_id,
        "metric": link.metric,
        "evidence": link.evidence,
        "r": None if link.r is None else round(link.r, 4),
        "lag_months": link.lag_months,
        "months": link.months,
        "ci90": interval_json(link.ci90, 4),
        "r_changes": None if link.r_changes is None else round(link.r_changes, 4),
        "months_changes": link.months_changes,
        "ci90_changes": interval_json(link.ci90_changes, 4),
        "verdict": link.verdict,
    }


def product_json(product: ProductReport) -> Json:
    """One `products` item."""
    return {
        "product_id": product.product_id,
        "name": product.name,
        "buyer": buyer_json(product.buyer),
        "user": user_json(product.user),
        "okr_links": [link_json(link) for link in product.okr_links],
        **({} if product.funnel is None else {"funnel": funnel_json(product.funnel)}),
        "releases": [release_json(r) for r in product.releases],
        **(
            {}
            if product.segments is None
            else {"segments": [segment_json(s) for s in product.segments]}
        ),
    }


def effect_json(effect: MetricEffect) -> Json:
    """One `effects` item of a release: figures and intervals to 4 decimals."""
    e = effect.effect
    did = effect.did
    return {
        "metric": effect.metric,
        "role": effect.role,
        "before_mean": _round(e.before_mean, 4),
        "after_mean": _round(e.after_mean, 4),
        "change": _round(e.change, 4),
        "level_change": _round(e.level_change, 4),
        "level_change_ci90": interval_json(e.level_change_ci90, 4),
        "slope_change": _round(e.slope_change, 4),
        "months_before": e.months_before,
        "months_after": e.months_after,
        "verdict": e.verdict,
        "did": None
        if did is None
        else {
            "estimate": _round(did.estimate, 4),
            "ci90": interval_json(did.ci90, 4),
            "treated": list(did.treated),
            "control": list(did.control),
        },
    }


def release_json(release: Release) -> Json:
    """One `releases` item of a product."""
    return {
        "release_id": release.release_id,
        "released_on": release.released_on,
        "title": release.title,
        "kind": release.kind,
        "effects": [effect_json(e) for e in release.effects],
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


def segment_json(segment: SegmentFigures) -> Json:
    """One `segments` item: adoption to 4 decimals, opportunity (money) to 2."""
    return {
        "attribute": segment.attribute,
        "value": segment.value,
        "eligible": segment.eligible,
        "active": segment.active,
        "adoption": _round(segment.adoption, 4),
        "opportunity": _round(segment.opportunity, 2),
    }


def report_json(report: Report) -> Json:
    """The report object of DESIGN section 5 (plain JSON types, rounded)."""
    return {
        "period": {"from": report.period.first, "to": report.period.last},
        "currency": report.currency,
        "products": [product_json(p) for p in report.products],
        "portfolio": {"buyer": buyer_json(report.portfolio.buyer)},
    }


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
    """A release read back (the JSON does not name the rollout's attribute)."""
    effects = tuple(_effect(e) for e in doc.get("effects") or [])
    return Release(
        release_id=str(doc["release_id"]),
        released_on=str(doc["released_on"]),
        title=str(doc.get("title", "")),
        kind=str(doc.get("kind", "")),
        effects=effects,
    )


def report_from_json(document: Mapping[str, Any]) -> Report:
    """A `Report` read back from its JSON (the rounded figures the JSON holds)."""
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
                releases=tuple(_release(r) for r in p.get("releases") or []),
            )
            for p in document.get("products") or []
        ),
        portfolio=Portfolio(buyer=_buyer((document.get("portfolio") or {}).get("buyer") or {})),
    )
