"""Settings as data: every configuration value the app, the CLI and the tests read.

Each `Setting` is a name, a default (text; "" means unset) and a help text; the README's
"Settings" table lists every one (a unit test compares them). Values are resolved once
per process from the environment, then Streamlit secrets (top-level keys of the same
name, handed in by the dashboard shell: this layer never imports streamlit), then the
default; `current()` returns the resolved `Settings` and the code passes it down.

To add a setting: append one `Setting(...)` line to SETTINGS and one row to the README's
"Settings" table; read it with `current().text(NAME)` (or `.optional`, `.integer`,
`.flag`). An environment variable that starts with VALUEDASH_ but is not registered here
is warned about (a typo would otherwise be silently ignored).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "VALUEDASH_"


@dataclass(frozen=True)
class Setting:
    """One configuration value: its name (an environment variable), default and help."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "", "PostgreSQL URL (`postgresql://user:pass@host/db`); unset: an embedded server under VALUEDASH_DATA_DIR. Also read from Streamlit secrets."),  # noqa: E501
    Setting("DATABASE_READ_URL", "", "Optional read-only URL (e.g. a streaming standby) the pages read from; writes always use DATABASE_URL. Also read from Streamlit secrets."),  # noqa: E501
    Setting("VALUEDASH_DATA_DIR", ".data", "Folder of the embedded PostgreSQL's data when DATABASE_URL is unset."),  # noqa: E501
    Setting("VALUEDASH_DEMO_EVENTS", "1000000", "Usage events of the demo portfolio the app loads on its first embedded start."),  # noqa: E501
    Setting("VALUEDASH_DEBUG", "", "Set to 1 to let the CLI print the full traceback of an unexpected error."),  # noqa: E501
    Setting("VALUEDASH_EDITORS", "", "Comma-separated e-mail addresses allowed to edit when sign-in is configured (`[access] editors` in secrets wins)."),  # noqa: E501
    Setting("VALUEDASH_SMTP_USER", "", "SMTP login for `send` (none: no AUTH)."),
    Setting("VALUEDASH_SMTP_PASSWORD", "", "SMTP password for `send`."),
    Setting("VALUEDASH_SMTP_CA_FILE", "", "PEM file of the certificate authorities `send` trusts for SMTP TLS, instead of the system's (a company CA); the server's certificate and name are always verified."),  # noqa: E501
    Setting("VALUEDASH_MAIL_FROM", "", "Sender address of `send` mail (default: the SMTP user when it is an address, else value-dashboard@localhost)."),  # noqa: E501
    Setting("VALUEDASH_PUBLIC_URL", "", "The dashboard's public address, for links to a review in sent mail and chat messages."),  # noqa: E501
    Setting("VALUEDASH_SCREENSHOTS", "", "Tests: folder for browser-test screenshots (default: a temporary folder)."),  # noqa: E501
    Setting("VALUEDASH_REQUIRE_DEBIAN_PG", "", "Tests: set to 1 so the PostgreSQL 15 tests fail instead of skipping when Debian's server is missing (CI)."),  # noqa: E501
)  # fmt: skip

_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The resolved values, by setting name (text; "" when unset)."""

    values: Mapping[str, str]

    def text(self, name: str) -> str:
        """The value of a registered setting (KeyError for an unregistered name)."""
        if name not in _BY_NAME:
            raise KeyError(f"{name} is not a registered setting (valuemodel.data.settings)")
        return self.values.get(name, _BY_NAME[name].default)

    def optional(self, name: str) -> str | None:
        """The stripped value, or None when it is empty."""
        return self.text(name).strip() or None

    def integer(self, name: str) -> int:
        """The value as a whole number; ValueError naming the setting when it is not one."""
        raw = self.text(name).strip().replace("_", "").replace(",", "")
        try:
            return int(raw or _BY_NAME[name].default)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not {raw!r}") from None

    def flag(self, name: str) -> bool:
        """True for 1, true, yes or on (any case)."""
        return self.text(name).strip().lower() in ("1", "true", "yes", "on")


def unknown_names(environ: Mapping[str, str]) -> list[str]:
    """VALUEDASH_* variables of `environ` that are not registered settings."""
    return sorted(k for k in environ if k.startswith(PREFIX) and k not in _BY_NAME)


def resolve(
    environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
) -> Settings:
    """Every setting from `environ` (default: the process environment), then `secrets`
    (top-level Streamlit secrets), then its default. Warns about unknown VALUEDASH_* keys."""
    env = os.environ if environ is None else environ
    unknown = unknown_names(env)
    if unknown:
        warnings.warn(
            f"unknown setting(s) {', '.join(unknown)}: see the README's Settings table",
            stacklevel=2,
        )
    values: dict[str, str] = {}
    for setting in SETTINGS:
        value = env.get(setting.name, "")
        if not value.strip() and secrets is not None and secrets.get(setting.name):
            value = str(secrets[setting.name])
        values[setting.name] = value if value.strip() else setting.default
    return Settings(values)


_current: Settings | None = None


def current() -> Settings:
    """The process's settings, resolved from the environment on first use."""
    global _current
    if _current is None:
        _current = resolve()
    return _current


def install(settings: Settings) -> None:
    """Use `settings` from now on (the dashboard shell installs them with its secrets)."""
    global _current
    _current = settings


def reset() -> None:
    """Forget the resolved settings (tests that change the environment call this)."""
    global _current
    _current = None
