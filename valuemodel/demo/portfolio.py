"""A deterministic demo portfolio, written as the CSV files of the import contract.

Eight internal products over the 24 months ending with `end_month`: one employee
directory (`u00001`...), monthly activity simulated per product as a Markov process
(an active user stays active with the product's retention probability; new and
returning users fill up to an S-shaped adoption curve), usage events on the active
days, sparse survey pulses, task baselines, monthly costs, HEART goals and an OKR tree
whose key results are tied to the product metrics: `kr-1` follows CI adoption two
months later (r > 0.8), `kr-5` is only weakly correlated with Data Mart adoption, and
`kr-10` is never measured (its link is asserted).

Everything is drawn from seeded generators: the same seed, end month and event count
give byte-identical files. Pure apart from writing the files; imports no streamlit and
no sqlalchemy. Fully vectorised: 1,000,000 events take a few seconds.

Size. At the reference size (1,000,000 events) the directory holds 5,000 employees and
every product has its nominal eligible population. Every active day carries at least
one event, so a smaller run shrinks the directory (and each product's eligible users)
and the active days per user. Costs are scaled by each product's expected event volume
against the reference size, so adoption, retention, ROI and payback tell the same story
at any size; at the reference size headcount is exactly FTE x 15,000 a month.
With `people` the directory has exactly that many employees (50,000 for a large
company: every product's eligible users x10) and the events must cover their active
days; `events_for_people` gives a workload that grows events with people.
"""

from __future__ import annotations

import datetime as dt
import math
import pathlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from valuemodel.core.contract import FILES_BY_NAME
from valuemodel.core.scenario import DEFAULT_COST_PER_FTE, DEFAULT_SEED
from valuemodel.demo.releases import FAILURE_STEPS

REFERENCE_EVENTS = 1_000_000
WINDOW_MONTHS = 24
DIRECTORY_SIZE = 5_000
ENGINEERING_USERS = 1_200  # the engineering products draw from u00001..u01200
# One owner each: the scenario model's cost of an engineer and seed.
COST_PER_FTE = DEFAULT_COST_PER_FTE  # loaded monthly cost of one full-time engineer
MIN_EVENTS = 5_000
# A run must leave this many events per expected active day; below that the
# population shrinks (every active day needs at least one event).
MIN_EVENTS_PER_ACTIVE_DAY = 1.2
MIN_ELIGIBLE = 6
MIN_PEOPLE = 100
# A workload that grows events with people: 300 events per person over the window
# (1,500,000 for the reference 5,000 people; about nine per active user-month).
EVENTS_PER_PERSON = 300
_USER_KEY_SPAN = 1 << 22  # room for the directory index in the natural-key sort key

Progress = Callable[[str], None]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# How the ~2% of events exported with a local offset are written (seconds east of UTC).
_OFFSETS = ((3600, "+01:00"), (7200, "+02:00"), (-18000, "-05:00"), (19800, "+05:30"))
_OFFSET_SHARE = 0.02
_NO_OFFSET_SHARE = 0.01
_WEEKEND_WEIGHT = 0.06  # a weekend day's chance to be an active day, against a weekday's
_MAX_ACTIONS = 8
_WRITE_CHUNK = 500_000  # events formatted at a time


# ------------------------------------------------------------------ the portfolio


@dataclass(frozen=True)
class _Baseline:
    minutes_saved: float
    confidence: float
    source: str


@dataclass(frozen=True)
class _Action:
    name: str
    share: float  # of the product's events
    outcome: bool  # succeeded is true or false; otherwise always empty
    duration: float | None = None  # median seconds; None writes an empty duration
    baseline: _Baseline | None = None


@dataclass(frozen=True)
class _Product:
    product_id: str
    name: str
    owner_team: str
    eligible_users: int
    engineering: bool  # drawn from the engineering part of the directory
    launch_offset: int  # months after the window's first month (negative: before it)
    launch_day: int
    retention: float  # probability that an active user is active again next month
    resurrect_weight: float  # a lapsed user's chance to come back, against a new user's 1
    adoption: tuple[float, float, float, float]  # low, high, midpoint month, width
    active_days: float  # mean active days per active user-month (reference size)
    event_intensity: float  # weight of each active day in the events beyond the first
    failure: tuple[float, float]  # failure rate at the window's start and at its end
    nps: tuple[float, float]  # NPS at the window's start and at its end
    survey: str | None  # "quarterly", "monthly" or None
    survey_rate: float  # first round only: the pulse and prompts now follow _survey_invitations
    fte: tuple[tuple[int, float], ...]  # (from month index, FTE)
    infrastructure: float  # monthly at full adoption (reference size)
    licenses: float  # monthly; 0 writes no licenses rows
    actions: tuple[_Action, ...]
    decline_from: int | None = None  # month index after which adoption falls
    decline_per_month: float = 0.0
    failure_ramp_from: int = 0  # month index where the failure rate starts to move


PRODUCTS: tuple[_Product, ...] = (
    _Product(
        product_id="ci",
        name="CI Platform",
        owner_team="Developer Productivity",
        eligible_users=1200,
        engineering=True,
        launch_offset=-38,
        launch_day=15,
        retention=0.95,
        resurrect_weight=0.6,
        adoption=(0.30, 0.90, 8.0, 2.6),
        active_days=12.0,
        event_intensity=2.2,
        failure=(0.12, 0.05),
        nps=(38.0, 50.0),
        survey="quarterly",
        survey_rate=0.07,
        fte=((0, 3.0), (10, 4.0)),
        infrastructure=15_000.0,
        licenses=0.0,
        actions=(
            _Action(
                "pipeline_run", 0.46, True, 420.0,
                _Baseline(8, 0.8, "time-and-motion study 2024-Q3"),
            ),
            _Action(
                "cache_restore", 0.18, True, 35.0,
                _Baseline(2.5, 0.6, "build log analysis (cold vs warm builds)"),
            ),
            _Action("deploy", 0.10, True, 300.0, _Baseline(30, 0.7, "survey of 40 engineers")),
            _Action("flaky_rerun", 0.08, True, 400.0),
            _Action("dashboard_view", 0.18, False),
        ),
    ),
    _Product(
        product_id="datamart",
        name="Data Mart",
        owner_team="Data Platform",
        eligible_users=600,
        engineering=True,
        launch_offset=-20,
        launch_day=3,
        retention=0.86,
        resurrect_weight=0.8,
        adoption=(0.42, 0.68, 5.0, 4.0),
        active_days=7.0,
        event_intensity=2.4,
        failure=(0.06, 0.05),
        nps=(15.0, 22.0),
        survey="quarterly",
        survey_rate=0.08,
        fte=((0, 2.0),),
        infrastructure=4_000.0,
        licenses=2_000.0,
        actions=(
            _Action("query_run", 0.45, True, 28.0, _Baseline(15, 0.6, "survey of 25 analysts")),
            _Action("dashboard_refresh", 0.17, True, 95.0, _Baseline(30, 0.5, "PM estimate")),
            _Action(
                "export_csv", 0.13, True, 12.0,
                _Baseline(8, 0.7, "time-and-motion study 2024-Q2"),
            ),
            _Action("dataset_search", 0.25, False),
        ),
    ),
    _Product(
        product_id="design",
        name="Design System",
        owner_team="Design Engineering",
        eligible_users=150,
        engineering=True,
        launch_offset=-14,
        launch_day=20,
        retention=0.88,
        resurrect_weight=0.9,
        adoption=(0.40, 0.78, 10.0, 3.0),
        active_days=8.0,
        event_intensity=1.0,
        failure=(0.045, 0.035),
        nps=(30.0, 40.0),
        survey="quarterly",
        survey_rate=0.12,
        fte=((0, 2.0),),
        infrastructure=2_000.0,
        licenses=3_000.0,
        actions=(
            _Action("component_install", 0.32, True, None, _Baseline(45, 0.5, "PM estimate")),
            _Action("token_sync", 0.18, True, 6.0, _Baseline(10, 0.6, "design team estimate")),
            _Action("docs_view", 0.50, False, 140.0),
        ),
    ),
    _Product(
        product_id="devportal",
        name="Developer Portal",
        owner_team="Developer Experience",
        eligible_users=1200,
        engineering=True,
        launch_offset=-26,
        launch_day=7,
        retention=0.72,
        resurrect_weight=0.9,
        adoption=(0.22, 0.62, 11.0, 3.5),
        active_days=3.0,
        event_intensity=2.2,
        failure=(0.09, 0.07),
        nps=(5.0, 15.0),
        survey="monthly",
        survey_rate=0.03,
        fte=((0, 1.0),),
        infrastructure=1_500.0,
        licenses=1_200.0,
        actions=(
            _Action("search", 0.34, False),
            _Action("page_view", 0.40, False, 75.0),
            _Action(
                "service_scaffold", 0.10, True, 48.0,
                _Baseline(45, 0.6, "survey of 40 engineers"),
            ),
            _Action(
                "api_key_request", 0.16, True, None,
                _Baseline(20, 0.8, "ticket data: median wait for a manual key"),
            ),
        ),
    ),
    _Product(
        product_id="flags",
        name="Feature Flags",
        owner_team="Release Engineering",
        eligible_users=900,
        engineering=True,
        launch_offset=4,
        launch_day=12,
        retention=0.91,
        resurrect_weight=0.7,
        adoption=(0.02, 0.74, 9.0, 2.0),
        active_days=6.0,
        event_intensity=1.6,
        failure=(0.05, 0.035),
        failure_ramp_from=4,
        nps=(0.0, 0.0),
        survey=None,
        survey_rate=0.0,
        fte=((4, 2.0),),
        infrastructure=3_000.0,
        licenses=0.0,
        actions=(
            _Action(
                "flag_toggle", 0.38, True, None,
                _Baseline(30, 0.7, "incident review sample (n=24)"),
            ),
            _Action("rollout_change", 0.22, True, None, _Baseline(15, 0.6, "PM estimate")),
            _Action("flag_create", 0.15, True),
            _Action("audit_view", 0.25, False, 40.0),
        ),
    ),
    _Product(
        product_id="observability",
        name="Observability Stack",
        owner_team="Site Reliability",
        eligible_users=1000,
        engineering=True,
        launch_offset=-30,
        launch_day=9,
        retention=0.93,
        resurrect_weight=0.7,
        adoption=(0.50, 0.84, 5.0, 3.0),
        active_days=9.0,
        event_intensity=1.8,
        failure=(0.05, 0.04),
        nps=(25.0, 32.0),
        survey="quarterly",
        survey_rate=0.07,
        fte=((0, 3.0),),
        infrastructure=16_000.0,
        licenses=5_000.0,
        actions=(
            _Action("dashboard_view", 0.35, False, 90.0),
            _Action("log_search", 0.33, True, 8.0, _Baseline(10, 0.7, "vendor benchmark")),
            _Action(
                "trace_lookup", 0.17, True, 14.0,
                _Baseline(25, 0.6, "incident postmortem sample (n=30)"),
            ),
            _Action("alert_ack", 0.15, True, None, _Baseline(5, 0.9, "on-call tooling telemetry")),
        ),
    ),
    _Product(
        product_id="hr",
        name="HR Self-Service",
        owner_team="People Operations",
        eligible_users=5000,
        engineering=False,
        launch_offset=-50,
        launch_day=4,
        retention=0.62,
        resurrect_weight=1.0,
        adoption=(0.25, 0.55, 9.0, 3.5),
        active_days=1.5,
        event_intensity=0.4,
        failure=(0.045, 0.035),
        nps=(8.0, 18.0),
        survey="quarterly",
        survey_rate=0.05,
        fte=((0, 1.0),),
        infrastructure=2_500.0,
        licenses=8_000.0,
        actions=(
            _Action(
                "leave_request", 0.30, True, 95.0,
                _Baseline(15, 0.9, "time-and-motion study 2024-Q1"),
            ),
            _Action("payslip_view", 0.40, True, None, _Baseline(5, 0.8, "HR ticket data")),
            _Action("address_change", 0.08, True, 140.0, _Baseline(25, 0.85, "HR ticket data")),
            _Action("policy_search", 0.22, False),
        ),
    ),
    _Product(
        product_id="expense",
        name="Expense Tool",
        owner_team="Finance Systems",
        eligible_users=4200,
        engineering=False,
        launch_offset=-44,
        launch_day=18,
        retention=0.68,
        resurrect_weight=1.0,
        adoption=(0.30, 0.58, 4.0, 3.0),
        # A vendor integration starts failing claims in year two; people drift away.
        decline_from=13,
        decline_per_month=0.045,
        active_days=2.2,
        event_intensity=0.6,
        failure=(0.05, 0.16),
        failure_ramp_from=12,
        nps=(2.0, -32.0),
        survey="quarterly",
        survey_rate=0.05,
        fte=((0, 2.0),),
        infrastructure=3_000.0,
        licenses=10_000.0,
        actions=(
            _Action(
                "expense_claim", 0.40, True, 260.0,
                _Baseline(25, 0.7, "time-and-motion study 2024-Q3"),
            ),
            _Action("receipt_upload", 0.30, True, 20.0, _Baseline(4, 0.6, "vendor benchmark")),
            _Action("approval", 0.15, True, None, _Baseline(5, 0.8, "PM estimate")),
            _Action("report_view", 0.15, False),
        ),
    ),
)  # fmt: skip


# ------------------------------------------------------------------ public API


def last_complete_month(today: dt.date) -> str:
    """The month before `today`'s month, as "YYYY-MM"."""
    previous = today.replace(day=1) - dt.timedelta(days=1)
    return f"{previous.year:04d}-{previous.month:02d}"


def write_demo_csv(
    out_dir: pathlib.Path,
    *,
    events: int = REFERENCE_EVENTS,
    end_month: str | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    people: int | None = None,
) -> dict[str, int]:
    """Write the 15 CSV files of the demo portfolio into `out_dir` (created if missing).

    Covers the 24 months ending with `end_month` (default: the last complete month in
    UTC); `events` is the number of usage events (the file holds it to within a few
    rows: duplicates of a natural key are dropped). `people` fixes the directory size
    (every product's eligible users scale with it; see `events_for_people` for a
    workload that grows events with people); without it the directory is the reference
    5,000 or fewer. Returns the data rows written per file name.
    """
    if people is not None and people < MIN_PEOPLE:
        raise ValueError(f"people must be at least {MIN_PEOPLE:,} (got {people:,})")
    if events < MIN_EVENTS:
        raise ValueError(f"events must be at least {MIN_EVENTS:,} (got {events:,})")
    if end_month is None:
        end_month = last_complete_month(dt.datetime.now(dt.UTC).date())
    if not _MONTH.match(end_month):
        raise ValueError(f"end_month must look like 2025-06 (got {end_month!r})")
    say = progress or (lambda _message: None)
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    calendar = _Calendar(end_month)
    rng_pools, rng_activity, rng_events, rng_surveys, rng_costs, rng_krs = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)
    )
    size = _sizing(events, calendar, people)

    say(f"Simulating monthly activity of {size.directory:,} employees in 8 products...")
    activity = _simulate_activity(calendar, size, rng_pools, rng_activity)
    usage = _usage_events(calendar, size, activity, events, rng_events, say)
    metrics = _monthly_metrics(activity, usage)

    say("Writing products, costs, surveys, goals and OKRs...")
    frames: dict[str, pd.DataFrame] = {
        "products.csv": _products_frame(calendar, size),
        "assumptions.csv": pd.DataFrame(
            {
                "key": ["loaded_hourly_cost", "currency", "discount_rate"],
                "value": ["100", "USD", "0.10"],
            }
        ),
        "task_baselines.csv": _baselines_frame(),
        "heart_goals.csv": _goals_frame(),
        "costs.csv": _costs_frame(calendar, size, rng_costs),
        "surveys.csv": _surveys_frame(calendar, activity, rng_surveys),
        "objectives.csv": _objectives_frame(calendar),
        "key_results.csv": pd.DataFrame(
            list(_KEY_RESULTS),
            columns=["kr_id", "objective_id", "title", "unit", "baseline", "target"],
        ),
        "kr_measurements.csv": _kr_measurements_frame(calendar, metrics, rng_krs),
        "metric_links.csv": pd.DataFrame(
            list(_LINKS), columns=["product_id", "metric", "kr_id", "evidence", "note"]
        ),
    }
    frames.update(_directory_frames(calendar, size, activity, seed))
    rows = {name: _write(out_dir, name, frame) for name, frame in frames.items()}
    say(f"Writing usage_events.csv ({usage.product.size:,} rows)...")
    rows["usage_events.csv"] = _write_usage_events(out_dir / "usage_events.csv", usage, size)
    return rows


# ------------------------------------------------------------------ calendar and size


class _Calendar:
    """The window's months: first day (days since 1970-01-01), length, labels."""

    def __init__(self, end_month: str):
        months = np.datetime64(end_month, "M") - np.arange(WINDOW_MONTHS - 1, -1, -1)
        self.first = months[0]
        self.labels = [str(m) for m in months]
        self.start_day = months.astype("datetime64[D]").astype(np.int64)
        self.days = (months + 1).astype("datetime64[D]").astype(np.int64) - self.start_day
        self.calendar_month = months.astype(np.int64) % 12 + 1
        self.end_year = int(end_month[:4])
        # Holiday dips: fewer people at work in December and August.
        self.seasonality = np.where(
            self.calendar_month == 12, 0.90, np.where(self.calendar_month == 8, 0.95, 1.0)
        )

    def date(self, offset: int, day: int) -> str:
        """Day `day` of the month `offset` months after the window's first, YYYY-MM-DD."""
        return f"{self.first + offset}-{day:02d}"


def _adoption_curve(product: _Product, calendar: _Calendar) -> np.ndarray:
    """Intended adoption (a fraction of eligible users) in each month of the window."""
    t = np.arange(WINDOW_MONTHS, dtype=float)
    low, high, mid, width = product.adoption
    since_launch = t - max(product.launch_offset, 0)
    curve = low + (high - low) / (1.0 + np.exp(-(since_launch - mid) / width))
    if product.decline_from is not None:
        curve *= 1.0 - product.decline_per_month * np.clip(t - product.decline_from, 0, None)
    curve *= calendar.seasonality
    curve[t < product.launch_offset] = 0.0
    return curve


@dataclass(frozen=True)
class _Size:
    population: float  # share of the reference population
    engagement: float  # multiplier on the active days beyond the first
    directory: int
    engineering: int
    eligible: dict[str, int]
    cost_factor: dict[str, float]  # expected events of the product against the reference


def _engagement(population: float) -> float:
    return min(1.0, population ** (2.0 / 3.0))


def _expected_days(population: float, calendar: _Calendar) -> dict[str, float]:
    """Expected active user-days per product over the window."""
    engagement = _engagement(population)
    return {
        p.product_id: float(_adoption_curve(p, calendar).sum() * p.eligible_users * population)
        * (1.0 + (p.active_days - 1.0) * engagement)
        for p in PRODUCTS
    }


def _expected_events(population: float, events: int, calendar: _Calendar) -> dict[str, float]:
    """Expected events per product: one per active day, the rest by intensity."""
    days = _expected_days(population, calendar)
    weights = {p.product_id: p.event_intensity * days[p.product_id] for p in PRODUCTS}
    extra = max(events - sum(days.values()), 0.0)
    total_weight = sum(weights.values())
    return {pid: days[pid] + extra * weights[pid] / total_weight for pid in days}


def events_for_people(people: int) -> int:
    """The events of a workload that grows with the company: EVENTS_PER_PERSON each."""
    return int(people) * EVENTS_PER_PERSON


def _sizing(events: int, calendar: _Calendar, people: int | None = None) -> _Size:
    """The largest population (at most the reference) whose active days fit the events,
    or exactly `people` (a share of the reference directory) when given."""

    def fits(population: float) -> bool:
        days = sum(_expected_days(population, calendar).values())
        return days * MIN_EVENTS_PER_ACTIVE_DAY <= events

    population = 1.0 if people is None else people / DIRECTORY_SIZE
    if people is not None:
        if people >= _USER_KEY_SPAN:
            raise ValueError(f"people must be below {_USER_KEY_SPAN:,} (got {people:,})")
        if not fits(population):
            days = sum(_expected_days(population, calendar).values())
            raise ValueError(
                f"{events:,} events are too few for {people:,} people: their expected "
                f"{days:,.0f} active days need at least {days * MIN_EVENTS_PER_ACTIVE_DAY:,.0f}"
            )
    elif not fits(population):
        low, high = 0.0, 1.0
        for _ in range(40):
            mid = (low + high) / 2
            low, high = (mid, high) if fits(mid) else (low, mid)
        population = low
    eligible = {
        p.product_id: max(MIN_ELIGIBLE, round(p.eligible_users * population)) for p in PRODUCTS
    }
    engineering = max(
        round(ENGINEERING_USERS * population),
        *(eligible[p.product_id] for p in PRODUCTS if p.engineering),
    )
    reference = _expected_events(1.0, REFERENCE_EVENTS, calendar)
    expected = _expected_events(population, events, calendar)
    return _Size(
        population=population,
        engagement=_engagement(population),
        directory=max(people or round(DIRECTORY_SIZE * population), *eligible.values()),
        engineering=engineering,
        eligible=eligible,
        cost_factor={pid: expected[pid] / reference[pid] for pid in expected},
    )


# ------------------------------------------------------------------ activity


@dataclass(frozen=True)
class _Activity:
    """Per product: its eligible users and who is active in which month."""

    pools: dict[str, np.ndarray]  # directory indexes (0-based) of the eligible users
    active: dict[str, np.ndarray]  # bool, pool member x month
    intensity: dict[str, np.ndarray]  # per pool member: a heavy (>1) or light user


def _simulate_activity(
    calendar: _Calendar,
    size: _Size,
    rng_pools: np.random.Generator,
    rng: np.random.Generator,
) -> _Activity:
    """A Markov chain per product: stay with probability `retention`, then fill up to
    the month's adoption target with new users and (less likely) lapsed ones."""
    pools: dict[str, np.ndarray] = {}
    active: dict[str, np.ndarray] = {}
    intensity: dict[str, np.ndarray] = {}
    noise = rng.normal(0.0, 0.015, size=(len(PRODUCTS), WINDOW_MONTHS))
    months = np.arange(WINDOW_MONTHS)
    for i, product in enumerate(PRODUCTS):
        eligible = size.eligible[product.product_id]
        universe = size.engineering if product.engineering else size.directory
        pool = np.sort(rng_pools.choice(universe, size=eligible, replace=False))
        curve = _adoption_curve(product, calendar) * (1.0 + noise[i])
        target = np.clip(np.rint(eligible * curve).astype(np.int64), 0, eligible)
        launched = months >= max(product.launch_offset, 0)
        target[launched] = np.maximum(target[launched], 1)

        matrix = np.zeros((eligible, WINDOW_MONTHS), dtype=bool)
        previous = np.zeros(eligible, dtype=bool)
        ever = np.zeros(eligible, dtype=bool)
        if product.launch_offset < 0:
            # Some users were active before the window: they return as lapsed users.
            ever = rng.random(eligible) < product.adoption[0] * 1.3
        for month in np.flatnonzero(launched):
            current = previous & (rng.random(eligible) < product.retention)
            need = int(target[month] - current.sum())
            candidates = np.flatnonzero(~previous)
            if need > 0 and candidates.size:
                weight = np.where(ever[candidates], product.resurrect_weight, 1.0)
                keys = -np.log(rng.random(candidates.size)) / weight
                current[candidates[np.argsort(keys, kind="stable")[:need]]] = True
            matrix[:, month] = current
            ever |= current
            previous = current
        pools[product.product_id] = pool
        active[product.product_id] = matrix
        intensity[product.product_id] = rng.gamma(3.0, 1.0 / 3.0, size=eligible)
    return _Activity(pools, active, intensity)


# ------------------------------------------------------------------ usage events


@dataclass(frozen=True)
class _Usage:
    """The events, one array entry per row of usage_events.csv, in time order."""

    product: np.ndarray  # product index
    user: np.ndarray  # directory index
    instant: np.ndarray  # seconds since 1970-01-01 UTC
    offset: np.ndarray  # how occurred_at is written: index into _OFFSETS, -1 Z, -2 bare
    month: np.ndarray  # month index
    action: np.ndarray  # action index within the product
    outcome: np.ndarray  # 0 empty, 1 true, 2 false
    duration: np.ndarray  # seconds, NaN for none
    active_days: dict[str, np.ndarray]  # pool member x month: distinct active days


@dataclass(frozen=True)
class _ActiveDays:
    product: np.ndarray  # product index
    user: np.ndarray  # directory index
    month: np.ndarray  # month index
    day: np.ndarray  # days since 1970-01-01
    per_member: dict[str, np.ndarray]  # pool member x month: count of active days


def _active_days(
    calendar: _Calendar, size: _Size, activity: _Activity, rng: np.random.Generator
) -> _ActiveDays:
    """For each active user-month, distinct days of the month (weekdays preferred)."""
    parts: list[tuple[np.ndarray, ...]] = []
    per_member: dict[str, np.ndarray] = {}
    day_of_month = np.arange(31)
    for p_index, product in enumerate(PRODUCTS):
        pid = product.product_id
        member, month = np.nonzero(activity.active[pid])
        first_day = np.zeros(WINDOW_MONTHS, dtype=np.int64)
        if 0 <= product.launch_offset < WINDOW_MONTHS:
            first_day[product.launch_offset] = product.launch_day - 1
        extra_days = (product.active_days - 1.0) * size.engagement * activity.intensity[pid]
        count = np.minimum(
            1 + rng.poisson(extra_days[member]), calendar.days[month] - first_day[month]
        )
        # Weighted sampling without replacement: the `count` smallest exponential keys.
        valid = (day_of_month < calendar.days[month][:, None]) & (
            day_of_month >= first_day[month][:, None]
        )
        weekday = (calendar.start_day[month][:, None] + day_of_month + 3) % 7  # 0 = Monday
        weight = np.where(weekday >= 5, _WEEKEND_WEIGHT, 1.0)
        keys = np.where(valid, -np.log(rng.random((member.size, 31))) / weight, np.inf)
        order = np.argsort(keys, axis=1, kind="stable")
        chosen = order[day_of_month < count[:, None]]  # row-major: matches np.repeat below
        rows = np.repeat(np.arange(member.size), count)
        counts = np.zeros(activity.active[pid].shape, dtype=np.int64)
        counts[member, month] = count
        per_member[pid] = counts
        parts.append(
            (
                np.full(rows.size, p_index, dtype=np.int64),
                activity.pools[pid][member[rows]],
                month[rows],
                calendar.start_day[month[rows]] + chosen,
            )
        )
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    return _ActiveDays(
        product=columns[0], user=columns[1], month=columns[2], day=columns[3], per_member=per_member
    )


def _usage_events(
    calendar: _Calendar,
    size: _Size,
    activity: _Activity,
    events: int,
    rng: np.random.Generator,
    say: Progress,
) -> _Usage:
    days = _active_days(calendar, size, activity, rng)

    # Events per active day: one, plus the rest of the requested total spread by each
    # product's intensity.
    per_day = np.ones(days.product.size, dtype=np.int64)
    extra = events - days.product.size
    if extra > 0:
        weight = np.array([p.event_intensity for p in PRODUCTS])[days.product]
        picks = rng.choice(days.product.size, size=extra, p=weight / weight.sum())
        per_day += np.bincount(picks, minlength=days.product.size)

    parts: list[dict[str, np.ndarray]] = []
    for p_index, product in enumerate(PRODUCTS):
        say(f"Generating usage events for {product.name} ({p_index + 1}/{len(PRODUCTS)})...")
        mine = np.flatnonzero(days.product == p_index)
        source = np.repeat(mine, per_day[mine])
        n = source.size
        month = days.month[source]
        shares = np.array([a.share for a in product.actions])
        action = rng.choice(len(product.actions), size=n, p=shares / shares.sum())
        has_outcome = np.array([a.outcome for a in product.actions])[action]
        ramp = np.clip(
            (month - product.failure_ramp_from)
            / max(WINDOW_MONTHS - 1 - product.failure_ramp_from, 1),
            0.0,
            1.0,
        )
        failure_rate = product.failure[0] + (product.failure[1] - product.failure[0]) * ramp
        for from_month, step in FAILURE_STEPS.get(product.product_id, ()):
            failure_rate = failure_rate + np.where(month >= from_month, step, 0.0)
        failed = rng.random(n) < failure_rate
        outcome = np.where(has_outcome, np.where(failed, 2, 1), 0).astype(np.int8)
        median = np.array([a.duration or np.nan for a in product.actions])[action]
        duration = np.maximum(np.round(median * rng.lognormal(0.0, 0.6, size=n), 1), 0.1)
        duration = np.where(failed, np.maximum(np.round(duration * 0.4, 1), 0.1), duration)
        # Working hours, busiest around midday UTC.
        seconds = (7.5 * 3600 + rng.beta(2.5, 2.5, size=n) * 11.5 * 3600).astype(np.int64)
        parts.append(
            {
                "product": np.full(n, p_index, dtype=np.int64),
                "user": days.user[source],
                "month": month,
                "instant": days.day[source] * 86400 + seconds,
                "action": action.astype(np.int64),
                "outcome": outcome,
                "duration": duration,
            }
        )
    merged = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}

    # One row per natural key, compared as instants; time order.
    since_start = merged["instant"] - int(calendar.start_day[0]) * 86400
    key = ((since_start * 8 + merged["product"]) * _USER_KEY_SPAN + merged["user"]) * _MAX_ACTIONS
    _, first = np.unique(key + merged["action"], return_index=True)
    merged = {name: values[first] for name, values in merged.items()}
    n = first.size

    # Mostly UTC with Z; some with a local offset (the same instant); some bare (UTC).
    style = rng.random(n)
    pick = rng.integers(0, len(_OFFSETS), size=n)
    offset = np.where(style < _OFFSET_SHARE, pick, -1)
    offset[(style >= _OFFSET_SHARE) & (style < _OFFSET_SHARE + _NO_OFFSET_SHARE)] = -2
    return _Usage(
        product=merged["product"],
        user=merged["user"],
        instant=merged["instant"],
        offset=offset,
        month=merged["month"],
        action=merged["action"],
        outcome=merged["outcome"],
        duration=merged["duration"],
        active_days=days.per_member,
    )


def _write_usage_events(path: pathlib.Path, usage: _Usage, size: _Size) -> int:
    """Format and append the events in chunks (bounded memory); return the rows."""
    product_ids = np.array([p.product_id for p in PRODUCTS], dtype=object)
    user_ids = np.array([f"u{i + 1:05d}" for i in range(size.directory)], dtype=object)
    action_names = np.array(
        [
            p.actions[i].name if i < len(p.actions) else ""
            for p in PRODUCTS
            for i in range(_MAX_ACTIONS)
        ],
        dtype=object,
    )
    outcomes = np.array(["", "true", "false"], dtype=object)
    # Indexed by `offset`: 0.. a local offset, -2 no offset (UTC), -1 "Z".
    shifts = np.array([o for o, _ in _OFFSETS] + [0, 0])
    suffixes = np.array([s for _, s in _OFFSETS] + ["", "Z"], dtype=object)
    n = usage.product.size
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(FILES_BY_NAME["usage_events.csv"].header) + "\n")
        for start in range(0, n, _WRITE_CHUNK):
            part = slice(start, min(start + _WRITE_CHUNK, n))
            local = (usage.instant[part] + shifts[usage.offset[part]]).astype("datetime64[s]")
            occurred_at = np.datetime_as_string(local, unit="s").astype(object)
            chunk = pd.DataFrame(
                {
                    "product_id": product_ids[usage.product[part]],
                    "user_id": user_ids[usage.user[part]],
                    "occurred_at": occurred_at + suffixes[usage.offset[part]],
                    "action": action_names[usage.product[part] * _MAX_ACTIONS + usage.action[part]],
                    "succeeded": outcomes[usage.outcome[part]],
                    "duration_seconds": usage.duration[part],
                }
            )
            chunk.to_csv(out, index=False, header=False, lineterminator="\n")
    return n


# ------------------------------------------------------------------ product metrics


@dataclass(frozen=True)
class _Metrics:
    """Monthly product metrics as DESIGN section 4 defines them (NaN where undefined)."""

    adoption: dict[str, np.ndarray]  # fraction of eligible users
    task_success: dict[str, np.ndarray]  # fraction of events with an outcome


def _monthly_metrics(activity: _Activity, usage: _Usage) -> _Metrics:
    adoption: dict[str, np.ndarray] = {}
    task_success: dict[str, np.ndarray] = {}
    for p_index, product in enumerate(PRODUCTS):
        matrix = activity.active[product.product_id]
        adoption[product.product_id] = matrix.sum(axis=0) / matrix.shape[0]
        mine = usage.product == p_index
        month, outcome = usage.month[mine], usage.outcome[mine]
        done = np.bincount(month, weights=outcome == 1, minlength=WINDOW_MONTHS)
        judged = np.bincount(month, weights=outcome > 0, minlength=WINDOW_MONTHS)
        task_success[product.product_id] = np.divide(
            done, judged, out=np.full(WINDOW_MONTHS, np.nan), where=judged > 0
        )
    return _Metrics(adoption, task_success)


# ------------------------------------------------------------------ small tables


def _products_frame(calendar: _Calendar, size: _Size) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": [p.product_id for p in PRODUCTS],
            "name": [p.name for p in PRODUCTS],
            "owner_team": [p.owner_team for p in PRODUCTS],
            "eligible_users": [size.eligible[p.product_id] for p in PRODUCTS],
            "launched_on": [calendar.date(p.launch_offset, p.launch_day) for p in PRODUCTS],
        }
    )


def _baselines_frame() -> pd.DataFrame:
    rows = [
        (p.product_id, a.name, a.baseline.minutes_saved, a.baseline.confidence, a.baseline.source)
        for p in PRODUCTS
        for a in p.actions
        if a.baseline is not None
    ]
    return pd.DataFrame(
        rows, columns=["product_id", "action", "minutes_saved", "confidence", "source"]
    )


def _costs_frame(calendar: _Calendar, size: _Size, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly cost rows from launch: headcount dominant, infrastructure growing with
    usage, licenses for some products, now and then an "other" cost."""
    rows: list[tuple[str, str, str, float]] = []
    for product in PRODUCTS:
        pid = product.product_id
        factor = size.cost_factor[pid]
        usage = _adoption_curve(product, calendar) / calendar.seasonality / product.adoption[1]
        infra_noise = rng.normal(1.0, 0.03, size=WINDOW_MONTHS)
        other_draw = rng.random(WINDOW_MONTHS)
        other_amount = rng.uniform(2_000.0, 12_000.0, size=WINDOW_MONTHS)
        for month in range(max(product.launch_offset, 0), WINDOW_MONTHS):
            label = calendar.labels[month]
            fte = [f for start, f in product.fte if start <= month][-1]
            rows.append((pid, label, "headcount", fte * COST_PER_FTE * factor))
            infra = product.infrastructure * (0.35 + 0.65 * usage[month]) * infra_noise[month]
            rows.append((pid, label, "infrastructure", infra * factor))
            if product.licenses:
                price_rise = 1.06 if month >= 12 else 1.0
                rows.append((pid, label, "licenses", product.licenses * price_rise * factor))
            if other_draw[month] < 0.15:
                rows.append((pid, label, "other", other_amount[month] * factor))
    frame = pd.DataFrame(rows, columns=["product_id", "month", "category", "amount"])
    frame["amount"] = [f"{amount:.2f}" for amount in frame["amount"]]
    return frame


def _survey_scores(product: _Product, month: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores 0-10 for responses given in `month` (month indexes); the intended NPS
    drifts along the product's `nps` range over the window.

    Stratified (Latin hypercube) draws keep even a product with a handful of responses
    close to the intended mix of promoters, passives and detractors.
    """
    nps = np.interp(month, [0, WINDOW_MONTHS - 1], product.nps) / 100.0
    passive = 0.30
    promoter = (1.0 - passive + nps) / 2.0
    detractor = 1.0 - passive - promoter
    detractor_mix = np.array([0.02, 0.02, 0.03, 0.05, 0.08, 0.30, 0.50])
    probs = np.hstack(
        [
            detractor[:, None] * detractor_mix / detractor_mix.sum(),
            passive * np.tile([0.45, 0.55], (month.size, 1)),
            promoter[:, None] * np.array([0.55, 0.45]),
        ]
    )
    cdf = np.cumsum(probs, axis=1)
    u = (rng.permutation(month.size) + rng.random(month.size)) / month.size
    return np.minimum((cdf < u[:, None]).sum(axis=1), 10)


def _surveys_frame(
    calendar: _Calendar, activity: _Activity, rng: np.random.Generator
) -> pd.DataFrame:
    """Survey answers: a quarterly pulse and in-product prompts (see _survey_invitations);
    a product without a `survey` gets no rows."""
    parts: list[pd.DataFrame] = []
    for product in PRODUCTS:
        if product.survey is None:
            continue
        pid = product.product_id
        member, month, open_days = _survey_invitations(product, calendar, activity, rng)
        if member.size == 0:
            continue
        day = calendar.start_day[month] + (rng.random(member.size) * open_days).astype(np.int64)
        instant = day * 86400 + rng.integers(8 * 3600, 18 * 3600, size=member.size)
        stamp = np.datetime_as_string(instant.astype("datetime64[s]"), unit="s")
        parts.append(
            pd.DataFrame(
                {
                    "product_id": pid,
                    "user_id": [f"u{i + 1:05d}" for i in activity.pools[pid][member]],
                    "responded_at": stamp.astype(object) + "Z",
                    "score": _survey_scores(product, month, rng),
                    "instant": instant,
                }
            )
        )
    columns = ["product_id", "user_id", "responded_at", "score"]
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["instant", "product_id", "user_id"], kind="stable")
    return frame[columns].reset_index(drop=True)


PULSE_RESPONSE = (0.20, 0.40)  # share of a pulse's invitees who answer
PULSE_OPEN_DAYS = 10
PROMPT_RATE = {"quarterly": 0.015, "monthly": 0.04}  # in-product prompts, per active month


def _survey_invitations(
    product: _Product, calendar: _Calendar, activity: _Activity, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who answers in which month, and over how many days the answers spread.

    The quarterly pulse (March, June, September, December) goes to the eligible users
    who used the product in the quarter (months m-2..m): 20-40% of them answer, within
    PULSE_OPEN_DAYS. Between pulses an in-product prompt catches a trickle of the
    month's active users (more for a product that prompts monthly), any day of the
    month. One answer per person and month. Returns (pool member, month, open days).
    """
    active = activity.active[product.product_id]
    members, months = active.shape
    quarter = active.copy()
    for back in (1, 2):
        quarter[:, back:] |= active[:, :-back]
    pulse_month = calendar.calendar_month % 3 == 0
    response = rng.uniform(*PULSE_RESPONSE, size=(months,))
    pulse = quarter & pulse_month[None, :] & (rng.random((members, months)) < response[None, :])
    prompt = active & ~pulse & (rng.random((members, months)) < PROMPT_RATE[str(product.survey)])
    member_p, month_p = np.nonzero(pulse)
    member_t, month_t = np.nonzero(prompt)
    member = np.concatenate([member_p, member_t])
    month = np.concatenate([month_p, month_t])
    open_days = np.concatenate([np.full(member_p.size, PULSE_OPEN_DAYS), calendar.days[month_t]])
    order = np.lexsort((member, month))
    return member[order], month[order], open_days[order]


# dimension, role, goal, signal, metric, target
_GOALS: dict[str, tuple[tuple[str, str, str, str, str, float], ...]] = {
    "ci": (
        (
            "adoption", "key",
            "Every engineering team builds and deploys on the shared CI.",
            "Engineers run pipelines instead of local or bespoke builds.",
            "Monthly active engineers / engineers", 0.85,
        ),
        (
            "task_success", "key",
            "Pipelines are trustworthy: a red build means broken code.",
            "Pipeline runs and deploys finish green.",
            "Successful runs / runs with an outcome", 0.93,
        ),
        (
            "engagement", "backstop",
            "CI stays part of the daily loop, not a monthly chore.",
            "Days per month an engineer triggers a pipeline.",
            "Mean active days per active engineer", 10.0,
        ),
        (
            "retention", "backstop",
            "Teams that move to CI stay on it.",
            "Engineers active last month are active this month.",
            "Month-over-month retained share", 0.90,
        ),
        (
            "happiness", "backstop",
            "Engineers would recommend the CI to a colleague.",
            "Quarterly developer pulse.",
            "NPS", 35.0,
        ),
    ),
    "datamart": (
        (
            "adoption", "key",
            "Engineers and PMs answer questions from the mart, not from spreadsheets.",
            "People querying or refreshing mart datasets.",
            "Monthly active users / engineers and PMs", 0.40,
        ),
        (
            "happiness", "key",
            "People trust the numbers they get.",
            "Quarterly data-consumer survey.",
            "NPS", 25.0,
        ),
        (
            "engagement", "backstop",
            "The mart is used week after week.",
            "Days per month a user runs a query.",
            "Mean active days per active user", 6.0,
        ),
        (
            "retention", "backstop",
            "New users keep coming back.",
            "Users active last month are active this month.",
            "Month-over-month retained share", 0.85,
        ),
        (
            "task_success", "backstop",
            "Queries and refreshes complete.",
            "Query, refresh and export outcomes.",
            "Successful runs / runs with an outcome", 0.95,
        ),
    ),
    "design": (
        (
            "adoption", "key",
            "Every front-end team builds screens from the shared components.",
            "Designers and front-end engineers installing components.",
            "Monthly active users / designers and front-end engineers", 0.80,
        ),
        (
            "happiness", "key",
            "Teams prefer the system to building their own components.",
            "Quarterly design-system pulse.",
            "NPS", 40.0,
        ),
        (
            "engagement", "backstop",
            "The system is part of everyday work.",
            "Days per month a user pulls components or reads the docs.",
            "Mean active days per active user", 6.0,
        ),
        (
            "task_success", "backstop",
            "Installs and token syncs just work.",
            "Install and sync outcomes.",
            "Successful installs and syncs / attempts", 0.95,
        ),
    ),
    "devportal": (
        (
            "adoption", "key",
            "Engineers start every service from the portal.",
            "Engineers searching the catalog or scaffolding services.",
            "Monthly active engineers / engineers", 0.60,
        ),
        (
            "task_success", "key",
            "Self-service requests complete without a ticket.",
            "Scaffold and API-key request outcomes.",
            "Successful requests / requests", 0.92,
        ),
        (
            "engagement", "backstop",
            "The portal is where engineers look things up.",
            "Days per month an engineer visits.",
            "Mean active days per active engineer", 2.5,
        ),
        (
            "retention", "backstop",
            "Visitors come back next month.",
            "Users active last month are active this month.",
            "Month-over-month retained share", 0.65,
        ),
        (
            "happiness", "backstop",
            "Engineers find what they came for.",
            "In-portal feedback prompt.",
            "NPS", 10.0,
        ),
    ),
    "flags": (
        (
            "adoption", "key",
            "Every service ships risky changes behind a flag.",
            "Engineers creating or toggling flags.",
            "Monthly active engineers / engineers", 0.70,
        ),
        (
            "task_success", "key",
            "Toggles and rollouts apply the first time.",
            "Toggle and rollout outcomes.",
            "Successful changes / changes", 0.97,
        ),
        (
            "engagement", "backstop",
            "Flags are used on every release, not only in emergencies.",
            "Days per month an engineer changes a flag.",
            "Mean active days per active engineer", 5.0,
        ),
        (
            "retention", "backstop",
            "Teams that adopt flags keep using them.",
            "Users active last month are active this month.",
            "Month-over-month retained share", 0.85,
        ),
    ),
    "observability": (
        (
            "engagement", "key",
            "On-call engineers debug with traces and logs, not guesswork.",
            "Days per month an engineer searches logs or traces.",
            "Mean active days per active engineer", 8.0,
        ),
        (
            "task_success", "key",
            "Searches and lookups return in time to help.",
            "Search, lookup and acknowledgement outcomes.",
            "Successful queries / queries", 0.95,
        ),
        (
            "adoption", "backstop",
            "Every service team has dashboards and alerts.",
            "Engineers using the stack.",
            "Monthly active engineers / engineers", 0.80,
        ),
        (
            "retention", "backstop",
            "Engineers keep using it after their on-call week.",
            "Users active last month are active this month.",
            "Month-over-month retained share", 0.90,
        ),
        (
            "happiness", "backstop",
            "Engineers trust the stack during incidents.",
            "Quarterly developer pulse.",
            "NPS", 25.0,
        ),
    ),
    "hr": (
        (
            "adoption", "key",
            "Employees handle HR errands themselves.",
            "Employees filing leave, viewing payslips or updating their details.",
            "Monthly active employees / employees", 0.60,
        ),
        (
            "task_success", "key",
            "Requests go through without an HR ticket.",
            "Request outcomes.",
            "Successful requests / requests", 0.95,
        ),
        (
            "engagement", "backstop",
            "A quick errand stays quick.",
            "Days per month an employee needs the tool.",
            "Mean active days per active employee", 1.2,
        ),
        (
            "retention", "backstop",
            "Employees come back to the tool rather than emailing HR.",
            "Users active last month are active this month.",
            "Month-over-month retained share", 0.60,
        ),
        (
            "happiness", "backstop",
            "Employees find HR errands painless.",
            "Quarterly employee pulse.",
            "NPS", 10.0,
        ),
    ),
    "expense": (
        (
            "task_success", "key",
            "Claims go through the first time.",
            "Claim, upload and approval outcomes.",
            "Successful submissions / submissions", 0.95,
        ),
        (
            "adoption", "key",
            "Every travelling employee files expenses in the tool.",
            "Employees filing or approving claims.",
            "Monthly active employees / eligible employees", 0.60,
        ),
        (
            "engagement", "backstop",
            "Filing a claim takes one sitting.",
            "Days per month an employee works on claims.",
            "Mean active days per active employee", 2.0,
        ),
        (
            "retention", "backstop",
            "Claimants come back next month.",
            "Users active last month are active this month.",
            "Month-over-month retained share", 0.60,
        ),
        (
            "happiness", "backstop",
            "Employees do not dread expense reports.",
            "Quarterly employee pulse.",
            "NPS", 10.0,
        ),
    ),
}  # fmt: skip


def _goals_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [(pid, *goal) for pid, goals in _GOALS.items() for goal in goals],
        columns=["product_id", "dimension", "role", "goal", "signal", "metric", "target"],
    )


# ------------------------------------------------------------------ OKRs

# objective_id, title, level, parent_id
_OBJECTIVES: tuple[tuple[str, str, str, str], ...] = (
    ("co-1", "Ship customer value faster", "company", ""),
    ("co-2", "Make every employee's working day easier", "company", ""),
    ("org-1", "Cut the time from commit to production", "org", "co-1"),
    ("org-2", "Make decisions on trusted data", "org", "co-1"),
    ("org-3", "Remove admin toil for employees", "org", "co-2"),
    ("org-4", "Run internal platforms at a lower cost per employee", "org", "co-2"),
    ("team-1", "Make CI fast and reliable", "team", "org-1"),
    ("team-2", "Find and fix incidents in minutes", "team", "org-1"),
    ("team-3", "Onboard engineers in days, not weeks", "team", "org-1"),
    ("team-4", "Build every screen from one component library", "team", "org-4"),
    ("team-5", "Self-service HR for every employee", "team", "org-3"),
)

# kr_id, objective_id, title, unit, baseline, target
_KEY_RESULTS: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("kr-1", "co-1", "Deploy frequency", "deploys per day", 20.0, 50.0),
    ("kr-2", "co-2", "Employee NPS for internal tools", "points", 8.0, 25.0),
    ("kr-3", "org-1", "Median lead time for changes", "hours", 30.0, 12.0),
    ("kr-4", "org-1", "Change failure rate", "%", 18.0, 10.0),
    ("kr-5", "org-2", "Product decisions citing a trusted dataset", "%", 35.0, 70.0),
    ("kr-6", "org-3", "Days to reimburse an expense claim", "days", 14.0, 5.0),
    ("kr-7", "org-4", "Internal tooling cost per employee", "USD per month", 120.0, 95.0),
    ("kr-8", "team-1", "Pipeline success rate", "%", 88.0, 97.0),
    ("kr-9", "team-2", "Mean time to restore service", "minutes", 120.0, 45.0),
    ("kr-10", "team-3", "Days from start date to first merged change", "days", 10.0, 3.0),
    ("kr-11", "team-5", "HR tickets per 100 employees per month", "tickets", 30.0, 15.0),
    ("kr-12", "team-4", "UI screens built from design-system components", "%", 20.0, 80.0),
)

# product_id, metric, kr_id, evidence, note
_LINKS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "ci", "adoption", "kr-1", "correlational",
        "Deploys follow CI adoption about two months later, as teams finish migrating.",
    ),
    ("ci", "task_success", "kr-8", "causal", "The KR is measured on the same pipeline runs."),
    (
        "ci", "savings", "kr-3", "correlational",
        "Faster builds shorten lead time; release process changes contribute too.",
    ),
    (
        "datamart", "adoption", "kr-5", "correlational",
        "A weak dotted line: decisions depend on much more than mart usage.",
    ),
    (
        "design", "adoption", "kr-12", "correlational",
        "Screens move to shared components as more teams adopt the system.",
    ),
    (
        "design", "savings", "kr-7", "asserted",
        "Claimed by the design team; not separated from other cost work.",
    ),
    (
        "devportal", "adoption", "kr-10", "asserted",
        "Onboarding time is measured once a year; no monthly data yet.",
    ),
    (
        "flags", "adoption", "kr-4", "causal",
        "A staged rollout in two pilot teams showed fewer failed changes behind flags.",
    ),
    (
        "observability", "adoption", "kr-9", "correlational",
        "Restores got faster as teams added tracing; on-call changes landed at the same time.",
    ),
    (
        "observability", "savings", "kr-7", "asserted",
        "Vendor consolidation savings claimed in the budget review.",
    ),
    ("hr", "adoption", "kr-11", "correlational", "Fewer tickets as errands move to self-service."),
    (
        "hr", "happiness", "kr-2", "asserted",
        "The employee NPS asks about all internal tools, not only HR.",
    ),
    (
        "expense", "task_success", "kr-6", "correlational",
        "Rejected submissions delay reimbursement.",
    ),
)  # fmt: skip

STRONG_LAGGED_KR = "kr-1"  # follows CI adoption two months later
WEAK_KR = "kr-5"  # |r| between 0.25 and 0.35 with Data Mart adoption
UNMEASURED_KR = "kr-10"  # no measurements; its link is asserted


def _objectives_frame(calendar: _Calendar) -> pd.DataFrame:
    period = f"FY{calendar.end_year}"
    return pd.DataFrame(
        [(oid, title, level, parent, period) for oid, title, level, parent in _OBJECTIVES],
        columns=["objective_id", "title", "level", "parent_id", "period"],
    )


def _best_lag_correlation(
    product: ArrayLike, kr: ArrayLike, *, max_lag: int = 3, min_pairs: int = 6
) -> tuple[float, int, int] | None:
    """(r, lag, pairs) by DESIGN section 4's link rule on two aligned monthly series.

    Pairs product month m with key-result month m + lag for lag 0..max_lag (NaN is
    undefined); the largest |r| wins, the smaller lag on a tie. None when no lag has
    `min_pairs` pairs defined on both sides.
    """
    x = np.asarray(product, dtype=float)
    y = np.asarray(kr, dtype=float)
    best: tuple[float, int, int] | None = None
    for lag in range(max_lag + 1):
        a, b = x[: x.size - lag], y[lag:]
        both = ~np.isnan(a) & ~np.isnan(b)
        if both.sum() < min_pairs or np.ptp(a[both]) == 0 or np.ptp(b[both]) == 0:
            continue
        r = float(np.corrcoef(a[both], b[both])[0, 1])
        if best is None or abs(r) > abs(best[0]):
            best = (r, lag, int(both.sum()))
    return best


def _kr_measurements_frame(
    calendar: _Calendar, metrics: _Metrics, rng: np.random.Generator
) -> pd.DataFrame:
    """Monthly key-result values driven by the realised product metrics."""
    progress = np.arange(WINDOW_MONTHS) / (WINDOW_MONTHS - 1)

    def lagged(series: np.ndarray, lag: int) -> np.ndarray:
        return np.concatenate([np.full(lag, np.nan), series[: WINDOW_MONTHS - lag]])

    def noise(scale: float) -> np.ndarray:
        return rng.normal(0.0, scale, size=WINDOW_MONTHS)

    adoption, success = metrics.adoption, metrics.task_success
    series = {
        STRONG_LAGGED_KR: 10.0 + 45.0 * lagged(adoption["ci"], 2) + noise(0.5),
        "kr-2": 8.0 + 10.0 * progress + noise(1.5),
        "kr-3": 33.0 - 14.0 * adoption["ci"] / adoption["ci"].max() + noise(0.8),
        "kr-4": 18.0 - 7.5 * lagged(adoption["flags"], 1) / adoption["flags"].max() + noise(0.4),
        WEAK_KR: _weakly_correlated(adoption["datamart"], rng, center=48.0, spread=4.0),
        "kr-6": 4.0 + 60.0 * (1.0 - success["expense"]) + noise(0.4),
        "kr-7": 122.0 - 14.0 * progress + noise(1.2),
        "kr-8": 100.0 * success["ci"] - 1.0 + noise(0.3),
        # Restore times fell with an on-call overhaul over the same months as tracing was
        # adopted: the two share a trend, but month to month they do not move together.
        "kr-9": _shared_trend_only(progress, rng, start=150.0, end=70.0, wiggle=6.0),
        "kr-11": 38.0 - 30.0 * adoption["hr"] + noise(0.8),
        "kr-12": 5.0 + 60.0 * adoption["design"] + noise(2.0),
    }
    series["kr-2"][np.arange(WINDOW_MONTHS) % 3 != 2] = np.nan  # a quarterly pulse
    series["kr-4"][:3] = np.nan  # measured since the flags pilot
    series["kr-12"][:6] = np.nan  # tracked since the component audit
    # UNMEASURED_KR has no series: it gets no rows at all.
    decimals = {"kr-2": 0, "kr-7": 2, "kr-9": 0}
    rows = [
        (kr_id, calendar.labels[month], round(float(values[month]), decimals.get(kr_id, 1)))
        for kr_id, values in series.items()
        for month in range(WINDOW_MONTHS)
        if not np.isnan(values[month])
    ]
    return pd.DataFrame(rows, columns=["kr_id", "month", "value"])


def _shared_trend_only(
    progress: np.ndarray, rng: np.random.Generator, *, start: float, end: float, wiggle: float
) -> np.ndarray:
    """A key result that trends from `start` to `end` over the window (a smooth S) with
    month-to-month wiggles of its own: any trending product metric correlates with its
    level, but not with its changes."""
    trend = start + (end - start) * (3 * progress**2 - 2 * progress**3)
    return trend + rng.normal(0.0, wiggle, size=progress.size)


def _weakly_correlated(
    x: np.ndarray, rng: np.random.Generator, *, center: float, spread: float
) -> np.ndarray:
    """A series whose best-lag correlation with `x` is weak and positive (0.25-0.35)."""
    z = (x - x.mean()) / (x.std() or 1.0)
    y = np.full(x.size, center)
    for _ in range(1000):
        e = rng.normal(size=x.size)
        y = np.round(center + spread * (0.3 * z + math.sqrt(1 - 0.3**2) * e), 1)
        found = _best_lag_correlation(x, y)
        if found is not None and 0.25 <= found[0] <= 0.35:
            break
    return y


# ------------------------------------------------------------------ writing


def _directory_frames(
    calendar: _Calendar, size: _Size, activity: _Activity, seed: int
) -> dict[str, pd.DataFrame]:
    """people.csv, eligibility.csv (valuemodel.demo.directory, from their own seed),
    releases.csv and rollouts.csv (valuemodel.demo.releases)."""
    from valuemodel.demo import directory, releases

    rng = np.random.default_rng(np.random.SeedSequence([seed, 17]))
    return {
        "people.csv": directory.people_frame(
            calendar.labels, size.directory, size.engineering, activity.pools, activity.active, rng
        ),
        "eligibility.csv": directory.eligibility_frame([p.product_id for p in PRODUCTS]),
        "releases.csv": releases.releases_frame(calendar.date),
        "rollouts.csv": releases.rollouts_frame(calendar.date),
    }


def _write(out_dir: pathlib.Path, name: str, frame: pd.DataFrame) -> int:
    """Write `frame` as `name` (UTF-8, LF, the contract's header); return its rows."""
    header = list(FILES_BY_NAME[name].header)
    if list(frame.columns) != header:
        raise ValueError(f"{name}: columns {list(frame.columns)} are not the contract's {header}")
    frame.to_csv(out_dir / name, index=False, lineterminator="\n", encoding="utf-8")
    return len(frame)
