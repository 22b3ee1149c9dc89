"""Twenty concurrent saves of scenarios: none is lost, names stay unique."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from valuemodel.data import store
from valuemodel.data.importer import import_contents

PRODUCTS = b"product_id,name,owner_team,eligible_users,launched_on\nci,CI,Dev,10,\n"


def test_twenty_concurrent_saves_with_distinct_names_all_land(engine):
    import_contents(engine, {"products.csv": PRODUCTS}, source="test")

    def save(i: int) -> int:
        return store.save_scenario(
            engine, product_id="ci", name=f"plan {i}", author=f"pm{i}", drivers={"fte": i}
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(save, range(20)))
    assert len(set(ids)) == 20
    saved = store.fetch_scenarios(engine, "ci")
    assert sorted(saved["name"]) == sorted(f"plan {i}" for i in range(20))


def test_twenty_concurrent_saves_of_one_name_keep_exactly_one_without_overwrite(engine):
    import_contents(engine, {"products.csv": PRODUCTS}, source="test")

    def save(i: int) -> str:
        try:
            store.save_scenario(
                engine, product_id="ci", name="the plan", author=f"pm{i}", drivers={"fte": i}
            )
        except store.ScenarioConflict:
            return "refused"
        return "saved"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(save, range(20)))
    assert outcomes.count("saved") == 1 and outcomes.count("refused") == 19
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM scenarios")).scalar()
    assert count == 1


def test_concurrent_overwrites_of_one_name_leave_the_last_write(engine):
    import_contents(engine, {"products.csv": PRODUCTS}, source="test")

    def save(i: int) -> int:
        return store.save_scenario(
            engine, product_id="ci", name="shared", author=f"pm{i}", drivers={"fte": i},
            overwrite=True,
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = set(pool.map(save, range(20)))
    assert len(ids) == 1  # one row, replaced in turn
    saved = store.fetch_scenarios(engine, "ci")
    assert len(saved) == 1 and saved.iloc[0]["author"].startswith("pm")
