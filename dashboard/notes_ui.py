"""Notes on a page with time charts: the selection's notes as text, and for editors a
form to add one (product, month, optional metric, author; the time is stored)."""

from __future__ import annotations

import streamlit as st

from dashboard import review_data, ui
from valuemodel.core import notes as core_notes
from valuemodel.core.contract import NOTE_METRICS, NOTE_TEXT_MAX
from valuemodel.core.months import Period
from valuemodel.present.notes import month_options, notes_table
from valuemodel.present.text import plain


def panel(key: str) -> None:
    """The notes of the selection and (for editors) the form; `key` keeps widgets apart."""
    from dashboard import data

    sel = ui.selection()
    period = sel.period
    product_id = sel.product_id
    products = data.products()
    names = dict(zip(products["product_id"], products["name"], strict=True))
    count = len(review_data.product_notes(period.first, period.last, product_id))
    with st.expander(f"Notes ({count})", icon=":material/sticky_note_2:", expanded=count > 0):
        table_slot = st.container()
        editor(key, product_id, period, names)
        found = review_data.product_notes(period.first, period.last, product_id)
        with table_slot:
            if found.empty:
                st.caption("No note on these months yet. Notes show as markers on the time charts.")
            else:
                st.dataframe(notes_table(found, names), hide_index=True, width="stretch")


def editor(key: str, product_id: str | None, period: Period, names: dict[str, str]) -> None:
    """The add-a-note form for editors (a sentence for everyone else)."""
    rights = ui.rights()
    if ui.presenting():
        return
    if not getattr(rights, "can_edit", False):
        st.caption(getattr(rights, "reason", None) or "Adding notes is for editors.")
        return
    with st.form(f"note_form_{key}", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        if product_id is None:
            pid = c1.selectbox(
                "Product",
                sorted(names, key=lambda p: str(names[p]).lower()),
                format_func=lambda p: str(names[p]),
                key=f"note_product_{key}",
            )
        else:
            pid = product_id
            c1.text_input(
                "Product",
                value=str(names.get(pid, pid)),
                disabled=True,
                key=f"note_product_{key}",
            )
        month = c2.selectbox(
            "Month", month_options(period.first, period.last), key=f"note_month_{key}"
        )
        metric = c3.selectbox(
            "About",
            ["", *NOTE_METRICS],
            format_func=lambda m: core_notes.METRIC_LABELS[m],
            key=f"note_metric_{key}",
        )
        default_author = str(getattr(rights, "user_email", None) or "")
        author = st.text_input(
            "Author", value=default_author, max_chars=80, key=f"note_author_{key}"
        )
        text = st.text_area(
            "Note",
            max_chars=NOTE_TEXT_MAX,
            placeholder="NPS dipped: outage on the 12th",
            key=f"note_text_{key}",
        )
        submitted = st.form_submit_button("Add note", icon=":material/add_comment:")
    if st.session_state.pop(f"note_added_{key}", False):
        st.success("Note added. It shows on this product's time charts.", icon=":material/check:")
    if submitted:
        try:
            note = core_notes.check_note(
                product_id=str(pid), month=month, metric=metric, author=author, text=text
            )
            review_data.add_note(note)
        except ValueError as exc:
            st.error(f"The note was not saved: {plain(str(exc))}", icon=":material/block:")
        else:
            # Run the page again so the time charts above (drawn before the form) mark
            # the note and the panel's count includes it; the message follows the rerun.
            st.session_state[f"note_added_{key}"] = True
            st.rerun()
