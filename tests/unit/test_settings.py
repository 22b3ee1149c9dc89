"""Settings are data: every registered setting is documented, resolved in a fixed order."""

from __future__ import annotations

import re
import tomllib
import warnings
from pathlib import Path

import pytest

from valuemodel.data import importer, settings

ROOT = Path(__file__).resolve().parents[2]


def readme_settings() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, re.MULTILINE))


def test_every_setting_is_in_the_readmes_settings_table() -> None:
    missing = {s.name for s in settings.SETTINGS} - readme_settings()
    assert not missing, f"add these to the README's Settings table: {sorted(missing)}"


def test_the_readme_lists_no_setting_that_does_not_exist() -> None:
    assert readme_settings() <= {s.name for s in settings.SETTINGS}


def test_every_setting_read_in_the_code_is_registered() -> None:
    registered = {s.name for s in settings.SETTINGS}
    used: set[str] = set()
    for folder in ("valuemodel", "dashboard", "views", "bench", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == Path(__file__).resolve():
                continue  # this file names a misspelt setting on purpose
            used |= set(
                re.findall(r"\b(VALUEDASH_[A-Z0-9_]+|DATABASE_[A-Z_]*URL)\b", path.read_text())
            )
    used.discard("VALUEDASH_")
    assert used <= registered, sorted(used - registered)


def test_the_environment_wins_over_secrets_and_secrets_over_the_default() -> None:
    resolved = settings.resolve(
        {"DATABASE_URL": "postgresql://env/db"},
        secrets={
            "DATABASE_URL": "postgresql://secret/db",
            "DATABASE_READ_URL": "postgresql://r/db",
        },
    )
    assert resolved.text("DATABASE_URL") == "postgresql://env/db"
    assert resolved.text("DATABASE_READ_URL") == "postgresql://r/db"
    assert resolved.text("VALUEDASH_DATA_DIR") == ".data"
    assert resolved.integer("VALUEDASH_DEMO_EVENTS") == 1_000_000
    assert resolved.optional("VALUEDASH_PUBLIC_URL") is None
    assert not resolved.flag("VALUEDASH_DEBUG")


def test_an_unknown_valuedash_variable_is_warned_about() -> None:
    with pytest.warns(UserWarning, match="VALUEDASH_DEMO_EVENT"):
        settings.resolve({"VALUEDASH_DEMO_EVENT": "10"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        settings.resolve({"VALUEDASH_DEBUG": "1", "HOME": "/"})


def test_an_unregistered_name_and_a_bad_number_are_refused_with_the_name() -> None:
    resolved = settings.resolve({"VALUEDASH_DEMO_EVENTS": "many"})
    with pytest.raises(ValueError, match="VALUEDASH_DEMO_EVENTS"):
        resolved.integer("VALUEDASH_DEMO_EVENTS")
    with pytest.raises(KeyError, match="NOT_A_SETTING"):
        resolved.text("NOT_A_SETTING")


def test_streamlits_upload_cap_is_the_importers() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == importer.MAX_UPLOAD_BYTES
