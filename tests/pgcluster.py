"""Debian's PostgreSQL 15 for the tests of tests/pg15 (see bench/pg15.py for the servers).

CI installs the packages (.ci/run) and sets VALUEDASH_REQUIRE_DEBIAN_PG=1, so a missing
server fails there instead of skipping.
"""

from __future__ import annotations

import os

import pytest

from bench.pg15 import Cluster, available, make_root, remove_root, wait_for_replay

__all__ = ["Cluster", "make_root", "remove_root", "require_debian_pg", "wait_for_replay"]


def require_debian_pg(extension: str | None = None) -> None:
    """Skip (or, with VALUEDASH_REQUIRE_DEBIAN_PG set, fail) without Debian's server."""
    missing = available(extension)
    if missing is None:
        return
    if os.environ.get("VALUEDASH_REQUIRE_DEBIAN_PG"):
        pytest.fail(missing + " (VALUEDASH_REQUIRE_DEBIAN_PG is set: .ci/run installs it)")
    pytest.skip(missing + "; .ci/run installs it")
