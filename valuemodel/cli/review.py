"""`python -m valuemodel review ...` and the review steps the pages share.

`freeze` stores what a review shows (report, series, key results, notes, plan, brief
PDF); `changes_since` compares today's figures with a frozen review. Both are used by
the command line and the Reviews page, so the two freeze and compare the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from typing import Any

from sqlalchemy.engine import Engine

from valuemodel.core import plan as core_plan
from valuemodel.core import review as core_review
from valuemodel.core.months import Period, ReportError, default_period, parse_period
from valuemodel.data import reviews


def freeze(
    engine: Engine,
    *,
    name: str,
    period: Period,
    product_id: str | None,
    author: str,
    plan_name: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Freeze the selection's review under `name`; returns its id.

    ReportError for an unknown product or plan, ReviewConflict for a taken name.
    """
    from valuemodel.data import assemble, plans
    from valuemodel.data.report import build_report
    from valuemodel.present import brief
    from valuemodel.present.report_json import report_exact_json

    report = report_exact_json(build_report(engine, period, product_id))
    snapshot = reviews.current_snapshot(engine, period, product_id, report)
    plan_json: dict[str, Any] | None = None
    if plan_name:
        stored = plans.fetch_plan(engine, plan_name)
        if stored is None:
            raise ReportError(f"no saved plan named {plan_name[:60]!r}")
        try:
            result = plans.evaluate(
                engine,
                month_to=period.last,
                choices=dict(stored["choices"]),
                horizon=int(stored["horizon"]),
            )
        except core_plan.PlanError as exc:
            raise ReportError(f"the plan {plan_name!r} cannot be evaluated: {exc}") from None
        plan_json = core_plan.plan_json(result, name=plan_name)
    content = brief.compose(
        assemble.brief_inputs(engine, period, product_id),
        today=today or dt.datetime.now(dt.UTC).date(),
    )
    return reviews.save_review(
        engine,
        name=name,
        product_id=product_id,
        period=period,
        snapshot=snapshot,
        plan=plan_json,
        brief_pdf=brief.render_pdf(content),
        author=author,
    )


def changes_since(engine: Engine, frozen: reviews.FrozenReview) -> list[core_review.Change]:
    """Today's figures for the review's own selection and period against the review, at
    full precision."""
    from valuemodel.data.report import build_report
    from valuemodel.present.report_json import report_exact_json

    report = report_exact_json(build_report(engine, frozen.period, frozen.product_id))
    today = reviews.current_snapshot(engine, frozen.period, frozen.product_id, report)
    return compare(frozen.snapshot, today)


def compare(before: reviews.Snapshot, after: reviews.Snapshot) -> list[core_review.Change]:
    """`what_changed` from `before` to `after`: full-precision figures when both reports
    are kept at full precision; both rounded to the JSON contract when either is not (a
    review frozen before reviews kept full precision), so rounding is never a change."""
    from valuemodel.present.report_json import is_exact, rounded

    old, new = before.for_diff(), after.for_diff()
    if not (is_exact(before.report) and is_exact(after.report)):
        old["report"], new["report"] = rounded(before.report), rounded(after.report)
    return core_review.what_changed(old, new)


def report_document(frozen: reviews.FrozenReview) -> dict[str, Any]:
    """The frozen report in the shape `report --format json` prints (rounded at output)."""
    from valuemodel.present.report_json import rounded

    return rounded(frozen.snapshot.report)


def review_or_fail(
    engine: Engine, name: str | None, *, latest: bool = False
) -> reviews.FrozenReview:
    """The named (or newest) frozen review; ReportError saying what exists otherwise."""
    if latest:
        name = reviews.latest_review_name(engine)
        if name is None:
            raise ReportError("no review is frozen yet; `review freeze NAME` makes one")
    found = reviews.fetch_review(engine, name or "")
    if found is None:
        raise ReportError(
            f"no frozen review named {(name or '')[:60]!r}; `python -m valuemodel review list` "
            "lists them"
        )
    return found


def when(frozen: reviews.FrozenReview) -> str:
    """'2026-01-05 09:30 UTC by ana' (plain text)."""
    stamp = frozen.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{stamp} by {frozen.author}" if frozen.author else stamp


# ---------------------------------------------------------------- the command line


def register(sub: argparse._SubParsersAction) -> None:
    """Add `review freeze|list|show|diff`."""
    cmd = sub.add_parser("review", help="freeze a review, list them, show one, or diff today")
    actions = cmd.add_subparsers(dest="review_command", required=True)

    freeze_cmd = actions.add_parser("freeze", help="store a named snapshot of a review")
    freeze_cmd.add_argument("name")
    freeze_cmd.add_argument("--from", dest="month_from", help="first month, YYYY-MM")
    freeze_cmd.add_argument("--to", dest="month_to", help="last month, YYYY-MM")
    freeze_cmd.add_argument("--product", help="one product id (default: the portfolio)")
    freeze_cmd.add_argument("--plan", help="a saved plan to keep with the review")
    freeze_cmd.add_argument("--author", default=None, help="who froze it (default: the login name)")
    freeze_cmd.set_defaults(func=cmd_freeze)

    list_cmd = actions.add_parser("list", help="list frozen reviews, newest first")
    list_cmd.add_argument("--format", choices=("json", "text"), default="text")
    list_cmd.set_defaults(func=cmd_list)

    show = actions.add_parser("show", help="print a frozen review's report as it was")
    show.add_argument("name")
    show.add_argument("--format", choices=("json", "text"), default="text")
    show.set_defaults(func=cmd_show)

    diff = actions.add_parser("diff", help="what changed since a frozen review")
    diff.add_argument("name")
    diff.add_argument("--format", choices=("json", "text"), default="text")
    diff.set_defaults(func=cmd_diff)


def _engine() -> Engine:
    from valuemodel.data import db
    from valuemodel.data.schema import ensure_schema

    engine = db.get_engine()
    ensure_schema(engine)
    return engine


def cmd_freeze(args: argparse.Namespace) -> int:
    import sys

    from valuemodel.data import store

    engine = _engine()
    if args.month_from and args.month_to:
        period = parse_period(args.month_from, args.month_to)
    else:
        default = default_period(store.fetch_data_months(engine), dt.datetime.now(dt.UTC).date())
        period = parse_period(args.month_from or default.first, args.month_to or default.last)
    author = args.author if args.author is not None else os.environ.get("USER", "")
    try:
        freeze(
            engine,
            name=args.name,
            period=period,
            product_id=args.product,
            author=author,
            plan_name=args.plan,
        )
    except ValueError as exc:  # a taken or bad name
        raise ReportError(str(exc)) from None
    print(
        f"Froze the review {args.name.strip()!r} ({period.first} to {period.last}, "
        f"{args.product or 'portfolio'}).",
        file=sys.stderr,
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    frame = reviews.fetch_reviews(_engine())
    rows = [
        {
            "name": r.name,
            "product_id": r.product_id,
            "period": {"from": r.month_from, "to": r.month_to},
            "author": r.author,
            "frozen_at": r.created_at.astimezone(dt.UTC).isoformat(),
            "has_plan": bool(r.has_plan),
            "notes": int(r.notes),
        }
        for r in frame.itertuples()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No review is frozen yet.")
    else:
        for r in rows:
            print(
                f"{r['name'][:40]:<42}{r['period']['from']} to {r['period']['to']}  "
                f"{(r['product_id'] or 'portfolio'):<14}{r['frozen_at'][:16]}  {r['author']}"
            )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    frozen = review_or_fail(_engine(), args.name)
    if args.format == "json":
        print(json.dumps(report_document(frozen), indent=2))
    else:
        from valuemodel.cli.main import render_text
        from valuemodel.present.report_json import report_from_json

        print(f"Review {frozen.name!r}, frozen {when(frozen)}")
        print(render_text(report_from_json(frozen.snapshot.report)))
    return 0


def diff_json(frozen: reviews.FrozenReview, changes: list[core_review.Change]) -> dict[str, Any]:
    """The diff as JSON values: review, frozen_at, changes [{scope, scope_name, figure,
    label, before, after, change}], sentences."""
    from valuemodel.present import review as words

    currency = str(frozen.snapshot.report.get("currency", "USD"))
    return {
        "review": frozen.name,
        "frozen_at": frozen.created_at.astimezone(dt.UTC).isoformat(),
        "period": {"from": frozen.period.first, "to": frozen.period.last},
        "changes": [
            {
                "scope": c.scope,
                "scope_name": c.scope_name,
                "figure": c.figure,
                "label": c.label,
                "before": c.before,
                "after": c.after,
                "change": c.delta,
            }
            for c in changes
        ],
        "sentences": words.sentences(changes, currency),
    }


def cmd_diff(args: argparse.Namespace) -> int:
    from valuemodel.present import review as words

    engine = _engine()
    frozen = review_or_fail(engine, args.name)
    changes = changes_since(engine, frozen)
    if args.format == "json":
        print(json.dumps(diff_json(frozen, changes), indent=2))
    else:
        currency = str(frozen.snapshot.report.get("currency", "USD"))
        print(
            words.summary_text(changes, currency, review_name=frozen.name, review_when=when(frozen))
        )
    return 0
