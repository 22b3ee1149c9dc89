"""The ladder graph's DOT text, its escaping, and the words and numbers around it."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuemodel.present import ladder
from valuemodel.present.ladder import (
    dot_text,
    heart_value_text,
    kr_digits,
    kr_range_text,
    kr_value_text,
    ladder_dot,
    ladder_scope,
    link_label,
    strength_words,
    wrap,
)

# ---------------------------------------------------------------- fixtures


def objectives(**titles: str) -> pd.DataFrame:
    rows = [
        ("co-1", "Ship customer value faster", "company", None, "FY2025"),
        ("org-1", "Cut lead time", "org", "co-1", "FY2025"),
        ("team-1", "Make CI fast", "team", "org-1", "2025-H2"),
        ("co-2", "Unlinked company goal", "company", None, "FY2025"),
    ]
    frame = pd.DataFrame(rows, columns=["objective_id", "title", "level", "parent_id", "period"])
    for oid, title in titles.items():
        frame.loc[frame["objective_id"] == oid.replace("_", "-"), "title"] = title
    return frame


def key_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kr_id": ["kr-1", "kr-2", "kr-3"],
            "objective_id": ["team-1", "co-1", "co-2"],
            "title": ["Pipeline success rate", "Deploy frequency", "Unlinked KR"],
            "unit": ["%", "per day", "x"],
            "baseline": [88.0, 20.0, 0.0],
            "target": [97.0, 50.0, 1.0],
        }
    )


def links(rows: list[tuple] | None = None) -> pd.DataFrame:
    rows = rows or [
        ("ci", "task_success", "kr-1", "causal", "same runs", 0.99, 0, 24),
        ("ci", "adoption", "kr-2", "correlational", "", 0.81, 2, 14),
        ("dm", "savings", "kr-2", "asserted", "claimed", None, None, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["product_id", "metric", "kr_id", "evidence", "note", "r", "lag_months", "months"],
    )
    # r of changes and the verdict of DESIGN section 4: the first link's changes move
    # together, the second's only share a trend, the third has no data.
    verdicts = {0.99: (0.7, "moves together"), 0.81: (0.1, "shared trend only")}
    frame["r_changes"] = [verdicts.get(r, (None, None))[0] for r in frame["r"]]
    frame["verdict"] = [
        verdicts.get(r, (None, "not enough data" if pd.isna(r) else "no clear link"))[1]
        for r in frame["r"]
    ]
    return frame


NAMES = {"ci": "CI Platform", "dm": "Data Mart"}


def skeleton(dot: str) -> str:
    """The DOT text with every quoted string replaced by "": its structure only.

    Walks the text honouring backslash escapes inside strings, and fails on a string
    that never closes.
    """
    out: list[str] = []
    i = 0
    while i < len(dot):
        ch = dot[i]
        if ch == '"':
            i += 1
            while i < len(dot) and dot[i] != '"':
                i += 2 if dot[i] == "\\" else 1
            assert i < len(dot), "an unterminated string"
            out.append('""')
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def edges(dot: str) -> list[tuple[str, str, str]]:
    """(tail, head, attributes) of every edge, from the skeleton's node ids."""
    found = []
    for line in dot.splitlines():
        match = re.match(r"^\s*(\w+) -> (\w+) \[(.*)\];$", line)
        if match:
            found.append((match.group(1), match.group(2), match.group(3)))
    return found


# ---------------------------------------------------------------- escaping


def test_quotes_and_backslashes_are_escaped() -> None:
    assert dot_text('Say "hi" \\ bye') == 'Say \\"hi\\" \\\\ bye'


def test_newlines_and_control_characters_become_single_spaces() -> None:
    assert dot_text("Cut\nlead\r\n\ttime\x00now") == "Cut lead time now"


def test_dot_label_escapes_cannot_be_smuggled_in() -> None:
    # \l, \N and \G mean something in a DOT label; escaped they are plain text
    assert dot_text("left\\l node \\N") == "left\\\\l node \\\\N"


def test_missing_values_are_empty_text() -> None:
    assert dot_text(None) == ""


def test_a_label_joins_escaped_lines_with_dots_line_break() -> None:
    assert ladder.label(['A "b"', "c"]) == 'A \\"b\\"\\nc'


@settings(deadline=None)  # timings vary on a shared machine; the rule is what counts
@given(st.text(max_size=200))
def test_escaped_text_is_always_one_closed_dot_string(text: str) -> None:
    escaped = dot_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert skeleton(f'"{escaped}"') == '""'


def test_titles_cannot_change_the_graph_structure() -> None:
    hostile = 'x"]; evil -> co [label="owned"]; a [label="\\'
    plain = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    krs = key_results().assign(title=hostile)
    attacked = ladder_dot(
        objectives=objectives(co_1=hostile, team_1="}\n}\ndigraph {"),
        key_results=krs,
        links=links().assign(note=hostile),
        product_names={"ci": hostile, "dm": "{ rank=same }"},
        kr_notes={"kr-1": hostile},
    )
    assert skeleton(attacked) == skeleton(plain)


# ---------------------------------------------------------------- wrapping and labels


def test_long_titles_wrap_on_words() -> None:
    assert wrap("Make every employee's working day easier", 20) == [
        "Make every",
        "employee's working",
        "day easier",
    ]


def test_very_long_titles_are_cut_with_an_ellipsis() -> None:
    lines = wrap("word " * 40, 12, 3)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(len(line) <= 12 for line in lines)


def test_a_word_longer_than_a_line_is_broken() -> None:
    assert all(len(line) <= 10 for line in wrap("x" * 25, 10, 3))


def test_a_link_label_leads_with_the_verdict_then_the_claim_then_the_numbers() -> None:
    assert link_label("adoption", "correlational", 0.8149, 2, 14, "shared trend only", 0.12) == [
        "Shared trend only",
        "Adoption: correlational",
        "r 0.81 · changes 0.12 · 14 mo · lag 2",
    ]


def test_an_asserted_link_shows_what_the_data_says_beside_the_claim() -> None:
    lines = link_label("savings", "asserted", -0.92, 0, 24, "shared trend only", -0.2)
    assert lines[1] == "Savings: asserted; data: shared trend only"


def test_a_causal_link_says_no_experiment_is_on_record() -> None:
    lines = link_label("task_success", "causal", 0.99, 0, 24, "moves together", 0.6)
    assert lines[1] == "Task success: causal; no experiment on record"


def test_a_negative_r_is_written_with_a_minus_sign() -> None:
    assert "r −0.42" in link_label("savings", "causal", -0.42, 0, 9, "no clear link", None)[2]


@pytest.mark.parametrize("r", [None, math.nan])
def test_a_link_without_r_says_not_enough_data(r: float | None) -> None:
    assert link_label("happiness", "asserted", r, None, None, "not enough data") == [
        "Not enough data",
        "NPS: asserted; data: not enough data",
    ]


def test_a_link_box_is_an_escaped_html_label_with_the_verdict_in_bold() -> None:
    html = ladder.link_html(["Moves together", "A <b> & co", "r 0.5"])
    assert html.startswith("<<B>Moves together</B><BR/>A &lt;b&gt; &amp; co<BR/><FONT")
    assert html.endswith("r 0.5</FONT>>")


# ---------------------------------------------------------------- the graph


def test_each_link_is_styled_by_its_evidence() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    link_edges = [e for e in edges(dot) if e[0].startswith("l")]
    styles = sorted(re.search(r'style="(\w+)"', attrs).group(1) for _, _, attrs in link_edges)
    assert styles == ["dashed", "dotted", "solid"]
    assert "<B>Shared trend only</B><BR/>Adoption: correlational" in dot
    assert "<B>Not enough data</B><BR/>Savings: asserted; data: not enough data" in dot


def test_only_a_link_that_moves_together_is_drawn_strong() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    by_style = {
        re.search(r'style="(\w+)"', attrs).group(1): re.search(  # type: ignore[union-attr]
            r'penwidth="([\d.]+)"', attrs
        ).group(1)  # type: ignore[union-attr]
        for tail, _, attrs in edges(dot)
        if tail.startswith("l")
    }
    assert by_style["solid"] == ladder.STRONG_PENWIDTH  # causal, moves together
    assert by_style["dashed"] == ladder.WEAK_PENWIDTH  # correlational, shared trend only
    assert by_style["dotted"] == ladder.WEAK_PENWIDTH


def test_each_key_result_points_to_its_objective_and_each_objective_to_its_parent() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    ids = {
        title: node
        for node, title in re.findall(r'^\s*(\w+) \[label="([^"\\]+?)(?:\\n|")', dot, re.MULTILINE)
    }
    structure = {(tail, head) for tail, head, attrs in edges(dot) if "arrowhead" in attrs}
    assert (ids["Pipeline success rate"], ids["Make CI fast"]) in structure
    assert (ids["Make CI fast"], ids["Cut lead time"]) in structure
    assert (ids["Cut lead time"], ids["Ship customer value"]) in structure
    assert (ids["Deploy frequency"], ids["Ship customer value"]) in structure


def test_objectives_show_their_level_and_period() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    assert "Team objective · 2025-H2" in dot
    assert "Company objective · FY2025" in dot


def test_node_ids_are_generated_not_taken_from_the_data() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    for tail, head, _ in edges(dot):
        assert re.fullmatch(r"[lko]\d+", tail) and re.fullmatch(r"[lko]\d+", head)


def test_every_column_is_one_rank() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links(), product_names=NAMES
    )
    ranks = re.findall(r"\{ rank=same; ([^}]*) \}", dot)
    assert len(ranks) == 5  # links, key results, team, org, company
    assert all(len({n[0] for n in group.replace(";", " ").split()}) == 1 for group in ranks)


def test_thirty_links_give_thirty_boxes_and_lines_grouped_by_product() -> None:
    metrics = ["adoption", "engagement", "retention", "task_success", "happiness", "savings"]
    rows = [
        (f"p{i % 5}", metrics[i // 5], ["kr-1", "kr-2", "kr-3"][i % 3], "correlational", "",
         0.5, 1, 12)
        for i in range(30)
    ]  # fmt: skip
    dot = ladder_dot(
        objectives=objectives(),
        key_results=key_results(),
        links=links(rows),
        product_names={f"p{i}": f"Product {i}" for i in range(5)},
    )
    assert len([e for e in edges(dot) if e[0].startswith("l")]) == 30
    assert dot.count("subgraph cluster_p") == 5
    assert 'rankdir="LR"' in dot


def test_links_to_key_results_outside_the_drawing_are_left_out() -> None:
    extra = links([("ci", "adoption", "kr-404", "causal", "", 0.9, 0, 10)])
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=extra, product_names=NAMES
    )
    assert not [e for e in edges(dot) if e[0].startswith("l")]


def test_no_links_still_draws_the_objective_tree() -> None:
    dot = ladder_dot(
        objectives=objectives(), key_results=key_results(), links=links().iloc[0:0],
        product_names=NAMES,
    )  # fmt: skip
    assert "cluster_links" not in dot
    assert "Ship customer value faster" in dot


def test_the_scope_keeps_linked_key_results_and_every_ancestor() -> None:
    only_ci_success = links().iloc[[0]]
    scoped_objectives, scoped_krs = ladder_scope(objectives(), key_results(), only_ci_success)
    assert list(scoped_krs["kr_id"]) == ["kr-1"]
    assert set(scoped_objectives["objective_id"]) == {"team-1", "org-1", "co-1"}


def test_a_cycle_of_parents_does_not_loop_forever() -> None:
    cyclic = objectives()
    cyclic.loc[cyclic["objective_id"] == "co-1", "parent_id"] = "team-1"
    scoped_objectives, _ = ladder_scope(cyclic, key_results(), links().iloc[[0]])
    assert set(scoped_objectives["objective_id"]) == {"team-1", "org-1", "co-1"}
    ladder_dot(objectives=cyclic, key_results=key_results(), links=links(), product_names=NAMES)


# ---------------------------------------------------------------- words and numbers


@pytest.mark.parametrize(
    ("r", "words"),
    [
        (0.95, "Strong co-movement"),
        (0.7, "Strong co-movement"),
        (-0.75, "Strong inverse co-movement"),
        (0.5, "Moderate co-movement"),
        (-0.25, "Weak inverse co-movement"),
        (0.1, "Little or no co-movement"),
        (None, "Not enough data"),
    ],
)
def test_r_is_described_by_its_size_and_sign(r: float | None, words: str) -> None:
    assert strength_words(r) == words


def test_key_result_values_carry_their_unit() -> None:
    assert kr_value_text(48.25, "deploys per day") == "48.2 deploys per day"
    assert kr_value_text(51.6, "%") == "51.6%"
    assert kr_value_text(1234.0, "USD per month", 0) == "1,234 USD per month"
    assert kr_value_text(None, "%") == "—"
    assert kr_range_text(20, 50, "deploys per day", 0) == "20 → 50 deploys per day"


def test_whole_key_results_are_shown_without_decimals() -> None:
    assert kr_digits(8.0, 25.0, 19.0) == 0
    assert kr_digits(88.0, 97.0, 94.3) == 1
    assert kr_digits(10.0, 3.0, None) == 0


def test_heart_values_are_shown_in_their_own_units() -> None:
    assert heart_value_text("happiness", 23.4) == "+23"
    assert heart_value_text("engagement", 4.25) == "4.2 days"
    assert heart_value_text("adoption", 0.612) == "61.2%"
    assert heart_value_text("savings", 12345.6, "EUR") == "€12,346"
    assert heart_value_text("retention", math.nan) == "—"


def test_expected_progress_names_the_share_of_the_period() -> None:
    assert ladder.expected_text("period", 0.8333, "FY2026") == "83% of FY2026"
    assert ladder.expected_text("trend", None, "later") == "by trend"
    assert ladder.expected_text("none", None, "FY2026") == "—"


def test_status_cells_are_coloured_only_for_known_states() -> None:
    assert "color" in ladder.status_css("Behind")
    assert "color" in ladder.status_css("Meets target")
    assert ladder.status_css("Unknown") == ""


# ---------------------------------------------------------------- the co-movement chart


def aligned() -> pd.DataFrame:
    months = pd.date_range("2025-01-01", periods=8, freq="MS")
    return pd.DataFrame(
        {
            "month": months,
            "product_month": months - pd.DateOffset(months=1),
            "metric": [0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, math.nan],
            "key_result": [math.nan, 21, 24, 26, 30, 33, 35, 38],
        }
    )


def chart_args(**overrides: object) -> dict[str, object]:
    args: dict[str, object] = {
        "kr_title": "Deploy frequency", "kr_unit": "per day", "kr_target": 50.0,
        "product_name": "CI Platform", "metric": "adoption", "r": 0.81, "lag_months": 1,
        "months": 6,
    }  # fmt: skip
    args.update(overrides)
    return args


def title_text(spec: dict) -> str:  # type: ignore[type-arg]
    """A chart's title as one string (the house style wraps a long one into lines)."""
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else str(text)


def test_the_chart_title_states_the_strength_and_r() -> None:
    spec = ladder.co_movement_chart(aligned(), **chart_args()).to_dict()
    assert spec["title"]["text"] == "Strong co-movement (r = 0.81)"
    assert any("1 month earlier" in line for line in spec["title"]["subtitle"])
    assert any("not proof of impact" in line for line in spec["title"]["subtitle"])


def test_without_r_the_chart_says_there_is_not_enough_data() -> None:
    spec = ladder.co_movement_chart(aligned(), **chart_args(r=None, lag_months=None)).to_dict()
    assert title_text(spec).startswith("Not enough data")


def test_a_key_result_without_measurements_draws_only_the_product_metric() -> None:
    frame = aligned().assign(key_result=math.nan)
    spec = ladder.co_movement_chart(frame, **chart_args(r=None, kr_target=math.nan)).to_dict()
    assert title_text(spec).startswith("No measurements")
    assert "layer" not in spec


def test_metrics_read_naturally_inside_a_sentence() -> None:
    assert ladder.metric_phrase("task_success") == "task success"
    assert ladder.metric_phrase("happiness") == "NPS"
    assert ladder.metric_label("task_success") == "Task success"
