"""The scenario page's controls: slider ranges and steps around a product's baseline,
their URL names, and how a driver's value reads on screen. Pure: no streamlit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from valuemodel.core import drivers as registry
from valuemodel.core.scenario import (
    DRIVERS,
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

    `default` is the baseline's exact value (it may sit between two grid steps); a slider
    left there means "as the baseline", exactly (see `drivers_from_controls`).
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


# Short names for the page's URL parameters (`?s_fte=4.5`), one per driver.
URL_NAMES: dict[str, str] = {spec.name: spec.url_name for spec in registry.SPECS}
# Help texts beside the sliders.
EXPLAIN: dict[str, str] = {spec.name: spec.help for spec in registry.SPECS}
# The driver rows of the saved-scenario comparison, in the order of the page's sliders.
GROUPS = ("funding", "outcomes", "more", "cut")
COMPARED: tuple[str, ...] = (
    "cut",
    *(
        spec.name
        for group in GROUPS
        for spec in registry.SPECS
        if spec.compared and spec.slider is not None and spec.slider.group == group
    ),
)
nice_step = registry.nice_step


def _money_format(currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    return f"{symbol}%,d" if symbol else f"%,d {currency}"


def _snap(value: float, control_min: float, control_max: float, step: float) -> float:
    """`value` clamped to [min, max] first (so a huge number cannot overflow), then put on
    the grid of `step`."""
    if not math.isfinite(value):
        value = control_min if value < 0 else control_max
    clamped = min(max(value, control_min), control_max)
    snapped = round(round(clamped / step) * step, 6)
    return min(max(snapped, control_min), control_max)


def controls(baseline: Baseline) -> tuple[Control, ...]:
    """The sliders for `baseline`'s product: ranges, steps and the baseline's position.

    `default` is the baseline's exact value (not put on the slider's grid), so an
    untouched slider shows and holds the baseline itself.
    """
    base = baseline_drivers(baseline)
    out = []
    for spec in registry.SPECS:
        slider = spec.slider
        if slider is None:
            continue
        value = float(getattr(base, spec.name)) * slider.scale
        lo, hi, step = registry.slider_range(slider, value)
        if spec.name == "adoption_target":
            hi = max(hi, round(max_adoption(baseline) * 100.0))
        fmt = _money_format(baseline.currency) if slider.format == "money" else slider.format
        shown = format_driver(spec.name, getattr(base, spec.name), baseline.currency)
        out.append(
            Control(
                driver=spec.name, label=spec.slider_label or spec.label, group=slider.group,
                scale=slider.scale, minimum=float(lo), maximum=float(hi), step=float(step),
                default=min(max(value, lo), hi), format=fmt,
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
    changes: dict[str, Any] = {}  # Drivers fields: floats, and whole numbers for INT_DRIVERS
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
    return check_drivers(replace(base, cut=cut, **changes), baseline)


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
        raw = float(values[control.driver])
        if abs(raw - control.default) < control.step / 1000:
            continue  # at the baseline (which may sit between two grid steps)
        value = snap_control(control, raw)
        if abs(value - control.default) >= control.step / 1000:
            out[URL_PREFIX + URL_NAMES[control.driver]] = _plain_number(value)
    if cut:
        out[URL_PREFIX + URL_NAMES["cut"]] = "1"
    return out


def values_from_url(
    baseline: Baseline, params: Mapping[str, str]
) -> tuple[dict[str, float], bool, list[str]]:
    """Slider values (display units, on the grid) named by URL parameters, the cut switch,
    and a notice per parameter that was unreadable or out of range.

    A number is read only when finite; one outside its slider's range is clamped to it
    (and noticed). Only values off the baseline are returned.
    """
    values: dict[str, float] = {}
    notices: list[str] = []
    for control in controls(baseline):
        raw = params.get(URL_PREFIX + URL_NAMES[control.driver])
        if raw is None:
            continue
        try:
            number = float(str(raw).strip())
        except ValueError:
            notices.append(f"{control.label.lower()} is not a number")
            continue
        if not math.isfinite(number):
            notices.append(f"{control.label.lower()} is not a finite number")
            continue
        value = snap_control(control, number)
        if not control.minimum <= number <= control.maximum:
            notices.append(
                f"{control.label.lower()} is outside {_plain_number(control.minimum)} to "
                f"{_plain_number(control.maximum)}, so it is set to {_plain_number(value)}"
            )
        if abs(value - control.default) >= control.step / 1000:
            values[control.driver] = value
    cut = str(params.get(URL_PREFIX + URL_NAMES["cut"], "")).strip().lower() in ("1", "true", "yes")
    return values, cut, notices


def controls_from_drivers(baseline: Baseline, drivers: Drivers) -> dict[str, float]:
    """Slider values (display units) that reproduce `drivers`: a driver at its baseline
    keeps the slider's exact default, any other value goes on the slider's grid."""
    out = {}
    for control in controls(baseline):
        value = float(getattr(drivers, control.driver)) * control.scale
        if abs(value - control.default) < 1e-9 * max(1.0, abs(control.default)):
            out[control.driver] = control.default
        else:
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
