"""The CSV contract of DESIGN section 3, as data: files, columns, kinds, keys, references.

Pure: no I/O. The validator (`csvcheck`) and the loader (`importer`) both read it, and
the README's format section is checked against it by a test.
"""

from __future__ import annotations

from dataclasses import dataclass

HEART_DIMENSIONS = ("happiness", "engagement", "adoption", "retention", "task_success")
LINK_METRICS = (*HEART_DIMENSIONS, "savings")
COST_CATEGORIES = ("headcount", "infrastructure", "licenses", "other")
EVIDENCE_KINDS = ("causal", "correlational", "asserted")
OBJECTIVE_LEVELS = ("company", "org", "team")
GOAL_ROLES = ("key", "backstop")
NOTE_METRICS = (*HEART_DIMENSIONS, "savings", "cost")
NOTE_TEXT_MAX = 500
NOTE_AUTHOR_MAX = 80
ASSUMPTION_KEYS = ("loaded_hourly_cost", "currency", "discount_rate", "min_survey_responses")
DEFAULT_ASSUMPTIONS = {
    "loaded_hourly_cost": "100",
    "currency": "USD",
    "discount_rate": "0.10",
    "min_survey_responses": "30",
}
# Happiness from fewer survey responses than this (over its rolling quarter) keeps its
# value and interval but gets no HEART score (DESIGN section 4).
DEFAULT_MIN_SURVEY_RESPONSES = 30
MAX_MIN_SURVEY_RESPONSES = 100_000
# The people directory's attributes a segment, an eligibility rule or a rollout names.
SEGMENT_ATTRIBUTES = ("org", "team", "job_family", "location")
# Events of users outside the people directory count in this segment value.
UNKNOWN_SEGMENT = "unknown"
RELEASE_KINDS = ("launch", "feature", "fix", "change", "deprecation")

# ISO 4217 codes a finance team is likely to use; an unknown code is refused rather than
# shown next to every number.
CURRENCIES = (
    "USD", "EUR", "GBP", "CHF", "JPY", "CNY", "INR", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK",
    "PLN", "CZK", "HUF", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "ILS", "AED", "SAR", "TRY",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column: its name, the kind of value it holds and whether it may be empty.

    kind is one of: id, text, int, number, money (a number below 1e12), fraction, score,
    date, month, timestamp, bool, enum (with `choices`), assumption_value.
    """

    name: str
    kind: str
    optional: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None


@dataclass(frozen=True)
class Reference:
    """Values of `column` must exist as `target_file`'s key (in the import or stored)."""

    column: str
    target_file: str


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of the contract, loaded into `table`."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_PRODUCT = Reference("product_id", "products.csv")
_KR = Reference("kr_id", "key_results.csv")

# In load order: a file comes after every file it references.
FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "products.csv",
        "products",
        (
            Column("product_id", "id"),
            Column("name", "text"),
            Column("owner_team", "text"),
            Column("eligible_users", "int", minimum=0),
            Column("launched_on", "date", optional=True),
        ),
        key=("product_id",),
    ),
    FileSpec(
        "objectives.csv",
        "objectives",
        (
            Column("objective_id", "id"),
            Column("title", "text"),
            Column("level", "enum", choices=OBJECTIVE_LEVELS),
            Column("parent_id", "id", optional=True),
            Column("period", "text"),
        ),
        key=("objective_id",),
        references=(Reference("parent_id", "objectives.csv"),),
    ),
    FileSpec(
        "key_results.csv",
        "key_results",
        (
            Column("kr_id", "id"),
            Column("objective_id", "id"),
            Column("title", "text"),
            Column("unit", "text"),
            Column("baseline", "number"),
            Column("target", "number"),
        ),
        key=("kr_id",),
        references=(Reference("objective_id", "objectives.csv"),),
    ),
    FileSpec(
        "assumptions.csv",
        "assumptions",
        (Column("key", "enum", choices=ASSUMPTION_KEYS), Column("value", "assumption_value")),
        key=("key",),
    ),
    FileSpec(
        "costs.csv",
        "costs",
        (
            Column("product_id", "id"),
            Column("month", "month"),
            Column("category", "enum", choices=COST_CATEGORIES),
            Column("amount", "money", minimum=0),
        ),
        key=("product_id", "month", "category"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "task_baselines.csv",
        "task_baselines",
        (
            Column("product_id", "id"),
            Column("action", "id"),
            Column("minutes_saved", "number", minimum=0),
            Column("confidence", "fraction"),
            Column("source", "text"),
        ),
        key=("product_id", "action"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "heart_goals.csv",
        "heart_goals",
        (
            Column("product_id", "id"),
            Column("dimension", "enum", choices=HEART_DIMENSIONS),
            Column("role", "enum", choices=GOAL_ROLES),
            Column("goal", "text"),
            Column("signal", "text"),
            Column("metric", "text"),
            Column("target", "number"),
        ),
        key=("product_id", "dimension"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "metric_links.csv",
        "metric_links",
        (
            Column("product_id", "id"),
            Column("metric", "enum", choices=LINK_METRICS),
            Column("kr_id", "id"),
            Column("evidence", "enum", choices=EVIDENCE_KINDS),
            Column("note", "text", optional=True),
        ),
        key=("product_id", "metric", "kr_id"),
        references=(_PRODUCT, _KR),
    ),
    FileSpec(
        "kr_measurements.csv",
        "kr_measurements",
        (Column("kr_id", "id"), Column("month", "month"), Column("value", "number")),
        key=("kr_id", "month"),
        references=(_KR,),
    ),
    FileSpec(
        "surveys.csv",
        "surveys",
        (
            Column("product_id", "id"),
            Column("user_id", "id"),
            Column("responded_at", "timestamp"),
            Column("score", "score"),
        ),
        key=("product_id", "user_id", "responded_at"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "usage_events.csv",
        "usage_events",
        (
            Column("product_id", "id"),
            Column("user_id", "id"),
            Column("occurred_at", "timestamp"),
            Column("action", "id"),
            Column("succeeded", "bool", optional=True),
            Column("duration_seconds", "number", optional=True, minimum=0),
        ),
        key=("product_id", "user_id", "occurred_at", "action"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "notes.csv",
        "notes",
        (
            Column("product_id", "id"),
            Column("month", "month"),
            Column("metric", "enum", optional=True, choices=NOTE_METRICS),
            Column("author", "text"),
            Column("text", "text"),
        ),
        key=("product_id", "month", "metric", "author", "text"),
        references=(_PRODUCT,),
    ),
)

# The people directory (who works where, and when) and the releases (second round).
FILES = (
    *FILES,
    FileSpec(
        "people.csv",
        "people",
        (
            Column("user_id", "id"),
            Column("org", "text"),
            Column("team", "text"),
            Column("job_family", "text"),
            Column("location", "text"),
            Column("started_on", "date", optional=True),
            Column("left_on", "date", optional=True),
        ),
        key=("user_id",),
    ),
    FileSpec(
        "eligibility.csv",
        "eligibility",
        (
            Column("product_id", "id"),
            Column("attribute", "enum", choices=SEGMENT_ATTRIBUTES),
            Column("value", "text"),
        ),
        key=("product_id", "attribute", "value"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "releases.csv",
        "releases",
        (
            Column("product_id", "id"),
            Column("release_id", "id"),
            Column("released_on", "date"),
            Column("title", "text"),
            Column("kind", "enum", choices=RELEASE_KINDS),
        ),
        key=("product_id", "release_id"),
        references=(_PRODUCT,),
    ),
    FileSpec(
        "rollouts.csv",
        "rollouts",
        (
            Column("product_id", "id"),
            Column("release_id", "id"),
            Column("attribute", "enum", choices=SEGMENT_ATTRIBUTES),
            Column("value", "text"),
            Column("rolled_out_on", "date"),
        ),
        key=("product_id", "release_id", "attribute", "value"),
        references=(_PRODUCT,),
    ),
)

FILES_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}

# The unit each HEART goal's target is written in, and the range it must lie in.
TARGET_RANGES: dict[str, tuple[float, float, str]] = {
    "happiness": (-100.0, 100.0, "an NPS between -100 and 100"),
    "engagement": (0.0, 31.0, "active days per month, between 0 and 31"),
    "adoption": (0.0, 1.0, "a fraction between 0 and 1 (write 0.6 for 60%)"),
    "retention": (0.0, 1.0, "a fraction between 0 and 1 (write 0.85 for 85%)"),
    "task_success": (0.0, 1.0, "a fraction between 0 and 1 (write 0.95 for 95%)"),
}


@dataclass(frozen=True)
class Assumptions:
    """Global assumptions: hourly cost (money per hour), ISO currency code, annual rate,
    and the fewest survey responses (a count) a happiness value needs to be scored."""

    loaded_hourly_cost: float
    currency: str
    discount_rate: float
    min_survey_responses: int = DEFAULT_MIN_SURVEY_RESPONSES

    @classmethod
    def from_mapping(cls, values: dict[str, str]) -> Assumptions:
        merged = {**DEFAULT_ASSUMPTIONS, **values}
        return cls(
            loaded_hourly_cost=float(merged["loaded_hourly_cost"]),
            currency=merged["currency"],
            discount_rate=float(merged["discount_rate"]),
            min_survey_responses=int(float(merged["min_survey_responses"])),
        )
