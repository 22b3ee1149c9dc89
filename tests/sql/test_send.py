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


# ---------------------------------------------------------------- STARTTLS and TLS


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway certificate authority and a server certificate it signed for 127.0.0.1:
    (ca.pem, server.pem, server.key)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test mail CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


LOGIN, PASSWORD = "bot@example.com", "s3cret-pw"  # the throwaway test server's login


class Logins:
    """An aiosmtpd authenticator that accepts one login and records every attempt."""

    def __init__(self, user: str, password: str) -> None:
        self.expected = (user.encode(), password.encode())
        self.attempts: list[tuple[str, bytes, bytes, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login,
                auth_data.password,
            )
            == self.expected
        )
        if isinstance(auth_data, LoginPassword):
            self.attempts.append((mechanism, auth_data.login, auth_data.password, ok))
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls_server(tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A loopback SMTP server with a certificate of a throwaway CA, requiring a login over
    TLS: STARTTLS (param "starttls") or TLS from the start ("tls"). Yields (inbox, logins,
    port, ca.pem)."""
    import socket
    import ssl

    ca, cert, key = _certificates(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox, logins = Inbox(), Logins(LOGIN, PASSWORD)
    common = {"auth_required": True, "authenticator": logins}
    if request.param == "starttls":
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, tls_context=context,
            require_starttls=True, **common,
        )  # fmt: skip
    else:
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, ssl_context=context,
            auth_require_tls=False, **common,
        )  # fmt: skip
    controller.start()
    try:
        yield inbox, logins, port, ca
    finally:
        controller.stop()


def _use_settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    from valuemodel.data import settings

    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings.reset()


# aiosmtpd cannot tell that a connection it wrapped in TLS from the start is encrypted.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize(
    ("tls_server", "scheme"), [("starttls", "smtp"), ("tls", "smtps")], indirect=["tls_server"]
)
def test_send_logs_in_and_delivers_over_starttls_and_tls_verifying_the_server(
    send_engine, tls_server, scheme, monkeypatch, capsys
) -> None:
    from valuemodel.cli.main import main

    inbox, logins, port, ca = tls_server
    _use_settings(
        monkeypatch,
        VALUEDASH_SMTP_USER=LOGIN,
        VALUEDASH_SMTP_PASSWORD=PASSWORD,
        VALUEDASH_SMTP_CA_FILE=str(ca),
    )
    argv = ["send", "--latest", "--to", "vp@example.com", "--smtp", f"{scheme}://127.0.0.1:{port}"]
    assert main(argv) == 0, capsys.readouterr().err
    # The credentials came from settings (none is on the command line) and were accepted.
    assert PASSWORD not in " ".join(argv)
    assert [(login, ok) for _, login, _, ok in logins.attempts] == [(LOGIN.encode(), True)]
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert recipients == ["vp@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["From"] == LOGIN
    assert {p.get_filename() for p in message.iter_attachments()} == {
        "review-Q4-review.pdf",
        "review-Q4-review.pptx",
    }


# aiosmtpd cannot tell that a connection it wrapped in TLS from the start is encrypted.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize(
    ("tls_server", "scheme"), [("starttls", "smtp"), ("tls", "smtps")], indirect=["tls_server"]
)
def test_a_server_whose_certificate_is_not_trusted_gets_nothing(
    send_engine, tls_server, scheme, monkeypatch, capsys
) -> None:
    """Without the test CA (the system's authorities only) the server's certificate does not
    verify: the send fails in one line before any login, and nothing is delivered."""
    from valuemodel.cli.main import main

    inbox, logins, port, _ = tls_server
    _use_settings(monkeypatch, VALUEDASH_SMTP_USER=LOGIN, VALUEDASH_SMTP_PASSWORD=PASSWORD)
    monkeypatch.delenv("VALUEDASH_SMTP_CA_FILE", raising=False)
    argv = ["send", "--latest", "--to", "vp@example.com", "--smtp", f"{scheme}://127.0.0.1:{port}"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "CERTIFICATE_VERIFY_FAILED" in err
    assert inbox.messages == [] and logins.attempts == []


def test_an_unreadable_ca_file_is_a_clear_message(
    send_engine, monkeypatch, capsys, tmp_path
) -> None:
    from valuemodel.cli.main import main

    bad = tmp_path / "not-a-ca.pem"
    bad.write_text("hello\n")
    for path in (bad, tmp_path / "missing.pem"):
        _use_settings(monkeypatch, VALUEDASH_SMTP_CA_FILE=str(path))
        argv = ["send", "--latest", "--to", "vp@example.com", "--smtp", "smtps://127.0.0.1:9"]
        assert main(argv) == 1
        err = capsys.readouterr().err.strip()
        assert "VALUEDASH_SMTP_CA_FILE" in err and "Nothing was sent" in err
