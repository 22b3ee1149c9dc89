"""`python -m valuemodel scenario ...` (registered by valuemodel.cli).

Prints a what-if scenario of one product against its no-change baseline: the headline
figures (NPV, ROI, payback, hours saved), their change, the P10/P50/P90 bands of
cumulative net value, the distributions of NPV and payback, and the tornado. Bad input
raises ReportError, which the CLI prints as one line with exit status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re

from valuemodel.core import scenario
from valuemodel.core.months import ReportError, default_period
from valuemodel.present.formats import money, months, percent

MAX_DRAWS = 200_000
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `scenario` subcommand to the CLI's subparsers."""
    names = ", ".join(n for n in scenario.DRIVERS if n != "cut")
    cmd = sub.add_parser(
        "scenario",
        help="model a what-if funding scenario for one product",
        description="Project one product's value under changed drivers against its "
        "no-change baseline (the last three complete months of actuals).",
    )
    cmd.add_argument("--product", required=True, help="the product id")
    cmd.add_argument(
        "--to",
        dest="month_to",
        help="last month of the baseline window, YYYY-MM (default: last complete month of data)",
    )
    cmd.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="DRIVER=VALUE",
        help=f"change a driver (repeatable); fractions as 0.42. Drivers: {names}",
    )
    cmd.add_argument("--cut", action="store_true", help="model cutting the product")
    cmd.add_argument(
        "--draws", type=int, default=scenario.DEFAULT_DRAWS, help="draws for the bands"
    )
    cmd.add_argument("--seed", type=int, default=scenario.DEFAULT_SEED, help="random seed")
    cmd.add_argument("--format", choices=("json", "text"), default="text")
    cmd.set_defaults(func=cmd_scenario)


def parse_assignments(items: list[str]) -> dict[str, str]:
    """['team_fte=6', ...] -> {'team_fte': '6'}; ReportError for a malformed item."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ReportError(f"--set {item[:60]!r} is not DRIVER=VALUE (e.g. --set team_fte=6)")
        if name.strip() in values:
            raise ReportError(f"--set names {name.strip()!r} twice")
        values[name.strip()] = value.strip()
    return values


def cmd_scenario(args: argparse.Namespace) -> int:
    from valuemodel.data import db, store
    from valuemodel.data.schema import ensure_schema

    if not 1 <= args.draws <= MAX_DRAWS:
        raise ReportError(f"--draws must be between 1 and {MAX_DRAWS:,}")
    values = parse_assignments(args.assignments)
    engine = db.get_engine()
    ensure_schema(engine)
    if args.month_to:
        if not _MONTH.match(args.month_to):
            raise ReportError(f"--to {args.month_to[:20]!r} is not a month; write it as YYYY-MM")
        month_to = args.month_to
    else:
        month_to = default_period(
            store.fetch_data_months(engine), dt.datetime.now(dt.UTC).date()
        ).last
    try:
        baseline = store.fetch_scenario_baseline(engine, args.product, month_to)
    except LookupError:
        raise ReportError(
            f"unknown product {args.product[:60]!r}; `python -m valuemodel report` lists them"
        ) from None
    if args.cut:
        values["cut"] = "true"
    try:
        drivers = scenario.drivers_from_mapping(
            scenario.baseline_drivers(baseline), values, baseline=baseline
        )
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    evaluation = scenario.evaluate(baseline, drivers, draws=args.draws, seed=args.seed)
    result = as_json(evaluation)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(render_text(result))
    return 0


def _r(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _headline(headline: scenario.Headline) -> dict[str, float | None]:
    return {
        "npv": _r(headline.npv, 2),
        "roi": _r(headline.roi, 4),
        "payback_months": _r(headline.payback_months, 2),
        "pv_benefits": _r(headline.pv_benefits, 2),
        "pv_costs": _r(headline.pv_costs, 2),
        "hours_saved": _r(headline.hours_saved, 2),
        "risk_adjusted_savings": _r(headline.risk_adjusted_savings, 2),
        "cost": _r(headline.cost, 2),
        "net_value": _r(headline.net_value, 2),
    }


def as_json(evaluation: scenario.Evaluation) -> dict[str, object]:
    """The scenario result as plain JSON values (money to cents, fractions to 4 digits)."""
    baseline = evaluation.baseline
    drivers = evaluation.scenario.drivers
    uncertainty = evaluation.uncertainty
    npv = uncertainty.npv_percentiles()
    payback = uncertainty.payback_percentiles()
    deltas = evaluation.deltas
    bands = uncertainty.bands
    return {
        "product_id": baseline.product_id,
        "name": baseline.product_name,
        "currency": baseline.currency,
        "baseline": {
            "months": list(baseline.months),
            "usage_months": baseline.usage_months,
            "eligible_users": baseline.eligible_users,
            "active_users": _r(baseline.active_users, 2),
            "adoption": _r(baseline.adoption, 4),
            "tasks_per_user": _r(baseline.tasks_per_user, 4),
            "success_rate": _r(baseline.success_rate, 4),
            "minutes_saved": _r(baseline.minutes_saved, 4),
            "confidence": _r(baseline.confidence, 4),
            "churn": _r(baseline.churn, 4),
            "monthly_cost": {
                "headcount": _r(baseline.headcount, 2),
                "infrastructure_and_licenses": _r(baseline.infrastructure, 2),
                "other": _r(baseline.other, 2),
            },
            "monthly_hours_saved": _r(baseline.hours_saved, 2),
            "monthly_risk_adjusted_savings": _r(baseline.risk_adjusted_savings, 2),
        },
        "drivers": {
            name: (value if isinstance(value, bool | int) else _r(value, 6))
            for name, value in drivers.as_dict().items()
        },
        "cut": drivers.cut,
        "horizon_months": drivers.horizon_months,
        "scenario": _headline(evaluation.scenario.headline),
        "baseline_projection": _headline(evaluation.reference.headline),
        "delta": {
            "npv": _r(deltas["npv"], 2),
            "roi": _r(deltas["roi"], 4),
            "payback_months": _r(deltas["payback_months"], 2),
            "hours_saved": _r(deltas["hours_saved"], 2),
        },
        "bands": {
            "months": bands["month"].tolist(),
            "p10": [_r(v, 2) for v in bands["p10"]],
            "p50": [_r(v, 2) for v in bands["p50"]],
            "p90": [_r(v, 2) for v in bands["p90"]],
        },
        "npv_distribution": {
            "p10": _r(npv["p10"], 2),
            "p50": _r(npv["p50"], 2),
            "p90": _r(npv["p90"], 2),
            "mean": _r(npv["mean"], 2),
            "probability_negative": _r(uncertainty.probability_negative_npv, 4),
        },
        "payback_distribution": {
            "p10": _r(payback["p10"], 2),
            "p50": _r(payback["p50"], 2),
            "p90": _r(payback["p90"], 2),
            "share_not_paid_back": _r(uncertainty.share_not_paid_back, 4),
        },
        "sensitivity": [
            {
                "driver": row.driver,
                "low": _r(row.low_value, 6),
                "high": _r(row.high_value, 6),
                "npv_low": _r(row.npv_low, 2),
                "npv_high": _r(row.npv_high, 2),
                "swing": _r(row.swing, 2),
            }
            for row in evaluation.tornado.itertuples()
        ],
        "draws": uncertainty.draws,
        "seed": uncertainty.seed,
    }


def _points(change: float | None) -> str:
    """A change of a ratio in percentage points: 0.05 -> '+5 pts'."""
    return "—" if change is None else f"{change * 100:+,.0f} pts"


def render_text(result: dict) -> str:
    """The scenario as a few readable lines."""
    cur = result["currency"]
    s, b, d = result["scenario"], result["baseline_projection"], result["delta"]
    horizon = result["horizon_months"]
    title = "Cut it" if result["cut"] else "Scenario"
    window = result["baseline"]["months"]
    lines = [
        f"{title}: {result['name']} over {horizon} months "
        f"(baseline {window[0]} to {window[-1]}, {cur})",
        "",
        f"{'':<24}{'scenario':>16}{'baseline':>16}{'change':>16}",
        f"{'NPV':<24}{money(s['npv'], cur):>16}{money(b['npv'], cur):>16}"
        f"{money(d['npv'], cur):>16}",
        f"{'ROI':<24}{percent(s['roi'], 0):>16}{percent(b['roi'], 0):>16}{_points(d['roi']):>16}",
        f"{'Payback':<24}{months(s['payback_months']):>16}{months(b['payback_months']):>16}"
        f"{months(d['payback_months']):>16}",
        f"{'Hours saved':<24}{s['hours_saved']:>16,.0f}{b['hours_saved']:>16,.0f}"
        f"{d['hours_saved']:>16,.0f}",
        "",
        f"NPV P10 {money(result['npv_distribution']['p10'], cur)}, "
        f"P50 {money(result['npv_distribution']['p50'], cur)}, "
        f"P90 {money(result['npv_distribution']['p90'], cur)} "
        f"({result['draws']:,} draws, seed {result['seed']}); "
        f"{percent(result['payback_distribution']['share_not_paid_back'], 0)} "
        "of draws do not pay back.",
    ]
    if result["sensitivity"]:
        top = result["sensitivity"][0]
        lines.append(
            f"Most sensitive driver: {scenario.DRIVERS[top['driver']].label} "
            f"(NPV swing {money(top['swing'], cur)})."
        )
    return "\n".join(lines)
