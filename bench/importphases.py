"""The import's own phase timings (owned by the importer; kept apart from the rest of
the benchmark): what `ImportResult.phases` measured, summed over the imports of a size,
and the ratio against the plain COPY of the same file."""

from __future__ import annotations

from collections.abc import Mapping

# Phase keys of valuemodel.data.importer (ImportResult.phases), in the order they run,
# and the words the table uses for them.
PHASES: tuple[tuple[str, str], ...] = (
    ("prepare", "lock and staging tables"),
    ("other_files", "small files (validate + COPY + upsert)"),
    ("events_validate_and_copy", "events: validate chunks in Arrow + COPY to landing"),
    ("events_encode", "  of which chunk encoding for COPY"),
    ("events_copy_wait", "  of which waiting for PostgreSQL to take the COPY"),
    ("events_replace", "events: --replace-months deletes"),
    ("events_settle", "events: months swapped in (primary key built) or merged"),
    ("analyze", "planner statistics"),
    ("rollup_user_day", "rollup user_day"),
    ("rollup_user_month", "rollup user_month"),
    ("rollup_product_month", "rollup product_month"),
    ("rollup_lifecycle", "rollup lifecycle and cohorts"),
    ("rollup_action_month", "rollup action_month"),
    ("rollup_survey_month", "rollup survey_month"),
    ("rollup_user_action_month", "rollup user_action_month"),
    ("rollup_segments", "rollup segment_month (every month of touched products)"),
    ("commit", "log and commit"),
)
TARGET = 0.3


def merge(total: dict[str, float], phases: Mapping[str, float]) -> None:
    """Add one import's phases into `total`."""
    for key, seconds in phases.items():
        total[key] = total.get(key, 0.0) + float(seconds)


def phase_rows(
    imported: Mapping[str, object] | None, copy_seconds: float | None
) -> list[tuple[str, str]]:
    """Table rows: each phase in seconds and as a multiple of the plain COPY's time."""
    phases = (imported or {}).get("import_phases") if imported else None
    if not isinstance(phases, Mapping) or not phases:
        return []
    rows = []
    for key, words in PHASES:
        if key not in phases:
            continue
        seconds = float(phases[key])
        share = f" ({seconds / copy_seconds:.2f}x COPY)" if copy_seconds else ""
        rows.append((f"&nbsp;&nbsp;import phase: {words}", f"{seconds:.2f} s{share}"))
    return rows


def verdict(ratio: float | None) -> str:
    """PASS or MISS against the 0.3x target."""
    if ratio is None:
        return "—"
    return "PASS" if ratio >= TARGET else "MISS"
