"""Saved portfolio plans, and what evaluating one reads (every product's baseline and
saved scenarios). The plan math lives in `valuemodel.core.plan`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TypedDict, cast

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel.core import plan, scenario
from valuemodel.core.contract import Assumptions
from valuemodel.data import queries, store


class PlanConflict(ValueError):
    """A plan name already taken (without overwrite)."""


def fetch_plans(engine: Engine) -> pd.DataFrame:
    """Saved plans by name. Columns: plan_id, name, author, choices (product id -> pick),
    horizon (months), created_at, updated_at."""
    return store._frame(engine, "plan_list")


class StoredPlan(TypedDict):
    """One saved plan as the plan_get query returns it."""

    plan_id: int
    name: str
    author: str
    choices: dict[str, str]  # product id -> pick
    horizon: int  # months
    created_at: dt.datetime
    updated_at: dt.datetime


def fetch_plan(engine: Engine, name: str) -> StoredPlan | None:
    """One saved plan by name (the plan_list columns), or None."""
    frame = store._frame(engine, "plan_get", plan_name=name)
    return None if frame.empty else cast(StoredPlan, frame.iloc[0].to_dict())


def save_plan(
    engine: Engine,
    *,
    name: str,
    author: str,
    choices: Mapping[str, str],
    horizon: int = scenario.DEFAULT_HORIZON,
    overwrite: bool = False,
) -> int:
    """Store the picks (product id -> 'as-today', 'cut' or a scenario name) under `name`.

    PlanConflict when the name is taken and not `overwrite`; PlanError for a bad name.
    """
    binds = {
        "name": plan.check_plan_name(name),
        "author": scenario.clean_label(author, "author label", scenario.AUTHOR_MAX, required=False),
        "choices": json.dumps({str(k): str(v) for k, v in sorted(choices.items())}),
        "horizon": int(horizon),
    }
    with engine.begin() as conn:
        plan_id = conn.execute(
            queries.q("plan_upsert" if overwrite else "plan_insert"), binds
        ).scalar()
    if plan_id is None:
        raise PlanConflict(
            f"a plan named {binds['name']!r} already exists; choose another name or overwrite it"
        )
    return int(plan_id)


def delete_plan(engine: Engine, plan_id: int) -> bool:
    """Delete a saved plan; True when it existed."""
    with engine.begin() as conn:
        done = conn.execute(queries.q("plan_delete"), {"plan_id": int(plan_id)}).scalar()
    return done is not None


def fetch_saved_drivers(engine: Engine) -> dict[str, dict[str, dict[str, object]]]:
    """Every saved scenario's drivers: product id -> scenario name -> driver values."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    for row in store._frame(engine, "saved_scenarios_all").itertuples():
        out.setdefault(str(row.product_id), {})[str(row.name)] = dict(row.drivers)
    return out


def fetch_baselines(
    engine: Engine, month_to: str, assumptions: Assumptions | None = None
) -> dict[str, scenario.Baseline]:
    """Every product's scenario baseline from the three months ending `month_to`."""
    assumptions = assumptions or store.fetch_assumptions(engine)
    products = store.fetch_products(engine)
    return {
        str(pid): store.fetch_scenario_baseline(engine, str(pid), month_to, assumptions)
        for pid in sorted(products["product_id"])
    }


def evaluate(
    engine: Engine,
    *,
    month_to: str,
    choices: Mapping[str, str],
    horizon: int = scenario.DEFAULT_HORIZON,
    draws: int = 2_000,
    seed: int = scenario.DEFAULT_SEED,
) -> plan.PlanResult:
    """Read every baseline and saved scenario, then evaluate the plan (PlanError on bad
    picks)."""
    baselines = fetch_baselines(engine, month_to)
    resolved = plan.resolve_choices(
        baselines, choices, fetch_saved_drivers(engine), horizon=horizon
    )
    return plan.evaluate_plan(baselines, resolved, draws=draws, seed=seed)
