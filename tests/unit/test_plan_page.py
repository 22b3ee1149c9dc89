"""The portfolio plan's page model: the wording of picks and changes, the tiles, tables
and the three charts' data and titles, from evaluated plans. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.unit.test_plan import BASELINES, SAVED
from valuemodel.core import plan as pl
from valuemodel.present.formats import MISSING, money
from valuemodel.present.pages import plan as model


def evaluated(picks: dict[str, str]) -> pl.PlanResult:
    return pl.evaluate_plan(BASELINES, pl.resolve_choices(BASELINES, picks, SAVED), draws=50)


def title_of(chart: object) -> tuple[str, str]:
    """A chart's title and subtitle as one line each (the house style may wrap them)."""
    title = chart.to_dict()["title"]  # type: ignore[attr-defined]

    def line(text: str | list[str]) -> str:
        return " ".join(text) if isinstance(text, list) else text

    return line(title["text"]), line(title.get("subtitle", ""))


AS_TODAY = evaluated({})
CUT_HR = evaluated({"hr": pl.CUT, "ci": "grow"})


def test_a_pick_reads_as_today_cut_or_the_scenarios_name() -> None:
    assert model.choice_label(pl.AS_TODAY) == "As today"
    assert model.choice_label(pl.CUT) == "Cut it"
    assert model.choice_label("grow") == "Scenario: grow"


def test_signed_money_carries_a_plus_sign_unless_negative() -> None:
    assert model.signed(None, "USD") == MISSING
    assert model.signed(1_200_000.0, "USD") == "+" + money(1_200_000.0, "USD", compact=True)
    assert model.signed(-5_000.0, "USD") == money(-5_000.0, "USD", compact=True)
    assert not model.signed(-5_000.0, "USD").startswith("+")
    assert model.signed(0.0, "USD").startswith("+")


def test_a_change_under_half_a_unit_shows_no_delta() -> None:
    assert model.vs_today(0.4, "USD") is None
    assert model.vs_today(-0.4, "USD") is None
    assert model.vs_today(2_000.0, "USD") == f"{model.signed(2_000.0, 'USD')} vs today"
    assert model.vs_today(-2_000.0, "USD") == f"{model.signed(-2_000.0, 'USD')} vs today"


def test_each_product_offers_as_today_cut_then_its_saved_scenarios_by_name() -> None:
    saved = {"ci": {"zeta": {}, "alpha": {}}}
    assert model.options(["ci", "hr"], saved) == {
        "ci": [pl.AS_TODAY, pl.CUT, "alpha", "zeta"],
        "hr": [pl.AS_TODAY, pl.CUT],
    }


def test_a_plan_as_today_has_tiles_without_changes_and_no_contributions() -> None:
    tiles = model.tiles(AS_TODAY)
    assert [t.label for t in tiles] == [
        f"NPV over {AS_TODAY.horizon} months", "ROI", "Payback", "Cost per month",
    ]  # fmt: skip
    assert [t.delta for t in tiles] == [None, None, None, None]
    assert tiles[0].value == money(AS_TODAY.npv, "USD", compact=True)
    assert tiles[3].delta_color == "inverse"  # spending less is the good direction
    assert not model.has_contributions(AS_TODAY)
    table = model.products_table(AS_TODAY)
    assert list(table.columns) == [
        "Product", "Pick", "NPV", "Change vs today", "Cost per month", "Cost per month today",
    ]  # fmt: skip
    assert set(table["Pick"]) == {"As today"}
    assert set(table["Change vs today"]) == {"no change"}


def test_cutting_a_product_shows_the_change_against_today() -> None:
    tiles = {t.label: t for t in model.tiles(CUT_HR)}
    cost = tiles["Cost per month"]
    first, today = CUT_HR.monthly["cost"].iloc[0], CUT_HR.monthly["cost_today"].iloc[0]
    assert cost.delta == model.vs_today(first - today, "USD")
    npv = tiles[f"NPV over {CUT_HR.horizon} months"]
    assert npv.delta == model.vs_today(CUT_HR.npv - CUT_HR.npv_today, "USD")
    assert model.has_contributions(CUT_HR)
    table = model.products_table(CUT_HR)
    picks = dict(zip(table["Product"], table["Pick"], strict=True))
    assert picks == {"CI": "Scenario: grow", "HR": "Cut it", "MART": "As today"}


def test_payback_beyond_the_horizon_says_so() -> None:
    never = pl.PlanResult(**{**AS_TODAY.__dict__, "payback_months": None})
    assert model.payback_text(never) == f"> {AS_TODAY.horizon} months"
    assert model.tiles(never)[2].value == f"> {AS_TODAY.horizon} months"


def test_the_bands_caption_gives_the_percentiles_and_the_share_losing_money() -> None:
    bands = CUT_HR.npv_percentiles()
    caption = model.bands_caption(CUT_HR)
    for key in ("p10", "p50", "p90"):
        assert money(bands[key], "USD", compact=True) in caption
    assert f"{CUT_HR.draws:,} draws per product" in caption


def test_the_cost_chart_draws_this_plan_against_today_month_by_month() -> None:
    chart = model.cost_chart(CUT_HR)
    data = chart.data
    assert sorted(data["series"].unique()) == ["This plan", "Today"]
    assert len(data) == 2 * CUT_HR.horizon
    plan_cost = data[data["series"] == "This plan"]["cost"].to_numpy()
    assert plan_cost == pytest.approx(CUT_HR.monthly["cost"].to_numpy())
    assert data["month"].iloc[0] == pd.Timestamp(CUT_HR.monthly["month"].iloc[0] + "-01")
    assert title_of(chart) == ("Portfolio cost per month", "This plan against today.")


def test_the_value_chart_layers_the_band_the_median_today_and_zero() -> None:
    chart = model.value_chart(CUT_HR)
    assert len(chart.layer) == 4
    band = chart.layer[0].data
    assert band["p10"].to_numpy() == pytest.approx(CUT_HR.bands["p10"].to_numpy())
    today = chart.layer[2].data
    assert today["cumulative_net_value_today"].to_numpy() == pytest.approx(
        CUT_HR.monthly["cumulative_net_value_today"].to_numpy()
    )
    text, subtitle = title_of(chart)
    assert text == "Cumulative net value"
    assert "P10–P90" in subtitle


def test_the_contribution_chart_shows_only_products_that_change_the_npv() -> None:
    chart = model.contribution_chart(CUT_HR)
    rows = chart.data  # the layers share the bars' data
    assert set(rows["label"]) == {"CI", "HR"}  # MART is as today
    for _, row in rows.iterrows():
        assert row["text"] == model.signed(row["npv_change"], "USD")
        assert row["align"] == ("left" if row["npv_change"] >= 0 else "right")
    assert chart.to_dict()["height"] == 180  # two bars: the minimum height
    assert title_of(chart)[0] == "Each product's contribution to the change"


def test_the_budget_move_is_worded_with_escaped_names_and_a_table() -> None:
    choices = pl.resolve_choices(BASELINES, {}, {})
    names = {**model.names_of(BASELINES), "ci": "CI *core*"}
    assert model.givers(names, choices) == ["ci", "hr", "mart"]
    assert model.receivers(names, choices, "ci") == ["hr", "mart"]
    available = pl.team_budget(choices["ci"])
    assert model.default_amount(available) == pytest.approx(round(available / 2, 2))
    assert model.default_amount(0.5) == 0.5  # never more than there is
    move = pl.move_budget(BASELINES, choices, giver="ci", receiver="hr", amount=15_000, draws=20)
    sentence = model.move_sentence(move, 15_000.0, names, "USD")
    assert sentence.startswith(f"Moving {money(15_000.0, 'USD')} a month from CI \\*core\\* to HR")
    assert (" gains " if move.npv_change >= 0 else " loses ") in sentence
    assert "whole team" not in sentence
    table = model.move_table(move, "USD")
    assert list(table["Product"]) == list(move.changes["name"])
    assert list(table["Change"]) == [model.signed(v, "USD") for v in move.changes["npv_change"]]


def test_a_saved_plan_lists_its_figures_and_what_it_cuts() -> None:
    figures = dict(model.plan_figures(CUT_HR).itertuples(index=False))
    assert figures["Cut"] == "HR"
    assert figures["NPV"] == money(CUT_HR.npv, "USD", compact=True)
    assert dict(model.plan_figures(AS_TODAY).itertuples(index=False))["Cut"] == "none"
    when = pd.Timestamp("2025-06-07 08:09")
    assert model.saved_caption(when, "") == "Saved 2025-06-07"
    assert model.saved_caption(when, None) == "Saved 2025-06-07"
    assert model.saved_caption(when, "Ana_B") == "Saved 2025-06-07 by Ana\\_B"
    assert model.saved_flash(" Q3 *plan* ") == "Saved the plan “Q3 \\*plan\\*”."


def test_a_budget_move_needs_a_giver_and_a_second_product_and_offers_at_most_all() -> None:
    names = model.names_of(BASELINES)
    assert model.can_move(names, ["ci"])
    assert not model.can_move(names, [])
    assert not model.can_move({"ci": "CI"}, ["ci"])
    assert model.max_amount(12_345.6789) == 12_345.68


def test_a_flat_cost_is_drawn_against_zero_and_a_changing_one_is_not() -> None:
    """As today the cost never moves: its axis starts at zero (ticks read whole amounts);
    a cut moves it, so the axis zooms to the change."""

    def zero(chart: object) -> object:
        return chart.to_dict()["encoding"]["y"]["scale"]["zero"]  # type: ignore[attr-defined]

    flat = AS_TODAY.monthly["cost"].astype(float)
    assert flat.max() - flat.min() <= 0.005 * flat.abs().max()
    assert zero(model.cost_chart(AS_TODAY)) is True
    assert CUT_HR.monthly["cost"].nunique() > 1
    assert zero(model.cost_chart(CUT_HR)) is False
