"""The replica read path: Debian's PostgreSQL 15 primary and a streaming standby on
loopback ports (bench/pg15.py), the workload imported on the primary, then the report
and every page's recorded data calls read cold through the primary and through the
standby (DATABASE_READ_URL), and how long the standby takes to replay the import.

The standby is made from the primary before the import, so the import's WAL (events,
rollups) streams to it like a company's nightly import would.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from bench import pg15
from bench.server import run_worker


def measure(
    parts_json: str,
    calls: list[tuple[str, tuple, tuple]],
    repeats: int,
) -> dict[str, object]:
    from bench import inprocess
    from valuemodel.core.months import Period
    from valuemodel.data import db
    from valuemodel.data.report import build_report
    from valuemodel.data.schema import ensure_schema

    missing = pg15.available()
    if missing:
        return {"status": f"skipped: {missing}"}
    root = pg15.make_root()
    primary, standby = pg15.Cluster(root, "primary"), pg15.Cluster(root, "standby")
    primary_url, standby_url = primary.url("valuedash"), standby.url("valuedash")
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "DATABASE_READ_URL")}
    out: dict[str, object] = {"status": "ok"}
    try:
        primary.init_primary()
        primary.start()
        admin = primary.admin()
        with admin.connect() as conn:
            conn.exec_driver_sql('CREATE DATABASE "valuedash"')
            out["postgresql"] = conn.exec_driver_sql("SHOW server_version").scalar()
        admin.dispose()
        write = db.create_engine_for(primary_url)
        ensure_schema(write)
        standby.init_standby_of(primary)
        standby.start()
        read = db.create_engine_for(standby_url)
        pg15.wait_for_replay(write, read)

        out["import"] = run_worker("import", primary_url, parts_json)
        started = time.perf_counter()
        pg15.wait_for_replay(write, read, timeout=600)
        out["replay_after_import_s"] = time.perf_counter() - started
        with read.connect() as conn:
            out["standby_in_recovery"] = bool(
                conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar()
            )
        write.dispose()
        read.dispose()

        from valuemodel.core.months import default_period
        from valuemodel.data import store

        for label, read_url in (("primary", None), ("standby", standby_url)):
            os.environ["DATABASE_URL"] = primary_url
            if read_url:
                os.environ["DATABASE_READ_URL"] = read_url
            else:
                os.environ.pop("DATABASE_READ_URL", None)
            inprocess.fresh()
            months = store.fetch_data_months(db.get_read_engine())
            period = default_period(months, dt.datetime.now(dt.UTC).date())

            def report(period: Period = period) -> object:
                return build_report(db.get_read_engine(), period, None)

            out[label] = {
                "report_cold_s": inprocess.median_time(report, repeats, db.reset_engine),
                "data_load_cold_s": inprocess.median_time(
                    lambda: inprocess.replay(calls), repeats, inprocess.fresh
                ),
                "calls": len(calls),
            }
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        out["status"] = f"failed: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        try:
            from bench import inprocess

            inprocess.fresh()
        except Exception:  # noqa: BLE001, S110 - cleanup only
            pass
        standby.stop()
        primary.stop()
        pg15.remove_root(root)
    return out
