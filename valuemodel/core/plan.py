"""The portfolio plan (DESIGN section 6, "Portfolio plan"). Pure and vectorised.

A plan picks, for every product, one of: as today (its no-change scenario), one of its
saved scenarios, or cut it. `evaluate_plan` projects every product over one common
horizon from the same baseline month, sums the monthly flows into the portfolio's, and
gives the portfolio's NPV, ROI and payback against "everything as today". The
uncertainty bands come from each product's own seeded draws (the same triangular
ranges as a single scenario, one seed per product) summed draw by draw, so products
are independent and the portfolio's spread is not the sum of the products' spreads.

`move_budget` answers "what if we moved this much a month from one product's team to
another's": the giver's team shrinks (to zero means cut: adoption decays at the observed
churn), the receiver's grows. The model never assumes what an engineer produces, so
the receiver's outcomes stay those of its choice; pick a saved scenario with the
promised targets to count what the extra people would deliver.

Money is in the configured currency; ratios are fractions; months are 'YYYY-MM'.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from valuemodel.core import finance, scenario

AS_TODAY = "as-today"
CUT = "cut"
PLAN_NAME_MAX = 80
MAX_PRODUCTS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PlanError(ValueError):
    """A plan that cannot be evaluated as asked; the message says what to change."""


@dataclass(frozen=True)
class Choice:
    """One product's pick: `choice` is 'as-today', 'cut' or a saved scenario's name;
    `drivers` are the drivers it resolves to (over the plan's horizon)."""

    product_id: str
    choice: str
    drivers: scenario.Drivers


def product_seed(seed: int, product_id: str) -> int:
    """The seed of one product's draws in a plan: stable across runs and machines."""
    return (int(seed) + zlib.crc32(product_id.encode("utf-8"))) % (2**32)


def check_plan_name(name: str) -> str:
    """A plan's name, trimmed; PlanError when it is empty, too long or has control chars."""
    value = (name or "").strip()
    if not value:
        raise PlanError("the plan name is empty; type a name")
    if len(value) > PLAN_NAME_MAX:
        raise PlanError(f"the plan name is longer than {PLAN_NAME_MAX} characters")
    if _CONTROL.search(value):
        raise PlanError("the plan name contains control characters")
    return value


def resolve_choices(
    baselines: Mapping[str, scenario.Baseline],
    choices: Mapping[str, str],
    saved: Mapping[str, Mapping[str, Mapping[str, object]]],
    *,
    horizon: int = scenario.DEFAULT_HORIZON,
) -> dict[str, Choice]:
    """Every product's drivers for the plan, in product id order.

    `choices` maps product id -> 'as-today', 'cut' or a saved scenario's name; a product
    not named stays as today. `saved` maps product id -> scenario name -> stored driver
    values. Every product is measured over `horizon` months (a saved scenario's own
    horizon is replaced, so the products' months line up). PlanError names an unknown
    product or scenario.
    """
    if not 1 <= int(horizon) <= int(scenario.LIMITS["horizon_months"][1] or 120):
        raise PlanError("the plan horizon must be 1 to 120 months")
    for product_id in choices:
        if product_id not in baselines:
            known = ", ".join(sorted(baselines)) or "none"
            raise PlanError(f"unknown product {product_id[:60]!r}; products are: {known}")
    resolved: dict[str, Choice] = {}
    for product_id in sorted(baselines):
        baseline = baselines[product_id]
        pick = (choices.get(product_id) or AS_TODAY).strip()
        base = replace(scenario.baseline_drivers(baseline), horizon_months=int(horizon))
        if pick == AS_TODAY:
            drivers = base
        elif pick == CUT:
            drivers = replace(base, cut=True)
        else:
            own = saved.get(product_id, {})
            if pick not in own:
                names = ", ".join(sorted(own)) or "none saved"
                raise PlanError(
                    f"{product_id} has no saved scenario named {pick[:60]!r} "
                    f"(choose as-today, cut or one of: {names})"
                )
            try:
                drivers = scenario.drivers_from_mapping(
                    scenario.baseline_drivers(baseline), own[pick], strict=False, baseline=baseline
                )
            except ValueError as exc:
                raise PlanError(f"{product_id}'s scenario {pick!r}: {exc}") from None
            drivers = replace(drivers, horizon_months=int(horizon))
        resolved[product_id] = Choice(product_id, pick, drivers)
    return resolved


# ------------------------------------------------------------------ per product


@dataclass(frozen=True)
class ProductDraws:
    """One product's seeded draws: `net` (draws, months) monthly net value and `npv`
    (draws,), both money."""

    seed: int
    net: np.ndarray = field(repr=False)
    npv: np.ndarray = field(repr=False)


def product_draws(
    baseline: scenario.Baseline, drivers: scenario.Drivers, *, draws: int, seed: int
) -> ProductDraws:
    """The same draws `scenario.simulate` takes with `seed`, kept per draw."""
    if draws < 1:
        raise PlanError("draws must be at least 1")
    rng = np.random.default_rng(seed)
    adjust = scenario._triangular_factors(rng, drivers, draws)
    paths = scenario._paths(baseline, drivers, adjust, draws)
    npv = scenario.present_values(
        paths["risk_adjusted_savings"], paths["monthly_rate"]
    ) - scenario.present_values(paths["cost"], paths["monthly_rate"])
    return ProductDraws(seed=seed, net=paths["net_value"], npv=npv)


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class PlanResult:
    """A plan evaluated against 'every product as today'.

    `monthly` columns: month, month_index, cost, cost_today, risk_adjusted_savings,
    savings_today, net_value, net_value_today, cumulative_net_value,
    cumulative_net_value_today (money, undiscounted, portfolio totals).
    `products` columns: product_id, name, choice, npv, npv_today, npv_change, cost
    (total over the horizon), cost_today, monthly_cost (first month), monthly_cost_today,
    roi, payback_months; ordered by product id.
    `bands` columns: month, month_index, p10, p50, p90 of the cumulative net value of
    the summed draws. `npv_draws`/`net_draws`: the portfolio's summed draws.
    """

    choices: dict[str, Choice]
    horizon: int
    currency: str
    monthly: pd.DataFrame
    products: pd.DataFrame
    npv: float
    npv_today: float
    pv_benefits: float
    pv_costs: float
    roi: float | None
    roi_today: float | None
    payback_months: float | None
    payback_months_today: float | None
    bands: pd.DataFrame
    draws: int
    seed: int
    npv_draws: np.ndarray = field(repr=False)
    net_draws: np.ndarray = field(repr=False)

    def npv_percentiles(self) -> dict[str, float]:
        """P10, P50, P90 of the portfolio NPV over the summed draws (money)."""
        p10, p50, p90 = np.percentile(self.npv_draws, [10, 50, 90])
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}

    @property
    def probability_negative_npv(self) -> float:
        """Share of the summed draws whose portfolio NPV is below zero."""
        return float((self.npv_draws < 0).mean())


_MONTHLY = (
    "cost", "cost_today", "risk_adjusted_savings", "savings_today", "net_value",
    "net_value_today",
)  # fmt: skip


def _none_if_nan(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def evaluate_plan(
    baselines: Mapping[str, scenario.Baseline],
    choices: Mapping[str, Choice],
    *,
    draws: int = 2_000,
    seed: int = scenario.DEFAULT_SEED,
) -> PlanResult:
    """The portfolio of `choices` (from `resolve_choices`) against everything as today.

    The portfolio NPV is the sum of the products' scenario NPVs (each at its own
    discount rate); ROI is summed PV(benefits) over summed PV(costs) minus one; payback
    comes from the summed monthly net value.
    """
    if not choices:
        raise PlanError("the plan holds no product; import products first")
    if len(choices) > MAX_PRODUCTS:
        raise PlanError(f"a plan holds at most {MAX_PRODUCTS} products")
    horizons = {c.drivers.horizon_months for c in choices.values()}
    if len(horizons) != 1:
        raise PlanError("every product of a plan must use the same horizon")
    horizon = int(horizons.pop())
    ends = {baselines[pid].months[-1] for pid in choices}
    if len(ends) != 1:
        raise PlanError("every product of a plan must start from the same baseline month")
    currency = next(iter(baselines.values())).currency

    rows = []
    totals = {key: np.zeros(horizon) for key in _MONTHLY}
    pv_b = pv_c = pv_b_today = pv_c_today = 0.0
    net_draws = np.zeros((draws, horizon))
    npv_draws = np.zeros(draws)
    months: list[str] = []
    for product_id, pick in choices.items():
        baseline = baselines[product_id]
        chosen = scenario.project(baseline, pick.drivers)
        today = scenario.project(
            baseline, replace(scenario.baseline_drivers(baseline), horizon_months=horizon)
        )
        months = chosen.monthly["month"].tolist()
        h, t = chosen.headline, today.headline
        pv_b += h.pv_benefits
        pv_c += h.pv_costs
        pv_b_today += t.pv_benefits
        pv_c_today += t.pv_costs
        for key in ("risk_adjusted_savings", "cost", "net_value"):
            totals[key] += chosen.monthly[key].to_numpy(dtype=float)
        totals["savings_today"] += today.monthly["risk_adjusted_savings"].to_numpy(dtype=float)
        totals["cost_today"] += today.monthly["cost"].to_numpy(dtype=float)
        totals["net_value_today"] += today.monthly["net_value"].to_numpy(dtype=float)
        sampled = product_draws(
            baseline, pick.drivers, draws=draws, seed=product_seed(seed, product_id)
        )
        net_draws += sampled.net
        npv_draws += sampled.npv
        rows.append(
            {
                "product_id": product_id,
                "name": baseline.product_name,
                "choice": pick.choice,
                "npv": h.npv,
                "npv_today": t.npv,
                "npv_change": h.npv - t.npv,
                "cost": h.cost,
                "cost_today": t.cost,
                "monthly_cost": float(chosen.monthly["cost"].iloc[0]),
                "monthly_cost_today": float(today.monthly["cost"].iloc[0]),
                "roi": h.roi,
                "payback_months": h.payback_months,
            }
        )
    frame = pd.DataFrame({"month": months, "month_index": np.arange(1, horizon + 1), **totals})
    frame["cumulative_net_value"] = frame["net_value"].cumsum()
    frame["cumulative_net_value_today"] = frame["net_value_today"].cumsum()
    cumulative = np.cumsum(net_draws, axis=1)
    p10, p50, p90 = np.percentile(np.ascontiguousarray(cumulative.T), [10, 50, 90], axis=1)
    bands = pd.DataFrame(
        {
            "month": frame["month"].to_numpy(),
            "month_index": np.arange(1, horizon + 1),
            "p10": p10,
            "p50": p50,
            "p90": p90,
        }
    )
    products = pd.DataFrame(rows)
    npv = float(products["npv"].sum())
    npv_today = float(products["npv_today"].sum())
    return PlanResult(
        choices=dict(choices),
        horizon=horizon,
        currency=currency,
        monthly=frame,
        products=products,
        npv=npv,
        npv_today=npv_today,
        pv_benefits=pv_b,
        pv_costs=pv_c,
        roi=finance.roi(pv_b, pv_c),
        roi_today=finance.roi(pv_b_today, pv_c_today),
        payback_months=_none_if_nan(finance.payback_periods(frame["net_value"].tolist())),
        payback_months_today=_none_if_nan(
            finance.payback_periods(frame["net_value_today"].tolist())
        ),
        bands=bands,
        draws=draws,
        seed=seed,
        npv_draws=npv_draws,
        net_draws=net_draws,
    )


# ------------------------------------------------------------------ moving a budget


@dataclass(frozen=True)
class BudgetMove:
    """What moving `amount` a month of team budget from `giver` to `receiver` changes.

    `before` and `after` are the two evaluated plans; `changes` has columns product_id,
    name, npv_before, npv_after, npv_change, monthly_cost_before, monthly_cost_after
    (first month) for the two products involved; `giver_cut` is True when the giver's
    whole team moved (the product is then modelled as cut).
    """

    giver: str
    receiver: str
    amount: float
    giver_cut: bool
    before: PlanResult
    after: PlanResult
    changes: pd.DataFrame

    @property
    def npv_change(self) -> float:
        return self.after.npv - self.before.npv


def team_budget(choice: Choice) -> float:
    """The monthly team cost of a product's choice (0 when it is cut)."""
    drivers = choice.drivers
    return 0.0 if drivers.cut else float(drivers.team_fte * drivers.cost_per_fte)


def moved_choices(
    choices: Mapping[str, Choice], *, giver: str, receiver: str, amount: float
) -> tuple[dict[str, Choice], bool]:
    """`choices` with `amount` a month of team budget moved from giver to receiver.

    Returns the new choices and whether the giver's whole team moved (then it is cut).
    PlanError for unknown products, the same product twice, a cut giver or receiver,
    or an amount outside 0 < amount <= the giver's team budget.
    """
    for pid in (giver, receiver):
        if pid not in choices:
            raise PlanError(f"unknown product {pid[:60]!r} in the budget move")
    if giver == receiver:
        raise PlanError("moving a budget needs two different products")
    if not math.isfinite(amount) or amount <= 0:
        raise PlanError("the amount to move must be a positive amount per month")
    give, take = choices[giver], choices[receiver]
    available = team_budget(give)
    if available <= 0:
        raise PlanError(f"{giver} has no team budget in this plan (it is cut or has no team)")
    if take.drivers.cut:
        raise PlanError(f"{receiver} is cut in this plan; choose another receiver")
    if amount > available * (1 + 1e-9):
        raise PlanError(
            f"{giver}'s team budget is {available:,.0f} a month; move at most that much"
        )
    amount = min(amount, available)
    whole = amount >= available * (1 - 1e-9)
    g = give.drivers
    if whole:
        new_give = replace(g, cut=True)
    else:
        new_give = replace(g, team_fte=g.team_fte - amount / g.cost_per_fte)
    r = take.drivers
    cost_per_fte = r.cost_per_fte if r.cost_per_fte > 0 else scenario.DEFAULT_COST_PER_FTE
    new_take = replace(r, team_fte=r.team_fte + amount / cost_per_fte, cost_per_fte=cost_per_fte)
    moved = dict(choices)
    label = f"{give.choice} − {amount:,.0f}/month" if not whole else CUT
    moved[giver] = Choice(giver, label, new_give)
    moved[receiver] = Choice(receiver, f"{take.choice} + {amount:,.0f}/month", new_take)
    return moved, whole


def move_budget(
    baselines: Mapping[str, scenario.Baseline],
    choices: Mapping[str, Choice],
    *,
    giver: str,
    receiver: str,
    amount: float,
    draws: int = 2_000,
    seed: int = scenario.DEFAULT_SEED,
    before: PlanResult | None = None,
) -> BudgetMove:
    """The plan before and after moving `amount` a month of team budget (see module)."""
    moved, whole = moved_choices(choices, giver=giver, receiver=receiver, amount=amount)
    before = before or evaluate_plan(baselines, choices, draws=draws, seed=seed)
    after = evaluate_plan(baselines, moved, draws=draws, seed=seed)
    b = before.products.set_index("product_id")
    a = after.products.set_index("product_id")
    changes = pd.DataFrame(
        [
            {
                "product_id": pid,
                "name": b.loc[pid, "name"],
                "npv_before": float(b.loc[pid, "npv"]),
                "npv_after": float(a.loc[pid, "npv"]),
                "npv_change": float(a.loc[pid, "npv"] - b.loc[pid, "npv"]),
                "monthly_cost_before": float(b.loc[pid, "monthly_cost"]),
                "monthly_cost_after": float(a.loc[pid, "monthly_cost"]),
            }
            for pid in (giver, receiver)
        ]
    )
    return BudgetMove(
        giver=giver,
        receiver=receiver,
        amount=float(amount),
        giver_cut=whole,
        before=before,
        after=after,
        changes=changes,
    )


# ------------------------------------------------------------------ JSON


def _r(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(float(value)):
        return None
    return round(float(value), digits)


def plan_json(result: PlanResult, *, name: str | None = None) -> dict[str, object]:
    """The plan as plain JSON values (money to cents, fractions to 4 digits).

    Keys: name, currency, horizon_months, npv, npv_today, roi, roi_today,
    payback_months, payback_months_today, bands ({months, p10, p50, p90} of cumulative
    net value, plus npv {p10, p50, p90}), monthly ({months, cost, cost_today}),
    products [{product_id, name, choice, npv, npv_today, npv_change, monthly_cost,
    monthly_cost_today}], draws, seed.
    """
    npv = result.npv_percentiles()
    return {
        "name": name,
        "currency": result.currency,
        "horizon_months": result.horizon,
        "npv": _r(result.npv, 2),
        "npv_today": _r(result.npv_today, 2),
        "roi": _r(result.roi, 4),
        "roi_today": _r(result.roi_today, 4),
        "payback_months": _r(result.payback_months, 2),
        "payback_months_today": _r(result.payback_months_today, 2),
        "bands": {
            "months": result.bands["month"].tolist(),
            "p10": [_r(v, 2) for v in result.bands["p10"]],
            "p50": [_r(v, 2) for v in result.bands["p50"]],
            "p90": [_r(v, 2) for v in result.bands["p90"]],
            "npv": {k: _r(v, 2) for k, v in npv.items()},
            "probability_negative_npv": _r(result.probability_negative_npv, 4),
        },
        "monthly": {
            "months": result.monthly["month"].tolist(),
            "cost": [_r(v, 2) for v in result.monthly["cost"]],
            "cost_today": [_r(v, 2) for v in result.monthly["cost_today"]],
        },
        "products": [
            {
                "product_id": row.product_id,
                "name": row.name,
                "choice": row.choice,
                "npv": _r(row.npv, 2),
                "npv_today": _r(row.npv_today, 2),
                "npv_change": _r(row.npv_change, 2),
                "monthly_cost": _r(row.monthly_cost, 2),
                "monthly_cost_today": _r(row.monthly_cost_today, 2),
            }
            for row in result.products.itertuples()
        ],
        "draws": result.draws,
        "seed": result.seed,
    }
