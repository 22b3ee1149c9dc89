"""The one escaping rule: user text inside Markdown renders as exactly that text."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from valuemodel.present.text import plain

# CommonMark plus GFM tables and strikethrough (the parts markdown-it ships).
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

HOSTILE = [
    "# H",
    "![x](http://example.invalid/x.png)",
    "[a](http://example.invalid)",
    "<b>bold</b>",
    "<img src=http://example.invalid/y.png>",
    "back\\slash\\",
    "quote \" and ' and `tick`",
    "**strong** _em_ ~~gone~~",
    "- item",
    "1. first",
    "Title\n===",
    "> quoted",
    "| a | b |\n|---|---|",
    "$x^2$ :red[alert] :material/home:",
    "&lt;b&gt; &amp;",
]


def rendered_text(markdown: str) -> str:
    """The HTML of `markdown` as a paragraph, checked to hold no tag but <p>."""
    out = RENDER.render(markdown).strip()
    assert out.startswith("<p>") and out.endswith("</p>"), out
    inner = out[3:-4]
    assert "<" not in inner, out  # no element: no heading, link, image, emphasis, HTML
    return html.unescape(inner)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_itself_with_no_markup(text: str) -> None:
    expected = " ".join(text.split("\n"))
    assert rendered_text(plain(text)) == expected


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])))
def test_any_text_renders_as_itself(text: str) -> None:
    if not text.strip():
        return
    shown = rendered_text("x " + plain(text))  # mid-sentence, as the pages use it
    assert " ".join(shown.split()) == " ".join(("x " + text).split())


def test_streamlit_directives_and_autolinks_are_escaped() -> None:
    escaped = plain("see www.example.invalid or a@b.invalid :red[x] :material/home:")
    assert "www\\." in escaped and "\\@" in escaped and "\\:red\\[" in escaped
