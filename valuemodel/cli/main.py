"""The command line: parse arguments, call the core, print. Failures are one line.

Exit status: 0 success, 1 refused input or a request that cannot be answered,
2 the database is unreachable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy.exc

from valuemodel.core.contract import DEMO_SOURCE, SEGMENT_ATTRIBUTES
from valuemodel.core.months import ReportError, default_period, parse_period
from valuemodel.core.report import Buyer, Report, User
from valuemodel.data import assemble, db
from valuemodel.data import settings as config
from valuemodel.data.importer import ImportRefused, delete_product, import_folder, refresh_all
from valuemodel.data.report import build_report
from valuemodel.data.schema import ensure_schema, latest_version
from valuemodel.present import releases as release_text
from valuemodel.present import report_json
from valuemodel.present.formats import money, months, nps, number, percent


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_init(args: argparse.Namespace) -> int:
    applied = ensure_schema(db.get_engine())
    if applied:
        _say(f"Schema upgraded to version {latest_version()} (applied {applied}).")
    else:
        _say(f"Schema is up to date (version {latest_version()}).")
    return 0


def cmd_roles(args: argparse.Namespace) -> int:
    from valuemodel.data import queries

    engine = db.get_engine()
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(queries.sql("create_roles"))
    _say(
        "Roles ready: valuedash_reader (view) and valuedash_writer (import, assumptions, "
        "scenarios). Grant them to login users, e.g. GRANT valuedash_reader TO alice;"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from valuemodel.demo.portfolio import REFERENCE_EVENTS, events_for_people, write_demo_csv

    events = args.events
    if events is None:
        events = REFERENCE_EVENTS if args.people is None else events_for_people(args.people)
    engine = db.get_engine()
    ensure_schema(engine)
    with tempfile.TemporaryDirectory(prefix="valuedash-demo-") as scratch:
        folder = Path(args.out) if args.out else Path(scratch)
        try:
            write_demo_csv(
                folder,
                events=events,
                end_month=args.end_month,
                people=args.people,
                progress=_say,
            )
        except ValueError as exc:
            raise ReportError(str(exc)) from exc
        result = import_folder(engine, folder, progress=_say, source=DEMO_SOURCE)
    _say(
        f"Loaded the demo portfolio: {result.total_rows:,} rows "
        f"({result.rows.get('usage_events.csv', 0):,} events) in {result.seconds:.1f} s."
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    result = import_folder(
        db.get_engine(), Path(args.folder), progress=_say, replace_months=args.replace_months
    )
    for name, rows in result.rows.items():
        _say(f"  {name}: {rows:,} rows")
    _say(
        f"Imported {result.total_rows:,} rows; rebuilt rollups for "
        f"{result.touched_months:,} product-months in {result.seconds:.1f} s."
    )
    return 0


def cmd_delete_product(args: argparse.Namespace) -> int:
    if not args.yes:
        raise ReportError(
            f"delete-product removes {args.product_id!r} and every row that names it "
            "(events, surveys, costs, goals, links, scenarios, rollups); add --yes to do it"
        )
    try:
        deleted = delete_product(db.get_engine(), args.product_id, progress=_say)
    except LookupError as exc:
        raise ReportError(str(exc.args[0])) from None
    rows = sum(deleted.values())
    detail = ", ".join(f"{table} {n:,}" for table, n in sorted(deleted.items()) if n)
    _say(f"Deleted product {args.product_id!r}: {rows:,} rows ({detail}).")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    count = refresh_all(db.get_engine())
    _say(f"Rebuilt rollups for {count:,} product-months.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from valuemodel.data import store

    ensure_schema(db.get_engine())
    engine = db.get_read_engine()  # DATABASE_READ_URL (a replica) when set
    if args.month_from and args.month_to:
        period = parse_period(args.month_from, args.month_to)
    else:
        default = default_period(store.fetch_data_months(engine), dt.datetime.now(dt.UTC).date())
        period = parse_period(args.month_from or default.first, args.month_to or default.last)
    if args.segment is not None and args.segment not in SEGMENT_ATTRIBUTES:
        raise ReportError(
            f"--segment must be one of {', '.join(SEGMENT_ATTRIBUTES)} (got {args.segment[:40]!r})"
        )
    report = build_report(engine, period, args.product, segment_attribute=args.segment)
    if args.format == "json":
        print(report_json.dumps(report))
    else:
        print(render_text(report))
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from valuemodel.present import brief

    ensure_schema(db.get_engine())
    engine = db.get_read_engine()  # DATABASE_READ_URL (a replica) when set
    period = parse_period(args.month_from, args.month_to)
    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".png"):
        raise ReportError(f"--out {out} must end in .pdf or .png")
    if not out.parent.exists():
        raise ReportError(f"--out: the folder {out.parent} does not exist")
    content = brief.compose(
        assemble.brief_inputs(engine, period, args.product),
        today=dt.datetime.now(dt.UTC).date(),
    )
    pdf = brief.render_pdf(content)
    out.write_bytes(pdf if out.suffix.lower() == ".pdf" else brief.render_png(pdf))
    _say(f"Wrote {out} ({out.stat().st_size // 1024:,} KB).")
    return 0


def render_text(report: Report) -> str:
    """The report as a readable table."""
    currency = report.currency
    period = report.period
    header = (
        f"{'Product':<22} {'Cost':>13} {'Risk-adj. savings':>18} {'Net value':>13} "
        f"{'ROI':>8} {'Payback':>12} {'Adoption':>9} {'Retention':>9} {'Success':>8} "
        f"{'NPS':>5} {'HEART':>6}"
    )
    lines = [f"Value report {period.first} to {period.last} ({currency})", "", header]
    lines.append("-" * len(header))

    def row(name: str, buyer: Buyer, user: User | None) -> str:
        return (
            f"{name[:22]:<22} {money(buyer.cost, currency):>13} "
            f"{money(buyer.risk_adjusted_savings, currency):>18} "
            f"{money(buyer.net_value, currency):>13} {percent(buyer.roi, 0):>8} "
            f"{months(buyer.payback_months):>12} "
            f"{percent(user.adoption if user else None, 0):>9} "
            f"{percent(user.retention if user else None, 0):>9} "
            f"{percent(user.task_success if user else None, 0):>8} "
            f"{nps(user.happiness if user else None):>5} "
            f"{number(user.heart_index if user else None):>6}"
        )

    for product in report.products:
        lines.append(row(product.name, product.buyer, product.user))
    lines.append("-" * len(header))
    lines.append(row("Portfolio", report.portfolio.buyer, None))
    lines.append("")
    lines.append(
        "Savings are risk-adjusted (hours saved x loaded hourly cost x confidence); "
        "HEART values are those of the period's last month."
    )
    released = [(p.name, p.releases) for p in report.products if p.releases]
    if released:
        lines += ["", "Releases in the period (level change of each metric, 90% interval):"]
        for name, own in released:
            lines += [f"  {name}"] + [f"    {release_text.summary_line(r)}" for r in own]
        for warning in release_text.hurt_backstops(released):
            lines.append(f"  Warning: {warning}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m valuemodel",
        description="Value dashboard: schema, demo data, CSV import and reports. "
        "Uses DATABASE_URL, or an embedded PostgreSQL under .data/ when it is unset.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create or upgrade the schema").set_defaults(func=cmd_init)
    sub.add_parser(
        "roles", help="create the read-only and writer database roles (sql/roles.sql)"
    ).set_defaults(func=cmd_roles)

    demo = sub.add_parser("demo", help="generate the demo portfolio and import it")
    demo.add_argument(
        "--events",
        type=int,
        default=None,
        help="usage events (default 1,000,000; with --people, 300 per person)",
    )
    demo.add_argument(
        "--people",
        type=int,
        default=None,
        help="employees in the directory (default 5,000 or fewer to fit --events); "
        "eligible users of every product scale with it",
    )
    demo.add_argument(
        "--end-month", help="last month of the demo data (YYYY-MM); default: last complete month"
    )
    demo.add_argument("--out", help="keep the generated CSV files in this folder")
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import", help="validate and import a folder of CSV files")
    imp.add_argument("folder")
    imp.add_argument(
        "--replace-months",
        action="store_true",
        help="make the folder the truth for the product-months it covers: stored events, "
        "survey responses and cost rows of those months are deleted before loading",
    )
    imp.set_defaults(func=cmd_import)

    delete = sub.add_parser(
        "delete-product", help="remove a product and everything that hangs on it"
    )
    delete.add_argument("product_id")
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.set_defaults(func=cmd_delete_product)

    sub.add_parser("refresh", help="rebuild every rollup from the raw tables").set_defaults(
        func=cmd_refresh
    )

    rep = sub.add_parser("report", help="print buyer and user figures for a period")
    rep.add_argument(
        "--from", dest="month_from", help="first month, YYYY-MM (default: 12 months back)"
    )
    rep.add_argument(
        "--to", dest="month_to", help="last month, YYYY-MM (default: last complete month of data)"
    )
    rep.add_argument("--product", help="one product id (default: every product)")
    rep.add_argument("--format", choices=("json", "text"), default="text")
    rep.add_argument(
        "--segment",
        metavar="ATTRIBUTE",
        help="add adoption and opportunity by org, team, job_family or location",
    )
    rep.set_defaults(func=cmd_report)

    brief = sub.add_parser("brief", help="write the one-page brief as PDF (or PNG)")
    brief.add_argument("--product", help="one product id (default: the whole portfolio)")
    brief.add_argument("--from", dest="month_from", required=True, help="first month, YYYY-MM")
    brief.add_argument("--to", dest="month_to", required=True, help="last month, YYYY-MM")
    brief.add_argument("--out", required=True, help="FILE.pdf (or FILE.png)")
    brief.set_defaults(func=cmd_brief)

    from valuemodel.cli import scenario as scenario_cli

    scenario_cli.register(sub)
    from valuemodel.cli import plan as plan_cli

    plan_cli.register(sub)
    from valuemodel.cli import review as review_cli

    review_cli.register(sub)
    from valuemodel.cli import send as send_cli

    send_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config.install(config.resolve())  # once per command, from the environment
    try:
        return int(args.func(args))
    except ImportRefused as refused:
        for line in refused.lines:
            print(line, file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except db.DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as exc:
        url = config.current().optional("DATABASE_URL")
        print(f"error: {db.explain_operational_error(exc, url)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written by the unfinished step", file=sys.stderr)
        return 130
    except Exception as exc:
        orig = getattr(exc, "orig", None)
        if getattr(orig, "sqlstate", None) == "42501":
            detail = str(orig).splitlines()[0]
            print(
                f"error: this database role may not write ({detail}); connect with a writer "
                "role (see `python -m valuemodel roles`). Nothing was written.",
                file=sys.stderr,
            )
            return 1
        if config.current().flag("VALUEDASH_DEBUG"):
            raise
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"error: unexpected {type(exc).__name__}: {first_line} "
            "(set VALUEDASH_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
