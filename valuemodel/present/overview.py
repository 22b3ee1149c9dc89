"""The Overview's own shaping (pure): the portfolio value map and the OKR link list.

Everything else on the Overview is reused from the Value and HEART modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from valuemodel.core import okr
from valuemodel.core.report import Buyer, ProductReport
from valuemodel.present import charts, labels, ladder
from valuemodel.present.formats import MISSING, money, percent, score
from valuemodel.present.heart_charts import styled

EVIDENCE_LABELS = labels.EVIDENCE


def value_map_data(products: Sequence[ProductReport], currency: str) -> pd.DataFrame:
    """One row per product with a HEART index and an ROI: product_id, name, heart_index
    (0-100), roi (fraction), cost and net_value (money), and formatted tooltip texts.
    Products missing either coordinate are left out (they are listed in `unplaced`)."""
    rows = []
    for product in products:
        buyer, user = product.buyer, product.user
        index, roi = user.heart_index, buyer.roi
        if index is None or roi is None:
            continue
        rows.append(
            {
                "product_id": product.product_id,
                "name": product.name,
                "heart_index": float(index),
                "roi": float(roi),
                "cost": float(buyer.cost),
                "net_value": float(buyer.net_value),
                "pays": "Pays for itself" if float(buyer.net_value) >= 0 else "Net loss",
                "roi_text": percent(float(roi), 0),
                "index_text": score(float(index)),
                "cost_text": money(float(buyer.cost), currency),
                "net_text": money(float(buyer.net_value), currency),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "product_id", "name", "heart_index", "roi", "cost", "net_value", "pays",
            "roi_text", "index_text", "cost_text", "net_text",
        ],
    )  # fmt: skip


def unplaced(products: Sequence[ProductReport]) -> list[str]:
    """Names of products that cannot be placed on the map (no HEART index or no ROI)."""
    return [p.name for p in products if p.user.heart_index is None or p.buyer.roi is None]


def value_map_title(data: pd.DataFrame) -> str:
    """The takeaway: how many products are both valuable and loved."""
    if data.empty:
        return "No product has both a HEART index and an ROI yet"
    both = int(((data["roi"] >= 0) & (data["heart_index"] >= 70)).sum())
    return f"{both} of {len(data)} products pay for themselves and score 70+ with their users"


def value_map_chart(data: pd.DataFrame, currency: str) -> charts.TopChart:
    """Products by HEART index (x) and ROI (y), sized by cost; a click selects a product."""
    pick = alt.selection_point(fields=["product_id"], name="product", on="click")
    base = alt.Chart(data)
    points = (
        base.mark_circle(opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "heart_index:Q",
                title="HEART index (0-100), users",
                scale=alt.Scale(domain=[0, 100]),
            ),
            y=alt.Y("roi:Q", title="ROI (net value / cost), buyer", axis=alt.Axis(format=".0%")),
            size=alt.Size(
                "cost:Q",
                title=f"Cost ({currency})",
                scale=alt.Scale(range=[120, 1600]),
                legend=alt.Legend(format=charts.money_axis_format(currency)),
            ),
            color=alt.Color(
                "pays:N",
                title=None,
                scale=alt.Scale(
                    domain=["Pays for itself", "Net loss"], range=[charts.SAVINGS, charts.COST]
                ),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Product"),
                alt.Tooltip("index_text:N", title="HEART index"),
                alt.Tooltip("roi_text:N", title="ROI"),
                alt.Tooltip("net_text:N", title="Net value"),
                alt.Tooltip("cost_text:N", title="Cost"),
            ],
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", dx=12, dy=-8, fontSize=12, color="#1B2430").encode(
        x=alt.X("heart_index:Q"), y=alt.Y("roi:Q"), text=alt.Text("name:N")
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0.0]}))
        .mark_rule(color=charts.GOAL, strokeDash=[4, 3])
        .encode(y=alt.Y("y:Q"))
    )
    title = alt.Title(
        value_map_title(data),
        subtitle="Top right: valuable to the buyer and loved by users. Click a product to open it.",
    )
    return charts.style(alt.layer(zero, points, labels).properties(title=title), height=360)


def link_table(
    links: pd.DataFrame,
    names: Mapping[str, str],
    with_product: bool,
    backing: Mapping[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """The selection's OKR links as display text, led by what the data says (moves
    together first), then the claim beside it (a causal claim with what backs it, by
    (product_id, metric)).

    links: `report.link_strengths` rows (product_id, metric, kr_id, kr_title, evidence, r,
    lag_months, months, r_changes, verdict). Columns: Verdict, [Product], Metric, Key
    result, Claim, Data (r, r of changes, months)."""
    columns = ["Verdict", "Product", "Metric", "Key result", "Claim", "Data"]
    if links.empty:
        return pd.DataFrame(columns=columns if with_product else columns[:1] + columns[2:])
    order = {v: i for i, v in enumerate(ladder.VERDICT_ORDER)}
    frame = links.assign(
        _order=[order[ladder.verdict_of(v)] for v in links["verdict"]]
    ).sort_values(["_order", "product_id"], kind="stable")
    rows = []
    for row in frame.itertuples():
        judged = ladder.verdict_of(row.verdict)
        rows.append(
            {
                "Verdict": ladder.VERDICT_LABELS[judged],
                "Product": names.get(str(row.product_id), str(row.product_id)),
                "Metric": str(row.metric).replace("_", " "),
                "Key result": str(row.kr_title),
                "Claim": okr.evidence_text(
                    str(row.evidence),
                    judged,
                    (backing or {}).get((str(row.product_id), str(row.metric))),
                ),
                "Data": ladder.numbers_text(row.r, row.r_changes, row.months, row.lag_months)
                or MISSING,
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table if with_product else table.drop(columns=["Product"])


def compact_buyer_values(buyer: Buyer, currency: str) -> dict[str, str]:
    """Short tile texts for a half-width column: '$915.5K', '102%', '3.3 mo' / 'Not yet'."""
    payback = buyer.payback_months
    return {
        "Net value": money(buyer.net_value, currency, compact=True),
        "ROI": percent(buyer.roi, 0),
        "Payback": "Not yet" if payback is None else f"{payback:,.1f} mo".replace(".0 mo", " mo"),
    }


def heart_takeaway(scores: Mapping[str, float | None]) -> str:
    """One sentence: the weakest dimension, or that every goal is met."""
    present = {d: s for d, s in scores.items() if s is not None}
    if not present:
        return "No HEART dimension has both a goal and data yet."
    weakest = min(present, key=lambda d: (present[d], d))
    label = weakest.replace("_", " ")
    if present[weakest] >= 100:
        return f"All {len(present)} scored dimensions meet their goals."
    return f"Weakest dimension: {label} (score {present[weakest]:.0f} of 100)."


def index_bars(products: Sequence[ProductReport], title: str) -> charts.TopChart:
    """Each product's HEART index as a bar, weakest first; products without one are left out."""
    rows = [
        {"name": p.name, "heart_index": p.user.heart_index, "label": score(p.user.heart_index)}
        for p in products
        if p.user.heart_index is not None
    ]
    data = pd.DataFrame(rows, columns=["name", "heart_index", "label"])
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", sort=alt.EncodingSortField("heart_index", order="ascending"), title=None),
        x=alt.X("heart_index:Q", title="HEART index (0-100)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("name:N", title="Product"), alt.Tooltip("label:N", title="Index")],
    )
    bars = base.mark_bar(color=charts.NEUTRAL, cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("label:N"))
    return styled(alt.layer(bars, text).properties(title=title), height=28 * max(len(data), 1))


__all__ = ["MISSING", "link_table", "unplaced", "value_map_chart", "value_map_data"]
