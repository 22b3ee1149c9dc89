"""OKR ladder-up: how each product's metrics connect to company objectives, and how
strong the evidence for each link is (DESIGN sections 2.3 and 4)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from valuemodel.core import okr
from valuemodel.present import ladder
from valuemodel.present.formats import MISSING, percent
from valuemodel.present.pages import okr as page
from valuemodel.present.text import plain

GUARDRAIL_LINES = 6
MAX_TABLE_ROWS = 25


def ui_table_height(rows: int) -> int:
    """Pixels for a table that shows up to MAX_TABLE_ROWS rows without scrolling."""
    return 38 + 35 * min(max(rows, 1), MAX_TABLE_ROWS)


selection = ui.selection()
st.title("OKR ladder-up")
st.caption(
    f"{plain(selection.product_name)}. Links and key results use every month of stored data; "
    f"key metrics and backstops are as of {selection.period.last}, the period's last month."
)

objectives = data.objectives()
if objectives.empty:
    ui.empty_state(
        "No company objectives are loaded yet, so there is nothing for the products to "
        "ladder up to. Add objectives.csv, key_results.csv, kr_measurements.csv and "
        "metric_links.csv to an import."
    )
    st.stop()

products = data.products()
product_names = dict(zip(products["product_id"], products["name"], strict=True))
links = data.okr_links(selection.product_id)
all_key_results = data.key_results()
measurements = data.kr_measurements()
currency = data.assumptions().currency

if selection.is_portfolio:
    shown_objectives, shown_key_results = objectives, all_key_results
else:
    shown_objectives, shown_key_results = ladder.ladder_scope(objectives, all_key_results, links)
kr_table = okr.key_result_table(shown_key_results, objectives, measurements)

report = data.report(selection.period.first, selection.period.last, selection.product_id)
backing = data.causal_backing(selection.product_id)  # every release on record
current = {
    p.product_id: {**p.user.values(), "happiness_responses": p.user.happiness_responses}
    for p in report.products
}
guardrails = okr.guardrails(
    data.heart_goals(selection.product_id), current, data.assumptions().min_survey_responses
)
backstops = guardrails[guardrails["role"] == "backstop"]
breached = backstops[backstops["below_target"]]

# ---------------------------------------------------------------- headline tiles

judged = kr_table[kr_table["status"] != okr.UNKNOWN]
on_track = int(judged["status"].isin([okr.ON_TRACK, okr.ACHIEVED]).sum())
tiles = [*st.columns(3), *st.columns(3)]  # six in one row cut their labels
for column, (label, value, help_text) in zip(tiles, ladder.okr_tiles(links), strict=False):
    ui.tile(column, label, value, help=help_text)
ui.tile(
    tiles[4], "Key results on track", f"{on_track} of {len(judged)}" if len(judged) else MISSING,
    help="Achieved or on track for their objective's period (the rule is under the "
    "key-result table); key results without enough measurements are not counted.",
)  # fmt: skip
ui.tile(
    tiles[5], "Backstops missed",
    f"{len(breached)} of {len(backstops)}" if len(backstops) else MISSING,
    help="HEART goals marked 'backstop' that are below their target in "
    f"{selection.period.last}: a win on a key metric must not hide a loss here.",
)  # fmt: skip

# ---------------------------------------------------------------- the ladder

product_label = None if selection.is_portfolio else selection.product_name
st.subheader(page.ladder_heading(product_label))
if links.empty:
    st.info(page.no_links_notice(product_label), icon=":material/link_off:")
if not shown_objectives.empty:
    st.markdown(
        "Follow a product (left) to the company objective it serves (right). " + ladder.LEGEND
    )
    notes = {
        row.kr_id: f"{percent(row.progress, 0)} of the way, {row.status}"
        if pd.notna(row.progress)
        else row.status
        for row in kr_table.itertuples()
    }
    dot = ladder.ladder_dot(
        objectives=shown_objectives,
        key_results=shown_key_results,
        links=links,
        product_names=product_names,
        kr_notes=notes,
        backing=backing,
    )
    st.graphviz_chart(dot, width="stretch")

st.info(ladder.TREND_EXPLANATION, icon=":material/info:")
if not links.empty:
    ui.table(ladder.link_rows(links, product_names, backing))
    counted = ladder.backing_counts(links, backing)
    if counted:
        st.caption(counted)
    st.caption(
        "r: Pearson r of the monthly levels at the best lag; r of changes: of the "
        "month-over-month changes at that lag; months: pairs behind each."
    )

# ---------------------------------------------------------------- key results

st.subheader("Key results")
if kr_table.empty:
    st.info("No key results are defined for these objectives yet (key_results.csv).")
else:
    kr_rows, newest = page.key_result_rows(kr_table)
    ui.table(
        # The sparkline column is a grid's: a wrapping table would print it as a list.
        kr_rows.drop(columns=["Trend"], errors="ignore").style.map(
            ladder.status_css, subset=["Status"]
        ),
        column_config={
            "Key result": st.column_config.TextColumn(width=190),
            "Objective": st.column_config.TextColumn(width=140),
            "Baseline → target": st.column_config.TextColumn(width=170),
            "Latest": st.column_config.TextColumn(
                f"Latest ({newest})" if newest else "Latest",
                width=130,
                help="The latest measurement; a month in brackets when it is older.",
            ),
            "Progress": st.column_config.TextColumn(
                width=65, help="(latest − baseline) / (target − baseline)"
            ),
            "Expected by now": st.column_config.TextColumn(
                width=105,
                help="The share of the objective's period elapsed at the latest "
                "measurement: progress at or above it is on track.",
            ),
            "Status": st.column_config.TextColumn(width=80),
        },
    )
    st.caption(page.KR_CAPTION)

# ---------------------------------------------------------------- the data behind each link

st.subheader("The data behind each link")
if links.empty:
    st.info("Links appear here with their monthly series once metric_links.csv has rows.")
else:
    st.caption(page.CO_MOVEMENT_CAPTION)
    values = data.okr_metric_values(selection.product_id)
    by_kr = kr_table.set_index("kr_id")
    linked_products = sorted(
        links["product_id"].unique(), key=lambda pid: str(product_names.get(pid, pid)).lower()
    )
    containers = (
        st.tabs([plain(product_names.get(pid, pid)) for pid in linked_products])
        if len(linked_products) > 1
        else [st.container()]
    )
    for product_id, container in zip(linked_products, containers, strict=True):
        own = links[links["product_id"] == product_id]
        columns = container.columns(2)
        for position, link in enumerate(own.itertuples()):
            kr = by_kr.loc[link.kr_id] if link.kr_id in by_kr.index else None
            kr_measured = measurements[measurements["kr_id"] == link.kr_id]
            aligned = okr.aligned_series(
                okr.metric_series(values, product_id, link.metric),
                pd.Series(kr_measured["value"].to_numpy(), index=kr_measured["month"]),
                0 if pd.isna(link.lag_months) else int(link.lag_months),
            )
            column = columns[position % 2]
            with column:
                st.markdown(
                    f"**{ladder.VERDICT_LABELS[ladder.verdict_of(link.verdict)]}** · "
                    f"{ladder.metric_label(link.metric)} → {plain(link.kr_title)} · "
                    + plain(
                        okr.evidence_text(
                            link.evidence,
                            ladder.verdict_of(link.verdict),
                            backing.get((str(link.product_id), str(link.metric))),
                        )
                    )
                )
                if aligned.empty:
                    st.info("No monthly data on either side yet.")
                    continue
                chart = ladder.co_movement_chart(
                    aligned,
                    kr_title=str(link.kr_title),
                    kr_unit="" if kr is None else str(kr["unit"]),
                    kr_target=float("nan") if kr is None else float(kr["target"]),
                    product_name=str(product_names.get(product_id, product_id)),
                    metric=link.metric,
                    r=link.r,
                    lag_months=link.lag_months,
                    months=link.months,
                    currency=currency,
                    verdict=link.verdict,
                    r_changes=link.r_changes,
                )
                st.altair_chart(chart, width="stretch")
                if isinstance(link.note, str) and link.note.strip():
                    st.caption(plain(link.note))

# ---------------------------------------------------------------- key metrics and guardrails

st.subheader("Key metrics and their backstops")
if guardrails.empty:
    st.info(
        "No HEART goals are set for this selection (heart_goals.csv): key metrics and "
        "backstops appear here once they are."
    )
else:
    if not breached.empty:
        lines = [
            f"- **{plain(product_names.get(row.product_id, row.product_id))}**: "
            f"{ladder.metric_phrase(row.dimension)} is "
            f"{ladder.guardrail_value_text(row.dimension, row.value, row.responses)} "
            "against a target of "
            f"{ladder.heart_value_text(row.dimension, row.target)}"
            for row in breached.itertuples()
        ]
        shown = lines[:GUARDRAIL_LINES]
        if len(lines) > GUARDRAIL_LINES:
            shown.append(f"- and {len(lines) - GUARDRAIL_LINES} more in the table below")
        st.warning(
            f"**{len(breached)} backstop{'s are' if len(breached) != 1 else ' is'} below "
            f"target in {selection.period.last}.** Read the key metrics with these in mind:\n\n"
            + "\n".join(shown),
            icon=":material/warning:",
        )
    else:
        st.success("Every backstop meets its target.", icon=":material/check_circle:")
    table = page.backstop_table(guardrails, product_names)
    ui.table(table.style.map(ladder.status_css, subset=["Status"]))
    st.caption(
        f"Values are those of {selection.period.last}, the last month of the period, as in "
        "the report. Every HEART dimension is better when higher."
    )
