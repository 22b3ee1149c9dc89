"""The scenario drivers, registered once (DESIGN section 6).

One `DriverSpec` per lever of a scenario: its label and unit, the limits a value must
respect, its uncertainty range, its short name in a link, how its slider moves and the
help text beside it. Everything else (the limits checked by `scenario.check_drivers`, the
ranges sampled by `scenario.simulate`, the sliders and URL names of the Scenarios page,
the rows of the comparison table) is derived from `SPECS`. Pure: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """How far a driver may be off: low and high around the chosen (likely) value.

    kind 'relative' multiplies the value (0.8 = 20 % lower); 'absolute' adds to it.
    `sampled` drivers are drawn from a triangular distribution for the bands; every
    range feeds the tornado.
    """

    driver: str
    low: float
    high: float
    kind: str = "relative"
    sampled: bool = True


@dataclass(frozen=True)
class Slider:
    """How a driver's slider moves, in display units (`scale` x the driver's value).

    The slider runs from `minimum` to the larger of `maximum` and `grow` x the baseline
    value + `extra` (rounded up to the step), so every baseline fits. `step` None means a
    1-2-5 step cutting the range into about 200 steps; a fixed step is coarsened the same
    way when it would cut the range into more than 400.
    """

    group: str  # funding, outcomes, more or cut
    scale: float
    minimum: float
    maximum: float
    step: float | None
    format: str  # a sprintf format; "money" means the currency's own format
    grow: float = 0.0
    extra: float = 0.0


@dataclass(frozen=True)
class DriverSpec:
    """One scenario driver. Units: fte, money (per month), fraction (0..1), months,
    minutes, tasks, flag. `limits` is (minimum, maximum or None for no upper bound)."""

    name: str
    label: str
    unit: str
    limits: tuple[float, float | None] | None
    help: str
    url_name: str
    slider: Slider | None = None
    slider_label: str | None = None
    range: Range | None = None
    integer: bool = False
    compared: bool = True  # a row of the saved-scenario comparison table


def _r(name: str, low: float, high: float, kind: str = "relative", sampled: bool = True) -> Range:
    return Range(name, low, high, kind, sampled)


SPECS: tuple[DriverSpec, ...] = (
    # The order of the sampled ranges is the order of their random streams: keep it.
    DriverSpec(
        "cut", "Cut it", "flag", None,
        "Team to zero; adoption decays at the observed churn; no improvement lands; a share "
        "of the infrastructure spend is paid through a wind-down, then it is switched off.",
        "cut",
    ),
    DriverSpec(
        "team_fte", "Team size", "fte", (0.0, 1000.0),
        "Engineers funded on the product. The data holds headcount cost, not heads: the team "
        "is that cost over the cost per engineer (under More assumptions).",
        "fte", Slider("funding", 1.0, 0.0, 10.0, 0.1, "%.1f FTE", grow=2.0, extra=2.0),
        "Team (engineers, FTE)",
    ),
    DriverSpec(
        "adoption_target", "Adoption target", "fraction", (0.0, 1.0),
        "Share of the eligible users active in a month once the targets have landed; it "
        "moves there in a straight line over the ramp months.",
        "adoption", Slider("outcomes", 100.0, 0.0, 100.0, 1.0, "%.1f%%"),
        "Adoption target (share of eligible users)",
        _r("adoption_target", 0.85, 1.10),
    ),
    DriverSpec(
        "ramp_months", "Months to reach the targets", "months", (0.0, 120.0),
        "Months for the outcome targets to land, in a straight line.",
        "ramp", Slider("more", 1.0, 0.0, 24.0, 1.0, "%d months"),
        "Months for the targets to land",
        _r("ramp_months", 0.75, 1.50),
    ),
    DriverSpec(
        "tasks_per_user", "Tasks per active user", "tasks", (0.0, None),
        "Attempts of the timed tasks per active user per month.",
        "tasks", Slider("more", 1.0, 0.0, 10.0, 0.5, "%.1f", grow=2.5),
        "Tasks per active user per month",
        _r("tasks_per_user", 0.85, 1.15),
    ),
    DriverSpec(
        "minutes_saved", "Minutes saved per task", "minutes", (0.0, 1440.0),
        "Minutes a task saves against the old way (the task baselines, weighted by tasks "
        "done). An estimate: its uncertainty range scales the whole path.",
        "minutes", Slider("outcomes", 1.0, 0.0, 30.0, 0.5, "%.1f min", grow=2.5),
        "Minutes saved per task",
        _r("minutes_saved", 0.70, 1.20),
    ),
    DriverSpec(
        "success_rate", "Task success rate", "fraction", (0.0, 1.0),
        "Share of tasks with a recorded outcome that succeed. A recorded failure saves "
        "nothing.",
        "success", Slider("outcomes", 100.0, 0.0, 100.0, 1.0, "%.1f%%"),
        "Task success rate",
        _r("success_rate", 0.97, 1.02),
    ),
    DriverSpec(
        "cost_per_fte", "Cost per engineer", "money", (0.0, None),
        "Loaded monthly cost of one engineer.",
        "cost_fte", Slider("more", 1.0, 0.0, 30_000.0, 250.0, "money", grow=2.0),
        "Cost per engineer per month",
        _r("cost_per_fte", 0.95, 1.10),
    ),
    DriverSpec(
        "infrastructure_spend", "Infrastructure and licences", "money", (0.0, None),
        "Infrastructure and licence spend per month.",
        "spend", Slider("funding", 1.0, 0.0, 1_000.0, None, "money", grow=2.5),
        "Infrastructure and licences per month",
        _r("infrastructure_spend", 0.90, 1.25),
    ),
    DriverSpec(
        "churn", "Monthly churn after a cut", "fraction", (0.0, 1.0),
        "Share of users lost each month once nobody improves the product (observed: 1 - "
        "retention over the baseline months).",
        "churn", Slider("cut", 100.0, 0.0, 50.0, 0.5, "%.1f%%"),
        "Monthly churn after a cut",
        _r("churn", 0.75, 1.50), compared=False,
    ),
    DriverSpec(
        "loaded_hourly_cost", "Loaded hourly cost", "money", (0.0, None),
        "What an hour of the users' time is worth (stored assumption).",
        "hourly", Slider("more", 1.0, 0.0, 300.0, 1.0, "money", grow=2.5),
        "Loaded hourly cost",
        _r("loaded_hourly_cost", 0.90, 1.10, sampled=False),
    ),
    DriverSpec(
        "confidence", "Confidence in the savings", "fraction", (0.0, 1.0),
        "Share of the savings counted (risk adjustment, Forrester TEI).",
        "confidence", Slider("outcomes", 100.0, 0.0, 100.0, 1.0, "%.1f%%"),
        "Confidence in the savings",
        _r("confidence", -0.10, 0.10, kind="absolute", sampled=False),
    ),
    DriverSpec(
        "cost_risk", "Cost risk", "fraction", (0.0, 2.0),
        "Share added to every cost, for overruns (TEI cost risk).",
        "cost_risk", Slider("more", 100.0, 0.0, 50.0, 1.0, "%.0f%%"),
        "Cost risk (added to every cost)",
        _r("cost_risk", 0.0, 0.10, kind="absolute", sampled=False),
    ),
    DriverSpec(
        "discount_rate", "Discount rate (annual)", "fraction", (0.0, 1.0),
        "Annual rate for present values (stored assumption).",
        "discount", Slider("more", 100.0, 0.0, 30.0, 0.5, "%.1f%%"),
        "Discount rate (annual)",
        _r("discount_rate", -0.03, 0.03, kind="absolute", sampled=False),
    ),
    DriverSpec(
        "horizon_months", "Horizon", "months", (1.0, 120.0),
        "How far the projection runs.",
        "horizon", Slider("more", 1.0, 12.0, 60.0, 6.0, "%d months"),
        "Horizon", integer=True, compared=False,
    ),
    DriverSpec(
        "maintenance_share", "Maintenance kept after a cut", "fraction", (0.0, 1.0),
        "Share of the infrastructure and licence spend still paid while the product winds "
        "down.",
        "maintenance", Slider("cut", 100.0, 0.0, 100.0, 5.0, "%.0f%%"),
        "Maintenance kept after a cut (share of infrastructure)", compared=False,
    ),
    DriverSpec(
        "wind_down_months", "Wind-down after a cut", "months", (0.0, 120.0),
        "Months the product keeps running unmaintained before it is switched off; after "
        "that there are no users and no costs.",
        "wind_down", Slider("cut", 1.0, 0.0, 24.0, 1.0, "%d months"),
        "Wind-down before switching off", integer=True, compared=False,
    ),
    DriverSpec(
        "other_spend", "Other costs", "money", (0.0, None),
        "Other costs per month (kept at the baseline; stopped by a cut).",
        "other", compared=False,
    ),
)  # fmt: skip

BY_NAME: dict[str, DriverSpec] = {spec.name: spec for spec in SPECS}


def spec(name: str) -> DriverSpec:
    """The registered driver `name`; KeyError for an unknown one."""
    return BY_NAME[name]


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


def slider_range(slider: Slider, value: float) -> tuple[float, float, float]:
    """(minimum, maximum, step) of a slider whose baseline is `value` (display units)."""
    top = max(slider.maximum, value * slider.grow + slider.extra)
    if slider.step is None:
        step = nice_step(top)
    else:
        step = slider.step
        if (top - slider.minimum) / step > 400:
            step = nice_step(top - slider.minimum, 400)
    top = max(top, value)
    top = math.ceil(round(top / step, 9)) * step
    return slider.minimum, float(top), float(step)
