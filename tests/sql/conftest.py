"""Databases shared by the tests of one module, for tests that only read (or only refuse)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import schema_engine
from tests.sql.csvdata import PORTFOLIO, write_folder
from valuemodel.data import db
from valuemodel.data.importer import import_folder


@pytest.fixture(scope="module")
def shared_engine(make_database: Callable[[], str]) -> Iterator[Engine]:
    """A fresh database with the schema, shared by one module: its tests must not write."""
    yield from schema_engine(make_database)


@pytest.fixture(scope="module")
def portfolio_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made PORTFOLIO fixture written as CSV files."""
    return write_folder(tmp_path_factory.mktemp("portfolio"), PORTFOLIO)


@pytest.fixture(scope="module")
def portfolio_engine(make_database: Callable[[], str], portfolio_folder: Path) -> Iterator[Engine]:
    """A database holding PORTFOLIO, imported through import_folder (tests must not write)."""
    eng = db.create_engine_for(make_database())
    import_folder(eng, portfolio_folder)
    yield eng
    eng.dispose()
