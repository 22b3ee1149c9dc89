"""Data: the global assumptions (editable), how fresh each table is, CSV import with
validation, and the definition of every metric."""

from __future__ import annotations

import streamlit as st

from dashboard import data, imports, ui
from valuemodel.core.contract import CURRENCIES, FILES
from valuemodel.data import store
from valuemodel.data.importer import MAX_UPLOAD_BYTES, ImportRefused, delete_product
from valuemodel.present import value
from valuemodel.present.formats import money, percent
from valuemodel.present.text import plain

MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // 2**20

st.title("Data")
st.caption(
    "The global assumptions behind every money figure, how fresh each table is, CSV "
    "import, and what every metric means."
)
rights = ui.rights()
can_edit = bool(rights.can_edit)
if not rights.auth_configured and not ui.presenting():
    st.caption(
        ":material/person: Local single-user mode: anyone who can open this app can change "
        "data. Configure `[auth]` to require sign-in (see README)."
    )

notice = st.session_state.pop("data_notice", None)
if notice:
    st.success(value.markdown_text(notice), icon=":material/check_circle:")
imported = st.session_state.pop("data_imported", None)
if imported:
    st.dataframe(value.import_summary(imported), hide_index=True, width="content")

# ---------------------------------------------------------------- assumptions
st.subheader("Global assumptions")
assumptions = data.assumptions()
rows = data.assumption_rows()
changed = rows["updated_at"].max() if not rows.empty else None
hourly_now = money(assumptions.loaded_hourly_cost, assumptions.currency)
st.markdown(
    value.markdown_text(
        f"Every money figure uses these: now **{hourly_now} per hour** in "
        f"**{assumptions.currency}**, discount rate "
        f"**{percent(assumptions.discount_rate)}** a year; happiness is scored from "
        f"**{assumptions.min_survey_responses:,}** survey responses"
        + (f" (last changed {changed:%Y-%m-%d %H:%M} UTC)." if changed is not None else ".")
    )
)
if not can_edit:
    st.info(str(rights.reason), icon=":material/lock:")
with st.form("assumptions_form", border=True):
    columns = st.columns(4)
    hourly_cost = columns[0].number_input(
        "Loaded hourly cost",
        value=float(assumptions.loaded_hourly_cost),
        step=5.0,
        format="%.2f",
        help="Salary plus overhead of one hour of the people whose time is saved, in the "
        "currency below. Must be positive.",
        key="assumption_loaded_hourly_cost",
    )
    currency = columns[1].selectbox(
        "Currency",
        CURRENCIES,
        index=CURRENCIES.index(assumptions.currency) if assumptions.currency in CURRENCIES else 0,
        help="ISO 4217 code shown next to every amount. Amounts are not converted: change it "
        "only when the cost data is in that currency.",
        key="assumption_currency",
    )
    discount_percent = columns[2].number_input(
        "Discount rate (% a year)",
        value=round(float(assumptions.discount_rate) * 100, 3),
        step=0.5,
        format="%.1f",
        help="10.0 means 10% a year. Used for present values in Scenarios; realized months "
        "are not discounted.",
        key="assumption_discount_rate",
    )
    min_responses = columns[3].number_input(
        "Fewest survey responses to score happiness",
        value=int(assumptions.min_survey_responses),
        step=5,
        help="Happiness is the NPS of a rolling quarter's survey responses. With fewer "
        "responses than this it is shown with its interval but gets no HEART score, moves "
        "no index and raises no warning. A whole number, at least 1.",
        key="assumption_min_survey_responses",
    )
    submitted = st.form_submit_button(
        "Save assumptions", type="primary", icon=":material/save:", disabled=not can_edit
    )
if submitted and can_edit:
    # The default needs no row: an unchanged default is not written, so "nothing changed" holds.
    unchanged_default = "min_survey_responses" not in set(rows["key"]) and (
        min_responses == assumptions.min_survey_responses
    )
    values = value.assumption_values(
        hourly_cost,
        str(currency),
        value.rate_from_percent(discount_percent),
        None if unchanged_default else min_responses,
    )
    try:
        changed_keys = store.save_assumptions(data.engine(), values)
    except store.AssumptionsRefused as refused:
        st.error(
            "Nothing was saved:\n\n"
            + "\n".join(
                f"- **{value.ASSUMPTION_LABELS.get(k, k)}**: "
                f"{plain(value.assumption_reason(k, reason))}"
                for k, reason in refused.problems.items()
            ),
            icon=":material/error:",
        )
    else:
        data.invalidate()
        if changed_keys:
            st.session_state["data_notice"] = (
                "Saved. Every figure, on every page and in `python -m valuemodel report`, now "
                f"uses {money(float(values['loaded_hourly_cost']), values['currency'])} per "
                f"hour in {values['currency']} and a discount rate of "
                f"{percent(float(values['discount_rate']))}; happiness is scored from "
                f"{values.get('min_survey_responses', assumptions.min_survey_responses)} "
                "survey responses."
            )
        else:
            st.session_state["data_notice"] = "Nothing changed: these are the stored values."
        st.rerun()

# ---------------------------------------------------------------- freshness
st.subheader("Freshness")
freshness = value.freshness_table(data.table_freshness())
ui.table(freshness)
st.caption(
    "Latest: the latest month (costs, measurements, rollups), day (events, surveys) or date "
    "held. Last imported: the latest import that carried the table's file. Usage events "
    "are counted from the rollups, which every import rebuilds for the months it touches. "
    "Times are UTC."
)

# ---------------------------------------------------------------- import
st.subheader("Import CSV files")
st.markdown(
    "Upload one or more of the contract's files (any subset): "
    + ", ".join(f"`{spec.name}`" for spec in FILES)
    + ". Everything is validated first; a single problem refuses the whole upload and "
    "nothing is written. Rows whose key already exists replace the stored ones."
)
if not can_edit:
    st.info(str(rights.reason), icon=":material/lock:")
round_key = f"upload_{st.session_state.get('upload_round', 0)}"
uploads = st.file_uploader(
    "CSV files",
    type=["csv"],
    accept_multiple_files=True,
    key=round_key,
    max_upload_size=MAX_UPLOAD_MB,
    disabled=not can_edit,
    help=f"Up to {MAX_UPLOAD_MB} MB per file. Larger files: split them, or use "
    "`python -m valuemodel import FOLDER`.",
)
st.caption(
    f"Limit: {MAX_UPLOAD_MB} MB per file. For larger files, split them by month or run "
    "`python -m valuemodel import FOLDER` on the server. Formats: see the README's CSV "
    "formats."
)
replace_months = st.checkbox(
    "Replace the months these files cover",
    key="replace_months",
    disabled=not can_edit,
    help="For corrected exports: the stored events, survey responses and cost rows of "
    "every product-month in the files are deleted before the files are loaded, so rows "
    "whose timestamps moved leave no ghosts. Without it, rows are added or replaced by key.",
)
if st.button(
    "Validate and import",
    type="primary",
    icon=":material/upload:",
    disabled=not (uploads and can_edit),
):
    now = ui.rights()  # checked again here: a disabled button is only a hint in the browser
    try:
        with st.status("Validating and importing...", expanded=False) as status:
            try:
                result = imports.import_uploads(
                    data.engine(),
                    bool(now.can_edit),
                    now.reason,
                    list(uploads or []),
                    replace_months=bool(replace_months),
                    progress=status.write,
                )
            except ImportRefused:
                # The status ends with the import: refused, and why is said below.
                status.update(label=value.IMPORT_REFUSED, state="error")
                raise
            status.update(label="Imported", state="complete")
    except imports.UploadRefused as refused:
        st.error(
            "Nothing was imported: " + " ".join(plain(x) for x in refused.lines),
            icon=":material/error:",
        )
    except ImportRefused as refused:
        st.error(
            f"Nothing was imported: {refused.count:,} problem(s) to fix. Each row names "
            "the file, the line (the header is line 1), the column and the reason.",
            icon=":material/error:",
        )
        # A table, not a grid: every reason is read whole, wrapped, never cut at a column.
        st.table(value.problem_table(refused.lines), hide_index=True, border="horizontal")
    else:
        data.invalidate()
        st.session_state["data_notice"] = (
            f"Imported {result.total_rows:,} rows from {len(result.rows)} file(s) and "
            f"rebuilt {result.touched_months:,} product-months of rollups in "
            f"{result.seconds:.1f} s. Every page now shows the new data."
        )
        st.session_state["data_imported"] = dict(result.rows)
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
        st.rerun()

if can_edit:
    with st.expander("Delete a product", expanded=False, icon=":material/delete:"):
        st.write(
            "Removes the product and everything that names it: events, survey responses, "
            "costs, baselines, HEART goals, links, saved scenarios and rollups. This cannot "
            "be undone; keep the CSV files to import it again."
        )
        product_ids = sorted(str(p) for p in data.products()["product_id"])
        doomed = st.selectbox("Product", product_ids, index=None, key="delete_product_id")
        typed = st.text_input("Type the product id to confirm", key="delete_product_confirm")
        if st.button(
            "Delete this product",
            icon=":material/delete_forever:",
            disabled=doomed is None or typed != doomed,
        ):
            now = ui.rights()
            if not now.can_edit:
                st.error(str(now.reason), icon=":material/lock:")
            elif doomed is None or typed != doomed:
                st.error("Type the product id exactly to confirm.", icon=":material/error:")
            else:
                deleted = delete_product(data.engine(), doomed)
                data.invalidate()
                st.session_state["data_notice"] = (
                    f"Deleted product {doomed} and {sum(deleted.values()):,} rows that "
                    "named it. Every page now shows the portfolio without it."
                )
                st.rerun()

history = data.import_history(10)
with st.expander(f"Recent imports ({len(history)})", expanded=False):
    if history.empty:
        st.write("No import yet.")
    else:
        st.dataframe(value.history_table(history), hide_index=True, width="stretch")

# ---------------------------------------------------------------- definitions
st.subheader("Definitions")
definitions = data.readme_section("Definitions")
if definitions is None:
    st.info("The definitions are in the README's Definitions section.")
else:
    with st.container(border=True):
        st.markdown(value.markdown_text(definitions))
st.caption("The same definitions drive every page and `python -m valuemodel report`.")
