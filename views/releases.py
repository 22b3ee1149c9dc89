"""Releases: did each release move its key metrics, and did it hurt a backstop? Before and
after, the segmented regression and, for a staggered rollout, the difference-in-differences
against the segments not yet rolled out (DESIGN section 4, "Releases"). The figures are
the report's (`dashboard.data.report`), so the page, the CLI and the brief agree."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, segment_filter, ui
from valuemodel.core import metrics
from valuemodel.core import releases as effects
from valuemodel.core.segments import ATTRIBUTE_LABELS
from valuemodel.present import labels
from valuemodel.present import releases as view
from valuemodel.present.text import plain

selection = ui.selection()
period = selection.period
st.title("Releases")
st.markdown(
    "**Did it work, and did it hurt?** Each release of the period against the six months "
    "before and after it: the level change of every HEART dimension with a goal and of the "
    "savings, with its 90% interval, and, where a release reached segments in waves, the "
    "difference-in-differences against the segments that did not have it yet."
)
segment_filter.caption(selection.segment)

ui.require_products()
report = data.report(period.first, period.last, selection.product_id, selection.segment)
released = [(p.product_id, p.name, p.releases) for p in report.products if p.releases]
st.caption(
    f"{plain(selection.label)}. Releases whose month lies in the period; each is judged on "
    "the months around it, even those outside the period."
)

if not released:
    ui.empty_state(
        f"No release of {plain(selection.product_name)} falls in "
        f"{period.first} to {period.last}. Import releases.csv (and rollouts.csv for "
        "staggered rollouts) on the Data page, or choose a longer period."
    )
    st.stop()

for warning in view.hurt_backstops([(name, own) for _, name, own in released]):
    st.warning(plain(warning), icon=":material/warning:")

st.subheader("Time line")
span = (f"{period.first}-01", (pd.Period(period.last, freq="M") + 1).strftime("%Y-%m-01"))
st.altair_chart(view.timeline_chart(released, span), width="stretch")

if selection.is_portfolio:
    ui.table(view.portfolio_table(released))
    st.info(
        "Choose a product in the sidebar to see each release's effects, its chart and its rollout.",
        icon=":material/touch_app:",
    )
    st.stop()

product_id, name, own = released[0]
choices = {r.release_id: r for r in reversed(own)}  # newest first
picked = st.selectbox(
    "Release",
    list(choices),
    format_func=lambda rid: f"{choices[rid].released_on} · {choices[rid].title}",
    key=f"release_pick_{product_id}",
)
release = choices[str(picked)]
kind = view.KIND_LABELS.get(release.kind, release.kind)
st.subheader(plain(release.title))
st.caption(
    f"{kind}, released on {release.released_on}. Before: the six months before its month; "
    "after: the six months after (the release month itself is left out)."
)
ui.table(view.effects_table(release))  # wraps at any width: every column stays in view
if release.rollout is not None:
    by = ATTRIBUTE_LABELS.get(release.rollout, release.rollout).lower()
    st.markdown(f"**Staggered rollout by {plain(by)}.** " + plain(view.WHY_DID))
else:
    st.caption(
        "Everyone got this release at once: there is no control group, so the before/after "
        "and the level change are the only evidence."
    )

# ---------------------------------------------------------------- one metric's chart
metric_names = [e.metric for e in release.effects]
# Open on the first metric the release can be judged on.
first = next(
    (e.metric for e in release.effects if e.effect.verdict != effects.NOT_ENOUGH),
    metric_names[0],
)
metric = (
    st.segmented_control(
        "Metric",
        metric_names,
        default=first,
        format_func=labels.metric,
        key=f"release_metric_{product_id}_{release.release_id}",
    )
    or first
)
effect = next(e for e in release.effects if e.metric == metric)
month = pd.Timestamp(release.released_on).to_period("M")
window = (
    (month - effects.WINDOW).strftime("%Y-%m"),
    (month + effects.WINDOW).strftime("%Y-%m"),
)
months = data.product_months(*window, product_id, selection.segment)
assumptions = data.assumptions()
values = metrics.monthly_values(
    months,
    assumptions.loaded_hourly_cost,
    min_survey_responses=assumptions.min_survey_responses,
)
series = effects.metric_series(values, str(metric))
frame = view.fitted_frame(series, month.to_timestamp(), effect.effect)
if frame.empty:
    st.info("No month around this release has a value for this metric.", icon=":material/info:")
else:
    st.altair_chart(view.effect_chart(frame, month.to_timestamp(), str(metric)), width="stretch")
    st.caption(view.effect_sentence(effect, release))
st.caption(
    "What a verdict means: the level change is the jump at the release the two fitted "
    "lines show, and its 90% interval must lie wholly above zero for 'improved' (below for "
    "'worse', or 'hurt' on a backstop). It does not prove the release caused the change: "
    "anything else that happened in the same month moves the line too, which is why a "
    "staggered rollout is the stronger test."
)
