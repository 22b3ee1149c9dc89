"""The portfolio plan's model (Scenarios page, whole portfolio): its wording, tiles,
tables and the three charts. Pure (no streamlit); `dashboard/plan_page.py` keeps the
widgets, the picks in the session and the link.

Every product, plan and author name that reaches Markdown goes through `text.plain`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from valuemodel.core import plan as core_plan
from valuemodel.core import scenario
from valuemodel.present import charts
from valuemodel.present.formats import MISSING, money, months, percent
from valuemodel.present.text import plain
from valuemodel.present.value import DeltaColor

DRAWS = 2_000
NO_CONTRIBUTION = (
    "Every product is as today, so no product changes the portfolio's NPV: pick a "
    "saved scenario or cut it to see each product's contribution."
)
MOVE_NOTE = (
    "The model never assumes what an engineer produces: the receiving product only "
    "costs more unless its pick is a saved scenario whose targets promise more."
)


def choice_label(choice: str) -> str:
    if choice == core_plan.AS_TODAY:
        return "As today"
    if choice == core_plan.CUT:
        return "Cut it"
    return f"Scenario: {choice}"


def signed(value: float | None, currency: str) -> str:
    if value is None:
        return MISSING
    text = money(value, currency, compact=True)
    return text if value < 0 else f"+{text}"


def vs_today(change: float, currency: str) -> str | None:
    """'+$1.2M vs today', or None (no delta shown) when the plan is today's."""
    return None if abs(change) < 0.5 else f"{signed(change, currency)} vs today"


def intro(month_to: str, currency: str) -> str:
    return (
        "Pick, for every product, **as today**, one of its **saved scenarios** or **cut it**, "
        "and see the whole budget: the portfolio's cost per month against today, its NPV, "
        "ROI and payback with P10–P90 bands (each product's own draws, summed per draw). "
        f"Baseline: the three months ending {month_to}; {core_plan.scenario.DEFAULT_HORIZON} "
        f"months ahead; money in {currency}."
    )


def options(products: list[str], saved: Mapping[str, Mapping[str, object]]) -> dict[str, list[str]]:
    """Each product's picks: as today, cut, then its saved scenarios by name."""
    return {
        pid: [core_plan.AS_TODAY, core_plan.CUT, *sorted(saved.get(pid, {}))] for pid in products
    }


def payback_text(result: core_plan.PlanResult) -> str:
    if result.payback_months is None:
        return f"> {result.horizon} months"
    return months(result.payback_months)


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None
    help: str
    delta_color: DeltaColor = "normal"


def tiles(result: core_plan.PlanResult) -> list[Tile]:
    """NPV, ROI, payback and the first month's cost, each against today."""
    currency = result.currency
    first_cost = float(result.monthly["cost"].iloc[0])
    first_cost_today = float(result.monthly["cost_today"].iloc[0])
    roi_delta = (
        None
        if result.roi is None
        or result.roi_today is None
        or abs(result.roi - result.roi_today) < 0.005
        else f"{(result.roi - result.roi_today) * 100:+.0f} pts vs today"
    )
    return [
        Tile(
            f"NPV over {result.horizon} months",
            money(result.npv, currency, compact=True),
            vs_today(result.npv - result.npv_today, currency),
            "Sum of the products' NPVs (risk-adjusted savings minus cost, discounted).",
        ),
        Tile(
            "ROI",
            percent(result.roi, 0),
            roi_delta,
            "Summed PV of benefits over summed PV of costs, minus one.",
        ),
        Tile(
            "Payback",
            payback_text(result),
            None,
            "Months until the portfolio's cumulative net value turns positive.",
        ),
        Tile(
            "Cost per month",
            money(first_cost, currency, compact=True),
            vs_today(first_cost - first_cost_today, currency),
            "The plan's first month; the chart below shows every month.",
            delta_color="inverse",
        ),
    ]


def bands_caption(result: core_plan.PlanResult) -> str:
    bands = result.npv_percentiles()
    currency = result.currency
    return (
        f"NPV P10 {money(bands['p10'], currency, compact=True)}, P50 "
        f"{money(bands['p50'], currency, compact=True)}, P90 "
        f"{money(bands['p90'], currency, compact=True)}: {result.draws:,} draws per "
        "product, each with its own seed, summed per draw "
        f"({percent(result.probability_negative_npv, 0)} of the draws lose money)."
    )


def has_contributions(result: core_plan.PlanResult) -> bool:
    """Some product changes the portfolio's NPV by at least one unit of money."""
    return bool((result.products["npv_change"].abs() >= 1).any())


def products_table(result: core_plan.PlanResult) -> pd.DataFrame:
    """Per product: its pick, NPV, change against today and cost per month, as text."""
    currency = result.currency
    products = result.products
    return pd.DataFrame(
        {
            "Product": products["name"],
            "Pick": products["choice"].map(choice_label),
            "NPV": [money(v, currency, compact=True) for v in products["npv"]],
            "Change vs today": [
                signed(v, currency) if abs(v) >= 0.5 else "no change"
                for v in products["npv_change"]
            ],
            "Cost per month": [money(v, currency, compact=True) for v in products["monthly_cost"]],
            "Cost per month today": [
                money(v, currency, compact=True) for v in products["monthly_cost_today"]
            ],
        }
    )


# ------------------------------------------------------------------ the budget move


def names_of(baselines: Mapping[str, scenario.Baseline]) -> dict[str, str]:
    """Product names by id, from the plan's baselines."""
    return {pid: str(b.product_name) for pid, b in baselines.items()}


def givers(names: Mapping[str, str], resolved: Mapping[str, core_plan.Choice]) -> list[str]:
    """Products with a team budget to give, by id (case-insensitive)."""
    return [pid for pid in sorted(names, key=str.lower) if core_plan.team_budget(resolved[pid]) > 0]


def receivers(
    names: Mapping[str, str], resolved: Mapping[str, core_plan.Choice], giver: str
) -> list[str]:
    """Products that can take the budget: every other product not cut."""
    return [p for p in sorted(names, key=str.lower) if p != giver and not resolved[p].drivers.cut]


def can_move(names: Mapping[str, str], givers: list[str]) -> bool:
    """A move needs a product with a team budget and a second product."""
    return len(givers) >= 1 and len(names) >= 2


def max_amount(available: float) -> float:
    """The most the number input offers: the giver's whole team budget, to the cent."""
    return float(round(available, 2))


def default_amount(available: float) -> float:
    """Half the giver's team budget (at least 1), never more than all of it."""
    return float(round(min(available, max(available / 2, 1.0)), 2))


def move_sentence(
    move: core_plan.BudgetMove, amount: float, names: Mapping[str, str], currency: str
) -> str:
    verb = "gains" if move.npv_change >= 0 else "loses"
    whole = " (its whole team: it is then modelled as cut)" if move.giver_cut else ""
    return (
        f"Moving {money(amount, currency)} a month from {plain(names[move.giver])}{whole} to "
        f"{plain(names[move.receiver])}: the portfolio {verb} "
        f"{money(abs(move.npv_change), currency, compact=True)} of NPV."
    )


def move_table(move: core_plan.BudgetMove, currency: str) -> pd.DataFrame:
    changes = move.changes

    def compact(column: str) -> list[str]:
        return [money(v, currency, compact=True) for v in changes[column]]

    return pd.DataFrame(
        {
            "Product": changes["name"],
            "NPV before": compact("npv_before"),
            "NPV after": compact("npv_after"),
            "Change": [signed(v, currency) for v in changes["npv_change"]],
            "Cost per month before": compact("monthly_cost_before"),
            "after": compact("monthly_cost_after"),
        }
    )


# ------------------------------------------------------------------ saved plans


def plan_figures(result: core_plan.PlanResult) -> pd.DataFrame:
    """A saved plan's headline figures (Figure, Value), for the side-by-side view."""
    currency = result.currency
    bands = result.npv_percentiles()
    cut = result.products.loc[result.products["choice"] == core_plan.CUT, "name"]
    return pd.DataFrame(
        [
            ("NPV", money(result.npv, currency, compact=True)),
            ("vs today", signed(result.npv - result.npv_today, currency)),
            ("ROI", percent(result.roi, 0)),
            ("Payback", payback_text(result)),
            ("NPV P10", money(bands["p10"], currency, compact=True)),
            ("NPV P90", money(bands["p90"], currency, compact=True)),
            ("Cut", ", ".join(cut) or "none"),
        ],
        columns=["Figure", "Value"],
    )


def saved_caption(updated_at: pd.Timestamp, author: object) -> str:
    """When and by whom a plan was saved (Markdown; the author escaped)."""
    who = str(author or "")
    return f"Saved {updated_at:%Y-%m-%d}" + (f" by {plain(who)}" if who else "")


def saved_flash(name: str) -> str:
    return f"Saved the plan “{plain(name.strip())}”."


def not_evaluated(problem: Exception) -> str:
    return f"This plan cannot be evaluated: {plain(str(problem))}"


# ------------------------------------------------------------------ charts
def cost_chart(result: core_plan.PlanResult) -> alt.Chart:
    frame = result.monthly
    long = pd.concat(
        [
            pd.DataFrame({"month": frame["month"], "series": "This plan", "cost": frame["cost"]}),
            pd.DataFrame({"month": frame["month"], "series": "Today", "cost": frame["cost_today"]}),
        ]
    )
    long["month"] = pd.to_datetime(long["month"] + "-01")
    fmt = charts.money_axis_format(result.currency)
    # A flat cost (as today, no change) is drawn against zero: on a domain of one value
    # the axis would label ticks a millionth apart ("$337.104733k").
    costs = long["cost"].astype(float)
    flat = bool(costs.max() - costs.min() <= 0.005 * max(costs.abs().max(), 1.0))
    chart = (
        alt.Chart(long)
        .mark_line(strokeWidth=3, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "cost:Q",
                title=f"Cost per month ({result.currency})",
                axis=alt.Axis(format=fmt),
                scale=alt.Scale(zero=flat),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=["This plan", "Today"], range=[charts.COST, charts.GOAL]),
                legend=alt.Legend(title=None),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=["This plan", "Today"], range=[[1, 0], [5, 4]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("month:T", format="%b %Y", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("cost:Q", format=",.0f", title="Cost"),
            ],
        )
    )
    return charts.style(
        chart.properties(
            title=alt.Title("Portfolio cost per month", subtitle="This plan against today.")
        ),
        height=260,
    )


def value_chart(result: core_plan.PlanResult) -> alt.LayerChart | alt.FacetChart:
    bands = result.bands.assign(month=pd.to_datetime(result.bands["month"] + "-01"))
    today = result.monthly.assign(month=pd.to_datetime(result.monthly["month"] + "-01"))
    fmt = charts.money_axis_format(result.currency)
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y"))
    band = (
        alt.Chart(bands)
        .mark_area(opacity=0.25, color=charts.NET)
        .encode(
            x=x,
            y=alt.Y(
                "p10:Q",
                title=f"Cumulative net value ({result.currency})",
                axis=alt.Axis(format=fmt),
            ),
            y2=alt.Y2("p90:Q"),
        )
    )
    median = (
        alt.Chart(bands).mark_line(color=charts.NET, strokeWidth=3).encode(x=x, y=alt.Y("p50:Q"))
    )
    base = (
        alt.Chart(today)
        .mark_line(color=charts.GOAL, strokeDash=[5, 4], strokeWidth=2)
        .encode(x=x, y=alt.Y("cumulative_net_value_today:Q"))
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#9AA3AF").encode(y=alt.Y("y:Q"))
    return charts.style(
        alt.layer(band, median, base, zero).properties(
            title=alt.Title(
                "Cumulative net value",
                subtitle="P50 and P10–P90 band; dashed: as today.",
            )
        ),
        height=260,
    )


def contribution_chart(result: core_plan.PlanResult) -> alt.LayerChart | alt.FacetChart:
    rows = result.products.assign(
        label=result.products["name"].astype(str),
        npv_change=result.products["npv_change"].round(0),
    )
    rows = rows[rows["npv_change"].abs() >= 1]
    rows = rows.assign(
        text=[signed(v, result.currency) for v in rows["npv_change"]],
        align=["left" if v >= 0 else "right" for v in rows["npv_change"]],
    )
    fmt = charts.money_axis_format(result.currency)
    base = alt.Chart(rows).encode(
        y=alt.Y(
            "label:N", sort=alt.EncodingSortField("npv_change", order="descending"), title=None
        ),
        x=alt.X(
            "npv_change:Q",
            title=f"NPV change against today ({result.currency})",
            axis=alt.Axis(format=fmt),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Product"),
            alt.Tooltip("choice:N", title="Pick"),
            alt.Tooltip("npv:Q", format=",.0f", title="NPV"),
            alt.Tooltip("npv_change:Q", format=",.0f", title="Change"),
        ],
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.condition(
            "datum.npv_change < 0", alt.value(charts.COST), alt.value(charts.SAVINGS)
        )
    )
    positive = (
        base.transform_filter("datum.npv_change >= 0")
        .mark_text(align="left", dx=6, fontSize=13)
        .encode(text=alt.Text("text:N"))
    )
    negative = (
        base.transform_filter("datum.npv_change < 0")
        .mark_text(align="right", dx=-6, fontSize=13)
        .encode(text=alt.Text("text:N"))
    )
    return charts.style(
        alt.layer(bars, positive, negative).properties(
            title=alt.Title(
                "Each product's contribution to the change",
                subtitle="NPV change against today; products kept as today change nothing.",
            )
        ),
        height=max(180, 50 * len(rows)),
    )
