"""Reviews: freeze what a review shows, reopen a frozen review exactly as it was, and
see what changed since. The figures of a frozen review are read from its snapshot, never
recomputed; 'what changed' compares today's figures for the same selection and period."""

from __future__ import annotations

import streamlit as st

from dashboard import data, notes_ui, review_data, ui
from valuemodel.cli import review as review_cli
from valuemodel.cli import send as send_cli
from valuemodel.core.plan import PLAN_NAME_MAX
from valuemodel.present import review as words
from valuemodel.present.formats import money, months, percent
from valuemodel.present.notes import notes_table
from valuemodel.present.text import plain

FLASH = "review_flash"

sel = ui.selection()
rights = ui.rights()
st.title("Reviews")
products = data.products()
if products.empty:
    ui.empty_state("No products are loaded yet, so there is nothing to review.")
    st.stop()
message = st.session_state.pop(FLASH, None)
if message:
    st.success(message, icon=":material/check_circle:")

# ------------------------------------------------------------------ freeze

with st.container(border=True):
    st.markdown(f"**Freeze this review**: {plain(sel.label)}")
    st.caption(
        "Keeps the selection and period, the full report, the brief (PDF), the notes, a plan "
        "if you pick one, who froze it and when. A frozen review never changes, even after "
        "new data arrives."
    )
    if getattr(rights, "can_edit", False) and not ui.presenting():
        plans = review_data.saved_plans()
        with st.form("review_freeze", border=False):
            c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
            name = c1.text_input(
                "Review name",
                max_chars=PLAN_NAME_MAX,
                placeholder="Q4 budget review",
                key="review_name",
            )
            plan_name = c2.selectbox(
                "Plan to keep with it", [None, *plans["name"].tolist()],
                format_func=lambda n: "No plan" if n is None else n,
            )  # fmt: skip
            submitted = c3.form_submit_button("Freeze", type="primary", icon=":material/ac_unit:")
        if submitted:
            try:
                with st.spinner("Freezing the review (report, brief, notes)..."):
                    review_cli.freeze(
                        data.engine(),
                        name=name,
                        period=sel.period,
                        product_id=sel.product_id,
                        author=str(getattr(rights, "user_email", None) or ""),
                        plan_name=plan_name,
                    )
            except ValueError as exc:
                st.error(f"Nothing was frozen: {plain(str(exc))}", icon=":material/block:")
            else:
                review_data.forget_reviews()
                st.session_state[FLASH] = f"Froze the review “{plain(name.strip())}”."
                st.query_params["review"] = name.strip()
                st.rerun()
    else:
        st.caption(getattr(rights, "reason", None) or "Freezing reviews is for editors.")

# ------------------------------------------------------------------ frozen reviews

listed = review_data.review_list()
if listed.empty:
    st.info(
        "No review is frozen yet. Freeze one above before the meeting.", icon=":material/ac_unit:"
    )
    notes_ui.panel("reviews")
    st.stop()

names = listed["name"].tolist()
wanted = st.query_params.get("review")
index = names.index(wanted) if wanted in names else 0
chosen = st.selectbox("Open a frozen review", names, index=index, key="review_pick")
if st.query_params.get("review") != chosen:
    st.query_params["review"] = chosen
frozen = review_data.frozen_review(chosen)
if frozen is None:
    st.warning("That review was deleted. Pick another one.")
    st.stop()

report = frozen.snapshot.report
currency = str(report.get("currency", "USD"))
product_names = {p["product_id"]: p["name"] for p in report.get("products", [])}
selection = (
    "the portfolio"
    if frozen.product_id is None
    else product_names.get(frozen.product_id, frozen.product_id)
)
st.markdown(
    f"**{plain(frozen.name)}**: {plain(str(selection))}, {frozen.period.first} to "
    f"{frozen.period.last}; frozen {plain(review_cli.when(frozen))}."
)
buyer = (
    report["products"][0]["buyer"]
    if frozen.product_id is not None and report.get("products")
    else report["portfolio"]["buyer"]
)
tiles = st.columns(4)
ui.tile(tiles[0], "Net value", money(buyer["net_value"], currency, compact=True))
ui.tile(tiles[1], "ROI", percent(buyer["roi"], 0))
ui.tile(tiles[2], "Payback", months(buyer["payback_months"]))
ui.tile(tiles[3], "Cost", money(buyer["cost"], currency, compact=True))

tab_figures, tab_changes, tab_notes, tab_files = st.tabs(
    ["Figures as frozen", "What changed since", "Notes and plan", "Brief and pack"]
)
with tab_figures:
    st.dataframe(words.figures_table(report, currency), hide_index=True, width="stretch")
    st.caption("Read from the frozen snapshot: later imports do not change these figures.")

with tab_changes:
    with st.spinner("Comparing today's figures with the review..."):
        changes = review_cli.changes_since(data.engine(), frozen)
    st.markdown(
        f"Today's figures for {plain(str(selection))}, {frozen.period.first} to "
        f"{frozen.period.last}, against the review:"
    )
    for sentence in words.sentences(changes, currency):
        st.markdown(f"- {plain(sentence)}")
    if changes:
        st.dataframe(words.changes_table(changes, currency), hide_index=True, width="stretch")

with tab_notes:
    frozen_notes = words.frozen_notes(frozen.snapshot.notes)
    if frozen_notes.empty:
        st.caption("No note was kept with this review.")
    else:
        names_by_id = dict(zip(products["product_id"], products["name"], strict=True))
        st.dataframe(notes_table(frozen_notes, names_by_id), hide_index=True, width="stretch")
    plan = frozen.plan
    if plan:
        st.markdown(
            f"**Plan {plain(str(plan.get('name')))}**: NPV "
            f"{money(plan.get('npv'), currency, compact=True)} "
            f"(as today {money(plan.get('npv_today'), currency, compact=True)}), ROI "
            f"{percent(plan.get('roi'), 0)}, payback {months(plan.get('payback_months'))}."
        )
        st.dataframe(words.plan_table(plan, currency), hide_index=True, width="stretch")
    else:
        st.caption("No plan was kept with this review.")

with tab_files:
    stem = send_cli.file_stem(frozen.name)
    st.download_button(
        "Download the brief (PDF)", frozen.brief_pdf, file_name=f"{stem}.pdf",
        mime="application/pdf", icon=":material/picture_as_pdf:",
    )  # fmt: skip
    if st.button("Prepare the review pack (PowerPoint)", icon=":material/slideshow:"):
        with st.spinner("Drawing one slide per view..."):
            st.session_state["review_pack"] = (frozen.name, send_cli.pack_for(frozen))
    ready = st.session_state.get("review_pack")
    if ready and ready[0] == frozen.name:
        st.download_button(
            "Download the pack (.pptx)", ready[1], file_name=f"{stem}.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            icon=":material/download:",
        )  # fmt: skip
    st.caption(
        "To send it by e-mail or to a chat channel: `python -m valuemodel send --review NAME "
        "--to ADDR --smtp URL` (see the README, Reviews)."
    )

with st.expander("Every frozen review", icon=":material/list:"):
    st.dataframe(words.reviews_table(listed), hide_index=True, width="stretch")
notes_ui.panel("reviews")
