"""`send` delivers a frozen review to a local SMTP server (aiosmtpd) and a local HTTP
receiver, both on loopback only; the tests check the message's parts."""

from __future__ import annotations

import email
import email.policy
import http.server
import io
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from pptx import Presentation
from sqlalchemy.engine import Engine

from tests.sql.csvdata import write_folder
from tests.sql.test_scenarios_sql import FOLDER
from valuemodel.cli import review as review_cli
from valuemodel.core.months import Period
from valuemodel.data import db
from valuemodel.data.importer import import_folder

PERIOD = Period("2025-10", "2025-12")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    import socket

    with socket.socket() as probe:  # a free loopback port (aiosmtpd cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[list[dict], int]]:
    received: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def frozen_engine(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Two reviews of the portfolio, a cost correction and a note apart (tests only read)."""
    eng = db.create_engine_for(make_database())
    import_folder(eng, write_folder(tmp_path_factory.mktemp("send_csv"), FOLDER))
    review_cli.freeze(eng, name="Q3 review", period=PERIOD, product_id=None, author="ana")
    later = {"costs.csv": ["ci,2025-12,other,5000"], "notes.csv": ["ci,2025-12,cost,Ben,Licences"]}
    import_folder(eng, write_folder(tmp_path_factory.mktemp("later"), later))
    review_cli.freeze(eng, name="Q4 review", period=PERIOD, product_id=None, author="ben")
    yield eng
    eng.dispose()


@pytest.fixture
def send_engine(frozen_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("DATABASE_URL", frozen_engine.url.render_as_string(hide_password=False))
    for name in ("VALUEDASH_SMTP_USER", "VALUEDASH_SMTP_PASSWORD", "VALUEDASH_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VALUEDASH_PUBLIC_URL", "https://value.example.com")
    db.reset_engine()
    yield frozen_engine
    db.reset_engine()


def test_send_delivers_the_brief_inline_the_pdf_and_pack_and_what_changed(
    send_engine: Engine, smtp_server, capsys
) -> None:
    from valuemodel.cli.main import main

    inbox, port = smtp_server
    to = "vp@example.com,pm@example.com"
    assert main(["send", "--latest", "--to", to, "--smtp", f"smtp://127.0.0.1:{port}"]) == 0
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["vp@example.com", "pm@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Value review: Q4 review (2025-10 to 2025-12)"
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "What changed since the review 'Q3 review'" in text
    assert "New note on CI Platform: 2025-12, Cost, Ben: Licences." in text
    assert "https://value.example.com/reviews?review=Q4%20review" in text
    html_part = message.get_body(("html",))
    assert html_part is not None
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    attachments = {p.get_filename(): p for p in message.iter_attachments()}
    assert set(attachments) == {"review-Q4-review.pdf", "review-Q4-review.pptx"}
    assert attachments["review-Q4-review.pdf"].get_content().startswith(b"%PDF")
    deck = Presentation(io.BytesIO(attachments["review-Q4-review.pptx"].get_content()))
    assert len(deck.slides) == 7


def test_send_posts_the_summary_and_a_link_to_a_webhook(send_engine, webhook) -> None:
    from valuemodel.cli.main import main

    received, port = webhook
    url = f"http://127.0.0.1:{port}/hook"
    assert main(["send", "--review", "Q3 review", "--webhook", url]) == 0
    assert len(received) == 1
    text = received[0]["text"]
    assert text.startswith("Review 'Q3 review'") and "first review of this selection" in text
    assert text.endswith("https://value.example.com/reviews?review=Q3%20review")


def test_a_password_is_never_sent_without_encryption(
    send_engine, smtp_server, monkeypatch, capsys
) -> None:
    from valuemodel.cli.main import main

    inbox, port = smtp_server
    monkeypatch.setenv("VALUEDASH_SMTP_USER", "bot@example.com")
    monkeypatch.setenv("VALUEDASH_SMTP_PASSWORD", "s3cret")
    argv = ["send", "--latest", "--to", "vp@example.com", "--smtp", f"smtp://127.0.0.1:{port}"]
    assert main(argv) == 1
    assert "offers no STARTTLS" in capsys.readouterr().err
    assert inbox.messages == []


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--to", "vp@example.com", "--smtp", "smtp://bot:pw@127.0.0.1:25"], "must not hold"),
        (["--to", "not-an-address", "--smtp", "smtp://127.0.0.1:25"], "not an e-mail address"),
        (["--to", "vp@example.com"], "say where to send"),
        (["--webhook", "ftp://127.0.0.1/x"], "http:// or https://"),
    ],
)
def test_send_refuses_bad_input_in_one_line(send_engine, capsys, argv, reason) -> None:
    from valuemodel.cli.main import main

    assert main(["send", "--latest", *argv]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err


def test_no_review_to_send_is_a_clear_message(tmp_path: Path, engine, monkeypatch, capsys) -> None:
    from valuemodel.cli.main import main

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        assert main(["send", "--latest", "--webhook", "http://127.0.0.1:9/x"]) == 1
    finally:
        db.reset_engine()
    assert "no review is frozen yet" in capsys.readouterr().err
