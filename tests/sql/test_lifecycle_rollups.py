"""The lifecycle and cohort rollups give what the per-user queries they replaced gave.

The HEART page used to classify every user-month at read time (the queries below, as
they were). The rollups count the same per product-month at import time; these tests
run both on the demo portfolio, after imports that arrive out of order (a later month
first, then a backfill that turns "new" users of later months into "resurrected" ones)
and after an upsert that moves a user's first month.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.sql.test_rollups import as_json_rows, assert_rollups_match_raw_tables
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder

# The per-user computation the HEART page ran before the rollups (verbatim).
_OLD = re.split(
    r"^-- name: (\w+)\n", (Path(__file__).parent / "per_user_heart.sql").read_text(), flags=re.M
)
OLD = dict(zip(_OLD[1::2], _OLD[2::2], strict=True))
OLD_LIFECYCLE, OLD_COHORTS = OLD["heart_lifecycle"], OLD["heart_cohorts"]


def old_frame(
    engine: Engine, query: str, first: str, last: str, product: str | None
) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(
            sa.text(query),
            {"month_from": f"{first}-01", "month_to": f"{last}-01", "product_id": product},
        )
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def assert_same_as_per_user_queries(engine: Engine, periods: list[tuple[str, str]]) -> int:
    """Both HEART queries equal their per-user versions for every period and product;
    returns how many lifecycle users were compared (so a test can see it was not empty)."""
    with engine.connect() as conn:
        products = [None, *conn.exec_driver_sql("SELECT product_id FROM products").scalars()]
    compared = 0
    for first, last in periods:
        for product in products:
            new = store.fetch_heart_lifecycle(engine, first, last, product)
            old = old_frame(engine, OLD_LIFECYCLE, first, last, product)
            old["month"] = pd.to_datetime(old["month"])
            pd.testing.assert_frame_equal(new, old, check_dtype=False)
            compared += int(old["active_users"].sum() + old["dormant_users"].sum())

            new_c = store.fetch_heart_cohorts(engine, first, last, product)
            old_c = old_frame(engine, OLD_COHORTS, first, last, product)
            old_c["cohort_month"] = pd.to_datetime(old_c["cohort_month"])
            pd.testing.assert_frame_equal(new_c, old_c, check_dtype=False)
    return compared


DEMO_PERIODS = [
    ("2024-01", "2025-12"),  # the demo's whole window
    ("2025-01", "2025-12"),  # the default twelve months
    ("2025-06", "2026-03"),  # past the data: dormant users after the last month, then zeros
    ("2023-06", "2024-03"),  # before the data, into its first months
]


def test_the_demo_gives_what_the_per_user_queries_gave(demo_engine: Engine) -> None:
    assert assert_same_as_per_user_queries(demo_engine, DEMO_PERIODS) > 10_000


def split_events(source: Path, keep: Callable[[str], bool], out: Path) -> Path:
    """A folder with the rows of source/usage_events.csv whose occurred_at passes `keep`
    (and no other file)."""
    out.mkdir(parents=True, exist_ok=True)
    with (
        (source / "usage_events.csv").open(newline="") as f_in,
        (out / "usage_events.csv").open("w", newline="") as f_out,
    ):
        reader = csv.reader(f_in)
        writer = csv.writer(f_out, lineterminator="\n")
        writer.writerow(next(reader))
        writer.writerows(row for row in reader if keep(row[2]))
    return out


@pytest.fixture
def fresh_engine(make_database: Callable[[], str]):  # type: ignore[no-untyped-def]
    eng = db.create_engine_for(make_database())
    yield eng
    eng.dispose()


def test_imports_out_of_order_give_what_the_per_user_queries_gave(
    fresh_engine: Engine,
    demo_csv_dir: Path,
    tmp_path: Path,
    make_database: Callable[[], str],
) -> None:
    everything_but_events = tmp_path / "base"
    everything_but_events.mkdir()
    for path in demo_csv_dir.glob("*.csv"):
        if path.name != "usage_events.csv":
            (everything_but_events / path.name).write_bytes(path.read_bytes())
    import_folder(fresh_engine, everything_but_events)
    # the second year first, then the first year: every user of the first year who comes
    # back in the second turns from new into returning or resurrected there
    import_folder(
        fresh_engine, split_events(demo_csv_dir, lambda at: at >= "2025", tmp_path / "late")
    )
    late = store.fetch_heart_lifecycle(fresh_engine, "2025-01", "2025-12", None)
    assert_same_as_per_user_queries(fresh_engine, DEMO_PERIODS)
    assert_rollups_match_raw_tables(fresh_engine)
    import_folder(
        fresh_engine, split_events(demo_csv_dir, lambda at: at < "2025", tmp_path / "early")
    )
    after = store.fetch_heart_lifecycle(fresh_engine, "2025-01", "2025-12", None)
    assert after["new_users"].sum() < late["new_users"].sum()  # the backfill changed them
    assert_same_as_per_user_queries(fresh_engine, DEMO_PERIODS)
    assert_rollups_match_raw_tables(fresh_engine)

    # and the result is the one of importing everything at once
    whole = db.create_engine_for(make_database())
    try:
        import_folder(whole, everything_but_events)
        import_folder(whole, split_events(demo_csv_dir, lambda _at: True, tmp_path / "all"))
        for table in ("rollup_lifecycle_month", "rollup_cohort_month"):
            query = f"SELECT * FROM {table}"
            assert as_json_rows(fresh_engine, query) == as_json_rows(whole, query), table
    finally:
        whole.dispose()


def test_an_upsert_that_moves_a_first_month_rebuilds_the_later_months(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    from tests.sql.csvdata import write_folder

    base = {
        "products.csv": ["p1,Product One,Team,10,"],
        "surveys.csv": ["p1,a,2025-01-10T10:00:00Z,9"],
        "usage_events.csv": [
            "p1,a,2025-01-10T10:00:00Z,build,true,",
            "p1,a,2025-03-10T10:00:00Z,build,true,",
            "p1,b,2025-02-10T10:00:00Z,build,true,",
            "p1,b,2025-03-10T10:00:00Z,build,true,",
        ],
    }
    import_folder(fresh_engine, write_folder(tmp_path / "base", base))
    # a new event of b in January makes January b's first month: b's February turns
    # from new into returning, and the January cohort grows to two
    import_folder(
        fresh_engine,
        write_folder(tmp_path / "b_jan", {"usage_events.csv": ["p1,b,2025-01-20T10:00Z,view,,"]}),
    )
    assert_rollups_match_raw_tables(fresh_engine)
    assert_same_as_per_user_queries(fresh_engine, [("2025-01", "2025-04")])
    frame = store.fetch_heart_lifecycle(fresh_engine, "2025-01", "2025-04", "p1")
    by_month = frame.set_index(frame["month"].dt.strftime("%Y-%m"))
    assert tuple(by_month.loc["2025-01", ["new_users", "dormant_users"]]) == (2, 0)
    assert tuple(by_month.loc["2025-02", ["returning_users", "dormant_users"]]) == (1, 1)
    assert tuple(by_month.loc["2025-03", ["returning_users", "resurrected_users"]]) == (1, 1)
    assert tuple(by_month.loc["2025-04", ["active_users", "dormant_users"]]) == (0, 2)
