"""How release effects read (DESIGN section 4, "Releases"): the values in their metric's
unit, the verdict labels, the effects table of the Releases page, the flag for a hurt
backstop, and the chart of a series with its two fitted segments. Pure apart from Altair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import altair as alt
import pandas as pd

from valuemodel.core import releases
from valuemodel.core.releases import Effect, MetricEffect, Release
from valuemodel.present import charts, labels
from valuemodel.present.charts import GOAL
from valuemodel.present.formats import MISSING, money

RATIOS = ("adoption", "retention", "task_success")
VERDICT_LABELS = {
    releases.IMPROVED: "Improved",
    releases.WORSE: "Worse",
    releases.NO_CLEAR: "No clear change",
    releases.HELD: "Held",
    releases.HURT: "Hurt",
    releases.NOT_ENOUGH: "Not enough data",
}
VERDICT_ICONS = {
    releases.IMPROVED: "▲",
    releases.WORSE: "▼",
    releases.HURT: "▼",
    releases.HELD: "●",
    releases.NO_CLEAR: "●",
    releases.NOT_ENOUGH: "○",
}
KIND_LABELS = {
    "launch": "Launch",
    "feature": "Feature",
    "fix": "Fix",
    "change": "Change",
    "deprecation": "Deprecation",
}
WHY_DID = (
    "Before/after alone cannot tell a release from everything else that changed in the "
    "same months (a reorganisation, the season, a trend already under way). Segments that "
    "had not yet received it lived through those same months, so the gap that opens "
    "between them and the segments that had it is the release's own effect."
)


def level_text(metric: str, value: float | None, *, signed: bool = False) -> str:
    """A value or change in its metric's unit: adoption 0.42 -> '42.0%' (a change: '+3.1
    pts'), engagement '4.6 days', happiness NPS '+38', savings money."""
    if value is None or not pd.notna(value):
        return MISSING
    if metric in RATIOS:
        if signed:
            return f"{value * 100:+.1f} pts".replace("-", "−")
        return f"{value * 100:.1f}%"
    if metric == "engagement":
        return (f"{value:+.2f}" if signed else f"{value:.1f}").replace("-", "−") + " days"
    if metric == "happiness":
        return f"{value:+.0f}".replace("-", "−") if signed else f"{value:+.0f}"
    text = money(value)
    return ("+" + text if value >= 0 else text.replace("-", "−")) if signed else text


def interval_text(metric: str, interval: tuple[float, float] | None) -> str:
    """'−2.3 to +4.1 pts' in the metric's unit; a dash without an interval."""
    if interval is None:
        return MISSING
    low, high = (level_text(metric, v, signed=True) for v in interval)
    unit = " pts" if metric in RATIOS else " days" if metric == "engagement" else ""
    if unit and low.endswith(unit):
        low = low[: -len(unit)]
    return f"{low} to {high}"


def verdict_text(verdict: str) -> str:
    """'▲ Improved', '▼ Hurt' ... (an icon for colour-blind readers and the verdict)."""
    return f"{VERDICT_ICONS.get(verdict, '')} {VERDICT_LABELS.get(verdict, verdict)}".strip()


def did_text(effect: MetricEffect, release: Release) -> str:
    """The difference-in-differences cell: the estimate with its interval, or why none."""
    if effect.metric not in releases.DID_COUNTS:
        return ""
    if release.rollout is None and effect.did is None:
        return "no control group (everyone at once)"
    if effect.did is None:
        return "no control group"
    did = effect.did
    text = level_text(effect.metric, did.estimate, signed=True)
    if did.ci90 is not None:
        text += f" ({interval_text(effect.metric, did.ci90)})"
    else:
        text += " (too few segments for an interval)"
    return text


def effects_table(release: Release) -> pd.DataFrame:
    """One row per metric of a release: what the Releases page and the brief show. Months:
    defined months before + after; the difference-in-differences column only for a
    staggered rollout."""
    rows = []
    for item in release.effects:
        e: Effect = item.effect
        change = level_text(item.metric, e.level_change, signed=True)
        if e.level_change_ci90 is not None:
            change += f" ({interval_text(item.metric, e.level_change_ci90)})"
        rows.append(
            {
                "Metric": labels.metric(item.metric),
                "Verdict": verdict_text(e.verdict),
                "Level change (90%)": change,
                **(
                    {}
                    if release.rollout is None
                    else {"Rollout DiD (90%)": did_text(item, release) or MISSING}
                ),
                "Before → after": f"{level_text(item.metric, e.before_mean)} → "
                f"{level_text(item.metric, e.after_mean)}",
                "Slope / month": level_text(item.metric, e.slope_change, signed=True),
                "Months": f"{e.months_before} + {e.months_after}",
                "Role": labels.ROLES.get(item.role or "", "Money"),
            }
        )
    return pd.DataFrame(rows)


def hurt_backstops(products: Iterable[tuple[str, Sequence[Release]]]) -> list[str]:
    """Sentences for every release that hurt a backstop: 'Design System: "Token sync v2"
    (2026-02-07) hurt Task success.' (titles are data: callers show them as text)."""
    out = []
    for name, own in products:
        for release in own:
            if release.hurt:
                metrics = ", ".join(labels.metric(m) for m in release.hurt)
                out.append(f'{name}: "{release.title}" ({release.released_on}) hurt {metrics}.')
    return out


def summary_line(release: Release) -> str:
    """A release in one line of the text report: date, title and its verdicts."""
    kind = KIND_LABELS.get(release.kind, release.kind)
    return f"{release.released_on}  {release.title} ({kind}): {verdicts_text(release)}"


def verdicts_text(release: Release) -> str:
    """What a release changed, in a few words: 'Task success improved; Adoption
    diff-in-diff +3.1 pts', 'no clear change' or 'not enough data yet'."""
    parts = []
    for item in release.effects:
        verdict = item.effect.verdict
        if verdict in (releases.IMPROVED, releases.WORSE, releases.HURT):
            parts.append(f"{labels.metric(item.metric)} {VERDICT_LABELS[verdict].lower()}")
        if item.did is not None and item.did.ci90 is not None:
            low, high = item.did.ci90
            if low > 0 or high < 0:
                parts.append(
                    f"{labels.metric(item.metric)} diff-in-diff "
                    f"{level_text(item.metric, item.did.estimate, signed=True)}"
                )
    if not parts and all(e.effect.verdict == releases.NOT_ENOUGH for e in release.effects):
        parts = ["not enough data yet"]
    return "; ".join(parts) if parts else "no clear change"


def fitted_frame(series: pd.Series, release_month: pd.Timestamp, effect: Effect) -> pd.DataFrame:
    """The months a release effect reads (six either side) with the two fitted segments
    of the segmented regression: columns month, value, side ('before'/'after'), fitted."""
    frame = releases.window(series, release_month).rename(columns={"y": "value"})
    frame["side"] = ["before" if t < 0 else "after" for t in frame["t"]]
    frame["fitted"] = float("nan")
    if effect.level_change is not None:
        fit, design = releases.segmented_fit(frame.rename(columns={"value": "y"}))
        frame["fitted"] = fit.predict(design)
    return frame.drop(columns="t")


def effect_chart(frame: pd.DataFrame, release_month: pd.Timestamp, metric: str) -> charts.TopChart:
    """The series around a release (points), its two fitted segments (lines) and the
    release line, in the metric's unit."""
    scale = 100.0 if metric in RATIOS else 1.0
    data = frame.assign(value=frame["value"] * scale, fitted=frame["fitted"] * scale)
    title = labels.metric(metric) + (" (%)" if metric in RATIOS else "")
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6))
    y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=False))
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=60)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("value:Q", format=",.2f")],
        )
    )
    fitted = (
        alt.Chart(data.dropna(subset=["fitted"]))
        .mark_line(strokeWidth=2.5)
        .encode(x=x, y=alt.Y("fitted:Q"), detail=alt.Detail("side:N"))
    )
    rule = (
        alt.Chart(pd.DataFrame({"month": [release_month]}))
        .mark_rule(strokeDash=[4, 3], color=GOAL, strokeWidth=2)
        .encode(x=alt.X("month:T"))
    )
    return charts.style(alt.LayerChart(layer=[points, fitted, rule]), height=220)


def release_events(own: Sequence[Release]) -> pd.DataFrame:
    """A product's releases as `charts.event_markers` rows (the shared marker layer):
    month of the release, kind 'release', the title, and its verdicts as the detail."""
    from valuemodel.present.charts import EVENT_COLUMNS

    rows = [
        {
            "month": pd.Timestamp(r.released_on).to_period("M").to_timestamp(),
            "kind": "release",
            "label": r.title,
            "detail": verdicts_text(r),
        }
        for r in own
    ]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def worst_verdict(release: Release) -> str:
    """The release's headline on a time line: 'hurt' when a backstop was hurt, else
    'worse', 'improved' or 'no clear change' (the first that applies); 'not enough data'
    when no metric can be judged yet."""
    verdicts = {e.effect.verdict for e in release.effects}
    for verdict in (releases.HURT, releases.WORSE, releases.IMPROVED):
        if verdict in verdicts:
            return verdict
    return releases.NOT_ENOUGH if verdicts == {releases.NOT_ENOUGH} else releases.NO_CLEAR


TIMELINE_COLORS = {
    releases.HURT: "#D55E00",
    releases.WORSE: "#E69F00",
    releases.IMPROVED: "#009E73",
    releases.NO_CLEAR: "#7F7F7F",
    releases.NOT_ENOUGH: "#C7CCD3",
}


def timeline_chart(
    products: Sequence[tuple[str, str, Sequence[Release]]],
    domain: tuple[str, str] | None = None,
) -> charts.TopChart:
    """Releases on a time line, one row per product, coloured by their headline verdict;
    `domain` (first and last day, YYYY-MM-DD) spans the period."""
    rows = [
        {
            "Product": name,
            "date": pd.Timestamp(r.released_on),
            "Release": r.title,
            "Headline": VERDICT_LABELS[worst_verdict(r)],
            "Verdicts": verdicts_text(r),
        }
        for _, name, own in products
        for r in own
    ]
    data = pd.DataFrame(rows)
    order = [VERDICT_LABELS[v] for v in TIMELINE_COLORS]
    colour = alt.Color(
        "Headline:N",
        scale=alt.Scale(domain=order, range=list(TIMELINE_COLORS.values())),
        legend=alt.Legend(title=None, orient="top"),
    )
    products_count = max(1, data["Product"].nunique())
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=220, shape="diamond", opacity=1)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                scale=alt.Scale(domain=list(domain)) if domain else alt.Undefined,
                axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("Product:N", title=None, sort=None),
            color=colour,
            tooltip=[
                alt.Tooltip("Product:N"),
                alt.Tooltip("Release:N"),
                alt.Tooltip("date:T", title="Released", format="%d %b %Y"),
                alt.Tooltip("Verdicts:N"),
            ],
        )
    )
    fit = alt.AutoSizeParams(type="fit-x", contains="padding")  # never wider than its column
    return charts.style(chart, height=30 + 38 * products_count, autosize=fit)


def portfolio_table(products: Sequence[tuple[str, str, Sequence[Release]]]) -> pd.DataFrame:
    """Every release of the portfolio in one table, newest first."""
    rows = [
        {
            "Released": r.released_on,
            "Product": name,
            "Release": r.title,
            "Kind": KIND_LABELS.get(r.kind, r.kind),
            "Headline": verdict_text(worst_verdict(r)),
            "Verdicts": verdicts_text(r),
        }
        for _, name, own in products
        for r in own
    ]
    return pd.DataFrame(rows).sort_values("Released", ascending=False, kind="stable")


def effect_sentence(effect: MetricEffect, release: Release) -> str:
    """One sentence under a release's chart, in the metric's unit."""
    e = effect.effect
    name = labels.metric(effect.metric)
    if e.verdict == releases.NOT_ENOUGH:
        return (
            f"{name}: not enough data ({e.months_before} months before, {e.months_after} "
            f"after; at least {releases.MIN_SIDE} a side are needed)."
        )
    text = (
        f"{name} averaged {level_text(effect.metric, e.before_mean)} in the "
        f"{e.months_before} months before and {level_text(effect.metric, e.after_mean)} in "
        f"the {e.months_after} after; the level change at the release is "
        f"{level_text(effect.metric, e.level_change, signed=True)}"
    )
    if e.level_change_ci90 is not None:
        text += f" (90% interval {interval_text(effect.metric, e.level_change_ci90)})"
    text += f": {VERDICT_LABELS[e.verdict].lower()}."
    did = did_text(effect, release)
    if did:
        text += f" Difference-in-differences: {did}."
    return text


def release_rows_events(rows: pd.DataFrame) -> pd.DataFrame:
    """Stored release rows (product_id, release_id, released_on, title, kind) as
    `charts.event_markers` rows, before their effects are known: the kind and the date."""
    from valuemodel.present.charts import EVENT_COLUMNS

    if rows is None or rows.empty:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    released = pd.to_datetime(rows["released_on"])
    return pd.DataFrame(
        {
            "month": released.dt.to_period("M").dt.to_timestamp(),
            "kind": "release",
            "label": rows["title"].astype(str),
            "detail": [
                f"{KIND_LABELS.get(str(k), str(k))}, released {d:%d %b %Y}"
                for k, d in zip(rows["kind"], released, strict=True)
            ],
        }
    )


def effect_mappings(own: Sequence[Release]) -> list[dict[str, object]]:
    """A product's release effects as the mappings `okr.causal_backing` reads."""
    return [
        {
            "metric": e.metric,
            "verdict": e.effect.verdict,
            "release_id": r.release_id,
            "title": r.title,
            "did": None if e.did is None else {"estimate": e.did.estimate, "ci90": e.did.ci90},
        }
        for r in own
        for e in r.effects
    ]


def causal_backing(
    products: Iterable[tuple[str, Sequence[Release]]], links: pd.DataFrame
) -> dict[tuple[str, str], str]:
    """What backs each causal link, by (product_id, metric), from the products' releases."""
    from valuemodel.core import okr

    effects = {pid: effect_mappings(own) for pid, own in products}
    if links.empty:
        return {}
    return {
        (str(r.product_id), str(r.metric)): okr.causal_backing(
            str(r.metric), effects.get(str(r.product_id), [])
        )
        for r in links[links["evidence"] == okr.CAUSAL].itertuples()
    }
