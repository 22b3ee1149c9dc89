"""User text shown as text: the one escaping rule for every string that came from a CSV,
a form or the URL. Pure.

`plain` for Markdown (Streamlit's `st.markdown`, captions, alerts, labels): every
Markdown, HTML and Streamlit directive character is backslash-escaped and line breaks
become spaces, so a product named `# H` or `[a](http://x)` reads literally and nothing
is fetched or linked. Graphviz labels have `ladder.dot_text`; Vega charts get user text
as data fields, never inside an expression.
"""

from __future__ import annotations

import re

# Characters that are markup wherever they stand (emphasis, code, links, images, HTML,
# tables, strikethrough, math, Streamlit's :directives:, e-mail autolinks, entities).
_INLINE = re.compile(r"([\\`*_{}\[\]()#<>!|~$:@&])")
# "www." starts a GFM autolink: escape its dot.
_WWW = re.compile(r"(?i)(www)\.")
# Markup only at the start of a line: lists (- + 1.), headings (=== underline), quotes.
_LEADING = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
_BREAKS = re.compile(r"[\r\n\t\x0b\x0c]+")


def plain(text: object) -> str:
    """`text` safe inside Markdown, on one line: every markup character escaped, so it
    renders exactly as typed (a hyphen or a full stop mid-text is left alone)."""
    value = _INLINE.sub(r"\\\1", _BREAKS.sub(" ", str(text)))
    value = _WWW.sub(r"\1\\.", value)
    match = _LEADING.match(value)
    if match:
        lead, mark = match.groups()
        if mark.isdigit():
            end = match.end()
            value = f"{value[:end]}\\{value[end:]}"
        else:
            value = f"{lead}\\{value[len(lead) :]}"
    return value


def clip(text: object, length: int) -> str:
    """`text` cut to `length` characters with an ellipsis (not escaped)."""
    value = str(text)
    return value if len(value) <= length else value[: max(length - 1, 1)] + "…"
