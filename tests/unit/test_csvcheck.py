"""The CSV contract of DESIGN section 3, checked on in-memory bytes (no database)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from valuemodel.core.csvcheck import StoredKeys, Validation, validate

PRODUCTS_HEADER = "product_id,name,owner_team,eligible_users,launched_on"
EVENTS_HEADER = "product_id,user_id,occurred_at,action,succeeded,duration_seconds"
SURVEYS_HEADER = "product_id,user_id,responded_at,score"
COSTS_HEADER = "product_id,month,category,amount"
BASELINES_HEADER = "product_id,action,minutes_saved,confidence,source"
GOALS_HEADER = "product_id,dimension,role,goal,signal,metric,target"
ASSUMPTIONS_HEADER = "key,value"

CI_STORED = StoredKeys(products=frozenset({"ci"}))
MESSAGE = re.compile(
    r"^(?P<file>[a-z_]+\.csv):(?P<line>\d+): (?P<column>[a-z_\-]+): (?P<reason>.+)$"
)


def csv_bytes(header: str, *rows: str, newline: str = "\n") -> bytes:
    return (newline.join([header, *rows]) + newline).encode("utf-8")


def check(stored: StoredKeys = CI_STORED, **files: bytes) -> Validation:
    """Validate files given as keyword arguments named after the file (without .csv)."""
    return validate({f"{name}.csv": data for name, data in files.items()}, stored)


def lines_of(result: Validation) -> list[str]:
    return result.report_lines()


def only_problem(result: Validation) -> str:
    lines = lines_of(result)
    assert len(lines) == 1, lines
    return lines[0]


# ---------------------------------------------------------------- the message format


def test_a_problem_reads_file_colon_line_colon_column_colon_reason() -> None:
    result = check(products=csv_bytes(PRODUCTS_HEADER, "ci,CI,Platform,lots,"))
    line = only_problem(result)
    match = MESSAGE.match(line)
    assert match, line
    assert match["file"] == "products.csv"
    assert match["line"] == "2"
    assert match["column"] == "eligible_users"
    assert "'lots'" in match["reason"]


def test_a_valid_file_has_no_problems_and_is_parsed() -> None:
    result = check(
        products=csv_bytes(
            PRODUCTS_HEADER, "ci,CI Platform,Platform,120,2024-01-15", "hr,HR,People,40,"
        )
    )
    assert result.ok
    assert lines_of(result) == []
    [parsed] = result.files
    assert parsed.rows == 2
    assert list(parsed.frame["product_id"]) == ["ci", "hr"]


# ---------------------------------------------------------------- header


def test_header_with_a_missing_column_is_refused_on_line_one() -> None:
    result = check(products=csv_bytes("product_id,name,owner_team,eligible_users", "ci,CI,P,5"))
    line = only_problem(result)
    assert line.startswith("products.csv:1: ")
    assert "missing launched_on" in line


def test_header_with_an_extra_column_is_refused_not_dropped() -> None:
    result = check(products=csv_bytes(PRODUCTS_HEADER + ",notes", "ci,CI,P,5,,hello"))
    line = only_problem(result)
    assert line.startswith("products.csv:1: ")
    assert "'notes'" in line
    assert result.files == []


def test_header_with_reordered_columns_is_refused() -> None:
    header = "product_id,name,owner_team,launched_on,eligible_users"
    result = check(products=csv_bytes(header, "ci,CI,P,,5"))
    line = only_problem(result)
    assert line.startswith("products.csv:1: ")
    assert "order" in line


def test_header_names_are_case_sensitive() -> None:
    result = check(products=csv_bytes(PRODUCTS_HEADER.replace("name", "Name"), "ci,CI,P,5,"))
    assert only_problem(result).startswith("products.csv:1: ")


# ---------------------------------------------------------------- encodings and line ends


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,")
    result = check(products=data)
    assert result.ok, lines_of(result)
    assert tuple(result.files[0].frame.columns) == tuple(PRODUCTS_HEADER.split(","))


def test_crlf_line_ends_are_accepted() -> None:
    data = csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,", "hr,HR,P,7,", newline="\r\n")
    result = check(products=data)
    assert result.ok, lines_of(result)
    assert list(result.files[0].frame["eligible_users"]) == ["5", "7"]


def test_crlf_line_ends_keep_physical_line_numbers() -> None:
    data = csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,", "hr,HR,P,x,", newline="\r\n")
    assert only_problem(check(products=data)).startswith("products.csv:3: eligible_users: ")


def test_non_utf8_bytes_give_one_line_about_the_file() -> None:
    data = csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,") + "hr,Ressources humaines \u00e9,P,5,\n".encode(
        "latin-1"
    )
    line = only_problem(check(products=data))
    assert line.startswith("products.csv: ")
    assert "UTF-8" in line
    assert "\n" not in line


def test_an_empty_file_gives_one_line_about_the_file() -> None:
    line = only_problem(check(products=b""))
    assert line.startswith("products.csv: ")
    assert "empty" in line


def test_a_file_of_only_blank_lines_counts_as_empty() -> None:
    line = only_problem(check(products=b"\n\n  \n"))
    assert line.startswith("products.csv: ")
    assert "empty" in line


def test_a_header_without_rows_is_accepted_as_an_empty_table() -> None:
    result = check(products=csv_bytes(PRODUCTS_HEADER))
    assert result.ok, lines_of(result)
    assert result.files[0].rows == 0


def test_an_unknown_file_name_is_refused() -> None:
    result = validate({"product.csv": csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,")}, StoredKeys())
    line = only_problem(result)
    assert line.startswith("product.csv: ")
    assert "products.csv" in line  # the message lists the expected names


# ---------------------------------------------------------------- quoting and line numbers


def test_quoted_fields_with_commas_and_newlines_are_accepted() -> None:
    data = csv_bytes(PRODUCTS_HEADER, 'ci,"CI, the\nplatform","Platform, Tools",5,')
    result = check(products=data)
    assert result.ok, lines_of(result)
    frame = result.files[0].frame
    assert frame["name"].iloc[0] == "CI, the\nplatform"
    assert frame["owner_team"].iloc[0] == "Platform, Tools"


def test_line_numbers_after_a_multi_line_record_are_physical_lines() -> None:
    # line 1 header; lines 2-4 one record spanning three lines; line 5 the bad record
    data = csv_bytes(
        PRODUCTS_HEADER,
        'ci,"CI\nPlatform\nv2",P,5,',
        "hr,HR,P,many,",
    )
    assert only_problem(check(products=data)) == (
        "products.csv:5: eligible_users: 'many' is not a whole number"
    )


def test_a_record_with_too_few_fields_is_refused_with_its_count() -> None:
    data = csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,", "hr,HR,P,5")
    line = only_problem(check(products=data))
    assert line.startswith("products.csv:3: ")
    assert "5" in line and "4" in line  # expected 5, found 4


def test_a_record_with_too_many_fields_is_refused_with_its_count() -> None:
    data = csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,,extra", "hr,HR,P,5,")
    line = only_problem(check(products=data))
    assert line.startswith("products.csv:2: ")
    assert "6" in line


def test_a_short_record_in_a_quoted_file_is_refused_at_its_physical_line() -> None:
    data = csv_bytes(PRODUCTS_HEADER, 'ci,"C\nI",P,5,', "hr,HR,P")
    line = only_problem(check(products=data))
    assert line.startswith("products.csv:4: ")


# ---------------------------------------------------------------- values


def test_an_unknown_enum_value_is_refused() -> None:
    data = csv_bytes(COSTS_HEADER, "ci,2025-01,catering,100")
    line = only_problem(check(costs=data))
    assert line.startswith("costs.csv:2: category: 'catering'")
    assert "headcount" in line  # the allowed values are listed


def test_a_survey_score_of_eleven_is_refused() -> None:
    data = csv_bytes(
        SURVEYS_HEADER, "ci,u1,2025-01-02T10:00:00Z,10", "ci,u2,2025-01-02T10:00:00Z,11"
    )
    assert only_problem(check(surveys=data)).startswith("surveys.csv:3: score: '11'")


@pytest.mark.parametrize("score", ["-1", "7.5", "ten"])
def test_a_survey_score_must_be_a_whole_number_from_zero_to_ten(score: str) -> None:
    data = csv_bytes(SURVEYS_HEADER, f"ci,u1,2025-01-02T10:00:00Z,{score}")
    assert only_problem(check(surveys=data)).startswith(f"surveys.csv:2: score: '{score}'")


def test_a_confidence_of_one_and_a_half_is_refused() -> None:
    data = csv_bytes(BASELINES_HEADER, "ci,build,5,1,survey", "ci,deploy,5,1.5,guess")
    assert only_problem(check(task_baselines=data)).startswith(
        "task_baselines.csv:3: confidence: '1.5'"
    )


def test_a_negative_minutes_saved_is_refused() -> None:
    data = csv_bytes(BASELINES_HEADER, "ci,build,-5,0.5,survey")
    assert only_problem(check(task_baselines=data)).startswith(
        "task_baselines.csv:2: minutes_saved: '-5'"
    )


def test_month_thirteen_is_not_a_month() -> None:
    data = csv_bytes(COSTS_HEADER, "ci,2025-12,other,1", "ci,2025-13,other,1")
    assert only_problem(check(costs=data)).startswith("costs.csv:3: month: '2025-13'")


@pytest.mark.parametrize("month", ["2025-1", "2025/01", "25-01", "2025-00", "0000-01"])
def test_a_month_must_be_written_yyyy_mm(month: str) -> None:
    data = csv_bytes(COSTS_HEADER, f"ci,{month},other,1")
    assert only_problem(check(costs=data)).startswith(f"costs.csv:2: month: '{month}'")


def test_an_amount_with_a_decimal_comma_is_refused() -> None:
    data = csv_bytes(COSTS_HEADER, 'ci,2025-01,other,"1,5"')
    assert only_problem(check(costs=data)).startswith("costs.csv:2: amount: '1,5'")


def test_a_required_value_left_empty_is_refused() -> None:
    data = csv_bytes(COSTS_HEADER, "ci,2025-01,other,")
    line = only_problem(check(costs=data))
    assert line.startswith("costs.csv:2: amount: ")
    assert "empty" in line


@pytest.mark.parametrize(
    "timestamp",
    ["yesterday", "2025-02-30T10:00:00Z", "2025-01-01T25:00:00Z", "01/02/2025 10:00"],
)
def test_a_bad_timestamp_is_refused(timestamp: str) -> None:
    data = csv_bytes(EVENTS_HEADER, f"ci,u1,{timestamp},build,true,")
    assert only_problem(check(usage_events=data)).startswith(
        f"usage_events.csv:2: occurred_at: '{timestamp}'"
    )


@pytest.mark.parametrize(
    "timestamp",
    [
        "2025-01-01T10:00:00Z",
        "2025-01-01T10:00:00+01:00",
        "2024-12-31T23:30:00-05:00",
        "2025-01-01T10:00:00.123456+0530",
        "2025-01-01T10:00:00",
        "2025-01-01 10:00:00",
        "2025-01-01T10:00",
    ],
)
def test_timestamps_with_an_offset_z_or_no_offset_are_accepted(timestamp: str) -> None:
    result = check(usage_events=csv_bytes(EVENTS_HEADER, f"ci,u1,{timestamp},build,true,12.5"))
    assert result.ok, lines_of(result)


@pytest.mark.parametrize("succeeded", ["true", "false", "", "TRUE", "False"])
def test_succeeded_may_be_true_false_or_empty(succeeded: str) -> None:
    result = check(
        usage_events=csv_bytes(EVENTS_HEADER, f"ci,u1,2025-01-01T10:00:00Z,b,{succeeded},")
    )
    assert result.ok, lines_of(result)


def test_succeeded_refuses_other_words() -> None:
    data = csv_bytes(EVENTS_HEADER, "ci,u1,2025-01-01T10:00:00Z,build,yes,")
    assert only_problem(check(usage_events=data)).startswith("usage_events.csv:2: succeeded: 'yes'")


def test_an_id_with_surrounding_spaces_is_refused() -> None:
    data = csv_bytes(EVENTS_HEADER, "ci,u1 ,2025-01-01T10:00:00Z,build,,")
    assert only_problem(check(usage_events=data)).startswith("usage_events.csv:2: user_id: ")


# ---------------------------------------------------------------- duplicates


def test_two_rows_with_the_same_key_are_refused_naming_the_first_line() -> None:
    data = csv_bytes(
        COSTS_HEADER,
        "ci,2025-01,headcount,100",
        "ci,2025-01,infrastructure,20",
        "ci,2025-01,headcount,150",
    )
    line = only_problem(check(costs=data))
    assert line.startswith("costs.csv:4: ")
    assert "duplicate" in line
    assert "line 2" in line


def test_two_spellings_of_the_same_instant_are_the_same_key() -> None:
    # 2025-01-01T01:00:00+01:00 is 2025-01-01T00:00:00Z
    data = csv_bytes(
        EVENTS_HEADER,
        "ci,u1,2025-01-01T00:00:00Z,build,true,",
        "ci,u2,2025-01-01T00:00:00Z,build,true,",
        "ci,u1,2025-01-01T01:00:00+01:00,build,false,",
    )
    line = only_problem(check(usage_events=data))
    assert line.startswith("usage_events.csv:4: ")
    assert "duplicate" in line
    assert "line 2" in line


def test_a_timestamp_without_offset_is_the_same_key_as_its_utc_spelling() -> None:
    data = csv_bytes(SURVEYS_HEADER, "ci,u1,2025-03-01T08:00:00,7", "ci,u1,2025-03-01T08:00:00Z,9")
    line = only_problem(check(surveys=data))
    assert line.startswith("surveys.csv:3: ")
    assert "line 2" in line


def test_the_same_instant_for_different_actions_is_not_a_duplicate() -> None:
    data = csv_bytes(
        EVENTS_HEADER,
        "ci,u1,2025-01-01T00:00:00Z,build,true,",
        "ci,u1,2025-01-01T01:00:00+01:00,deploy,true,",
    )
    assert check(usage_events=data).ok


def test_a_duplicate_after_a_multi_line_record_names_physical_lines() -> None:
    # lines 2-3 one record; line 4 a duplicate of it
    data = csv_bytes(PRODUCTS_HEADER, 'ci,"C\nI",P,5,', "ci,CI,P,6,")
    line = only_problem(check(products=data))
    assert line.startswith("products.csv:4: ")
    assert "line 2" in line


# ---------------------------------------------------------------- references


def test_a_reference_to_an_unknown_product_is_refused() -> None:
    data = csv_bytes(COSTS_HEADER, "ci,2025-01,other,1", "ghost,2025-01,other,1")
    line = only_problem(check(StoredKeys(products=frozenset({"ci"})), costs=data))
    assert line.startswith("costs.csv:3: product_id: ")
    assert "'ghost'" in line


def test_a_reference_to_a_product_of_the_same_import_is_accepted() -> None:
    result = check(
        StoredKeys(),
        products=csv_bytes(PRODUCTS_HEADER, "ci,CI,P,5,"),
        costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,1"),
    )
    assert result.ok, lines_of(result)


def test_a_reference_to_a_stored_product_is_accepted() -> None:
    result = check(
        StoredKeys(products=frozenset({"stored"})),
        costs=csv_bytes(COSTS_HEADER, "stored,2025-01,other,1"),
    )
    assert result.ok, lines_of(result)


def test_without_stored_keys_a_lone_costs_file_is_refused() -> None:
    line = only_problem(check(StoredKeys(), costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,1")))
    assert line.startswith("costs.csv:2: product_id: ")


def test_a_link_to_an_unknown_key_result_is_refused_unless_stored() -> None:
    data = csv_bytes("product_id,metric,kr_id,evidence,note", "ci,adoption,kr-1,correlational,")
    refused = check(StoredKeys(products=frozenset({"ci"})), metric_links=data)
    assert only_problem(refused).startswith("metric_links.csv:2: kr_id: ")
    stored = StoredKeys(products=frozenset({"ci"}), key_results=frozenset({"kr-1"}))
    assert check(stored, metric_links=data).ok


def test_rows_naming_products_of_an_unreadable_products_file_are_not_also_refused() -> None:
    # products.csv is in the import but cannot be read: its one problem is what to fix,
    # not "unknown product" on every row of the other files.
    result = check(
        StoredKeys(),
        products=b"product_id,name,owner_team,eligible_users,launched_on\nci,Caf\xe9,P,5,\n",
        costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,1", "ci,2025-02,other,1"),
    )
    assert only_problem(result).startswith("products.csv: ")


def test_rows_naming_products_of_a_products_file_with_a_bad_header_are_not_also_refused() -> None:
    result = check(
        StoredKeys(),
        products=csv_bytes("product_id,name", "ci,CI"),
        costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,1"),
    )
    assert only_problem(result).startswith("products.csv:1: ")


# ---------------------------------------------------------------- many problems


def test_more_than_fifty_problems_show_fifty_lines_and_a_count_of_the_rest() -> None:
    rows = [f"ci,u{i},not-a-time,build,," for i in range(120)]
    result = check(usage_events=csv_bytes(EVENTS_HEADER, *rows))
    lines = lines_of(result)
    assert len(lines) == 51
    # 120 problems: 50 shown, 120 - 50 = 70 more
    assert lines[-1] == "... and 70 more problems"
    assert lines[0].startswith("usage_events.csv:2: occurred_at: ")
    assert lines[49].startswith("usage_events.csv:51: occurred_at: ")


def test_more_than_fifty_wrong_field_counts_are_capped_the_same_way() -> None:
    rows = [f"ci,u{i}" for i in range(75)]
    lines = lines_of(check(usage_events=csv_bytes(EVENTS_HEADER, *rows)))
    assert len(lines) == 51
    assert lines[-1] == "... and 25 more problems"


def test_exactly_fifty_problems_show_no_count_line() -> None:
    rows = [f"ci,u{i},not-a-time,build,," for i in range(50)]
    lines = lines_of(check(usage_events=csv_bytes(EVENTS_HEADER, *rows)))
    assert len(lines) == 50
    assert not lines[-1].startswith("...")


def test_problems_of_several_files_are_all_reported() -> None:
    result = check(
        costs=csv_bytes(COSTS_HEADER, "ci,2025-13,other,1"),
        surveys=csv_bytes(SURVEYS_HEADER, "ci,u1,2025-01-01,12"),
    )
    files = sorted(line.split(":")[0] for line in lines_of(result))
    assert files == ["costs.csv", "surveys.csv"]


# ---------------------------------------------------------------- HEART goal targets


@pytest.mark.parametrize(
    ("dimension", "target"),
    [
        ("happiness", "-100"),
        ("happiness", "100"),
        ("engagement", "31"),
        ("adoption", "0.6"),
        ("retention", "1"),
        ("task_success", "0"),
    ],
)
def test_heart_goal_targets_inside_their_range_are_accepted(dimension: str, target: str) -> None:
    data = csv_bytes(GOALS_HEADER, f"ci,{dimension},key,g,s,m,{target}")
    result = check(heart_goals=data)
    assert result.ok, lines_of(result)


@pytest.mark.parametrize(
    ("dimension", "target"),
    [
        ("happiness", "-101"),
        ("happiness", "150"),
        ("engagement", "32"),
        ("engagement", "-1"),
        ("adoption", "60"),
        ("retention", "1.2"),
        ("task_success", "-0.1"),
    ],
)
def test_heart_goal_targets_outside_their_range_are_refused(dimension: str, target: str) -> None:
    data = csv_bytes(GOALS_HEADER, f"ci,{dimension},key,g,s,m,{target}")
    line = only_problem(check(heart_goals=data))
    assert line.startswith(f"heart_goals.csv:2: target: '{target}' for {dimension} must be ")


# ---------------------------------------------------------------- assumptions


def test_valid_assumptions_are_accepted() -> None:
    data = csv_bytes(
        ASSUMPTIONS_HEADER, "loaded_hourly_cost,85.5", "currency,EUR", "discount_rate,0.08"
    )
    result = check(assumptions=data)
    assert result.ok, lines_of(result)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("currency", "XYZ"),
        ("currency", "usd"),
        ("discount_rate", "1.5"),
        ("discount_rate", "-0.1"),
        ("discount_rate", "10%"),
        ("loaded_hourly_cost", "0"),
        ("loaded_hourly_cost", "-20"),
        ("loaded_hourly_cost", "cheap"),
    ],
)
def test_a_bad_assumption_value_is_refused(key: str, value: str) -> None:
    data = csv_bytes(ASSUMPTIONS_HEADER, f"{key},{value}")
    assert only_problem(check(assumptions=data)).startswith(f"assumptions.csv:2: value: '{value}'")


def test_an_unknown_assumption_key_is_refused() -> None:
    data = csv_bytes(ASSUMPTIONS_HEADER, "exchange_rate,1.1")
    assert only_problem(check(assumptions=data)).startswith("assumptions.csv:2: key: ")


# ---------------------------------------------------------------- values the database would refuse


@pytest.mark.parametrize(
    ("header", "row", "column"),
    [
        (COSTS_HEADER, "ci,2025-01,other,500000000000000", "amount"),  # numeric(16, 2)
        (PRODUCTS_HEADER, "p,P,T,3000000000,", "eligible_users"),  # > 2**31 - 1
        (PRODUCTS_HEADER, "p,P,T,5,0000-01-01", "launched_on"),  # PostgreSQL has no year 0
        (SURVEYS_HEADER, "ci,u1,0000-06-01T00:00:00Z,5", "responded_at"),
    ],
)
def test_values_outside_what_the_database_stores_are_refused_by_the_validator(
    header: str, row: str, column: str
) -> None:
    name = {COSTS_HEADER: "costs", PRODUCTS_HEADER: "products", SURVEYS_HEADER: "surveys"}[header]
    line = only_problem(check(**{name: csv_bytes(header, row)}))
    assert line.startswith(f"{name}.csv:2: {column}: ")


# ------------------------------------------------ ranges PostgreSQL or the pages refuse


NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def check_at(now: dt.datetime, **files: bytes) -> Validation:
    return validate({f"{name}.csv": data for name, data in files.items()}, CI_STORED, now=now)


@pytest.mark.parametrize(
    "timestamp",
    [
        "9999-12-31T23:00:00-05:00",  # year 10000 in UTC: took every page down
        "1999-12-31T23:59:59Z",
        "2026-06-16T12:00:01Z",  # a second past one day after now
        "1970-01-01T00:00:00Z",
    ],
)
def test_a_timestamp_outside_2000_to_one_day_after_now_is_refused(timestamp: str) -> None:
    line = only_problem(
        check_at(NOW, usage_events=csv_bytes(EVENTS_HEADER, f"ci,u1,{timestamp},build,true,"))
    )
    assert line.startswith(f"usage_events.csv:2: occurred_at: '{timestamp}' is outside 2000-01-01")


@pytest.mark.parametrize("timestamp", ["2000-01-01T00:00:00Z", "2026-06-16T11:59:00Z"])
def test_timestamps_at_the_edges_of_the_range_are_accepted(timestamp: str) -> None:
    result = check_at(NOW, usage_events=csv_bytes(EVENTS_HEADER, f"ci,u1,{timestamp},b,true,"))
    assert result.ok, lines_of(result)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2025-01-01T10:00:00+16:00",
        "2025-01-01T10:00:00-23:59",
        "2025-01-01T10:00:00+1600",
        "2025-01-01T10:00:00-20",
        "2025-01-01T10:00:00+05:60",
    ],
)
def test_an_offset_beyond_fifteen_fifty_nine_is_refused(timestamp: str) -> None:
    line = only_problem(check(surveys=csv_bytes(SURVEYS_HEADER, f"ci,u1,{timestamp},7")))
    assert (
        line
        == f"surveys.csv:2: responded_at: '{timestamp}' has a UTC offset outside -15:59 to +15:59"
    )


@pytest.mark.parametrize("timestamp", ["2025-01-01T10:00:00+15:59", "2025-01-01T10:00:00-1500"])
def test_offsets_up_to_fifteen_fifty_nine_are_accepted(timestamp: str) -> None:
    result = check(surveys=csv_bytes(SURVEYS_HEADER, f"ci,u1,{timestamp},7"))
    assert result.ok, lines_of(result)


@pytest.mark.parametrize("launched", ["1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_2000_to_2100_is_refused(launched: str) -> None:
    line = only_problem(check(products=csv_bytes(PRODUCTS_HEADER, f"p,P,T,5,{launched}")))
    assert line.startswith(f"products.csv:2: launched_on: '{launched}' is outside 2000-01-01")


def test_a_month_outside_2000_to_2100_is_refused() -> None:
    line = only_problem(check(costs=csv_bytes(COSTS_HEADER, "ci,1999-12,other,5")))
    assert line.startswith("costs.csv:2: month: '1999-12' is outside 2000-01 to 2100-12")


def test_a_negative_cost_is_refused() -> None:
    line = only_problem(check(costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,-5000000")))
    assert line == "costs.csv:2: amount: '-5000000' must be 0 or more"


@pytest.mark.parametrize("amount", ["1000000000000", "1e12", "999999999999.995"])
def test_a_cost_of_a_trillion_or_more_is_refused(amount: str) -> None:
    line = only_problem(check(costs=csv_bytes(COSTS_HEADER, f"ci,2025-01,other,{amount}")))
    assert line.startswith(f"costs.csv:2: amount: '{amount}' is out of range")


def test_a_cost_just_below_a_trillion_is_accepted() -> None:
    result = check(costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,999999999999.99"))
    assert result.ok, lines_of(result)


# ---------------------------------------------------------------- every problem of a row


def test_every_bad_field_of_a_row_is_listed_not_only_the_first() -> None:
    data = csv_bytes(EVENTS_HEADER, "ci, u1,yesterday,build,maybe,-3")
    lines = lines_of(check(usage_events=data))
    columns = [MESSAGE.match(line)["column"] for line in lines]  # type: ignore[index]
    assert columns == ["user_id", "occurred_at", "succeeded", "duration_seconds"], lines


def test_a_field_with_two_problems_is_listed_once() -> None:
    # '-1e999' is not in range and negative: the first problem of the field is enough.
    lines = lines_of(check(costs=csv_bytes(COSTS_HEADER, "ci,2025-01,other,-1e999")))
    assert len(lines) == 1, lines


def test_the_and_more_line_is_not_counted_as_a_problem() -> None:
    rows = [f"ci,u{i},yesterday,build,maybe," for i in range(30)]  # two problems a row
    result = check(usage_events=csv_bytes(EVENTS_HEADER, *rows))
    assert result.problem_count == 60
    lines = lines_of(result)
    assert len(lines) == 51
    assert lines[-1] == "... and 10 more problems"
