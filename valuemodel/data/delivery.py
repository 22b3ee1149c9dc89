"""Deliver a review: an e-mail over SMTP (STARTTLS or TLS) and a chat-style webhook.

Credentials come from settings (VALUEDASH_SMTP_USER, VALUEDASH_SMTP_PASSWORD), never
from a URL or the command line; a password is never sent over a connection that is not
encrypted. TLS always verifies the server's certificate and name, against the system's
certificate authorities or the ones of VALUEDASH_SMTP_CA_FILE (a company CA). The message
is built from bytes the caller made (brief PNG and PDF, pack).
"""

from __future__ import annotations

import html
import json
import smtplib
import ssl
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import cast

from valuemodel.data import settings as config

PPTX_TYPE = ("application", "vnd.openxmlformats-officedocument.presentationml.presentation")
TIMEOUT_SECONDS = 30


class DeliveryError(RuntimeError):
    """Delivery failed or was refused before anything was sent; the message says why."""


@dataclass(frozen=True)
class MailSettings:
    """user/password for SMTP AUTH (None: no login), sender address, and the PEM file of
    the certificate authorities TLS trusts instead of the system's (None: the system's)."""

    user: str | None
    password: str | None
    sender: str
    ca_file: str | None = None

    @classmethod
    def from_env(cls) -> MailSettings:
        values = config.current()
        user = values.optional("VALUEDASH_SMTP_USER")
        password = values.text("VALUEDASH_SMTP_PASSWORD") or None
        sender = values.optional("VALUEDASH_MAIL_FROM") or (
            user if user and "@" in user else "value-dashboard@localhost"
        )
        ca_file = values.optional("VALUEDASH_SMTP_CA_FILE")
        return cls(user=user, password=password, sender=sender, ca_file=ca_file)

    def tls_context(self) -> ssl.SSLContext:
        """A client context that verifies the server's certificate and host name (the
        system's authorities, or only those of `ca_file`); DeliveryError for a bad file."""
        if self.ca_file is None:
            return ssl.create_default_context()
        try:
            return ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryError(
                f"VALUEDASH_SMTP_CA_FILE {self.ca_file[:120]!r} is not a readable PEM file of "
                f"certificates ({exc.__class__.__name__}). Nothing was sent."
            ) from None


def parse_recipients(text: str) -> list[str]:
    """'a@x.com, b@y.org' -> ['a@x.com', 'b@y.org']; DeliveryError for a bad address."""
    found = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not found:
        raise DeliveryError("--to names no address; write --to ana@example.com,ben@example.com")
    for address in found:
        local, at, domain = address.partition("@")
        if (
            not at
            or not local
            or ("." not in domain and domain != "localhost")
            or any(c in address for c in " <>\r\n\"'")
        ):
            raise DeliveryError(f"{address[:80]!r} is not an e-mail address")
    return found


def build_message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    summary: str,
    brief_png: bytes,
    brief_pdf: bytes,
    pack_pptx: bytes,
    file_stem: str,
    link: str | None = None,
) -> EmailMessage:
    """The e-mail: text and HTML bodies (the summary, the brief inline as an image), the
    brief's PDF and the pack attached. The summary is escaped into the HTML, never markup."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    text = summary + (f"\n\nOpen the review: {link}" if link else "")
    message.set_content(text)
    cid = make_msgid(domain="value-dashboard")
    link_html = (
        f'<p><a href="{html.escape(link, quote=True)}">Open the review</a></p>' if link else ""
    )
    message.add_alternative(
        "<html><body>"
        f'<pre style="font-family: sans-serif; white-space: pre-wrap">{html.escape(summary)}</pre>'
        f"{link_html}"
        f'<img src="cid:{cid[1:-1]}" alt="The one-page brief" style="max-width: 100%">'
        "</body></html>",
        subtype="html",
    )
    # A multipart message's payload is its parts (EmailMessage under the default policy).
    html_part = cast(list[EmailMessage], message.get_payload())[1]
    html_part.add_related(brief_png, "image", "png", cid=cid, filename=f"{file_stem}.png")
    message.add_attachment(brief_pdf, "application", "pdf", filename=f"{file_stem}.pdf")
    message.add_attachment(pack_pptx, *PPTX_TYPE, filename=f"{file_stem}.pptx")
    return message


def _smtp_target(url: str) -> tuple[str, str, int]:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("smtp", "smtps"):
        raise DeliveryError("--smtp must be smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]")
    if parsed.username or parsed.password:
        raise DeliveryError(
            "--smtp must not hold credentials: set VALUEDASH_SMTP_USER and "
            "VALUEDASH_SMTP_PASSWORD instead"
        )
    if not parsed.hostname:
        raise DeliveryError("--smtp names no host")
    try:
        port = parsed.port or (465 if parsed.scheme == "smtps" else 587)
    except ValueError:
        raise DeliveryError("--smtp has a bad port") from None
    return parsed.scheme, parsed.hostname, port


def send_smtp(url: str, message: EmailMessage, settings: MailSettings) -> None:
    """Send over smtps:// (TLS from the start) or smtp:// (STARTTLS when the server offers
    it; required before a login), verifying the server's certificate (`settings.tls_context`).
    DeliveryError says what failed."""
    scheme, host, port = _smtp_target(url)
    context = settings.tls_context()
    try:
        if scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            encrypted = scheme == "smtps"
            if not encrypted and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
                encrypted = True
            if settings.user:
                if not encrypted:
                    raise DeliveryError(
                        f"{host}:{port} offers no STARTTLS, so the password would travel in "
                        "clear; use smtps:// or a server with STARTTLS. Nothing was sent."
                    )
                client.login(settings.user, settings.password or "")
            client.send_message(message)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(
            "the SMTP server refused the login; check VALUEDASH_SMTP_USER and "
            "VALUEDASH_SMTP_PASSWORD"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"sending through {host}:{port} failed: {exc}") from None


def post_webhook(url: str, text: str, link: str | None = None) -> int:
    """POST {"text": ...} (Slack, Teams and Google Chat incoming webhooks read it) with the
    link appended; returns the HTTP status. DeliveryError on failure."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise DeliveryError("--webhook must be an http:// or https:// URL")
    body = json.dumps({"text": text + (f"\n\nOpen the review: {link}" if link else "")})
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the webhook answered {exc.code} {exc.reason}") from None
    except OSError as exc:
        raise DeliveryError(f"posting to the webhook failed: {exc}") from None


def review_link(name: str) -> str | None:
    """The Reviews page's link to a review, from VALUEDASH_PUBLIC_URL (None when unset)."""
    base = config.current().text("VALUEDASH_PUBLIC_URL").strip().rstrip("/")
    if not base:
        return None
    return f"{base}/reviews?review={urllib.parse.quote(name)}"
