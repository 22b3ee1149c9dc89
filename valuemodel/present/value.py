"""The Value and Data pages' model: money over time, the ledger, tiles and sentences. Pure.

Every figure comes from the definitions of DESIGN section 4 as `valuemodel.metrics`
and `valuemodel.finance` implement them; this module only reshapes those figures for
tiles, charts and tables, and writes the sentences that state their takeaway. It
imports neither streamlit nor sqlalchemy.

A `Buyer` is the report's buyer figures (`valuemodel.core.report.Buyer`, full precision):
cost, hours_saved, gross_savings, risk_adjusted_savings, net_value (money in the
configured currency), roi (a fraction or None) and payback_months (months from the
period's start, or None when not paid back).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

import altair as alt
import pandas as pd
from pandas.io.formats.style import Styler

from valuemodel.core import finance, metrics
from valuemodel.core.contract import is_demo_source
from valuemodel.core.numbers import finite
from valuemodel.core.report import Buyer, Report
from valuemodel.present import charts, labels
from valuemodel.present.export import csv_download
from valuemodel.present.formats import MISSING, money, months, number, percent

SAVINGS = "Risk-adjusted savings"
GROSS = "Gross savings"
COST = "Cost"


_finite = finite  # the one NaN guard


def markdown_text(text: str) -> str:
    """Our own Markdown (README sections, notices we write) with a dollar sign literal,
    never a math delimiter. User text is escaped with `text.plain` instead."""
    return text.replace("$", "\\$")


def month_label(month: str) -> str:
    """'2025-04' -> 'Apr 2025'."""
    return pd.Period(month, freq="M").strftime("%b %Y")


def period_label(first: str, last: str) -> str:
    """'Jan 2025 to Dec 2025', or one month's name when first == last."""
    if first == last:
        return month_label(first)
    return f"{month_label(first)} to {month_label(last)}"


# ---------------------------------------------------------------- flows of a selection


def selection_flows(months_frame: pd.DataFrame, loaded_hourly_cost: float) -> pd.DataFrame:
    """The selection's monthly flows, exactly as the report computes them.

    Input: a `product_months` frame (one or many products). Output columns: month
    (Timestamp, first day), cost, hours_saved, gross_savings, risk_adjusted_savings,
    net_value, cumulative_net_value (money in the configured currency; hours).
    """
    values = metrics.monthly_values(months_frame, loaded_hourly_cost)
    return metrics.monthly_flows(values)


def buyer_figures(months_frame: pd.DataFrame, loaded_hourly_cost: float) -> Buyer:
    """Buyer figures of a `product_months` frame, computed as the report computes them
    (`metrics.buyer_figures` of the summed monthly flows)."""
    return metrics.buyer_figures(selection_flows(months_frame, loaded_hourly_cost))


def has_data(months_frame: pd.DataFrame) -> bool:
    """True when a `product_months` frame holds any usage event or any cost row amount."""
    if months_frame.empty:
        return False
    events = float(months_frame["events"].astype(float).sum())
    cost = months_frame["cost"].astype(float).abs().sum()
    return events > 0 or cost > 0


def buyer_of(report: Report, product_id: str | None) -> Buyer:
    """The buyer figures of the selection in a report: one product's, or the portfolio's."""
    return report.buyer_of(product_id)


def recovery_gap(buyer: Buyer) -> float | None:
    """Money left to recover when the period has not paid back: -(cumulative net value at
    the period's end) when it is negative and payback is None; otherwise None."""
    net = _finite(buyer.net_value)
    if buyer.payback_months is not None or net is None or net >= 0:
        return None
    return -net


def month_offset(first_month: str, offset: float) -> pd.Timestamp:
    """The instant `offset` months after the start of `first_month` (a fraction of a month
    is spread over that month's days, as payback interpolates inside a month)."""
    whole = math.floor(offset)
    month = pd.Period(first_month, freq="M") + whole
    return month.start_time + pd.Timedelta(days=(offset - whole) * month.days_in_month)


def payback_month(first_month: str, payback: float | None) -> str | None:
    """The 'YYYY-MM' month in which cumulative net value turns non-negative (the first month
    when payback is 0); None when not paid back."""
    payback = _finite(payback)
    if payback is None:
        return None
    index = max(math.ceil(payback) - 1, 0)
    return str(pd.Period(first_month, freq="M") + index)


def _payback_label(first_month: str, payback: float) -> str:
    """'Apr 2025': the month payback falls in (payback is a finite number of months)."""
    return month_label(payback_month(first_month, payback) or first_month)


def payback_status(buyer: Buyer, first_month: str, currency: str) -> str:
    """Whether the money paid back, and since when, in a few words."""
    cost = _finite(buyer.cost) or 0.0
    savings = _finite(buyer.risk_adjusted_savings) or 0.0
    payback = _finite(buyer.payback_months)
    if cost == 0 and savings == 0:
        return "No cost or savings recorded"
    if payback is None:
        gap = recovery_gap(buyer)
        return f"Not yet: {money(gap, currency)} to recover" if gap else "Not yet"
    if payback == 0:
        return "From the first month"
    return f"Yes, since {_payback_label(first_month, payback)}"


# ---------------------------------------------------------------- charts


def cumulative_chart_data(flows: pd.DataFrame, first_month: str) -> pd.DataFrame:
    """Cumulative risk-adjusted savings, gross savings and cost at each month's end.

    Columns: at (Timestamp: the period's start, then the end of each month), through
    (label of the last month counted, 'Start' for the first row), series (SAVINGS,
    GROSS or COST), value (cumulative money). Each series starts at 0 at the period's
    start, so the lines cross exactly where payback interpolates.
    """
    start = pd.Period(first_month, freq="M").start_time
    rows = [(start, "Start", series, 0.0) for series in (SAVINGS, GROSS, COST)]
    totals = {SAVINGS: 0.0, GROSS: 0.0, COST: 0.0}
    columns = {SAVINGS: "risk_adjusted_savings", GROSS: "gross_savings", COST: "cost"}
    for flow in flows.itertuples(index=False):
        month = pd.Timestamp(flow.month).to_period("M")
        end = (month + 1).start_time
        for series, column in columns.items():
            totals[series] += float(getattr(flow, column))
            rows.append((end, month.strftime("%b %Y"), series, totals[series]))
    return pd.DataFrame(rows, columns=["at", "through", "series", "value"])


@dataclass(frozen=True)
class PaybackMarker:
    """Where cumulative savings meet cumulative cost: a time, a money value, a label."""

    at: pd.Timestamp
    value: float
    label: str


def payback_marker(
    flows: pd.DataFrame, first_month: str, payback: float | None
) -> PaybackMarker | None:
    """The payback point on the cumulative chart; None when the period has not paid back."""
    payback = _finite(payback)
    if payback is None:
        return None
    if payback == 0:
        start = pd.Period(first_month, freq="M").start_time
        return PaybackMarker(start, 0.0, "")
    index = max(math.ceil(payback) - 1, 0)
    costs = flows["cost"].astype(float).tolist()
    before = sum(costs[:index])
    value = before + (payback - index) * (costs[index] if index < len(costs) else 0.0)
    label = f"Payback: {_payback_label(first_month, payback)}"
    return PaybackMarker(month_offset(first_month, payback), value, label)


def cumulative_title(buyer: Buyer, first_month: str, currency: str) -> str:
    """The takeaway of the cumulative chart."""
    cost = _finite(buyer.cost) or 0.0
    savings = _finite(buyer.risk_adjusted_savings) or 0.0
    payback = _finite(buyer.payback_months)
    net = _finite(buyer.net_value) or 0.0
    if cost == 0 and savings == 0:
        return "No cost or savings recorded in this period"
    if payback is None:
        gap = recovery_gap(buyer)
        return f"Not paid back yet: {money(gap, currency)} of cost still to recover"
    if payback == 0:
        head = "Savings covered cost from the first month"
    else:
        head = (
            f"Paid back in {_payback_label(first_month, payback)}, "
            f"{months(payback)} into the period"
        )
    if net < 0:
        return f"{head}, but behind again by the end ({money(net, currency)} net)"
    return head


def monthly_bars_data(flows: pd.DataFrame) -> pd.DataFrame:
    """Columns: month (Timestamp), series (SAVINGS or COST), value (money that month)."""
    savings = pd.DataFrame(
        {
            "month": flows["month"],
            "series": SAVINGS,
            "value": flows["risk_adjusted_savings"].astype(float),
        }
    )
    cost = pd.DataFrame(
        {"month": flows["month"], "series": COST, "value": flows["cost"].astype(float)}
    )
    return pd.concat([savings, cost], ignore_index=True)


def monthly_title(flows: pd.DataFrame) -> str:
    """The takeaway of the monthly bars: in how many months savings exceeded cost."""
    if flows.empty:
        return "No months in this period"
    savings = flows["risk_adjusted_savings"].astype(float)
    cost = flows["cost"].astype(float)
    if (savings == 0).all() and (cost == 0).all():
        return "No cost or savings recorded in any month"
    ahead = int((savings > cost).sum())
    total = len(flows)
    if ahead == total:
        return f"Savings exceeded cost in every month ({total})"
    if ahead == 0:
        return f"Cost exceeded savings in every month ({total})"
    return f"Savings exceeded cost in {ahead} of {total} months"


# ---------------------------------------------------------------- tiles


# st.metric's `delta_color` and `delta_arrow` (the values the tiles use).
DeltaColor = Literal["normal", "inverse", "off"]
DeltaArrow = Literal["auto", "up", "down", "off"]


@dataclass(frozen=True)
class Tile:
    """One headline figure, formatted: label, value, change and an explanation.

    `value` and `delta` are Streamlit markdown (a negative value is shown in red);
    `delta_color` and `delta_arrow` follow st.metric.
    """

    label: str
    value: str
    delta: str | None
    help: str
    delta_color: DeltaColor = "normal"
    delta_arrow: DeltaArrow = "auto"


def _signed(text: str, change: float) -> str:
    return text if change < 0 else f"+{text}"


def _money_value(value: float | None, currency: str) -> str:
    text = money(value, currency)
    value = _finite(value)
    return f":red[{text}]" if value is not None and value < 0 else text


def _change(current: float | None, previous: float | None) -> float | None:
    current, previous = _finite(current), _finite(previous)
    if current is None or previous is None:
        return None
    return current - previous


def _money_delta(change: float | None, currency: str) -> str | None:
    if change is None:
        return None
    return _signed(money(change, currency), change)


def payback_value(buyer: Buyer, currency: str) -> str:
    """The payback tile's value: months, or 'Not yet'."""
    payback = _finite(buyer.payback_months)
    if payback is None:
        return "Not yet"
    return months(payback)


def tiles(
    buyer: Buyer,
    previous: Buyer | None,
    *,
    currency: str,
    loaded_hourly_cost: float,
) -> list[Tile]:
    """The six headline tiles of the Value page, with their change against `previous`
    (the previous period of equal length; None when it holds no data: then no change is
    shown rather than a misleading one)."""
    rate = money(loaded_hourly_cost, currency)

    def before(key: str) -> float | None:
        return None if previous is None else _finite(getattr(previous, key))

    def money_tile(label: str, key: str, explain: str, color: DeltaColor = "normal") -> Tile:
        return Tile(
            label,
            _money_value(getattr(buyer, key), currency),
            _money_delta(_change(getattr(buyer, key), before(key)), currency),
            markdown_text(explain),
            delta_color=color,
        )

    roi_change = _change(buyer.roi, before("roi"))
    hours_change = _change(buyer.hours_saved, before("hours_saved"))
    payback_change = _change(buyer.payback_months, before("payback_months"))
    gap = recovery_gap(buyer)
    roi = _finite(buyer.roi)
    if gap is not None:
        payback_tile = Tile(
            "Payback",
            "Not yet",
            f"{money(gap, currency)} left to recover",
            markdown_text(
                "Cumulative net value is still negative at the period's end; the gap is "
                "what savings must still recover."
            ),
            delta_color="off",
            delta_arrow="off",
        )
    else:
        payback_tile = Tile(
            "Payback",
            payback_value(buyer, currency),
            None
            if payback_change is None
            else _signed(f"{payback_change:,.1f} months", payback_change),
            markdown_text(
                "Months from the period's start until cumulative net value first turns "
                "from negative to zero or above (0 when it is never negative). Shorter is better."
            ),
            delta_color="inverse",
        )
    return [
        money_tile(
            "Risk-adjusted savings",
            "risk_adjusted_savings",
            f"Tasks done x minutes saved / 60 x {rate} per hour x confidence, summed over "
            "every task baseline (the assumptions ledger below shows each one).",
        ),
        money_tile(
            "Cost",
            "cost",
            "Every cost row of the period (headcount, infrastructure, licenses, other).",
            color="inverse",
        ),
        money_tile(
            "Net value",
            "net_value",
            "Risk-adjusted savings minus cost (realized months are not discounted).",
        ),
        Tile(
            "ROI",
            f":red[{percent(roi)}]" if roi is not None and roi < 0 else percent(roi),
            None if roi_change is None else f"{roi_change * 100:+,.1f} pts",
            markdown_text(
                "Net value / cost. None (—) when no cost is recorded."
                if roi is not None
                else "No cost is recorded in this period, so ROI is not defined."
            ),
        ),
        payback_tile,
        Tile(
            "Hours saved",
            f"{number(_finite(buyer.hours_saved))} h",
            None if hours_change is None else f"{hours_change:+,.0f} h",
            markdown_text(
                "Tasks done (events of a baselined action whose outcome is not false) x "
                "minutes saved / 60, before the confidence haircut."
            ),
        ),
    ]


def comparison_note(previous_first: str, previous_last: str, has_previous: bool) -> str:
    """The sentence under the tiles saying what the changes compare with."""
    span = period_label(previous_first, previous_last)
    if has_previous:
        return f"Changes compare with the previous period of equal length ({span})."
    return (
        f"No changes shown: nothing is recorded for the previous period of equal length "
        f"({span}), so a comparison would mislead."
    )


def verdict(name: str, buyer: Buyer, first: str, last: str, currency: str) -> str:
    """One plain sentence: does the selection pay for itself, since when, by how much."""
    cost = _finite(buyer.cost) or 0.0
    savings = _finite(buyer.risk_adjusted_savings) or 0.0
    net = _finite(buyer.net_value) or 0.0
    payback = _finite(buyer.payback_months)
    span = period_label(first, last)
    if cost == 0 and savings == 0:
        return f"No cost or savings are recorded for {name} from {span}."
    if cost == 0:
        return (
            f"{name} saved {money(savings, currency)} (risk-adjusted) from {span} with no "
            "cost recorded."
        )
    roi = percent(_finite(buyer.roi))
    if payback is None:
        gap = recovery_gap(buyer) or 0.0
        return (
            f"{name} has not paid for itself yet: it cost {money(cost, currency)} and saved "
            f"{money(savings, currency)} (risk-adjusted) from {span}; "
            f"{money(gap, currency)} is left to recover."
        )
    since = (
        "from the first month"
        if payback == 0
        else f"since {_payback_label(first, payback)} ({months(payback)} in)"
    )
    if net < 0:
        return (
            f"{name} paid back {since} but is behind again by the end of {span}: "
            f"{money(savings, currency)} saved (risk-adjusted) for {money(cost, currency)} "
            f"spent, a net value of {money(net, currency)}."
        )
    return (
        f"{name} pays for itself {since}: {money(savings, currency)} saved "
        f"(risk-adjusted) for {money(cost, currency)} spent from {span}, a net value of "
        f"{money(net, currency)} (ROI {roi})."
    )


# ---------------------------------------------------------------- products and baselines


RANKING_COLUMNS = [
    "product_id",
    "name",
    "cost",
    "risk_adjusted_savings",
    "net_value",
    "roi",
    "payback_months",
    "pays_back",
]


def product_ranking(report: Report, currency: str) -> pd.DataFrame:
    """Products of a report ranked by net value (highest first).

    Columns: product_id, name, cost, risk_adjusted_savings, net_value (money), roi
    (fraction or NaN), payback_months (months or NaN), pays_back (text, e.g. 'Yes, since
    Apr 2025' or 'Not yet: $1,200 to recover').
    """
    first = report.period.first
    rows = []
    for product in report.products:
        buyer = product.buyer
        rows.append(
            {
                "product_id": product.product_id,
                "name": product.name,
                "cost": _finite(buyer.cost) or 0.0,
                "risk_adjusted_savings": _finite(buyer.risk_adjusted_savings) or 0.0,
                "net_value": _finite(buyer.net_value) or 0.0,
                "roi": _finite(buyer.roi),
                "payback_months": _finite(buyer.payback_months),
                "pays_back": payback_status(buyer, first, currency),
            }
        )
    frame = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    frame["roi"] = frame["roi"].astype(float)
    frame["payback_months"] = frame["payback_months"].astype(float)
    return frame.sort_values(["net_value", "name"], ascending=[False, True]).reset_index(drop=True)


def ranking_title(ranking: pd.DataFrame) -> str:
    """The takeaway of the portfolio ranking: how many products returned more than they cost."""
    if ranking.empty:
        return "No products"
    positive = int((ranking["net_value"] >= 0).sum())
    total = len(ranking)
    if positive == total:
        return f"Every product returned more than it cost ({total} of {total})"
    return f"{positive} of {total} products returned more than they cost"


def product_link(product_id: str, first: str, last: str) -> str:
    """A relative link to this page for one product over the same period, in the frame's
    URL form (`?product=ci&from=2025-01&to=2025-12`)."""
    query = {"product": product_id, "from": first, "to": last}
    return "?" + urlencode(query, doseq=True)


LEDGER_COLUMNS = [
    "product_id",
    "product_name",
    "action",
    "minutes_saved",
    "confidence",
    "source",
    "tasks_done",
    "hours_saved",
    "gross_savings",
    "risk_adjusted_savings",
]


def baseline_ledger(rows: pd.DataFrame, loaded_hourly_cost: float) -> pd.DataFrame:
    """The assumptions ledger: every task baseline with the money it yields.

    Input: the `value_baseline_ledger` frame (product_id, product_name, action,
    minutes_saved, confidence, source, events, succeeded_false). Adds tasks_done,
    hours_saved, gross_savings and risk_adjusted_savings by the core's savings rule
    (`finance`), the one the report's monthly totals use, so the ledger sums to the
    headline figures. Within a product, the baseline yielding most comes first.
    """
    out = rows.copy()
    out["tasks_done"] = finance.tasks_done(
        out["events"].astype("int64"), out["succeeded_false"].astype("int64")
    )
    out["hours_saved"] = finance.hours_saved(
        out["tasks_done"].astype(float), out["minutes_saved"].astype(float)
    )
    out["gross_savings"] = finance.savings(out["hours_saved"], loaded_hourly_cost)
    out["risk_adjusted_savings"] = finance.risk_adjusted(
        out["gross_savings"], out["confidence"].astype(float)
    )
    # Products and, on ties, actions keep the query's order (by name).
    out["_product"] = pd.factorize(out["product_id"])[0]
    out = out.sort_values(
        ["_product", "risk_adjusted_savings"], ascending=[True, False], kind="stable"
    )
    return out[LEDGER_COLUMNS].reset_index(drop=True)


def ledger_totals(ledger: pd.DataFrame) -> dict[str, float]:
    """Sums over the ledger: tasks_done, hours_saved, gross_savings, risk_adjusted_savings."""
    return {
        column: float(ledger[column].astype(float).sum())
        for column in ("tasks_done", "hours_saved", "gross_savings", "risk_adjusted_savings")
    }


def ledger_title(ledger: pd.DataFrame) -> str:
    """The takeaway of the savings-by-baseline chart: the largest contributor and its share."""
    total = float(ledger["risk_adjusted_savings"].sum()) if not ledger.empty else 0.0
    if total <= 0:
        return "No task baseline saved time in this period"
    top = ledger.sort_values("risk_adjusted_savings", ascending=False).iloc[0]
    share = float(top["risk_adjusted_savings"]) / total
    return f"“{top['action']}” brings {percent(share, 0)} of risk-adjusted savings"


# ---------------------------------------------------------------- cash flow


CASH_FLOW_COLUMNS = [
    "quarter",
    "months",
    "cost",
    "risk_adjusted_savings",
    "net_value",
    "cumulative_net_value",
]


def quarterly_cash_flow(flows: pd.DataFrame) -> pd.DataFrame:
    """The monthly flows summed by calendar quarter.

    Columns: quarter ('2025 Q1'), months (how many of the quarter's months fall in the
    period), cost, risk_adjusted_savings, net_value, cumulative_net_value (money;
    cumulative from the period's start, undiscounted).
    """
    if flows.empty:
        return pd.DataFrame(columns=CASH_FLOW_COLUMNS)
    quarter = pd.to_datetime(flows["month"]).dt.to_period("Q")
    grouped = (
        flows.assign(quarter=quarter)
        .groupby("quarter", sort=True)
        .agg(
            months=("month", "size"),
            cost=("cost", "sum"),
            risk_adjusted_savings=("risk_adjusted_savings", "sum"),
            net_value=("net_value", "sum"),
        )
        .reset_index()
    )
    grouped["cumulative_net_value"] = grouped["net_value"].cumsum()
    grouped["quarter"] = [f"{q.year} Q{q.quarter}" for q in grouped["quarter"]]
    grouped["months"] = grouped["months"].astype("int64")
    return grouped[CASH_FLOW_COLUMNS]


def cash_flow_csv(quarters: pd.DataFrame, currency: str) -> bytes:
    """The quarterly cash flow as CSV (UTF-8): money rounded to cents, a currency column."""
    out = quarters.copy()
    for column in ("cost", "risk_adjusted_savings", "net_value", "cumulative_net_value"):
        out[column] = out[column].astype(float).round(2)
    out["currency"] = currency
    return csv_download(out)


# ---------------------------------------------------------------- the Data page


ASSUMPTION_LABELS = {
    "loaded_hourly_cost": "Loaded hourly cost",
    "currency": "Currency",
    "discount_rate": "Discount rate",
    "min_survey_responses": "Fewest survey responses to score happiness",
}


def number_text(value: float) -> str:
    """A float as the shortest text that reads back to it: 120.0 -> '120', 0.1 -> '0.1'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def rate_from_percent(percent_value: float) -> float:
    """A rate typed as a percentage (10.0) as the stored fraction (0.1)."""
    return round(float(percent_value) / 100, 8)


def assumption_reason(key: str, reason: str) -> str:
    """A refused assumption's reason in the form's own terms (the discount rate is typed
    as a percentage there, stored as a fraction)."""
    if key == "discount_rate" and "between 0 and 1" in reason:
        return "the discount rate must be at least 0% and below 100% a year (10.0 means 10%)"
    return reason


IMPORT_REFUSED = "Refused: nothing was imported (the problems are listed below)"


def assumption_values(
    loaded_hourly_cost: float,
    currency: str,
    discount_rate: float,
    min_survey_responses: float | None = None,
) -> dict[str, str]:
    """Form inputs as the stored text of each assumption key (min_survey_responses only
    when given)."""
    values = {
        "loaded_hourly_cost": number_text(loaded_hourly_cost),
        "currency": currency.strip().upper(),
        "discount_rate": number_text(discount_rate),
    }
    if min_survey_responses is not None:
        values["min_survey_responses"] = number_text(min_survey_responses)
    return values


_PROBLEM = re.compile(r"^(?P<file>[^:]+?):(?P<line>\d+): (?P<column>[^:]*): (?P<reason>.*)$", re.S)
_FILE_PROBLEM = re.compile(r"^(?P<file>[^:]+?\.csv): (?P<reason>.*)$", re.S | re.I)


def problem_table(lines: Iterable[str]) -> pd.DataFrame:
    """Import problems (`FILE:LINE: COLUMN: reason` lines) as a table.

    Columns: File, Line (text, empty for a whole-file problem), Column, Reason. A line
    that does not follow the pattern (e.g. '... and 12 more problems') is kept whole as
    the Reason.
    """
    rows = []
    for line in lines:
        match = _PROBLEM.match(line)
        if match:
            rows.append((match["file"], match["line"], match["column"], match["reason"]))
            continue
        match = _FILE_PROBLEM.match(line)
        if match:
            rows.append((match["file"], "", "", match["reason"]))
        else:
            rows.append(("", "", "", line))
    return pd.DataFrame(rows, columns=["File", "Line", "Column", "Reason"])


def import_summary(rows: Mapping[str, int]) -> pd.DataFrame:
    """Rows written per file: columns File, Rows."""
    return pd.DataFrame(
        [(name, int(count)) for name, count in rows.items()], columns=["File", "Rows"]
    )


def repeated_names(names: Iterable[str]) -> list[str]:
    """One line for each file name uploaded more than once (only one could be read)."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [
        f"{name} was uploaded {count} times; upload each file once (combine the rows into "
        "one file, or import them one after the other)."
        for name, count in seen.items()
        if count > 1
    ]


def oversized(contents: Mapping[str, bytes], limit_bytes: int) -> list[str]:
    """One line for each file larger than `limit_bytes`, naming it and its size."""
    return [
        f"{name}: {len(data) / 2**20:,.1f} MB is larger than the {limit_bytes // 2**20} MB "
        "limit; split it, or import the folder with `python -m valuemodel import FOLDER`."
        for name, data in contents.items()
        if len(data) > limit_bytes
    ]


TABLE_PURPOSE = labels.TABLES


def _timestamp_text(value: object) -> str:
    """A stored timestamp as 'YYYY-MM-DD HH:MM UTC' (sessions run in UTC); MISSING for none."""
    if value is None or pd.isna(value):
        return MISSING
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


DEMO_DATA = "demo data"
DEMO_FOLDER_PREFIX = "valuedash-demo-"  # the temporary folder a demo load is written to


def source_label(source: str) -> str:
    """An import's source for every viewer: 'upload', or 'folder NAME' without the server's
    path (imports logged before the path was dropped still hold it); 'demo data' for the
    generated demo portfolio, whatever temporary folder it was written to."""
    name = source.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    if is_demo_source(source) or name.startswith(DEMO_FOLDER_PREFIX):
        return DEMO_DATA
    if source.startswith("folder ") or ("/" not in source and "\\" not in source):
        return source
    return f"folder {name}" if name else "folder"


def freshness_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The `data_freshness` frame for display.

    Columns: Table, Holds, Rows (int), Latest, Last imported, Rows in that import, Source
    (text; an em dash where nothing applies; rollups are rebuilt by every import).
    """
    imported, rows_in, sources = [], [], []
    for file_name, at, count, source in zip(
        frame["file_name"],
        frame["last_imported_at"],
        frame["last_rows"],
        frame["last_source"],
        strict=True,
    ):
        if file_name is None or pd.isna(file_name):
            imported.append("rebuilt by every import")
            rows_in.append(MISSING)
            sources.append(MISSING)
            continue
        imported.append(_timestamp_text(at))
        rows_in.append(MISSING if count is None or pd.isna(count) else number(float(count)))
        sources.append(source_label(source) if isinstance(source, str) and source else MISSING)
    return pd.DataFrame(
        {
            "Table": frame["table_name"],
            "Holds": [TABLE_PURPOSE.get(t, "") for t in frame["table_name"]],
            "Rows": frame["row_count"].astype("int64"),
            "Latest": [MISSING if v is None or pd.isna(v) else str(v) for v in frame["latest"]],
            "Last imported": imported,
            "Rows in that import": rows_in,
            "Source": sources,
        }
    )


def history_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The `import_history` frame for display: Imported, Source, Files (name: rows), Rows."""
    files_text = []
    totals = []
    for files in frame["files"]:
        files = files or {}
        files_text.append(", ".join(f"{name} ({int(n):,})" for name, n in files.items()))
        totals.append(sum(int(n) for n in files.values()))
    return pd.DataFrame(
        {
            "Imported": [_timestamp_text(v) for v in frame["imported_at"]],
            "Source": [source_label(str(v)) for v in frame["source"]],
            "Files (rows)": files_text,
            "Rows": pd.array(totals, dtype="int64"),
        }
    )


def markdown_section(text: str, heading: str, *, demote: int = 0) -> str | None:
    """The body of the level-2 section `## heading` of a markdown text (up to the next
    level-2 heading), or None when there is no such section. `demote` adds that many
    levels to the headings inside, so they sit under the page's own headings."""
    body = _section(text, heading)
    if body is None or demote <= 0:
        return body
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m[1]) + demote) + " ", body, flags=re.M)


def _section(text: str, heading: str) -> str | None:
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        if start is None and line.strip() == f"## {heading}":
            start = i + 1
        elif start is not None and line.startswith("## "):
            return "\n".join(lines[start:i]).strip()
    if start is None:
        return None
    return "\n".join(lines[start:]).strip()


# ---------------------------------------------------------------- charts (pure Altair)


def _money_column(frame: pd.DataFrame, column: str, currency: str) -> list[str]:
    return [money(v, currency) for v in frame[column].astype(float)]


def cumulative_chart(
    flows: pd.DataFrame,
    first_month: str,
    buyer: Buyer,
    currency: str,
    *,
    events: pd.DataFrame | None = None,
) -> charts.TopChart:
    """Cumulative risk-adjusted savings against cumulative cost, gross savings as a lighter
    dashed line, and the payback point marked; the title states the takeaway. `events`
    (`charts.event_markers` rows: notes, releases; default `charts.time_events`) are
    marked at the end of their month."""
    data = cumulative_chart_data(flows, first_month)
    data["amount"] = _money_column(data, "value", currency)
    domain = [SAVINGS, GROSS, COST]
    lines = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("at:T", title="End of month", axis=alt.Axis(format="%b %Y", labelAngle=0)),
            y=alt.Y(
                "value:Q",
                title=f"Cumulative amount ({currency})",
                axis=alt.Axis(format=charts.money_axis_format(currency)),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[charts.SAVINGS, charts.GROSS, charts.COST]),
            ),
            # Same field and no legend settings of their own: Vega-Lite merges these with
            # the colour into one legend (a `legend=None` here would hide the colour's too).
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4], [1, 0]])
            ),
            strokeWidth=alt.StrokeWidth(
                "series:N", scale=alt.Scale(domain=domain, range=[3, 2, 3])
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("through:N", title="Through"),
                alt.Tooltip("amount:N", title="Cumulative"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    marker = payback_marker(flows, first_month, buyer.payback_months)
    if marker is not None:
        point = pd.DataFrame(
            [{"at": marker.at, "value": marker.value, "label": marker.label,
              "when": marker.label.removeprefix("Payback: ") or "From the first month",
              "amount": money(marker.value, currency)}]
        )  # fmt: skip
        base = alt.Chart(point)
        layers += [
            base.mark_rule(color=charts.GOAL, strokeDash=[3, 3]).encode(x=alt.X("at:T")),
            base.mark_point(size=140, filled=True, color=charts.NET, opacity=1).encode(
                x=alt.X("at:T"),
                y=alt.Y("value:Q"),
                tooltip=[
                    alt.Tooltip("when:N", title="Payback"),
                    alt.Tooltip("amount:N", title="Cumulative cost = savings"),
                ],
            ),
        ]
        if marker.label:
            layers.append(
                base.mark_text(
                    align="right", dx=-10, dy=-14, fontWeight="bold", fontSize=13, color=charts.NET
                ).encode(x=alt.X("at:T"), y=alt.Y("value:Q"), text=alt.Text("label:N"))
            )
    markers = None
    if events is None:
        events = charts.time_events.get()
    if events is not None and not events.empty:
        at_end = events.assign(month=pd.to_datetime(events["month"]) + pd.offsets.MonthEnd(0))
        markers = charts.event_markers(at_end, x="at")
    title = alt.Title(
        cumulative_title(buyer, first_month, currency),
        subtitle="Cumulative from the period's start; the dashed line is gross savings "
        "before the confidence haircut.",
    )
    layered = alt.layer(*layers)
    if markers is not None:
        layered = alt.layer(*layers, markers)
    return charts.style(layered.properties(title=title), height=340)


def monthly_chart(flows: pd.DataFrame, currency: str) -> charts.TopChart:
    """Monthly risk-adjusted savings and cost side by side; the title counts the months
    in which savings exceeded cost."""
    data = monthly_bars_data(flows)
    data["amount"] = _money_column(data, "value", currency)
    data["label"] = [pd.Timestamp(m).strftime("%b %Y") for m in data["month"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonth(month):O",
                title="Month",
                axis=alt.Axis(format="%b %y", labelAngle=-45, labelOverlap=True),
            ),
            xOffset=alt.XOffset("series:N", sort=[SAVINGS, COST]),
            y=alt.Y(
                "value:Q",
                title=f"Amount per month ({currency})",
                axis=alt.Axis(format=charts.money_axis_format(currency)),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[SAVINGS, COST], range=[charts.SAVINGS, charts.COST]),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("amount:N", title="Amount"),
            ],
        )
    )
    chart = alt.layer(chart, *charts.current_markers(ordinal="yearmonth(month):O")).properties(
        title=alt.Title(
            monthly_title(flows), subtitle="Risk-adjusted savings and cost, month by month."
        )
    )
    return charts.style(chart, height=340)


def ranking_chart(ranking: pd.DataFrame, currency: str) -> charts.TopChart:
    """Net value per product, highest first, losses in the cost colour."""
    data = ranking.assign(
        amount=_money_column(ranking, "net_value", currency),
        outcome=["Net gain" if v >= 0 else "Net loss" for v in ranking["net_value"]],
    )
    order = list(data["name"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X(
                "net_value:Q",
                title=f"Net value over the period ({currency})",
                axis=alt.Axis(format=charts.money_axis_format(currency), tickCount=6),
            ),
            color=alt.Color(
                "outcome:N",
                title=None,
                scale=alt.Scale(domain=["Net gain", "Net loss"], range=[charts.NET, charts.COST]),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Product"),
                alt.Tooltip("amount:N", title="Net value"),
                alt.Tooltip("pays_back:N", title="Paid back"),
            ],
        )
    )
    chart = bars.properties(
        title=alt.Title(ranking_title(ranking), subtitle="Risk-adjusted savings minus cost.")
    )
    # A step height: Streamlit's theme squeezes a fixed height's bands to slivers.
    return charts.style(chart, height=alt.Step(34))


def baseline_chart(ledger: pd.DataFrame, currency: str) -> charts.TopChart:
    """Savings per task baseline: gross (light) behind risk-adjusted (solid)."""
    long = pd.concat(
        [
            pd.DataFrame(
                {"action": ledger["action"], "series": GROSS, "value": ledger["gross_savings"]}
            ),
            pd.DataFrame(
                {
                    "action": ledger["action"],
                    "series": SAVINGS,
                    "value": ledger["risk_adjusted_savings"],
                }
            ),
        ],
        ignore_index=True,
    )
    long["amount"] = _money_column(long, "value", currency)
    order = list(ledger.sort_values("risk_adjusted_savings", ascending=False)["action"])
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("action:N", sort=order, title="Task baseline (action)"),
            x=alt.X(
                "value:Q",
                stack=None,
                title=f"Savings over the period ({currency})",
                axis=alt.Axis(format=charts.money_axis_format(currency), tickCount=6),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[GROSS, SAVINGS], range=[charts.GROSS, charts.SAVINGS]),
            ),
            order=alt.Order("series:N", sort="ascending"),
            tooltip=[
                alt.Tooltip("action:N", title="Action"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("amount:N", title="Amount"),
            ],
        )
        .properties(
            title=alt.Title(
                ledger_title(ledger),
                subtitle="Light bars: gross savings; solid bars: after the confidence haircut.",
            )
        )
    )
    return charts.style(chart, height=alt.Step(40))


# ---------------------------------------------------------------- tables


def styled_table(
    frame: pd.DataFrame,
    currency: str,
    *,
    money_columns: Iterable[str] = (),
    percent_columns: Iterable[str] = (),
    months_columns: Iterable[str] = (),
    count_columns: Iterable[str] = (),
    hours_columns: Iterable[str] = (),
    minutes_columns: Iterable[str] = (),
) -> Styler:
    """A frame for st.dataframe: money in the currency with separators, negatives in red
    with a minus sign, fractions as percentages, hours and minutes with their unit.

    Columns that may be undefined (percent, months) become text with an em dash for a
    missing value (a grid would otherwise print 'None'); the others stay numbers, so a
    click on their header still sorts by value.
    """
    out = frame.copy()
    for column in percent_columns:
        out[column] = [percent(_finite(v)) for v in out[column]]
    for column in months_columns:
        out[column] = [months(_finite(v)) for v in out[column]]
    money_columns = list(money_columns)
    formats: dict[str, object] = {}
    for column in money_columns:
        formats[column] = lambda v: money(v, currency)
    for column in count_columns:
        formats[column] = lambda v: number(_finite(v))
    for column in hours_columns:
        formats[column] = lambda v: f"{number(_finite(v))} h"
    for column in minutes_columns:
        formats[column] = lambda v: f"{number(_finite(v), 1)} min"
    styler = out.style.format(formats)
    if money_columns:
        styler = styler.map(
            lambda v: "color: #B33F00;" if _finite(v) is not None and float(v) < 0 else "",
            subset=money_columns,
        )
    return styler
