"""The people directory, the funnel, adoption by segment and opportunity, against an
independent pandas computation from the raw CSV files (DESIGN section 4, "Segments").

The fixture is a seeded folder: 60 people in three orgs, two locations and two job
families, some hired and some leaving inside the period, a few users outside the
directory; product `ci` has eligibility rules (job_family engineering), product `hr` has
none (products.eligible_users holds). The expected figures are computed here from the
CSVs with pandas alone, never with the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import run_cli
from tests.sql.csvdata import write_folder
from valuemodel.core.months import Period
from valuemodel.core.segments import Segment
from valuemodel.data import db
from valuemodel.data import report as reports
from valuemodel.data.importer import ImportRefused, import_folder
from valuemodel.present.report_json import report_json

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
PERIOD = Period("2025-02", "2025-06")
HOURLY = 80.0
BASELINES = {("ci", "build"): (30.0, 0.5), ("hr", "request"): (12.0, 0.9)}
ORGS = ("Payments", "Platform", "Corporate")


def build_report(*args, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    """The report as the JSON object of DESIGN section 5 (what the CLI prints)."""
    return report_json(reports.build_report(*args, **kwargs))


def _fixture_rows() -> dict[str, list[str]]:
    rng = np.random.default_rng(17)
    people = []
    for i in range(60):
        org = ORGS[i % 3]
        family = "engineering" if org != "Corporate" and i % 5 != 0 else "operations"
        location = "Berlin" if i % 4 else "Lisbon"
        started = ""
        left = ""
        if i % 9 == 0:
            started = f"2025-{rng.integers(2, 6):02d}-{rng.integers(1, 28):02d}"  # hired inside
        if i % 11 == 0:
            left = f"2025-{rng.integers(3, 6):02d}-{rng.integers(1, 28):02d}"  # leaves inside
        if i % 13 == 0:
            started = "2019-06-01"
        people.append(f"p{i:02d},{org},{org} team {i % 2},{family},{location},{started},{left}")
    events = []
    users = [f"p{i:02d}" for i in range(60)] + ["x1", "x2", "x3"]  # x*: not in the directory
    for product, share in (("ci", 0.55), ("hr", 0.3)):
        for month in MONTHS:
            for user in users:
                # Payments lags on ci: a lower chance to be active.
                index = int(user[1:]) if user.startswith("p") else 99
                chance = share * (0.4 if product == "ci" and index % 3 == 0 else 1.0)
                if rng.random() >= chance:
                    continue
                for _ in range(int(rng.integers(1, 4))):
                    day = int(rng.integers(1, 28))
                    hour = int(rng.integers(0, 24))
                    action = rng.choice(
                        ["build", "view"] if product == "ci" else ["request", "read"]
                    )
                    succeeded = rng.choice(["true", "false", ""])
                    minute = int(rng.integers(0, 60))
                    instant = f"{month}-{day:02d}T{hour:02d}:{minute:02d}:00Z"
                    events.append(f"{product},{user},{instant},{action},{succeeded},")
    surveys = []
    for month in MONTHS:
        for user in users[::4]:
            surveys.append(f"ci,{user},{month}-15T10:00:00Z,{int(rng.integers(0, 11))}")
    return {
        "products.csv": ["ci,CI Platform,Platform,999,", "hr,HR Self-Service,People,50,"],
        "assumptions.csv": [f"loaded_hourly_cost,{HOURLY:g}"],
        "task_baselines.csv": [
            f"{p},{a},{m:g},{c:g},study" for (p, a), (m, c) in BASELINES.items()
        ],
        "people.csv": people,
        "eligibility.csv": ["ci,job_family,engineering"],
        "usage_events.csv": sorted(set(events), key=lambda line: line.split(",")[2]),
        "surveys.csv": surveys,
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = _fixture_rows()
    # Same (product, user, instant, action) twice would be a refused duplicate key.
    events = pd.Series(rows["usage_events.csv"])
    keys = events.str.split(",").str[:4].str.join(",")
    rows["usage_events.csv"] = events[~keys.duplicated()].tolist()
    return write_folder(tmp_path_factory.mktemp("segments"), rows)


@pytest.fixture(scope="module")
def seg_engine(make_database: Callable[[], str], folder: Path) -> Iterator[Engine]:
    eng = db.create_engine_for(make_database())
    import_folder(eng, folder)
    yield eng
    eng.dispose()


# ---------------------------------------------------------------- the independent side


class Raw:
    """The definitions of DESIGN section 4 computed from the CSVs with pandas."""

    def __init__(self, folder: Path):
        read = lambda name: pd.read_csv(folder / name, dtype=str, keep_default_na=False)  # noqa: E731
        self.people = read("people.csv")
        self.rules = read("eligibility.csv")
        events = read("usage_events.csv")
        events["month"] = (
            pd.to_datetime(events["occurred_at"], utc=True).dt.tz_localize(None).dt.to_period("M")
        )
        self.events = events
        surveys = read("surveys.csv")
        surveys["month"] = (
            pd.to_datetime(surveys["responded_at"], utc=True).dt.tz_localize(None).dt.to_period("M")
        )
        surveys["score"] = surveys["score"].astype(int)
        self.surveys = surveys
        products = read("products.csv")
        self.eligible_users = dict(
            zip(products["product_id"], products["eligible_users"], strict=True)
        )

    def segment_of(self, user: str, attribute: str) -> str:
        row = self.people[self.people["user_id"] == user]
        return "unknown" if row.empty else str(row.iloc[0][attribute])

    def active(self, product: str, month: str) -> set[str]:
        e = self.events
        return set(
            e[(e["product_id"] == product) & (e["month"] == pd.Period(month, "M"))]["user_id"]
        )

    def eligible(self, product: str, month: str) -> set[str] | None:
        rules = self.rules[self.rules["product_id"] == product]
        if rules.empty:
            return None
        period = pd.Period(month, "M")
        first, last = period.start_time.date().isoformat(), period.end_time.date().isoformat()
        p = self.people
        employed = ((p["started_on"] == "") | (p["started_on"] <= last)) & (
            (p["left_on"] == "") | (p["left_on"] >= first)
        )
        match = np.zeros(len(p), dtype=bool)
        for rule in rules.itertuples():
            match |= (p[rule.attribute] == rule.value).to_numpy()
        return set(p[employed.to_numpy() & match]["user_id"])

    def funnel(self, product: str, month: str) -> dict[str, int]:
        e = self.events[self.events["product_id"] == product]
        upto = e[e["month"] <= pd.Period(month, "M")]
        reached = set(upto["user_id"])
        baseline_actions = {a for (p, a) in BASELINES if p == product}
        tasks = upto[upto["action"].isin(baseline_actions) & (upto["succeeded"] != "false")]
        tried = set(tasks["user_id"]) & reached
        m = pd.Period(month, "M")
        active = tried & self.active(product, month)
        habitual = active & self.active(product, str(m - 1)) & self.active(product, str(m - 2))
        base = self.eligible(product, month)
        if base is None:
            eligible = int(self.eligible_users[product])
            sets = {"reached": reached, "tried": tried, "active": active, "habitual": habitual}
        else:
            eligible = len(base)
            sets = {
                "reached": reached & base,
                "tried": tried & base,
                "active": active & base,
                "habitual": habitual & base,
            }
        return {"eligible": eligible, **{k: len(v) for k, v in sets.items()}}

    def savings(self, product: str, month: str) -> float:
        e = self.events[
            (self.events["product_id"] == product) & (self.events["month"] == pd.Period(month, "M"))
        ]
        total = 0.0
        for (p, action), (minutes, confidence) in BASELINES.items():
            if p != product:
                continue
            done = ((e["action"] == action) & (e["succeeded"] != "false")).sum()
            total += done * minutes / 60 * HOURLY * confidence
        return total

    def segments(self, product: str, attribute: str, month: str) -> pd.DataFrame:
        active = self.active(product, month)
        eligible = self.eligible(product, month) or set()
        per_user = self.savings(product, month) / len(active) if active else float("nan")
        values = sorted(set(self.people[attribute]) | {"unknown"})
        rows = []
        for value in values:
            members_a = {u for u in active if self.segment_of(u, attribute) == value}
            members_e = {u for u in eligible if self.segment_of(u, attribute) == value}
            if not members_a and not members_e:
                continue
            not_active = len(members_e - members_a)
            rows.append(
                {
                    "value": value,
                    "eligible": len(members_e),
                    "active": len(members_a),
                    "adoption": len(members_a) / len(members_e) if members_e else None,
                    "opportunity": not_active * per_user,
                }
            )
        return pd.DataFrame(rows).set_index("value")


@pytest.fixture(scope="module")
def raw(folder: Path) -> Raw:
    return Raw(folder)


# ---------------------------------------------------------------- the checks


def test_fixture_has_hires_leavers_and_users_outside_the_directory(raw: Raw) -> None:
    people = raw.people
    assert ((people["started_on"] >= "2025-02-01") & (people["started_on"] <= "2025-06-30")).any()
    assert ((people["left_on"] >= "2025-02-01") & (people["left_on"] <= "2025-06-30")).any()
    assert raw.active("ci", "2025-06") - set(people["user_id"])
    sizes = {len(raw.eligible("ci", m) or ()) for m in MONTHS}
    assert len(sizes) > 1, "hires and leavers must move the eligible population"


@pytest.mark.parametrize("month", ["2025-03", "2025-06"])
def test_funnel_matches_pandas_for_a_product_with_and_without_rules(
    seg_engine: Engine, raw: Raw, month: str
) -> None:
    report = build_report(seg_engine, Period("2025-01", month))
    by_product = {p["product_id"]: p["funnel"] for p in report["products"]}  # type: ignore[index, union-attr]
    for product in ("ci", "hr"):
        expected = raw.funnel(product, month)
        got = by_product[product]
        assert got["month"] == month
        assert {k: got[k] for k in expected} == expected, product
        steps = [got[k] for k in ("eligible", "reached", "tried", "active", "habitual")]
        if product == "ci":
            assert steps == sorted(steps, reverse=True), "each step is a subset of the one before"


def test_adoption_follows_headcount_with_rules_and_eligible_users_without(
    seg_engine: Engine, raw: Raw
) -> None:
    report = build_report(seg_engine, PERIOD)
    users = {p["product_id"]: p["user"] for p in report["products"]}  # type: ignore[index, union-attr]
    ci_eligible = raw.eligible("ci", "2025-06")
    assert ci_eligible is not None
    assert users["ci"]["adoption"] == pytest.approx(
        len(raw.active("ci", "2025-06")) / len(ci_eligible), abs=1e-4
    )
    assert users["hr"]["adoption"] == pytest.approx(len(raw.active("hr", "2025-06")) / 50, abs=1e-4)


@pytest.mark.parametrize("attribute", ["org", "location", "job_family"])
def test_segment_adoption_and_opportunity_match_pandas(
    seg_engine: Engine, raw: Raw, attribute: str
) -> None:
    report = build_report(seg_engine, PERIOD, "ci", segment_attribute=attribute)
    got = pd.DataFrame(report["products"][0]["segments"]).set_index("value")  # type: ignore[index]
    expected = raw.segments("ci", attribute, "2025-06")
    assert set(got.index) == set(expected.index)
    assert "unknown" in got.index, "users outside the directory count as 'unknown'"
    for value, row in expected.iterrows():
        assert got.loc[value, "eligible"] == row["eligible"], value
        assert got.loc[value, "active"] == row["active"], value
        if row["adoption"] is None or pd.isna(row["adoption"]):
            assert got.loc[value, "adoption"] is None or pd.isna(got.loc[value, "adoption"])
        else:
            assert got.loc[value, "adoption"] == pytest.approx(row["adoption"], abs=1e-4)
        assert got.loc[value, "opportunity"] == pytest.approx(row["opportunity"], abs=0.01)


def test_a_product_without_rules_shows_active_users_by_segment_only(
    seg_engine: Engine, raw: Raw
) -> None:
    report = build_report(seg_engine, PERIOD, "hr", segment_attribute="org")
    rows = report["products"][0]["segments"]  # type: ignore[index]
    assert rows
    assert all(r["eligible"] is None and r["adoption"] is None for r in rows)
    assert all(r["opportunity"] is None for r in rows)
    expected = raw.segments("hr", "org", "2025-06")
    assert {r["value"]: r["active"] for r in rows} == expected["active"].to_dict()


def test_the_segment_filter_moves_user_figures_but_not_buyer_money(
    seg_engine: Engine, raw: Raw
) -> None:
    whole = build_report(seg_engine, PERIOD, "ci")
    payments = build_report(seg_engine, PERIOD, "ci", segment=Segment("org", "Payments"))
    w, p = whole["products"][0], payments["products"][0]  # type: ignore[index]
    assert p["buyer"] == w["buyer"], "savings are not attributed to segments"
    members = set(raw.people[raw.people["org"] == "Payments"]["user_id"])
    june = raw.active("ci", "2025-06") & members
    may = raw.active("ci", "2025-05") & members
    eligible = (raw.eligible("ci", "2025-06") or set()) & members
    assert p["user"]["active_users"] == len(june)
    assert p["user"]["adoption"] == pytest.approx(len(june) / len(eligible), abs=1e-4)
    assert p["user"]["retention"] == pytest.approx(len(june & may) / len(may), abs=1e-4)
    e = raw.events
    outcomes = e[
        (e["product_id"] == "ci")
        & (e["month"] == pd.Period("2025-06", "M"))
        & e["user_id"].isin(members)
        & (e["succeeded"] != "")
    ]
    assert p["user"]["task_success"] == pytest.approx(
        (outcomes["succeeded"] == "true").mean(), abs=1e-4
    )
    assert p["funnel"]["eligible"] == len(eligible)
    assert p["user"]["adoption"] != w["user"]["adoption"]


def test_report_cli_adds_segments_and_refuses_an_unknown_attribute(seg_engine: Engine) -> None:
    url = seg_engine.url.render_as_string(hide_password=False)
    ok = run_cli(
        "report", "--from", "2025-02", "--to", "2025-06", "--segment", "org",
        "--format", "json", database_url=url,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert '"segments"' in ok.stdout and '"funnel"' in ok.stdout
    bad = run_cli("report", "--segment", "floor", database_url=url)
    assert bad.returncode != 0
    assert "--segment must be one of" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_rule_with_an_unknown_attribute_is_refused_and_changes_nothing(
    seg_engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(
        tmp_path / "bad",
        {"eligibility.csv": ["ci,floor,3"], "people.csv": ["p99,A,B,C,D,2025-05-01,2025-04-01"]},
    )
    with pytest.raises(ImportRefused) as refused:
        import_folder(seg_engine, folder)
    text = "\n".join(refused.value.lines)
    assert "eligibility.csv:2: attribute: 'floor' must be one of" in text
    assert "people.csv:2: left_on: '2025-04-01' is before started_on" in text


def test_releases_and_rollouts_load_and_a_rollout_must_name_a_known_release(
    make_database: Callable[[], str], tmp_path: Path
) -> None:
    eng = db.create_engine_for(make_database())
    try:
        base = {
            "products.csv": ["ci,CI Platform,Platform,10,"],
            "releases.csv": ["ci,r1,2025-03-10,Faster cache,feature"],
            "rollouts.csv": ["ci,r1,org,Payments,2025-03-10", "ci,r1,org,Platform,2025-04-02"],
        }
        import_folder(eng, write_folder(tmp_path / "ok", base))
        # A later import may name the stored release; an unknown one is refused.
        later = {"rollouts.csv": ["ci,r1,org,Data,2025-05-01", "ci,r9,org,Data,2025-05-01"]}
        with pytest.raises(ImportRefused) as refused:
            import_folder(eng, write_folder(tmp_path / "bad", later))
        assert any("unknown release 'r9'" in line for line in refused.value.lines)
        import_folder(
            eng, write_folder(tmp_path / "good", {"rollouts.csv": later["rollouts.csv"][:1]})
        )
        with eng.connect() as conn:
            waves = conn.exec_driver_sql(
                "SELECT value, rolled_out_on::text FROM rollouts ORDER BY rolled_out_on"
            ).all()
        assert [tuple(w) for w in waves] == [
            ("Payments", "2025-03-10"), ("Platform", "2025-04-02"), ("Data", "2025-05-01"),
        ]  # fmt: skip
    finally:
        eng.dispose()
