"""`python -m valuemodel plan ...` (registered by valuemodel.cli).

Composes the portfolio plan: every product as today unless `--set PRODUCT=CHOICE` picks
`as-today`, `cut` or one of its saved scenarios; prints the portfolio's NPV, ROI,
payback, bands and each product's contribution; `--save NAME` stores the picks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from valuemodel.core import plan, scenario
from valuemodel.core.months import ReportError, default_period
from valuemodel.present.formats import money, months, percent

MAX_DRAWS = 50_000


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `plan` subcommand."""
    cmd = sub.add_parser(
        "plan",
        help="plan the whole portfolio: as today, a saved scenario or cut, per product",
        description="Compose every product's choice into the portfolio's monthly cost, NPV, "
        "ROI and payback against everything as today, with P10/P50/P90 bands.",
    )
    cmd.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="PRODUCT=CHOICE",
        help="a product's pick: as-today, cut or the name of one of its saved scenarios "
        "(repeatable; products not named stay as today)",
    )
    cmd.add_argument("--plan", dest="load", help="start from a saved plan's picks")
    cmd.add_argument("--save", help="store the picks as a plan under this name")
    cmd.add_argument("--overwrite", action="store_true", help="with --save: replace a plan")
    cmd.add_argument("--author", default="", help="with --save: who made the plan")
    cmd.add_argument(
        "--to",
        dest="month_to",
        help="last month of the baseline window, YYYY-MM (default: last complete month of data)",
    )
    cmd.add_argument(
        "--horizon", type=int, default=scenario.DEFAULT_HORIZON, help="months (default 36)"
    )
    cmd.add_argument("--draws", type=int, default=2_000, help="draws for the bands")
    cmd.add_argument("--seed", type=int, default=scenario.DEFAULT_SEED, help="random seed")
    cmd.add_argument("--format", choices=("json", "text"), default="text")
    cmd.set_defaults(func=cmd_plan)


def parse_choices(items: list[str]) -> dict[str, str]:
    """['ci=cut', ...] -> {'ci': 'cut'}; ReportError for a malformed or repeated item."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ReportError(
                f"--set {item[:60]!r} is not PRODUCT=CHOICE (e.g. --set ci=cut or "
                "--set ci=as-today or --set ci='Two more engineers')"
            )
        if name.strip() in values:
            raise ReportError(f"--set names {name.strip()!r} twice")
        values[name.strip()] = value.strip()
    return values


def cmd_plan(args: argparse.Namespace) -> int:
    from valuemodel.data import db, plans, store
    from valuemodel.data.schema import ensure_schema

    if not 1 <= args.draws <= MAX_DRAWS:
        raise ReportError(f"--draws must be between 1 and {MAX_DRAWS:,}")
    engine = db.get_engine()
    ensure_schema(engine)
    choices: dict[str, str] = {}
    horizon = args.horizon
    if args.load:
        stored = plans.fetch_plan(engine, args.load)
        if stored is None:
            raise ReportError(f"no saved plan named {args.load[:60]!r}; `plan --format text` lists")
        choices.update(dict(stored["choices"]))
        horizon = int(stored["horizon"])
    choices.update(parse_choices(args.assignments))
    month_to = (
        args.month_to
        or default_period(store.fetch_data_months(engine), dt.datetime.now(dt.UTC).date()).last
    )
    try:
        result = plans.evaluate(
            engine,
            month_to=month_to,
            choices=choices,
            horizon=horizon,
            draws=args.draws,
            seed=args.seed,
        )
        if args.save:
            plans.save_plan(
                engine,
                name=args.save,
                author=args.author,
                choices={c.product_id: c.choice for c in result.choices.values()},
                horizon=horizon,
                overwrite=args.overwrite,
            )
    except (plan.PlanError, plans.PlanConflict, ValueError) as exc:
        raise ReportError(str(exc)) from None
    out = plan.plan_json(result, name=args.save or args.load)
    if args.format == "json":
        print(json.dumps(out, indent=2))
    else:
        print(render_text(out))
    if args.save:
        import sys

        print(f"Saved the plan {args.save.strip()!r}.", file=sys.stderr)
    return 0


def render_text(out: dict) -> str:
    """The plan as a few readable lines and a table of products."""
    cur = out["currency"]
    bands = out["bands"]["npv"]
    lines = [
        f"Portfolio plan{' ' + repr(out['name']) if out['name'] else ''} over "
        f"{out['horizon_months']} months ({cur})",
        "",
        f"NPV {money(out['npv'], cur)} (as today {money(out['npv_today'], cur)}); "
        f"ROI {percent(out['roi'], 0)}; payback {months(out['payback_months'])}",
        f"NPV P10 {money(bands['p10'], cur)}, P50 {money(bands['p50'], cur)}, "
        f"P90 {money(bands['p90'], cur)} ({out['draws']:,} draws summed across products)",
        "",
        f"{'Product':<24}{'Choice':<26}{'NPV':>14}{'Change':>14}{'Cost/month':>14}",
    ]
    for p in out["products"]:
        lines.append(
            f"{p['name'][:23]:<24}{p['choice'][:25]:<26}{money(p['npv'], cur):>14}"
            f"{money(p['npv_change'], cur):>14}{money(p['monthly_cost'], cur):>14}"
        )
    return "\n".join(lines)
