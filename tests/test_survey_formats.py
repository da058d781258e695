"""Survey-tool exports, as each tool writes them, read into impressions per touchpoint.

Every export here is built by the test: realistic header rows and a few respondents. Each
test states the tool it must be recognised as, the impressions each touchpoint gets (their
raw answers, respondent by respondent) and the columns left out, with why.
"""

# ruff: noqa: RUF005 - export rows read best as "metadata cells + answers"
from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.imports import answers as ls
from dashboard.imports import tools as fp
from dashboard.imports.detect import detect
from dashboard.imports.layout import WideLayout
from dashboard.imports.reshape import LONG_COLUMNS, to_long
from dashboard.imports.survey_key import overrides_by_identity, overrides_from_identity, wide_survey_key
from dashboard.scales import AGREEMENT, QUALITY, SATISFACTION, Scale

TOUCHPOINTS = ["Reception", "Waiting room", "Consultation", "Payment", "Follow-up call"]


def grid(*rows: Sequence[str | None]) -> pd.DataFrame:
    """A raw grid as the reader hands it over: strings or missing, no header, file row order."""
    width = max(len(row) for row in rows)
    return pd.DataFrame([list(row) + [None] * (width - len(row)) for row in rows], dtype=object)


def impressions(
    raw: pd.DataFrame,
    layout: WideLayout,
    mapping_overrides: dict[int, str | None] | None = None,
    *,
    keep_missing: bool = False,
) -> dict[str, list[object]]:
    """Touchpoint -> its raw answers (the cells as the grid holds them) in file order, from to_long."""
    long = to_long(raw, layout, mapping_overrides, keep_missing=keep_missing)
    return {str(name): list(group["raw_value"]) for name, group in long.groupby("touchpoint", sort=False)}


def left_out(layout: WideLayout) -> dict[int, str]:
    """Column -> why it records nothing, for every column left out (unmatched ratings included)."""
    return {column.column_index: column.reason for column in layout.left_out_all}


# --- Qualtrics --------------------------------------------------------------------------------

QUALTRICS_IDS = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientEmail",
    "DistributionChannel",
    "UserLanguage",
]
QUALTRICS_TEXTS = [
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Recorded Date",
    "Response ID",
    "Recipient Email",
    "Distribution Channel",
    "User Language",
]
QUALTRICS_LEFT_OUT = {
    0: "date",
    1: "date",
    2: "metadata",
    3: "ip address",
    4: "metadata",
    5: "metadata",
    6: "metadata",
    8: "id",
    9: "email",
    10: "metadata",
    11: "metadata",
}


def qualtrics_meta(day: int) -> list[str | None]:
    stamp = f"2026-09-{day:02d} 15:0"
    return [
        stamp + "0:00",
        stamp + "4:10",
        "IP Address",
        f"203.0.113.{day}",
        "100",
        "250",
        "True",
        stamp + "4:11",
        f"R_{day}xYzAbC9dE",
        f"person{day}@example.org",
        "anonymous",
        "EN",
    ]


def qualtrics_export(
    answers: list[list[str | None]], *, json_row: bool = True, zone: str = "Europe/Berlin"
) -> pd.DataFrame:
    ids = [*QUALTRICS_IDS, "Q1_1", "Q1_2", "Q1_3", "Q1_4", "Q2", "Q3_TEXT"]
    question = "How satisfied were you with<br>each step of your visit?\n"
    texts = [
        *QUALTRICS_TEXTS,
        question + " - Reception",
        question + " - <strong>Waiting&nbsp;room</strong>",
        question + " - Consultation",
        question + " - Follow&#8209;up call",
        "Overall, how satisfied are you with our clinic?",
        "Is there anything else you would like to tell us?",
    ]
    imports = [f'{{"ImportId":"{i}","timeZone":"{zone}"}}' if "Date" in i else f'{{"ImportId":"{i}"}}' for i in ids]
    header = [ids, texts, imports] if json_row else [ids, texts]
    body = [qualtrics_meta(day) + row for day, row in enumerate(answers, start=20)]
    return grid(*header, *body)


QUALTRICS_ANSWERS: list[list[str | None]] = [
    ["Very satisfied", "Satisfied", "Very satisfied", "", "Satisfied", "Lovely staff, but the waiting room was cold."],
    ["Dissatisfied", "N/A", "Satisfied", "Very dissatisfied", "Neither satisfied nor dissatisfied", None],
    [None, "Very dissatisfied", "Don't know", "Satisfied", "Dissatisfied", "No"],
]


def test_a_qualtrics_choice_text_export_with_three_header_rows_records_each_matrix_row():
    raw = qualtrics_export(QUALTRICS_ANSWERS)
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column) == ("qualtrics", 3, 7)
    assert layout.time_zone == "Europe/Berlin"
    assert layout.scale == SATISFACTION
    assert [(c.column_index, c.sub_label, c.touchpoint) for c in layout.imported] == [
        (12, "Reception", "Reception"),
        (13, "Waiting room", "Waiting room"),
        (14, "Consultation", "Consultation"),
        (15, "Follow\u2011up call", "Follow-up call"),
    ]
    assert impressions(raw, layout) == {
        "Reception": ["Very satisfied", "Dissatisfied"],
        "Waiting room": ["Satisfied", "Very dissatisfied"],
        "Consultation": ["Very satisfied", "Satisfied"],
        "Follow-up call": ["Very dissatisfied", "Satisfied"],
    }
    assert left_out(layout) == {
        **QUALTRICS_LEFT_OUT,
        16: "rating: names no touchpoint of the cycle",
        17: "free text",
    }
    assert layout.touchpoints_without_column == ("Payment",)


def test_impressions_carry_the_file_row_the_submission_date_verbatim_and_the_comment_pointed_at():
    raw = qualtrics_export(QUALTRICS_ANSWERS)
    layout = detect(raw, TOUCHPOINTS, comment_column=17)
    long = to_long(raw, layout)
    assert list(long.columns) == list(LONG_COLUMNS)
    assert long.iloc[:3].to_dict("records") == [
        {
            "respondent_row": 4,
            "column": 12,
            "touchpoint": "Reception",
            "raw_value": "Very satisfied",
            "date": "2026-09-20 15:04:11",
            "group": None,
            "comment": "Lovely staff, but the waiting room was cold.",
        },
        {
            "respondent_row": 4,
            "column": 13,
            "touchpoint": "Waiting room",
            "raw_value": "Satisfied",
            "date": "2026-09-20 15:04:11",
            "group": None,
            "comment": "Lovely staff, but the waiting room was cold.",
        },
        {
            "respondent_row": 4,
            "column": 14,
            "touchpoint": "Consultation",
            "raw_value": "Very satisfied",
            "date": "2026-09-20 15:04:11",
            "group": None,
            "comment": "Lovely staff, but the waiting room was cold.",
        },
    ]
    assert list(long["respondent_row"]) == [4, 4, 4, 5, 5, 5, 6, 6]
    assert 17 not in left_out(layout)


def test_missing_answers_can_be_kept_for_the_preview_to_count_them():
    raw = qualtrics_export(QUALTRICS_ANSWERS)
    found = impressions(raw, detect(raw, TOUCHPOINTS), keep_missing=True)
    assert found["Waiting room"] == ["Satisfied", "N/A", "Very dissatisfied"]
    assert found["Consultation"] == ["Very satisfied", "Satisfied", "Don't know"]


def test_a_qualtrics_numeric_values_export_is_read_on_the_smallest_range_holding_its_answers():
    raw = qualtrics_export([["7", "6", "1", "4", "5", ""], ["2", "-99", "3", "", "6", ""]])
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.scale) == ("qualtrics", 3, Scale.numeric(1, 7))
    assert impressions(raw, layout) == {
        "Reception": ["7", "2"],
        "Waiting room": ["6"],
        "Consultation": ["1", "3"],
        "Follow-up call": ["4"],
    }
    assert left_out(layout)[16] == "rating: names no touchpoint of the cycle"
    assert left_out(layout)[17] == "no answers"


def test_qualtrics_seven_point_satisfaction_labels_are_recognised():
    raw = qualtrics_export(
        [
            ["Extremely satisfied", "Moderately satisfied", "Slightly dissatisfied", None, None, None],
            ["Extremely dissatisfied", "Neither satisfied nor dissatisfied", "Slightly satisfied", None, None, None],
        ]
    )
    layout = detect(raw, TOUCHPOINTS)
    assert layout.scale == ls.SATISFACTION_EXTREMELY_7
    assert impressions(raw, layout)["Reception"] == ["Extremely satisfied", "Extremely dissatisfied"]


def test_a_qualtrics_export_without_its_json_row_has_two_header_rows():
    raw = qualtrics_export(QUALTRICS_ANSWERS, json_row=False)
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.time_zone) == ("qualtrics", 2, None)
    assert sorted(impressions(raw, layout)) == ["Consultation", "Follow-up call", "Reception", "Waiting room"]


def test_a_legacy_qualtrics_export_has_two_header_rows_and_question_row_joined_by_a_bare_hyphen():
    raw = grid(
        ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1_1", "Q1_2", "Q1_3"],
        [
            "ResponseID",
            "ResponseSet",
            "Name",
            "ExternalDataReference",
            "EmailAddress",
            "IPAddress",
            "Status",
            "StartDate",
            "EndDate",
            "Finished",
            "Please rate each step-Reception",
            "Please rate each step-Follow-up call",
            "Please rate each step-Payment",
        ],
        ["R_1aBcDeFgH", "Default Response Set", "", "", "", "198.51.100.4", "0", "2016-03-01 10:00:00"]
        + ["2016-03-01 10:05:00", "1", "4", "5", "2"],
        ["R_2aBcDeFgH", "Default Response Set", "", "", "", "198.51.100.5", "0", "2016-03-02 11:00:00"]
        + ["2016-03-02 11:05:00", "1", "3", "", "1"],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column) == ("qualtrics_legacy", 2, 8)
    assert impressions(raw, layout) == {"Reception": ["4", "3"], "Follow-up call": ["5"], "Payment": ["2", "1"]}
    assert left_out(layout) == {
        0: "id",
        1: "id",
        2: "personal details",
        3: "id",
        4: "email",
        5: "ip address",
        6: "metadata",
        7: "date",
        9: "metadata",
    }


def qualtrics_rows_deleted(tags: list[str], answers: list[list[str]]) -> pd.DataFrame:
    body = [[*qualtrics_meta(day), *row] for day, row in enumerate(answers, start=1)]
    return grid([*QUALTRICS_IDS, *tags], *body)


def test_a_qualtrics_export_with_rows_two_and_three_deleted_keeps_ids_only_and_asks_for_the_mapping():
    raw = qualtrics_rows_deleted(["Q1_1", "Q1_2"], [["5", "4"], ["3", ""]])
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column) == ("qualtrics", 1, 7)
    assert layout.notes != ()
    assert [(c.column_index, c.touchpoint) for c in layout.columns] == [(12, None), (13, None)]
    assert impressions(raw, layout) == {}
    by_hand: dict[int, str | None] = {12: "Reception", 13: "Payment"}
    assert impressions(raw, layout, mapping_overrides=by_hand) == {"Reception": ["5", "3"], "Payment": ["4"]}


def test_a_qualtrics_export_with_rows_deleted_but_touchpoint_export_tags_maps_itself():
    raw = qualtrics_rows_deleted(["Reception", "Waiting_room"], [["5", "4"], ["3", ""]])
    layout = detect(raw, TOUCHPOINTS)
    assert impressions(raw, layout) == {"Reception": ["5", "3"], "Waiting room": ["4"]}


# --- SurveyMonkey -----------------------------------------------------------------------------

SURVEYMONKEY_META = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
]
SURVEYMONKEY_LEFT_OUT = {
    0: "id",
    1: "id",
    2: "date",
    4: "ip address",
    5: "email",
    6: "personal details",
    7: "personal details",
    8: "metadata",
}


def surveymonkey_meta(number: int) -> list[str | None]:
    return [f"11{number}4567890", "404040404", f"09/2{number}/2026 10:01:02 AM", f"09/2{number}/2026 10:04:40 AM"] + [
        f"192.0.2.{number}",
        None,
        None,
        None,
        None,
    ]


def test_a_surveymonkey_export_carries_the_matrix_question_over_its_row_labels():
    raw = grid(
        [
            *SURVEYMONKEY_META,
            "How satisfied were you with each part of your visit?",
            None,
            None,
            None,
            "How would you rate: Payment?",
            "Which group best describes you?",
            "Anything else?",
        ],
        [None] * 9
        + ["Reception", "Waiting room", "Consultation", "Other (please specify)"]
        + ["Response", "Response", "Open-Ended Response"],
        surveymonkey_meta(1) + ["Very satisfied", "Satisfied", "Very satisfied", "", "Good", "Patient", "Great"],
        surveymonkey_meta(2)
        + ["Dissatisfied", "", "Neither satisfied nor dissatisfied", "The parking"]
        + ["Excellent", "Visitor", ""],
        surveymonkey_meta(3) + ["Satisfied", "Very dissatisfied", "", "", "Poor", "Patient", ""],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column, layout.group_column) == ("surveymonkey", 2, 3, 14)
    assert impressions(raw, layout) == {
        "Reception": ["Very satisfied", "Dissatisfied", "Satisfied"],
        "Waiting room": ["Satisfied", "Very dissatisfied"],
        "Consultation": ["Very satisfied", "Neither satisfied nor dissatisfied"],
        "Payment": ["Good", "Excellent", "Poor"],
    }
    assert left_out(layout) == {**SURVEYMONKEY_LEFT_OUT, 12: "answers not on a known scale", 15: "free text"}
    groups = to_long(raw, layout).groupby("group")["raw_value"].count().to_dict()
    assert groups == {"Patient": 7, "Visitor": 3}
    assert detect(raw, TOUCHPOINTS).columns[3].scale == QUALITY


# --- Google Forms -----------------------------------------------------------------------------


def test_a_google_forms_export_reads_grid_rows_in_brackets_and_keeps_its_timestamps_verbatim():
    raw = grid(
        [
            "Timestamp",
            "Email Address",
            "How satisfied were you with each step? [Reception]",
            "How satisfied were you with each step? [Waiting room]",
            "How satisfied were you with each step? [Consultation]",
            "How likely are you to recommend us to a friend?",
            "Comments",
        ],
        ["2026/09/27 3:00:00 PM GMT+3", "ana@example.org", "Strongly agree", "Agree", "", "9", "All good"],
        ["2026/09/28 9:15:02 AM GMT+3", "ben@example.org", "Disagree", "Strongly disagree", "Agree", "4", ""],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column, layout.scale) == ("google_forms", 1, 0, AGREEMENT)
    assert impressions(raw, layout) == {
        "Reception": ["Strongly agree", "Disagree"],
        "Waiting room": ["Agree", "Strongly disagree"],
        "Consultation": ["Agree"],
    }
    assert list(to_long(raw, layout)["date"].unique()) == ["2026/09/27 3:00:00 PM GMT+3", "2026/09/28 9:15:02 AM GMT+3"]
    assert left_out(layout) == {
        1: "email",
        5: "rating: names no touchpoint of the cycle",
        6: "answers not on a known scale",
    }


# --- Microsoft Forms --------------------------------------------------------------------------


def test_a_microsoft_forms_workbook_has_a_column_per_statement_and_numbered_duplicates():
    raw = grid(
        ["ID", "Start time", "Completion time", "Email", "Name", "Reception", "Waiting room", "Payment"]
        + ["Reception2", "Which team are you in?"],
        ["1", "9/27/26 15:00:01", "9/27/26 15:04:10", "anonymous", None, "Agree", "Neutral", "Strongly agree", "Agree"]
        + ["Sales"],
        ["2", "9/28/26 09:00:01", "9/28/26 09:03:00", "anonymous", None, "Disagree", "Agree", None, "Neutral"]
        + ["Support"],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column) == ("microsoft_forms", 1, 2)
    assert layout.scale == ls.AGREEMENT_NEUTRAL
    assert impressions(raw, layout) == {
        "Reception": ["Agree", "Disagree"],
        "Waiting room": ["Neutral", "Agree"],
        "Payment": ["Strongly agree"],
    }
    assert left_out(layout) == {
        0: "id",
        1: "date",
        3: "email",
        4: "personal details",
        8: "rating: also names Reception, which column 6 records",
        9: "answers not on a known scale",
    }


# --- Typeform ---------------------------------------------------------------------------------


def test_a_typeform_export_has_its_metadata_at_the_end_and_opinion_scales_from_zero_to_ten():
    raw = grid(
        ["#", "How would you rate: Reception?", "How would you rate: Payment?", "And the follow-up call?"]
        + ["What could we do better?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
        ["x1y2z3a4b5c6d7e8f9g0", "10", "0", "7", "Shorter queues at the desk, please.", "2026-09-27 12:00:00"]
        + ["2026-09-27 12:03:00", "8c4d2f9a1b"],
        ["h1i2j3k4l5m6n7o8p9q0", "6", "", "3", "", "2026-09-28 08:00:00", "2026-09-28 08:02:00", "1a2b3c4d5e"],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column, layout.time_zone) == ("typeform", 1, 6, "UTC")
    assert layout.scale == Scale.numeric(0, 10)
    assert impressions(raw, layout) == {"Reception": ["10", "6"], "Payment": ["0"], "Follow-up call": ["7", "3"]}
    assert [c.reason for c in layout.imported] == [
        "named in the header",
        "named in the header",
        "name found in the question",
    ]
    assert left_out(layout) == {0: "id", 4: "answers not on a known scale", 5: "date", 7: "metadata"}


# --- LimeSurvey and Alchemer ------------------------------------------------------------------


def test_a_limesurvey_export_reads_subquestions_in_brackets():
    raw = grid(
        ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr"]
        + ["Please rate each step [Reception]", "Please rate each step [Consultation]", "Your group"],
        ["1", "2026-09-27 10:00:00", "3", "en", "123456", "2026-09-27 09:55:00", "2026-09-27 10:00:00", "192.0.2.9"]
        + ["5", "4", "Patients"],
        ["2", "2026-09-28 11:00:00", "3", "en", "654321", "2026-09-28 10:55:00", "2026-09-28 11:00:00", "192.0.2.8"]
        + ["2", "N/A", "Families"],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column, layout.group_column) == ("limesurvey", 1, 1, 10)
    assert impressions(raw, layout) == {"Reception": ["5", "2"], "Consultation": ["4"]}
    assert left_out(layout) == {0: "id", 2: "metadata", 3: "metadata", 4: "id", 5: "date", 6: "date", 7: "ip address"}


def test_an_alchemer_export_reads_row_and_question_joined_by_a_colon():
    raw = grid(
        ["Response ID", "Time Started", "Date Submitted", "Status", "Contact ID", "Legacy Comments", "Comments"]
        + ["Language", "Referer", "SessionID", "User Agent", "IP Address", "Country"]
        + ["Reception:How was each step?", "Waiting room:How was each step?", "Consultation:How was each step?"],
        ["7", "Sep 27, 2026 10:00:00 AM", "Sep 27, 2026 10:05:00 AM", "Complete", None, None, None, "English"]
        + ["https://example.org", "abc123", "Mozilla/5.0", "192.0.2.1", "Portugal", "Excellent", "Good", "Fair"],
        ["8", "Sep 28, 2026 10:00:00 AM", "Sep 28, 2026 10:05:00 AM", "Complete", None, None, None, "English"]
        + ["https://example.org", "def456", "Mozilla/5.0", "192.0.2.2", "Spain", "Very poor", "", "Good"],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column, layout.scale) == ("alchemer", 1, 2, QUALITY)
    assert impressions(raw, layout) == {
        "Reception": ["Excellent", "Very poor"],
        "Waiting room": ["Good"],
        "Consultation": ["Fair", "Good"],
    }
    assert left_out(layout) == {
        0: "id",
        1: "date",
        3: "metadata",
        4: "id",
        5: "metadata",
        6: "no answers",
        7: "metadata",
        8: "metadata",
        9: "id",
        10: "metadata",
        11: "ip address",
        12: "metadata",
    }


# --- hand-made sheets and the long format -----------------------------------------------------


def test_a_hand_made_sheet_names_touchpoints_in_its_header_however_they_are_written():
    raw = grid(
        ["Date", "Segment", "RÉCEPTION", "<b>Waiting&nbsp;room</b>", "Consultaton", "Payment!", "Age", "Notes"],
        ["2026-09-01", "Walk-in", "4 / 5", "3 / 5", "5 / 5", "1 / 5", "34", "Fine"],
        ["2026-09-02", "Referral", "2 / 5", None, "4 / 5", "N/A", "71", ""],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.date_column, layout.group_column) == ("generic_wide", 1, 0, 1)
    assert layout.scale == Scale.numeric(1, 5)
    assert [(c.touchpoint, c.reason) for c in layout.columns] == [
        ("Reception", "named in the header"),
        ("Waiting room", "named in the header"),
        ("Consultation", "close to the name Consultation"),
        ("Payment", "named in the header"),
    ]
    assert impressions(raw, layout) == {
        "Reception": ["4 / 5", "2 / 5"],
        "Waiting room": ["3 / 5"],
        "Consultation": ["5 / 5", "4 / 5"],
        "Payment": ["1 / 5"],
    }
    assert left_out(layout) == {6: "numbers off the known scales", 7: "answers not on a known scale"}
    assert list(ls.answer_values(to_long(raw, layout)["raw_value"])) == ["4", "3", "5", "1", "2", "4"]


def test_the_products_own_long_format_is_recognised_and_not_reshaped():
    raw = grid(
        ["date", "service_cycle", "touchpoint", "group", "score", "scale", "comment"],
        ["2026-09-01", "First visit", "Reception", "Patients", "4", "1-5", ""],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows, layout.columns) == ("long", 1, ())
    with pytest.raises(ValueError, match="long format"):
        to_long(raw, layout)


# --- matching ---------------------------------------------------------------------------------


def test_two_columns_naming_one_touchpoint_never_both_record_it_unless_the_user_says_so():
    raw = grid(["Reception", "reception ", "Payment"], ["5", "4", "3"], ["1", "2", "3"])
    layout = detect(raw, TOUCHPOINTS)
    assert [(c.column_index, c.touchpoint, c.reason) for c in layout.columns] == [
        (0, "Reception", "named in the header"),
        (1, None, "also names Reception, which column 1 records"),
        (2, "Payment", "named in the header"),
    ]
    corrected = layout.with_overrides({1: "Reception", 2: None})
    assert corrected.mapping == {0: "Reception", 1: "Reception"}
    assert corrected.notes == ("two columns record Reception",)
    assert impressions(raw, corrected) == {"Reception": ["5", "4", "1", "2"]}


def test_a_fuzzy_match_is_refused_when_two_touchpoints_are_about_as_close():
    raw = grid(["Room 12", "Room 12 B", "Recepton"], ["5", "4", "3"])
    layout = detect(raw, ["Room 12A", "Room 12B", "Reception"])
    assert [(c.column_index, c.touchpoint, c.reason) for c in layout.columns] == [
        (0, None, "names no touchpoint of the cycle"),
        (1, "Room 12B", "close to the name Room 12B"),
        (2, "Reception", "close to the name Reception"),
    ]


def test_a_correction_names_a_touchpoint_of_the_cycle_and_can_take_in_a_left_out_column():
    raw = grid(["Reception", "How was the coffee?"], ["5", "tasty"], ["4", "cold"])
    layout = detect(raw, TOUCHPOINTS)
    with pytest.raises(ValueError, match="no such touchpoint"):
        layout.with_overrides({0: "Cafeteria"})
    assert impressions(raw, layout, mapping_overrides={1: "Waiting room"}) == {
        "Reception": ["5", "4"],
        "Waiting room": ["tasty", "cold"],
    }


def test_the_preview_lists_every_column_once_with_its_role():
    raw = qualtrics_export(QUALTRICS_ANSWERS)
    preview = detect(raw, TOUCHPOINTS, comment_column=17).preview()
    assert list(preview["column"]) == list(range(18))
    assert preview.set_index("column")["role"].to_dict() == {
        **dict.fromkeys(QUALTRICS_LEFT_OUT, "left out"),
        7: "date",
        12: "rating",
        13: "rating",
        14: "rating",
        15: "rating",
        16: "left out",
        17: "comment",
    }


# --- remembering a survey ---------------------------------------------------------------------


def test_next_months_export_of_a_survey_has_the_same_survey_key_and_reuses_the_corrections():
    september = qualtrics_export(QUALTRICS_ANSWERS, zone="Europe/Berlin")
    october = qualtrics_export([["Satisfied", "", "", "", "Satisfied", ""]], zone="Europe/Lisbon")
    september_layout, october_layout = detect(september, TOUCHPOINTS), detect(october, TOUCHPOINTS)
    assert wide_survey_key(september, september_layout) == wide_survey_key(october, october_layout)
    remembered = overrides_by_identity(september, september_layout, {16: "Payment", 14: None})
    assert overrides_from_identity(october, october_layout, remembered) == {16: "Payment", 14: None}
    other = qualtrics_rows_deleted(["Q1_1"], [["5"]])
    assert wide_survey_key(other, detect(other, TOUCHPOINTS)) != wide_survey_key(september, september_layout)


def test_remembered_corrections_follow_their_columns_when_a_new_export_moves_them():
    first = grid(["Date", "Q7", "Q8"], ["2026-09-01", "5", "4"])
    moved = grid(["Q8", "Date", "Q7"], ["3", "2026-10-01", "2"])
    remembered = overrides_by_identity(first, detect(first, TOUCHPOINTS), {1: "Reception", 2: "Payment"})
    layout = detect(moved, TOUCHPOINTS)
    overrides = overrides_from_identity(moved, layout, remembered)
    assert overrides == {0: "Payment", 2: "Reception"}
    assert impressions(moved, layout, mapping_overrides=overrides) == {"Payment": ["3"], "Reception": ["2"]}


# --- label scales -----------------------------------------------------------------------------


def test_a_user_can_order_labels_no_known_set_holds_but_not_forget_one():
    answers = pd.Series(["Meh", "Great", "Awful", "Meh", "N/A"], dtype=object)
    scale = ls.scale_from_order(["Awful", "Meh", "Great"], answers)
    assert (scale.spec, scale.normalise("meh")) == ("labels:Awful|Meh|Great", 0.0)
    with pytest.raises(ValueError, match="leaves out these answers: Great"):
        ls.scale_from_order(["Awful", "Meh"], answers)


def test_answer_values_turn_points_out_of_into_numbers_and_missing_answers_into_na():
    values = ls.answer_values(pd.Series(["4 / 5", " 3/5", "N/A", None, "Good", "2 - Poor"], dtype=object))
    assert values.tolist() == ["4", "3", pd.NA, pd.NA, "Good", "2"]
    assert Scale.numeric(1, 5).normalise_many(values).tolist()[:2] == [0.5, 0.0]


# --- size -------------------------------------------------------------------------------------


def test_a_large_export_is_reshaped_without_a_loop_over_respondents():
    respondents = 20_000
    rng = np.random.default_rng(5)
    names = [f"Step {n}" for n in range(1, 21)]
    answers = rng.integers(0, 6, size=(respondents, 20)).astype(str).astype(object)
    answers[answers == "0"] = None
    raw = pd.concat([pd.DataFrame([names], dtype=object), pd.DataFrame(answers, dtype=object)], ignore_index=True)
    started = time.perf_counter()
    long = to_long(raw, detect(raw, names))
    assert time.perf_counter() - started < 5.0
    assert len(long) == int((answers != None).sum())  # noqa: E711 - element-wise comparison
    assert long.groupby("touchpoint")["raw_value"].count().sum() == len(long)


# --- properties -------------------------------------------------------------------------------

HEADER_WORDS = ["How", "satisfaction", "were", "you", "with", "Reception", "Q1_1", "Start Date", "Response ID", "rate"]
DATA_CELLS = ["1", "4", "10", "0", "Satisfied", "Strongly agree", "Poor", "2026-09-27 10:00:00", "a@b.org", "N/A"]
DATA_CELLS += ["4 / 5", "5 - Very satisfied", "Likely (4)", "198.51.100.7", "R_1aBcDeFgHi", "True"]


@st.composite
def exports(draw: st.DrawFn, most_header_rows: int = 3) -> tuple[pd.DataFrame, int]:
    """1 to 3 header rows of question text (some cells blank) over rows of answers.

    Some columns hold ratings, dates, addresses (data), others free text; every respondent
    answered at least one of the data columns.
    """
    width = draw(st.integers(2, 8))
    depth = draw(st.integers(1, most_header_rows))
    text = st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=4).map(" ".join)
    header = [draw(st.lists(st.one_of(text, st.just("")), min_size=width, max_size=width)) for _ in range(depth)]
    is_data = draw(st.lists(st.booleans(), min_size=width, max_size=width).filter(any))
    data_cell = st.one_of(st.sampled_from(DATA_CELLS), st.just(""))
    free_text = st.one_of(st.sampled_from(["All good", "too slow at the desk", "1 Sept", ""]))
    row = st.tuples(*(data_cell if flag else free_text for flag in is_data)).map(list)
    answered = row.filter(lambda cells: any(c for c, flag in zip(cells, is_data, strict=True) if flag))
    body = [draw(answered) for _ in range(draw(st.integers(1, 5)))]
    return grid(*header, *body), depth


@settings(max_examples=150, deadline=None)
@given(exports())
def test_header_depth_is_the_number_of_rows_of_text_above_the_answers(case: tuple[pd.DataFrame, int]):
    raw, depth = case
    assert fp.header_depth(raw) == depth


@settings(max_examples=60, deadline=None)
@given(exports(most_header_rows=2), st.sampled_from(["Europe/Berlin", "America/Denver", ""]))
def test_a_qualtrics_json_row_ends_the_header_wherever_it_stands(case: tuple[pd.DataFrame, int], zone: str):
    raw, depth = case
    json_cells = [f'{{"ImportId":"QID{n}","timeZone":"{zone}"}}' for n in range(raw.shape[1])]
    with_json = pd.concat([raw.iloc[:depth], grid(json_cells), raw.iloc[depth:]], ignore_index=True)
    assert fp.tool_header_depth(with_json, "qualtrics") == depth + 1


def test_a_short_free_text_question_mentioning_a_touchpoint_is_not_taken_for_its_rating():
    raw = grid(["Reception", "Anything to add about the reception?"], ["5", "no"], ["4", "fine"])
    layout = detect(raw, TOUCHPOINTS)
    assert layout.mapping == {0: "Reception"}
    assert left_out(layout) == {1: "answers not on a known scale"}


def test_a_surveymonkey_expanded_export_reads_a_run_of_option_columns_as_one_answer():
    raw = grid(
        [*SURVEYMONKEY_META, "How would you rate: Payment?", None, None, None, None]
        + ["How satisfied were you with each part of your visit?", None, None, None],
        [None] * 9
        + ["Very poor", "Poor", "Fair", "Good", "Excellent"]
        + ["Reception - Very dissatisfied", "Reception - Very satisfied"]
        + ["Waiting room - Very dissatisfied", "Waiting room - Very satisfied"],
        surveymonkey_meta(1) + [None, None, None, "Good", None, "Very dissatisfied", None, None, "Very satisfied"],
        surveymonkey_meta(2) + ["Very poor", None, None, None, None, None, "Very satisfied", None, None],
        surveymonkey_meta(3) + [None, None, None, None, None, None, None, None, None],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.header_rows) == ("surveymonkey", 2)
    assert [(c.column_index, c.source_columns, c.touchpoint, c.scale) for c in layout.columns] == [
        (9, (9, 10, 11, 12, 13), "Payment", QUALITY),
        (14, (14, 15), "Reception", Scale.from_labels(["Very dissatisfied", "Very satisfied"])),
        (16, (16, 17), "Waiting room", Scale.from_labels(["Very dissatisfied", "Very satisfied"])),
    ]
    assert impressions(raw, layout) == {
        "Payment": ["Good", "Very poor"],
        "Reception": ["Very dissatisfied", "Very satisfied"],
        "Waiting room": ["Very satisfied"],
    }
    assert left_out(layout) == SURVEYMONKEY_LEFT_OUT


def test_the_preview_shows_the_option_columns_of_an_expanded_answer_under_their_first_column():
    raw = grid(
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "How would you rate: Payment?", None, None],
        [None, None, None, None, "Poor", "Fair", "Good"],
        ["1", "2", "09/21/2026 10:00:00 AM", "09/21/2026 10:05:00 AM", None, "Fair", None],
    )
    preview = detect(raw, TOUCHPOINTS).preview()
    assert preview[["column", "role", "touchpoint"]].values.tolist() == [
        [0, "left out", None],
        [1, "left out", None],
        [2, "left out", None],
        [3, "date", None],
        [4, "rating", "Payment"],
        [5, "option of column 5", "Payment"],
        [6, "option of column 5", "Payment"],
    ]


def test_a_qualtrics_side_by_side_matrix_names_the_touchpoint_between_question_and_column():
    raw = grid(
        ["StartDate", "EndDate", "ResponseId", "Q5#1_1", "Q5#1_2"],
        ["Start Date", "End Date", "Response ID", "Your visit - Reception - Rating", "Your visit - Payment - Rating"],
        ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"_recordId"}']
        + ['{"ImportId":"QID5#1_1"}', '{"ImportId":"QID5#1_2"}'],
        ["2026-09-01 10:00:00", "2026-09-01 10:02:00", "R_3kLmNoPqRs", "4", "5"],
    )
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.tool, layout.date_column) == ("qualtrics", 1)
    assert impressions(raw, layout) == {"Reception": ["4"], "Payment": ["5"]}


def test_the_date_group_and_comment_columns_can_be_set_by_hand():
    raw = grid(["When", "Team", "Reception", "Why?"], ["1 Sept", "North", "5", "quick"], ["2 Sept", "South", "4", "ok"])
    layout = detect(raw, TOUCHPOINTS).with_columns(date=0, group=1, comment=3)
    assert (layout.date_column, layout.group_column, layout.comment_column, layout.left_out) == (0, 1, 3, ())
    assert to_long(raw, layout)[["date", "group", "comment"]].values.tolist() == [
        ["1 Sept", "North", "quick"],
        ["2 Sept", "South", "ok"],
    ]
    with pytest.raises(ValueError, match="cannot also be"):
        layout.with_columns(comment=2)


def test_choosing_another_date_column_lists_the_detected_one_as_left_out():
    raw = grid(["Date", "Visited on", "Reception"], ["2026-09-30", "2026-09-01", "5"])
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.date_column, left_out(layout)) == (0, {1: "date"})
    chosen = layout.with_columns(date=1)
    assert (chosen.date_column, left_out(chosen)) == (1, {0: "date"})
    assert to_long(raw, chosen)["date"].tolist() == ["2026-09-01"]


def test_a_grid_holding_stray_numbers_instead_of_text_is_still_read():
    raw = pd.DataFrame([["Reception", "Payment"], [4, 5], [3, None]], dtype=object)
    layout = detect(raw, TOUCHPOINTS)
    assert (layout.header_rows, layout.mapping) == (1, {0: "Reception", 1: "Payment"})
    assert impressions(raw, layout) == {"Reception": [4, 3], "Payment": [5]}


def test_a_touchpoint_named_like_a_standard_column_is_still_rated_when_its_answers_are_scores():
    raw = grid(["Date", "Email", "Phone call", "Email address"], ["2026-09-01", "4", "5", "a@b.org"])
    layout = detect(raw, ["Email", "Phone call"])
    assert (layout.date_column, layout.mapping, left_out(layout)) == (0, {1: "Email", 2: "Phone call"}, {3: "email"})


def test_the_demo_repair_cycle_as_a_google_forms_grid_maps_every_step_and_leaves_the_overall_question_out():
    steps = ["Breakdown call", "Online booking", "Appointment confirmation", "Engineer arrival"]
    steps += ["Diagnosis and price", "Repair", "Clean-up", "Repair invoice", "Follow-up mail"]
    question = "How did we do at each step of your repair?"
    raw = grid(
        ["Timestamp", *(f"{question} [{step}]" for step in steps), "Overall, how happy are you with the repair?"],
        ["2026/10/01 9:00:00 AM GMT+1", "4", "5", "3", "1", "4", "5", "5", "2", "4", "4"],
    )
    layout = detect(raw, steps)
    assert layout.mapping == dict(enumerate(steps, start=1))
    assert left_out(layout) == {10: "rating: also names Repair, which column 7 records"}
