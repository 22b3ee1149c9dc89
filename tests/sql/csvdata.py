"""Small hand-made CSV folders for the SQL tier, and helpers to compare database contents.

The PORTFOLIO folder is the fixture of test_report.py; every figure expected there is
worked out by hand in that file from the rows below.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

HEADERS = {
    "products.csv": "product_id,name,owner_team,eligible_users,launched_on",
    "objectives.csv": "objective_id,title,level,parent_id,period",
    "key_results.csv": "kr_id,objective_id,title,unit,baseline,target",
    "assumptions.csv": "key,value",
    "costs.csv": "product_id,month,category,amount",
    "task_baselines.csv": "product_id,action,minutes_saved,confidence,source",
    "heart_goals.csv": "product_id,dimension,role,goal,signal,metric,target",
    "metric_links.csv": "product_id,metric,kr_id,evidence,note",
    "kr_measurements.csv": "kr_id,month,value",
    "surveys.csv": "product_id,user_id,responded_at,score",
    "usage_events.csv": "product_id,user_id,occurred_at,action,succeeded,duration_seconds",
    "people.csv": "user_id,org,team,job_family,location,started_on,left_on",
    "eligibility.csv": "product_id,attribute,value",
    "releases.csv": "product_id,release_id,released_on,title,kind",
    "rollouts.csv": "product_id,release_id,attribute,value,rolled_out_on",
    "notes.csv": "product_id,month,metric,author,text",
}


def write_folder(folder: Path, files: dict[str, list[str]]) -> Path:
    """Write each file as its contract header plus `rows`; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (folder / name).write_text("\n".join([HEADERS[name], *rows]) + "\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the portfolio fixture

PORTFOLIO: dict[str, list[str]] = {
    "products.csv": [
        "ci,CI Platform,Platform,10,2023-05-01",
        "hr,HR Self-Service,People,4,",
        "dm,Data Mart,Data,5,2024-02-01",
    ],
    "assumptions.csv": ["loaded_hourly_cost,60", "currency,EUR", "discount_rate,0.08"],
    "objectives.csv": ["obj-1,Ship faster,company,,2025"],
    "key_results.csv": [
        "kr-ci,obj-1,Deploys per week,count,0,10",
        "kr-hr,obj-1,Requests handled,count,0,100",
    ],
    "kr_measurements.csv": [
        # kr-ci: six months, but ci has only five months of events (Dec..Apr)
        "kr-ci,2024-12,1",
        "kr-ci,2025-01,2",
        "kr-ci,2025-02,3",
        "kr-ci,2025-03,4",
        "kr-ci,2025-04,5",
        "kr-ci,2025-05,6",
        # kr-hr in month m + 1 = 10 x hr's active users in month m (Sep..Apr)
        "kr-hr,2024-10,10",
        "kr-hr,2024-11,30",
        "kr-hr,2024-12,20",
        "kr-hr,2025-01,40",
        "kr-hr,2025-02,20",
        "kr-hr,2025-03,10",
        "kr-hr,2025-04,20",
        "kr-hr,2025-05,10",
    ],
    "metric_links.csv": [
        "ci,adoption,kr-ci,correlational,",
        'hr,adoption,kr-hr,causal,"Self-service, not tickets"',
    ],
    # build: 120 min x 0.5; deploy: 30 min x 0.8; dm query: 60 min x 1.0; hr: none
    "task_baselines.csv": [
        "ci,build,120,0.5,time study",
        "ci,deploy,30,0.8,survey",
        "dm,query,60,1,analyst log",
    ],
    "costs.csv": [
        "ci,2024-12,headcount,999",  # before the period
        "ci,2025-01,headcount,80",
        "ci,2025-01,infrastructure,30",
        "ci,2025-02,headcount,40",
        # ci has no cost in 2025-03
        "ci,2025-04,licenses,10",
        "dm,2025-01,licenses,50",
        "dm,2025-02,licenses,50",
        "dm,2025-03,licenses,50",
        "dm,2025-04,licenses,50",
    ],
    "heart_goals.csv": [
        "ci,happiness,key,Users like it,NPS survey,NPS,50",
        "ci,engagement,backstop,Used often,active days,days per user,1.2",
        "ci,adoption,key,Widely used,active users,share of eligible,0.5",
        "ci,retention,backstop,Users return,returning users,share,0.6",
        "dm,adoption,key,Analysts use it,active users,share of eligible,0.8",
        "dm,happiness,backstop,Analysts like it,NPS survey,NPS,0",
    ],
    "surveys.csv": [
        "ci,u1,2025-01-20T10:00:00Z,2",
        "ci,u1,2025-04-05T10:00:00Z,10",
        "ci,u2,2025-04-06T10:00:00Z,9",
        "ci,u3,2025-04-07T10:00:00Z,8",
        "ci,u4,2025-05-01T01:00:00+02:00,6",  # 2025-04-30T23:00Z: April
        "ci,u5,2025-05-01T00:30:00Z,10",  # May: after the period
    ],
    "usage_events.csv": [
        # ci
        "ci,u4,2025-01-01T00:30:00+01:00,build,true,",  # 2024-12-31T23:30Z: December
        "ci,u1,2024-12-31T23:30:00-05:00,build,true,42",  # 2025-01-01T04:30Z: January
        "ci,u1,2025-01-01T10:00:00Z,build,false,",
        "ci,u2,2025-01-15T09:00:00,deploy,,",  # no offset: UTC
        "ci,u2,2025-01-16T09:00:00Z,view,true,",
        "ci,u3,2025-01-31T23:59:00-02:00,build,true,",  # 2025-02-01T01:59Z: February
        "ci,u1,2025-02-03T08:00:00Z,build,true,",
        "ci,u1,2025-02-04T08:00:00Z,deploy,true,",
        "ci,u1,2025-02-04T09:00:00Z,deploy,true,",
        # ci has no event in 2025-03
        "ci,u1,2025-04-10T12:00:00Z,build,true,",
        "ci,u2,2025-04-11T12:00:00Z,deploy,false,",
        "ci,u2,2025-04-12T12:00:00Z,view,,",
        # hr: active users per month Sep..Apr = 1, 3, 2, 4, 2, 1, 2, 1
        "hr,h1,2024-09-10T10:00:00Z,submit,true,",
        "hr,h1,2024-10-10T10:00:00Z,submit,true,",
        "hr,h2,2024-10-11T10:00:00Z,submit,true,",
        "hr,h3,2024-10-12T10:00:00Z,submit,true,",
        "hr,h1,2024-11-10T10:00:00Z,submit,true,",
        "hr,h2,2024-11-11T10:00:00Z,submit,true,",
        "hr,h1,2024-12-10T10:00:00Z,submit,true,",
        "hr,h2,2024-12-11T10:00:00Z,submit,true,",
        "hr,h3,2024-12-12T10:00:00Z,submit,true,",
        "hr,h4,2024-12-13T10:00:00Z,submit,true,",
        "hr,h1,2025-01-10T10:00:00Z,submit,true,",
        "hr,h2,2025-01-11T10:00:00Z,submit,true,",
        "hr,h1,2025-02-10T10:00:00Z,submit,false,",
        "hr,h1,2025-03-10T10:00:00Z,submit,true,",
        "hr,h3,2025-03-11T10:00:00Z,submit,,",
        "hr,h1,2025-04-02T10:00:00Z,submit,true,",
        "hr,h1,2025-04-03T10:00:00Z,submit,true,",
        "hr,h1,2025-04-03T15:00:00Z,submit,false,",
        # dm
        "dm,d1,2025-03-05T10:00:00Z,query,true,",
        "dm,d1,2025-04-05T10:00:00Z,query,true,",
        "dm,d2,2025-04-06T10:00:00Z,query,true,",
    ],
    "notes.csv": ["ci,2025-02,happiness,Ana,Outage on the 12th", "hr,2025-03,,Ben,Re-org"],
}


# ---------------------------------------------------------------- database snapshots


def table_names(engine: Engine) -> list[str]:
    """Every base table of the public schema, by name."""
    with engine.connect() as conn:
        return sorted(
            conn.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            ).scalars()
        )


def snapshot(engine: Engine, *, exclude: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every row of every table as text, sorted: equal snapshots mean equal contents."""
    contents: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for name in table_names(engine):
            if name in exclude:
                continue
            # Each row as its JSON text, so numeric, timestamptz and NULL compare exactly.
            # The name comes from information_schema, not from input.
            rows = conn.exec_driver_sql(f'SELECT row_to_json(t)::text FROM "{name}" AS t').scalars()
            contents[name] = sorted(rows)
    return contents
