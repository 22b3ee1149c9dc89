"""The rollup tables equal a direct aggregation of the raw events, however they were built."""

from __future__ import annotations

import random
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.sql.csvdata import snapshot, write_folder
from valuemodel.data.importer import import_folder, refresh_all

# Each rollup, and the same figures aggregated straight from the raw tables, with the
# columns in the rollup table's order. Months and days are UTC.
DIRECT = {
    "rollup_user_day": """
        SELECT product_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, user_id,
               count(*) AS events
        FROM usage_events GROUP BY 1, 2, 3""",
    "rollup_user_month": """
        SELECT product_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month,
               user_id, count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date) AS active_days,
               count(*) AS events
        FROM usage_events GROUP BY 1, 2, 3""",
    "rollup_product_month": """
        WITH user_months AS (
            SELECT product_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month,
                   user_id, count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date) AS active_days
            FROM usage_events GROUP BY 1, 2, 3
        )
        SELECT cur.product_id, cur.month, count(*) AS active_users,
               sum(cur.active_days) AS active_days, count(prev.user_id) AS retained_users
        FROM user_months cur
        LEFT JOIN user_months prev
          ON prev.product_id = cur.product_id AND prev.user_id = cur.user_id
         AND prev.month = (cur.month - interval '1 month')::date
        GROUP BY 1, 2""",
    "rollup_action_month": """
        SELECT product_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month,
               action, count(*) AS events,
               count(*) FILTER (WHERE succeeded IS TRUE) AS succeeded_true,
               count(*) FILTER (WHERE succeeded IS FALSE) AS succeeded_false,
               count(duration_seconds) AS duration_count,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_seconds) AS duration_median
        FROM usage_events GROUP BY 1, 2, 3""",
    # new = first ever active month, returning = also active the month before,
    # resurrected = neither, dormant = active the month before but not this month
    "rollup_lifecycle_month": """
        WITH um AS (
            SELECT DISTINCT product_id, user_id,
                   date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month
            FROM usage_events
        ), firsts AS (
            SELECT product_id, user_id, min(month) AS first_month FROM um GROUP BY 1, 2
        ), states AS (
            SELECT um.product_id, um.month, true AS active, um.month = f.first_month AS first,
                   EXISTS (SELECT 1 FROM um p WHERE p.product_id = um.product_id
                           AND p.user_id = um.user_id
                           AND p.month = (um.month - interval '1 month')::date) AS before
            FROM um JOIN firsts f USING (product_id, user_id)
            UNION ALL
            SELECT p.product_id, (p.month + interval '1 month')::date, false, false, true
            FROM um p
            WHERE NOT EXISTS (SELECT 1 FROM um n WHERE n.product_id = p.product_id
                              AND n.user_id = p.user_id
                              AND n.month = (p.month + interval '1 month')::date)
        )
        SELECT product_id, month,
               count(*) FILTER (WHERE active) AS active_users,
               count(*) FILTER (WHERE active AND first) AS new_users,
               count(*) FILTER (WHERE active AND before) AS returning_users,
               count(*) FILTER (WHERE active AND NOT before AND NOT first) AS resurrected_users,
               count(*) FILTER (WHERE NOT active) AS dormant_users
        FROM states GROUP BY 1, 2""",
    "rollup_cohort_month": """
        WITH um AS (
            SELECT DISTINCT product_id, user_id,
                   date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS month
            FROM usage_events
        )
        SELECT um.product_id, f.cohort_month, um.month, count(*) AS active_users
        FROM um
        JOIN (SELECT product_id, user_id, min(month) AS cohort_month FROM um GROUP BY 1, 2) f
          USING (product_id, user_id)
        GROUP BY 1, 2, 3""",
    "rollup_survey_month": """
        SELECT product_id, date_trunc('month', responded_at AT TIME ZONE 'UTC')::date AS month,
               count(*) AS responses,
               count(*) FILTER (WHERE score >= 9) AS promoters,
               count(*) FILTER (WHERE score IN (7, 8)) AS passives,
               count(*) FILTER (WHERE score <= 6) AS detractors
        FROM surveys GROUP BY 1, 2""",
}


def as_json_rows(engine: Engine, query: str) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            conn.exec_driver_sql(f"SELECT row_to_json(x)::text FROM ({query}) AS x").scalars()
        )


def assert_rollups_match_raw_tables(engine: Engine) -> None:
    for table, direct in DIRECT.items():
        stored = as_json_rows(engine, f"SELECT * FROM {table}")
        expected = as_json_rows(engine, direct)
        assert expected, f"the fixture leaves {table} empty"
        assert stored == expected, table


# ---------------------------------------------------------------- a seeded event set

OFFSETS = ["Z", "+01:00", "-05:00", "+05:30", "", "-08:00"]


def seeded_activity(seed: int = 20250301) -> tuple[list[str], list[str]]:
    """Events and survey rows over Jan..Mar 2025 (written times), many near month ends."""
    rng = random.Random(seed)
    events: list[str] = []
    surveys: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for product in ("p1", "p2"):
        for month in (1, 2, 3):
            for i in range(60):
                user = f"{product}-u{rng.randint(1, 12)}"
                # a quarter of the events sit within a day of a month boundary
                day = rng.choice([1, 1, 28, rng.randint(2, 27)])
                hour = rng.choice([0, 1, 22, 23, rng.randint(2, 21)])
                stamp = (
                    f"2025-{month:02d}-{day:02d}T{hour:02d}:{i % 60:02d}:{rng.randint(0, 59):02d}"
                )
                offset = rng.choice(OFFSETS)
                action = rng.choice(["build", "deploy", "view"])
                if (user, stamp, action) in seen:
                    continue
                seen.add((user, stamp, action))
                succeeded = rng.choice(["true", "false", ""])
                duration = rng.choice(["", str(rng.randint(1, 900)), f"{rng.random() * 100:.3f}"])
                events.append(f"{product},{user},{stamp}{offset},{action},{succeeded},{duration}")
            for i in range(8):
                day, hour = rng.choice([1, 15, 28]), rng.choice([0, 12, 23])
                stamp = f"2025-{month:02d}-{day:02d}T{hour:02d}:{i:02d}:00"
                surveys.append(
                    f"{product},{product}-s{i},{stamp}{rng.choice(OFFSETS)},{rng.randint(0, 10)}"
                )
    return events, surveys


PRODUCTS = ["p1,Product One,Team,50,", "p2,Product Two,Team,30,"]


def written_month(row: str, column: int) -> int:
    """The month as written in the row (not its UTC month)."""
    return int(row.split(",")[column][5:7])


# ---------------------------------------------------------------- tests


def test_rollups_after_a_full_import_equal_the_raw_aggregation(
    engine: Engine, tmp_path: Path
) -> None:
    events, surveys = seeded_activity()
    folder = write_folder(
        tmp_path / "all",
        {"products.csv": PRODUCTS, "usage_events.csv": events, "surveys.csv": surveys},
    )
    import_folder(engine, folder)
    assert_rollups_match_raw_tables(engine)


def test_rollups_of_the_portfolio_fixture_equal_the_raw_aggregation(
    portfolio_engine: Engine,
) -> None:
    assert_rollups_match_raw_tables(portfolio_engine)


def test_rollups_after_incremental_imports_equal_the_raw_aggregation(
    engine: Engine, tmp_path: Path
) -> None:
    events, surveys = seeded_activity()
    first = {
        "products.csv": PRODUCTS,
        "usage_events.csv": [e for e in events if written_month(e, 2) <= 2],
        "surveys.csv": [s for s in surveys if written_month(s, 2) <= 2],
    }
    # written in March, but an event at 2025-03-01T00:30+01:00 is February in UTC: the
    # second import adds to a month the first one already rolled up
    second = {
        "usage_events.csv": [e for e in events if written_month(e, 2) == 3],
        "surveys.csv": [s for s in surveys if written_month(s, 2) == 3],
    }
    assert any(e.split(",")[2].startswith("2025-03-01T00") for e in second["usage_events.csv"])
    import_folder(engine, write_folder(tmp_path / "jan_feb", first))
    assert_rollups_match_raw_tables(engine)
    import_folder(engine, write_folder(tmp_path / "mar", second))
    assert_rollups_match_raw_tables(engine)

    # the incremental result is the full import's result
    incremental = snapshot(engine, exclude=("import_log", "assumptions", "schema_migrations"))
    with engine.begin() as conn:
        for table in DIRECT:
            conn.exec_driver_sql(f"TRUNCATE {table}")
    refresh_all(engine)
    assert (
        snapshot(engine, exclude=("import_log", "assumptions", "schema_migrations")) == incremental
    )


def test_rollups_follow_an_upsert_that_changes_an_existing_event(
    engine: Engine, tmp_path: Path
) -> None:
    base = {
        "products.csv": PRODUCTS,
        "usage_events.csv": [
            "p1,a,2025-01-10T10:00:00Z,build,true,10",
            "p1,a,2025-01-11T10:00:00Z,build,true,20",
            "p1,b,2025-02-01T10:00:00Z,build,,",
        ],
        "surveys.csv": ["p1,a,2025-01-10T10:00:00Z,10"],
    }
    import_folder(engine, write_folder(tmp_path / "base", base))
    changed = {
        # same keys, new outcome, duration and score
        "usage_events.csv": ["p1,a,2025-01-10T11:00:00+01:00,build,false,"],
        "surveys.csv": ["p1,a,2025-01-10T10:00:00Z,3"],
    }
    import_folder(engine, write_folder(tmp_path / "changed", changed))
    assert_rollups_match_raw_tables(engine)
    with engine.connect() as conn:
        action = conn.execute(
            sa.text(
                "SELECT events, succeeded_true, succeeded_false, duration_count, duration_median "
                "FROM rollup_action_month WHERE product_id = 'p1' AND month = '2025-01-01'"
            )
        ).one()
        survey = conn.execute(
            sa.text(
                "SELECT promoters, detractors FROM rollup_survey_month WHERE month = '2025-01-01'"
            )
        ).one()
    # January: two build events, one true and one now false; one duration (20) left
    assert tuple(action) == (2, 1, 1, 1, 20.0)
    assert tuple(survey) == (0, 1)


def test_refresh_all_rebuilds_wiped_rollups(portfolio_folder: Path, engine: Engine) -> None:
    import_folder(engine, portfolio_folder)
    imported = snapshot(engine, exclude=("import_log",))
    with engine.begin() as conn:
        for table in DIRECT:
            conn.exec_driver_sql(f"TRUNCATE {table}")
    refresh_all(engine)
    assert snapshot(engine, exclude=("import_log",)) == imported
    assert_rollups_match_raw_tables(engine)


def test_refresh_all_on_current_rollups_changes_nothing(
    portfolio_folder: Path, engine: Engine
) -> None:
    import_folder(engine, portfolio_folder)
    before = snapshot(engine)
    refresh_all(engine)
    assert snapshot(engine) == before


def test_refresh_all_drops_rollups_of_events_deleted_from_the_raw_table(
    portfolio_folder: Path, engine: Engine
) -> None:
    import_folder(engine, portfolio_folder)
    with engine.begin() as conn:
        # a purge done by hand: every dm event of April 2025
        conn.exec_driver_sql(
            "DELETE FROM usage_events WHERE product_id = 'dm' "
            "AND occurred_at >= '2025-04-01T00:00:00Z' AND occurred_at < '2025-05-01T00:00:00Z'"
        )
    refresh_all(engine)
    assert_rollups_match_raw_tables(engine)
    with engine.connect() as conn:
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM rollup_user_day WHERE product_id = 'dm' AND day >= '2025-04-01'"
        ).scalar()
    assert left == 0


def test_refresh_all_counts_the_product_months_it_rebuilt(
    portfolio_folder: Path, engine: Engine
) -> None:
    import_folder(engine, portfolio_folder)
    # product-months with events or surveys, in UTC:
    # ci: 2024-12, 2025-01, 2025-02, 2025-04 (events), 2025-05 (survey) -> 5
    # hr: 2024-09 .. 2025-04 -> 8;  dm: 2025-03, 2025-04 -> 2;  total 15
    assert refresh_all(engine) == 15


def test_refresh_all_on_an_empty_database_rebuilds_nothing(shared_engine: Engine) -> None:
    assert refresh_all(shared_engine) == 0
    for table in DIRECT:
        assert as_json_rows(shared_engine, f"SELECT * FROM {table}") == []
