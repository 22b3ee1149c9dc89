"""The charts' house style: long titles wrap, legends wrap."""

from __future__ import annotations


def test_a_long_title_is_wrapped_into_lines_that_fit_a_half_width_chart():
    import altair as alt
    import pandas as pd

    from valuemodel.present import charts as house

    long = "Happiness +51 in 2025-12, at or above the +35 goal in every month"
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
    spec = house.style(chart.properties(title=alt.Title(long, subtitle="short"))).to_dict()
    lines = spec["title"]["text"]
    assert isinstance(lines, list) and len(lines) == 2
    assert " ".join(lines) == long  # every word kept, in order
    assert all(len(line) <= house.TITLE_CHARS for line in lines)
    assert spec["title"]["subtitle"] == "short"
    short = house.style(chart.properties(title="Net value by month")).to_dict()
    assert short["title"]["text"] == "Net value by month"
    assert spec["config"]["legend"]["columns"] == 2  # a legend wraps instead of running off
