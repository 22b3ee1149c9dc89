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


def _chained_style(chart, height, k):
    """The house style written as Altair's chained calls (what `style` replaced with one
    copy): the expected spec, built by the library's own API."""
    import altair as alt

    from valuemodel.present import charts as house

    text, title = round(12 * k), round(15 * k)
    colour = "#1F2937" if k > 1 else "#4B5563"
    caption = getattr(chart, "title", alt.Undefined)
    if isinstance(caption, alt.Title):
        spec = caption.to_dict()
        spec["text"] = house._lines(spec["text"], round(house.TITLE_CHARS / k))
        spec["subtitle"] = house._lines(spec["subtitle"], round(house.SUBTITLE_CHARS / k))
        chart = chart.properties(title=alt.Title(**spec))
    return (
        chart.properties(height=round(height * (1 + (k - 1) / 2)))
        .configure(font=house.FONT)
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=text,
            titleFontSize=text,
            labelColor=colour,
            titleColor=colour,
            gridColor="#E6E9EF",
            domainColor="#9AA3AF",
        )
        .configure_title(
            fontSize=title, anchor="start", subtitleFontSize=text, subtitleColor="#5B6472"
        )
        .configure_legend(labelFontSize=text, titleFontSize=text, orient="top", columns=2)
        .configure_text(fontSize=text)
        .configure_range(category=house.CATEGORY_RANGE)
    )


def test_the_one_copy_style_gives_the_spec_of_the_chained_calls_on_a_layered_chart():
    import altair as alt
    import pandas as pd

    from valuemodel.present import charts as house

    frame = pd.DataFrame(
        {"month": pd.date_range("2026-01-01", periods=4, freq="MS"), "v": range(4)}
    )
    base = alt.Chart(frame).encode(x="month:T", y="v:Q")
    layered = alt.layer(base.mark_line(), base.mark_point()).properties(
        title=alt.Title("A title long enough to be wrapped onto a second line", subtitle="s " * 40)
    )
    before = layered.to_dict()
    for k in (1.0, house.PRESENTING):
        token = house.type_scale.set(k)
        try:
            assert (
                house.style(layered, height=300).to_dict()
                == _chained_style(layered, 300, k).to_dict()
            )
        finally:
            house.type_scale.reset(token)
    assert layered.to_dict() == before  # the chart given is left as it was
