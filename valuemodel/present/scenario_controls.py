"""The scenario page's controls: slider ranges and steps around a product's baseline,
their URL names, and how a driver's value reads on screen. Pure: no streamlit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from valuemodel.core.scenario import (
    DRIVERS,
    FTE_STEP,
    INT_DRIVERS,
    Baseline,
    Drivers,
    baseline_drivers,
    check_drivers,
    max_adoption,
)
from valuemodel.present.formats import SYMBOLS, money, percent


@dataclass(frozen=True)
class Control:
    """One slider of the Scenarios page, in display units (`scale` x the driver value).

    `default` is the baseline value on the slider's grid; a slider left there means
    "as the baseline", exactly (see `drivers_from_controls`).
    """

    driver: str
    label: str
    group: str  # funding, outcomes or more
    scale: float
    minimum: float
    maximum: float
    step: float
    default: float
    format: str  # a sprintf format for st.slider
    help: str
    baseline_text: str  # the baseline value as it reads on screen


# Short names for the page's URL parameters (`?s_fte_ci=4.5`), one per driver.
URL_NAMES: dict[str, str] = {
    "team_fte": "fte",
    "infrastructure_spend": "spend",
    "adoption_target": "adoption",
    "minutes_saved": "minutes",
    "success_rate": "success",
    "confidence": "confidence",
    "ramp_months": "ramp",
    "tasks_per_user": "tasks",
    "cost_per_fte": "cost_fte",
    "loaded_hourly_cost": "hourly",
    "cost_risk": "cost_risk",
    "discount_rate": "discount",
    "horizon_months": "horizon",
    "churn": "churn",
    "maintenance_share": "maintenance",
    "wind_down_months": "wind_down",
    "cut": "cut",
}


def nice_step(span: float, target_steps: int = 200) -> float:
    """A 1-2-5 step that cuts `span` into about `target_steps` steps (at least 1)."""
    if span <= 0:
        return 1.0
    raw = span / target_steps
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return max(1.0, float(mult * power))
    return max(1.0, float(10 * power))


def _money_format(currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    return f"{symbol}%,d" if symbol else f"%,d {currency}"


def _snap(value: float, control_min: float, control_max: float, step: float) -> float:
    snapped = round(round(value / step) * step, 6)
    return min(max(snapped, control_min), control_max)


def controls(baseline: Baseline) -> tuple[Control, ...]:
    """The sliders for `baseline`'s product: ranges, steps and the baseline's position."""
    base = baseline_drivers(baseline)
    cur = _money_format(baseline.currency)
    specs: list[tuple[str, str, str, float, float, float, float, str]] = []

    def add(
        driver: str,
        label: str,
        group: str,
        scale: float,
        lo: float,
        hi: float,
        step: float,
        fmt: str,
    ) -> None:
        specs.append((driver, label, group, scale, lo, hi, step, fmt))

    fte_max = max(10.0, math.ceil(base.team_fte * 2 + 2))
    add("team_fte", "Team (engineers, FTE)", "funding", 1.0, 0.0, fte_max, FTE_STEP, "%.1f FTE")
    spend_max = max(1_000.0, base.infrastructure_spend * 2.5)
    spend_step = nice_step(spend_max)
    spend_max = math.ceil(spend_max / spend_step) * spend_step
    add(
        "infrastructure_spend",
        "Infrastructure and licences per month",
        "funding",
        1.0,
        0.0,
        spend_max,
        spend_step,
        cur,
    )
    add("adoption_target", "Adoption target (share of eligible users)", "outcomes", 100.0, 0.0,
        round(max_adoption(baseline) * 100.0), 1.0, "%.0f%%")  # fmt: skip
    minutes_max = max(30.0, math.ceil(base.minutes_saved * 2.5))
    add(
        "minutes_saved",
        "Minutes saved per task",
        "outcomes",
        1.0,
        0.0,
        minutes_max,
        0.5,
        "%.1f min",
    )
    add("success_rate", "Task success rate", "outcomes", 100.0, 0.0, 100.0, 1.0, "%.0f%%")
    add("confidence", "Confidence in the savings", "outcomes", 100.0, 0.0, 100.0, 1.0, "%.0f%%")
    add("ramp_months", "Months for the targets to land", "more", 1.0, 0.0, 24.0, 1.0, "%d months")
    tasks_max = max(10.0, math.ceil(base.tasks_per_user * 2.5))
    add("tasks_per_user", "Tasks per active user per month", "more", 1.0, 0.0, tasks_max,
        nice_step(tasks_max, 400) if tasks_max > 100 else 0.5, "%.1f")  # fmt: skip
    cpf_max = max(30_000.0, math.ceil(base.cost_per_fte * 2 / 1000) * 1000)
    add("cost_per_fte", "Cost per engineer per month", "more", 1.0, 0.0, cpf_max, 250.0, cur)
    hourly_max = max(300.0, math.ceil(base.loaded_hourly_cost * 2.5 / 5) * 5)
    add("loaded_hourly_cost", "Loaded hourly cost", "more", 1.0, 0.0, hourly_max, 1.0, cur)
    add("cost_risk", "Cost risk (added to every cost)", "more", 100.0, 0.0, 50.0, 1.0, "%.0f%%")
    add("discount_rate", "Discount rate (annual)", "more", 100.0, 0.0, 30.0, 0.5, "%.1f%%")
    add("horizon_months", "Horizon", "more", 1.0, 12.0, 60.0, 6.0, "%d months")
    add("churn", "Monthly churn after a cut", "cut", 100.0, 0.0, 50.0, 0.5, "%.1f%%")
    add(
        "maintenance_share",
        "Maintenance kept after a cut (share of infrastructure)",
        "cut",
        100.0,
        0.0,
        100.0,
        5.0,
        "%.0f%%",
    )
    add(
        "wind_down_months",
        "Wind-down before switching off",
        "cut",
        1.0,
        0.0,
        24.0,
        1.0,
        "%d months",
    )

    out = []
    for driver, label, group, scale, lo, hi, step, fmt in specs:
        value = float(getattr(base, driver)) * scale
        hi = max(hi, math.ceil(value / step) * step)
        default = _snap(value, lo, hi, step)
        shown = format_driver(driver, getattr(base, driver), baseline.currency)
        out.append(
            Control(
                driver=driver, label=label, group=group, scale=scale, minimum=float(lo),
                maximum=float(hi), step=float(step), default=float(default), format=fmt,
                help=f"Baseline: {shown}.", baseline_text=shown,
            )
        )  # fmt: skip
    return tuple(out)


def drivers_from_controls(
    baseline: Baseline, values: Mapping[str, float], *, cut: bool = False
) -> Drivers:
    """Drivers from slider values keyed by driver name (display units).

    A slider at its default keeps the exact baseline value (the grid may round it), so
    an untouched page shows the baseline itself.
    """
    base = baseline_drivers(baseline)
    changes: dict[str, float | int] = {}
    for control in controls(baseline):
        if control.driver not in values:
            continue
        value = float(values[control.driver])
        if abs(value - control.default) < control.step / 1000:
            continue
        driver_value = value / control.scale
        changes[control.driver] = (
            round(driver_value) if control.driver in INT_DRIVERS else driver_value
        )
    return check_drivers(replace(base, cut=cut, **changes), baseline)  # type: ignore[arg-type]


URL_PREFIX = "s_"


def _plain_number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def snap_control(control: Control, value: float) -> float:
    """`value` (display units) clamped to the slider's range and put on its grid."""
    return _snap(float(value), control.minimum, control.maximum, control.step)


def url_params(baseline: Baseline, values: Mapping[str, float], cut: bool) -> dict[str, str]:
    """URL parameters for the sliders that are off their baseline, and the cut switch.

    `values` are slider values in display units keyed by driver. A slider at its
    baseline is left out, so a link holds only what the scenario changes.
    """
    out: dict[str, str] = {}
    for control in controls(baseline):
        if control.driver not in values:
            continue
        value = snap_control(control, values[control.driver])
        if abs(value - control.default) >= control.step / 1000:
            out[URL_PREFIX + URL_NAMES[control.driver]] = _plain_number(value)
    if cut:
        out[URL_PREFIX + URL_NAMES["cut"]] = "1"
    return out


def values_from_url(baseline: Baseline, params: Mapping[str, str]) -> tuple[dict[str, float], bool]:
    """Slider values (display units, on the grid) named by URL parameters, and the cut
    switch. Only values off the baseline are returned; unreadable values are ignored."""
    values: dict[str, float] = {}
    for control in controls(baseline):
        raw = params.get(URL_PREFIX + URL_NAMES[control.driver])
        if raw is None:
            continue
        try:
            number = float(str(raw).strip())
        except ValueError:
            continue
        if not math.isfinite(number):
            continue
        value = snap_control(control, number)
        if abs(value - control.default) >= control.step / 1000:
            values[control.driver] = value
    cut = str(params.get(URL_PREFIX + URL_NAMES["cut"], "")).strip().lower() in ("1", "true", "yes")
    return values, cut


def controls_from_drivers(baseline: Baseline, drivers: Drivers) -> dict[str, float]:
    """Slider values (display units, on each slider's grid) that reproduce `drivers`."""
    out = {}
    for control in controls(baseline):
        value = float(getattr(drivers, control.driver)) * control.scale
        out[control.driver] = _snap(value, control.minimum, control.maximum, control.step)
    return out


def format_driver(name: str, value: float | int | bool, currency: str) -> str:
    """A driver's value as it reads on screen: '4.5 FTE', '$12,000', '42.0%', '6 months'."""
    unit = DRIVERS[name].unit
    if unit == "flag":
        return "yes" if value else "no"
    number = float(value)
    if unit == "fte":
        return f"{number:,.1f} FTE"
    if unit == "money":
        return money(number, currency)
    if unit == "fraction":
        return percent(number)
    if unit == "months":
        return f"{number:,.1f} months" if number != int(number) else f"{int(number):,} months"
    if unit == "minutes":
        return f"{number:,.1f} min"
    return f"{number:,.1f}"
