"""`python -m valuemodel send ...`: deliver a frozen review by e-mail and/or webhook.

The e-mail holds the brief inline as an image, the brief's PDF and the review pack
attached, and "what changed" since the previous review of the same selection as text.
SMTP credentials come from VALUEDASH_SMTP_USER / VALUEDASH_SMTP_PASSWORD, never from
the command line.
"""

from __future__ import annotations

import argparse
import re
import sys

from sqlalchemy.engine import Engine

from valuemodel.core.months import ReportError
from valuemodel.data import delivery, reviews


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser(
        "send",
        help="send a frozen review by e-mail (SMTP) and/or to a chat webhook",
        description="SMTP credentials come from VALUEDASH_SMTP_USER and "
        "VALUEDASH_SMTP_PASSWORD (never the command line); the sender from "
        "VALUEDASH_MAIL_FROM; the review link from VALUEDASH_PUBLIC_URL.",
    )
    which = cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--review", help="the frozen review's name")
    which.add_argument("--latest", action="store_true", help="the newest frozen review")
    cmd.add_argument("--to", help="ADDR[,ADDR...] (with --smtp)")
    cmd.add_argument("--smtp", help="smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] (TLS)")
    cmd.add_argument("--webhook", help="a chat-style incoming webhook URL")
    cmd.set_defaults(func=cmd_send)


def summary_for(engine: Engine, frozen: reviews.FrozenReview) -> str:
    """'What changed' from the previous review of the same selection to this one."""
    from valuemodel.cli.review import compare, when
    from valuemodel.present import review as words

    currency = str(frozen.snapshot.report.get("currency", "USD"))
    selection = frozen.product_id or "the portfolio"
    header = (
        f"Review '{frozen.name}': {selection}, {frozen.period.first} to {frozen.period.last}, "
        f"frozen {when(frozen)}."
    )
    previous_name = reviews.previous_review_name(engine, frozen.name)
    previous = reviews.fetch_review(engine, previous_name) if previous_name else None
    if previous is None:
        return header + "\n\nThis is the first review of this selection."
    changes = compare(previous.snapshot, frozen.snapshot)
    return (
        header
        + "\n\n"
        + words.summary_text(
            changes, currency, review_name=previous.name, review_when=when(previous)
        )
    )


def pack_for(frozen: reviews.FrozenReview) -> bytes:
    from valuemodel.cli.review import when
    from valuemodel.present import pack

    selection = frozen.product_id or "Portfolio"
    return pack.build_pack(
        title=f"Review: {frozen.name}",
        subtitle=f"{selection}, {frozen.period.first} to {frozen.period.last}; "
        f"frozen {when(frozen)}",
        report=frozen.snapshot.report,
        series=frozen.snapshot.series,
        key_results=frozen.snapshot.key_results,
        notes=frozen.snapshot.notes,
        plan=frozen.plan,
    )


def file_stem(name: str) -> str:
    """A file name for the attachments: 'Q4 review!' -> 'review-Q4-review'."""
    return "review-" + (re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:60] or "review")


def cmd_send(args: argparse.Namespace) -> int:
    from valuemodel.cli.review import _engine, review_or_fail
    from valuemodel.present import brief

    if not args.smtp and not args.webhook:
        raise ReportError("say where to send: --smtp URL (with --to) and/or --webhook URL")
    try:
        recipients = delivery.parse_recipients(args.to) if args.smtp else []
        engine = _engine()
        frozen = review_or_fail(engine, args.review, latest=args.latest)
        summary = summary_for(engine, frozen)
        link = delivery.review_link(frozen.name)
        if args.smtp:
            settings = delivery.MailSettings.from_env()
            message = delivery.build_message(
                sender=settings.sender,
                to=recipients,
                subject=f"Value review: {frozen.name} ({frozen.period.first} to "
                f"{frozen.period.last})",
                summary=summary,
                brief_png=brief.render_png(frozen.brief_pdf),
                brief_pdf=frozen.brief_pdf,
                pack_pptx=pack_for(frozen),
                file_stem=file_stem(frozen.name),
                link=link,
            )
            delivery.send_smtp(args.smtp, message, settings)
            print(f"Sent the review {frozen.name!r} to {', '.join(recipients)}.", file=sys.stderr)
        if args.webhook:
            status = delivery.post_webhook(args.webhook, summary, link)
            print(f"Posted the summary to the webhook (HTTP {status}).", file=sys.stderr)
    except delivery.DeliveryError as exc:
        raise ReportError(str(exc)) from None
    return 0
