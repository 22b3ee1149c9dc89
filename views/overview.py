"""Overview: the buyer view beside the user view, for the projector and the bookmark."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data, frame, ui
from valuemodel.core import metrics
from valuemodel.present import heart, overview, value
from valuemodel.present import releases as release_view
from valuemodel.present.heart_charts import dimension_chart, score_heatmap
from valuemodel.present.text import plain

# px: tiles wrap to the next line rather than squeeze their figures (wider in a room)
TILE_WIDTH = 230 if ui.presenting() else 150
selection = ui.selection()
period = selection.period
product_id = selection.product_id
st.title("Overview")

catalogue = data.products()
if catalogue.empty:
    ui.empty_state("No products are loaded yet.")
    st.stop()
names = dict(zip(catalogue["product_id"], catalogue["name"], strict=True))

report = data.report(period.first, period.last, product_id)
assumptions = data.assumptions()
currency = report.currency
months_frame = data.product_months(period.first, period.last, product_id)
if not value.has_data(months_frame):
    st.info(
        f"No cost and no usage are recorded for {plain(selection.product_name)} from "
        f"{value.period_label(period.first, period.last)}. Choose another period or product, "
        "or import data on the Data page.",
        icon=":material/inbox:",
    )
    st.stop()

buyer = value.buyer_of(report, product_id)
flows = value.selection_flows(months_frame, assumptions.loaded_hourly_cost)
subject = "The portfolio" if selection.is_portfolio else selection.product_name
st.markdown("#### " + plain(value.verdict(subject, buyer, period.first, period.last, currency)))
st.caption(
    f"{plain(selection.label)}. Money in {currency}, realized and risk-adjusted; HEART values are "
    f"those of {period.last}, the period's last month."
)

for warning in release_view.hurt_backstops([(p.name, p.releases) for p in report.products]):
    st.warning(
        plain(warning) + " See the Releases page for the before/after and its interval.",
        icon=":material/warning:",
    )

buyer_side, user_side = st.columns(2, gap="large")

# ---------------------------------------------------------------- the buyer's view
with buyer_side:
    st.subheader("Value to the buyer")
    tiles = {
        t.label: t
        for t in value.tiles(
            buyer, None, currency=currency, loaded_hourly_cost=assumptions.loaded_hourly_cost
        )
    }
    shown = overview.compact_buyer_values(buyer, currency)
    # A row that wraps on a narrow screen, so no tile ever cuts its number.
    row = st.container(horizontal=True, gap="small")
    for label in ("Net value", "ROI", "Payback"):
        tile = tiles[label]
        row.metric(
            tile.label,
            shown[label],
            delta=tile.delta if label == "Payback" else None,
            delta_color=tile.delta_color,
            delta_arrow=tile.delta_arrow,
            help=tile.help,
            border=True,
            width=TILE_WIDTH,
        )
    st.altair_chart(value.cumulative_chart(flows, period.first, buyer, currency), width="stretch")
# ---------------------------------------------------------------- the users' view
with user_side:
    st.subheader("How users experience it")
    goals = data.heart_goals(product_id)
    products = report.products
    if selection.is_portfolio:
        mean_index, counted = heart.portfolio_index(products)
        users = {p.product_id: p.user for p in products}
        gsm = heart.gsm_table(goals, users, names, assumptions.min_survey_responses)
        cols = st.container(horizontal=True, gap="small")
        cols.metric(
            "HEART index, mean of products",
            heart.format_score(mean_index) if mean_index is not None else heart.NO_DATA,
            help="Mean of the products' HEART indexes in the last month (0-100); each "
            "product's index is the mean of its scores against its own goals.",
            border=True,
            width=TILE_WIDTH,
        )
        below = heart.backstop_warnings(gsm)
        cols.metric(
            "Backstops below target",
            f"{len(below)}",
            help="Backstop goals whose current value misses the target.",
            border=True,
            width=TILE_WIDTH,
        )
        st.altair_chart(
            overview.index_bars(products, f"HEART index by product, {period.last}"),
            width="stretch",
        )
    else:
        user = products[0].user
        own_goals = heart.goals_by_dimension(goals, product_id or "")
        values = metrics.monthly_values(
            months_frame,
            assumptions.loaded_hourly_cost,
            min_survey_responses=assumptions.min_survey_responses,
        )
        previous_month = heart.month_before(period.last)
        cards = heart.dimension_cards(
            user,
            own_goals,
            heart.values_of_month(values, previous_month),
            previous_month,
            int(values["happiness_responses"].iloc[-1]) if not values.empty else None,
            min_responses=assumptions.min_survey_responses,
        )
        st.metric(
            "HEART index",
            heart.format_score(user.heart_index) if user.heart_index is not None else heart.NO_DATA,
            help="Mean of the five scores that exist (0-100), each against its goal.",
            border=True,
        )
        st.caption(overview.heart_takeaway(user.scores))
        scores = heart.monthly_scores(values, goals)
        for card in cards:
            target = own_goals.get(card.dimension, {}).get("target")
            series = scores[scores["dimension"] == card.dimension]
            st.altair_chart(
                dimension_chart(
                    card.dimension,
                    series,
                    None if target is None else float(target),
                    title=(f"{card.label}: {card.score_phrase}", card.detail),
                    compact=True,
                    height=80,
                ),
                width="stretch",
            )
        gsm = heart.gsm_table(
            goals, {products[0].product_id: user}, None, assumptions.min_survey_responses
        )
        below = heart.backstop_warnings(gsm)
    if below:
        st.warning(
            f"**{len(below)} backstop{'s' if len(below) > 1 else ''} below target** (goals "
            "that a win elsewhere must not hide):\n"
            + "\n".join(f"- {plain(sentence)}" for sentence in below[:6])
            + (f"\n- and {len(below) - 6} more on the HEART page" if len(below) > 6 else ""),
            icon=":material/warning:",
        )

# ---------------------------------------------------------------- the OKR links
# Full width under both halves: a half column at 1024 wide cuts a table of links.
st.markdown("**How it ladders up to company OKRs**")
links = data.okr_links(product_id)
if links.empty:
    st.caption("No OKR links are recorded for this selection (metric_links.csv).")
else:
    ui.table(
        overview.link_table(
            links,
            names,
            with_product=selection.is_portfolio,
            backing=data.causal_backing(product_id),
        )
    )
    st.caption(
        "Moves together: the month-over-month changes correlate, not only the trends. "
        "Still correlation, not proof of impact; see OKR ladder-up for why."
    )

# ---------------------------------------------------------------- the portfolio map
if selection.is_portfolio:
    responses = heart.responses_of_month(
        metrics.monthly_values(months_frame, assumptions.loaded_hourly_cost), period.last
    )
    grid = heart.portfolio_grid(products, goals, responses, assumptions.min_survey_responses)
    st.altair_chart(
        score_heatmap(grid, f"HEART scores by product, {period.last} (100 = goal met)"),
        width="stretch",
    )
    st.subheader("Value map")
    points = overview.value_map_data(products, currency)
    event = st.altair_chart(
        overview.value_map_chart(points, currency),
        width="stretch",
        on_select="rerun",
        selection_mode="product",
        key="value_map",
    )
    chosen = (event.selection.get("product") or [{}])[0] if event else {}
    if chosen.get("product_id"):
        frame.open_product(str(chosen["product_id"]))
    missing = overview.unplaced(products)
    if missing:
        st.caption("Not on the map (no HEART index or no cost yet): " + ", ".join(missing) + ".")

# ---------------------------------------------------------------- the brief
st.divider()
st.markdown("**One-page brief** · the same figures as a business case to send after the review")
brief_key = ("brief", period.first, period.last, product_id)
if st.session_state.get("brief_for") != brief_key:
    if st.button("Prepare the brief (PDF and PNG)", icon=":material/description:"):
        with st.spinner("Drawing the charts and laying out the page..."):
            st.session_state["brief_files"] = data.brief_files(
                period.first, period.last, product_id, dt.datetime.now(dt.UTC).date().isoformat()
            )
            st.session_state["brief_for"] = brief_key
        st.rerun()
else:
    pdf, png = st.session_state["brief_files"]
    stem = f"value-brief-{product_id or 'portfolio'}-{period.first}-{period.last}"
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        "Download PDF", pdf, file_name=f"{stem}.pdf", mime="application/pdf",
        icon=":material/picture_as_pdf:", width="stretch",
    )  # fmt: skip
    right.download_button(
        "Download PNG", png, file_name=f"{stem}.png", mime="image/png",
        icon=":material/image:", width="stretch",
    )  # fmt: skip
