"""Survey tools' exports as downloaded, through the real import pipeline and into the database.

Each test builds an export the way its tool writes it (the grids of tests/test_survey_formats.py
where they exist), imports it into the cycle "Clinic" and reads back, per touchpoint, the number
of impressions recorded and their mean score. The means were worked out by hand from the
answers: a 5-point label scale gives -1, -0.5, 0, 0.5, 1; 0-10 gives v/5 - 1; 1-5 gives (v-3)/2.
"""

# ruff: noqa: RUF005 - export rows read best as "metadata cells + answers"
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import cli
from dashboard.imports import pipeline
from dashboard.imports.reading import SurveyError
from dashboard.scales import SATISFACTION, Scale
from dashboard.store import Store, cycles, groups, imports
from dashboard.touchpoints import TouchpointFields
from tests.cli_db import cli_db
from tests.survey_files import xlsx_bytes
from tests.test_survey_formats import (
    QUALTRICS_ANSWERS,
    SURVEYMONKEY_META,
    TOUCHPOINTS,
    grid,
    qualtrics_export,
    surveymonkey_meta,
)

pytestmark = pytest.mark.both_backends


@pytest.fixture
def clinic(store: Store) -> Store:
    """The cycle "Clinic" with the five touchpoints of the format tests and four stakeholder groups."""
    cycle = cycles.create_cycle(store, "Clinic")
    for name in TOUCHPOINTS:
        cycles.add_touchpoint(store, cycle, TouchpointFields(name, "keep_or_lose"))
    for group in ("Patient", "Visitor", "Patients", "Families"):
        groups.add_group(store, group)
    return store


def csv_of(raw: pd.DataFrame, sep: str = ",") -> bytes:
    return raw.to_csv(header=False, index=False, sep=sep).encode("utf-8")


def xlsx_of(raw: pd.DataFrame) -> bytes:
    return xlsx_bytes({"Sheet1": [[None if pd.isna(c) else c for c in row] for row in raw.itertuples(index=False)]})


def preview_of(store: Store, data: bytes, name: str, options: pipeline.Options | None = None) -> pipeline.Preview:
    context = imports.cycle_context(store, "Clinic")
    return pipeline.prepare(data, name, context, options, recall=lambda key: imports.remembered(store, key))


def imported(store: Store, data: bytes, name: str, options: pipeline.Options | None = None) -> pipeline.Preview:
    """Previews and commits a file; returns the preview."""
    preview = preview_of(store, data, name, options)
    assert preview.refusal() is None
    imports.commit(store, preview)
    return preview


def per_touchpoint(store: Store) -> dict[str, tuple[int, float]]:
    """Touchpoint -> (impressions, mean score), read back from the database."""
    return {t["touchpoint"]: (t["impressions"], t["mean_score"]) for t in imports.stats(store)["touchpoints"]}


def test_a_qualtrics_choice_text_export_is_imported_with_its_counts_and_means(clinic: Store):
    preview = imported(clinic, csv_of(qualtrics_export(QUALTRICS_ANSWERS)), "qualtrics.csv")
    assert per_touchpoint(clinic) == {
        "Reception": (2, 0.25),
        "Waiting room": (2, -0.25),
        "Consultation": (2, 0.75),
        "Follow-up call": (2, -0.25),
    }
    assert preview.missing_answers == 4  # N/A, Don't know and two blank cells
    assert preview.rows_read == 3
    assert preview.detected["layout"] == "Qualtrics export (one respondent per row)"
    assert preview.detected["header rows"] == "3"
    assert preview.detected["date column"] == "column 8: RecordedDate | Recorded Date"
    assert preview.detected["time zone"].startswith("Europe/Berlin")


def test_the_respondents_submission_date_dates_each_impression_and_the_chosen_column_gives_the_comment(clinic: Store):
    raw = qualtrics_export(QUALTRICS_ANSWERS)
    preview = preview_of(clinic, csv_of(raw), "qualtrics.csv", pipeline.Options(comment_column=17))
    frame = preview.impressions
    assert sorted({str(d)[:10] for d in frame["observed_on"]}) == ["2026-09-20", "2026-09-21", "2026-09-22"]
    assert sorted(c for c in frame["comment"].dropna().unique()) == [
        "Lovely staff, but the waiting room was cold.",
        "No",
    ]
    assert preview.detected["comment column"].startswith("column 18: Q3_TEXT")


def test_an_answer_off_the_scale_is_rejected_with_its_file_row(clinic: Store):
    answers = [row[:] for row in QUALTRICS_ANSWERS]
    answers[1][0] = "Brilliant"
    preview = preview_of(
        clinic,
        csv_of(qualtrics_export(answers)),
        "qualtrics.csv",
        pipeline.Options(
            scale=Scale.parse(
                "labels:Very dissatisfied|Dissatisfied|Neither satisfied nor dissatisfied|Satisfied|Very satisfied"
            )
        ),
    )
    assert list(preview.rejected["row"]) == [5]  # three header rows, then the second respondent
    assert preview.rejected["reason"].iloc[0].startswith("answer “Brilliant” is not on the scale")


def test_a_surveymonkey_export_records_the_matrix_and_the_single_question_each_on_its_own_scale(clinic: Store):
    raw = grid(
        [*SURVEYMONKEY_META, "How satisfied were you with each part of your visit?", None, None, None]
        + ["How would you rate: Payment?", "Which group best describes you?", "Anything else?"],
        [None] * 9
        + ["Reception", "Waiting room", "Consultation", "Other (please specify)"]
        + ["Response", "Response", "Open-Ended Response"],
        surveymonkey_meta(1) + ["Very satisfied", "Satisfied", "Very satisfied", "", "Good", "Patient", "Great"],
        surveymonkey_meta(2)
        + ["Dissatisfied", "", "Neither satisfied nor dissatisfied", "The parking"]
        + ["Excellent", "Visitor", ""],
        surveymonkey_meta(3) + ["Satisfied", "Very dissatisfied", "", "", "Poor", "Patient", ""],
    )
    preview = imported(clinic, csv_of(raw), "surveymonkey.csv")
    assert per_touchpoint(clinic) == {
        "Reception": (3, 0.3333),  # 1, -0.5, 0.5
        "Waiting room": (2, -0.25),
        "Consultation": (2, 0.5),
        "Payment": (3, 0.3333),  # Good 0.5, Excellent 1, Poor -0.5
    }
    assert preview.detected["group column"] == "column 15: Which group best describes you? | Response"
    assert preview.impressions["group_id"].notna().all()


def test_a_google_forms_export_with_grid_rows_and_zoned_timestamps(clinic: Store):
    raw = grid(
        ["Timestamp", "Email Address", "How satisfied were you with each step? [Reception]"]
        + [
            "How satisfied were you with each step? [Waiting room]",
            "How satisfied were you with each step? [Consultation]",
        ]
        + ["How likely are you to recommend us to a friend?", "Comments"],
        ["2026/09/27 3:00:00 PM GMT+3", "ana@example.org", "Strongly agree", "Agree", "", "9", "All good"],
        ["2026/09/28 9:15:02 AM GMT+3", "ben@example.org", "Disagree", "Strongly disagree", "Agree", "4", ""],
    )
    imported(clinic, csv_of(raw), "google.csv")
    assert per_touchpoint(clinic) == {"Reception": (2, 0.25), "Waiting room": (2, -0.25), "Consultation": (1, 0.5)}


MS_FORMS = grid(
    ["ID", "Start time", "Completion time", "Email", "Name", "Reception", "Waiting room", "Payment"]
    + ["Reception2", "Which team are you in?"],
    ["1", "9/27/26 15:00:01", "9/27/26 15:04:10", "anonymous", None, "Agree", "Neutral", "Strongly agree", "Agree"]
    + ["Sales"],
    ["2", "9/28/26 09:00:01", "9/28/26 09:03:00", "anonymous", None, "Disagree", "Agree", None, "Neutral"]
    + ["Support"],
)


def test_a_microsoft_forms_workbook_is_imported_from_xlsx(clinic: Store):
    preview = imported(clinic, xlsx_of(MS_FORMS), "forms.xlsx")
    assert per_touchpoint(clinic) == {"Reception": (2, 0.0), "Waiting room": (2, 0.25), "Payment": (1, 1.0)}
    assert preview.detected["sheet"] == "Sheet1"
    assert preview.layout is not None
    table = pipeline.layout_table(preview.layout)
    assert table.loc[table["column"] == 9, "why"].tolist() == ["also names Reception, which column 6 records"]


def test_a_typeform_export_on_a_zero_to_ten_scale(clinic: Store):
    raw = grid(
        ["#", "How would you rate: Reception?", "How would you rate: Payment?", "And the follow-up call?"]
        + ["What could we do better?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
        ["x1y2z3a4b5c6d7e8f9g0", "10", "0", "7", "Shorter queues at the desk, please.", "2026-09-27 12:00:00"]
        + ["2026-09-27 12:03:00", "8c4d2f9a1b"],
        ["h1i2j3k4l5m6n7o8p9q0", "6", "", "3", "", "2026-09-28 08:00:00", "2026-09-28 08:02:00", "1a2b3c4d5e"],
    )
    imported(clinic, csv_of(raw), "typeform.csv")
    assert per_touchpoint(clinic) == {"Reception": (2, 0.6), "Payment": (1, -1.0), "Follow-up call": (2, 0.0)}


def test_a_semicolon_separated_limesurvey_export_with_a_group_column(clinic: Store):
    raw = grid(
        ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr"]
        + ["Please rate each step [Reception]", "Please rate each step [Consultation]", "Your group"],
        ["1", "2026-09-27 10:00:00", "3", "en", "123456", "2026-09-27 09:55:00", "2026-09-27 10:00:00", "192.0.2.9"]
        + ["5", "4", "Patients"],
        ["2", "2026-09-28 11:00:00", "3", "en", "654321", "2026-09-28 10:55:00", "2026-09-28 11:00:00", "192.0.2.8"]
        + ["1", "N/A", "Families"],
    )
    preview = imported(clinic, csv_of(raw, ";"), "limesurvey.csv")
    assert per_touchpoint(clinic) == {"Reception": (2, 0.0), "Consultation": (1, 0.5)}
    assert (preview.detected["delimiter"], preview.missing_answers) == ("semicolon", 1)


def test_an_alchemer_export_with_dates_written_with_month_names(clinic: Store):
    raw = grid(
        ["Response ID", "Time Started", "Date Submitted", "Status", "Contact ID", "Legacy Comments", "Comments"]
        + ["Language", "Referer", "SessionID", "User Agent", "IP Address", "Country"]
        + ["Reception:How was each step?", "Waiting room:How was each step?", "Consultation:How was each step?"],
        ["7", "Sep 27, 2026 10:00:00 AM", "Sep 27, 2026 10:05:00 AM", "Complete", None, None, None, "English"]
        + ["https://example.org", "abc123", "Mozilla/5.0", "192.0.2.1", "Portugal", "Excellent", "Good", "Fair"],
        ["8", "Sep 28, 2026 10:00:00 AM", "Sep 28, 2026 10:05:00 AM", "Complete", None, None, None, "English"]
        + ["https://example.org", "def456", "Mozilla/5.0", "192.0.2.2", "Spain", "Very poor", "", "Good"],
    )
    preview = imported(clinic, csv_of(raw), "alchemer.csv")
    assert per_touchpoint(clinic) == {"Reception": (2, 0.0), "Waiting room": (1, 0.5), "Consultation": (2, 0.25)}
    assert sorted({str(d)[:10] for d in preview.impressions["observed_on"]}) == ["2026-09-27", "2026-09-28"]


def test_a_hand_made_wide_sheet_with_points_out_of_five(clinic: Store):
    raw = grid(
        ["Date", "Reception", "Waiting room", "Consultation", "Payment!", "Notes"],
        ["2026-09-01", "4 / 5", "3 / 5", "5 / 5", "1 / 5", "Fine"],
        ["2026-09-02", "2 / 5", None, "4 / 5", "N/A", ""],
    )
    imported(clinic, csv_of(raw), "sheet.csv")
    assert per_touchpoint(clinic) == {
        "Reception": (2, 0.0),
        "Waiting room": (1, 0.0),
        "Consultation": (2, 0.75),
        "Payment": (1, -1.0),
    }


def corrected_export(month: int) -> pd.DataFrame:
    """A hand-made sheet whose column "Desk" names no touchpoint: the person maps it to Reception."""
    return grid(
        ["Date", "Desk", "Consultation"],
        [f"2026-{month:02d}-01", "5", "5"],
        [f"2026-{month:02d}-02", "3", "1"],
    )


def test_a_second_export_of_the_same_survey_reuses_the_mapping_corrected_in_the_first(clinic: Store):
    first = preview_of(clinic, csv_of(corrected_export(9)), "september.csv")
    assert first.counts() == {"Consultation": 2}
    imported(clinic, csv_of(corrected_export(9)), "september.csv", pipeline.Options(overrides=((1, "Reception"),)))
    second = preview_of(clinic, csv_of(corrected_export(10)), "october.csv")
    assert second.recalled == {1: "Reception"}
    assert second.counts() == {"Consultation": 2, "Reception": 2}
    assert second.detected["remembered mapping"] == "1 column(s) mapped as corrected for this survey before"
    imports.commit(clinic, second)
    assert per_touchpoint(clinic) == {"Reception": (4, 0.5), "Consultation": (4, 0.0)}


def test_labels_no_known_scale_holds_are_ordered_by_the_person(clinic: Store):
    raw = grid(["Date", "Reception"], ["2026-09-01", "Meh"], ["2026-09-02", "Wow"], ["2026-09-03", "Ugh"])
    with pytest.raises(pipeline.UnknownLabelsError) as refused:
        preview_of(clinic, csv_of(raw), "sheet.csv")
    assert sorted(refused.value.labels) == ["Meh", "Ugh", "Wow"]
    preview = preview_of(clinic, csv_of(raw), "sheet.csv", pipeline.Options(label_order=("Ugh", "Meh", "Wow")))
    assert sorted(preview.impressions["score"]) == [-1.0, 0.0, 1.0]
    with pytest.raises(SurveyError, match="leaves out"):
        preview_of(clinic, csv_of(raw), "sheet.csv", pipeline.Options(label_order=("Ugh", "Wow")))


@pytest.fixture
def db(store: Store) -> str:
    """The cycle "Clinic" with the format tests' touchpoints (no groups), as ``--db`` names it."""
    target = cli_db(store)
    cycle = cycles.create_cycle(store, "Clinic")
    for name in TOUCHPOINTS:
        cycles.add_touchpoint(store, cycle, TouchpointFields(name, "keep_or_lose"))
    return target


def test_the_command_line_imports_a_wide_export_choosing_the_layout_itself(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    survey = tmp_path / "forms.xlsx"
    survey.write_bytes(xlsx_of(MS_FORMS))
    code = cli.main(["survey", "import", str(survey), "--cycle", "clinic", "--db", str(db), "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    outcome = json.loads(out)
    assert outcome["per_touchpoint"] == {"Payment": 1, "Reception": 2, "Waiting room": 2}
    assert outcome["detected"]["layout"] == "Microsoft Forms export (one respondent per row)"
    with Store(db) as store:
        assert per_touchpoint(store) == {"Reception": (2, 0.0), "Waiting room": (2, 0.25), "Payment": (1, 1.0)}


def test_the_command_line_applies_a_mapping_remembered_from_the_page(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    with Store(db) as store:
        imported(store, csv_of(corrected_export(9)), "september.csv", pipeline.Options(overrides=((1, "Reception"),)))
    survey = tmp_path / "october.csv"
    survey.write_bytes(csv_of(corrected_export(10)))
    code = cli.main(["survey", "import", str(survey), "--cycle", "Clinic", "--db", str(db), "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert json.loads(out)["per_touchpoint"] == {"Consultation": 2, "Reception": 2}


def test_the_command_line_refuses_a_wide_export_naming_no_touchpoint_in_one_line(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    survey = tmp_path / "other.csv"
    survey.write_bytes(b"Date,Desk,Hall\n2026-09-01,5,4\n2026-09-02,3,1\n")
    code = cli.main(["survey", "import", str(survey), "--cycle", "Clinic", "--db", str(db)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (
        "error: No column of this file (a sheet with one column per touchpoint) names a touchpoint of Clinic. "
        "Map its rating columns to touchpoints on the upload page; the mapping is remembered for its next export.\n"
    )


def test_a_matrix_on_labels_keeps_its_scale_while_a_question_whose_answers_do_not_settle_one_asks(clinic: Store):
    raw = grid(
        ["Timestamp", "How satisfied were you? [Reception]", "How satisfied were you? [Waiting room]", "Payment"],
        ["2026/09/27 10:00:00", "Very satisfied", "Dissatisfied", "4"],
        ["2026/09/28 10:00:00", "Satisfied", "Very dissatisfied", "3"],
    )
    with pytest.raises(pipeline.ScaleGuessError, match=r"the answers \(4, 3\) could be on 3 to 4, 1 to 5"):
        preview_of(clinic, csv_of(raw), "forms.csv")
    preview = imported(clinic, csv_of(raw), "forms.csv", pipeline.Options(scale=Scale.numeric(1, 5)))
    assert preview.detected["scale"] == (
        "per column (chosen where the answers did not settle it): Reception: "
        f"{SATISFACTION.spec}; Waiting room: {SATISFACTION.spec}; Payment: 1-5"
    )
    assert per_touchpoint(clinic) == {"Reception": (2, 0.75), "Waiting room": (2, -0.75), "Payment": (2, 0.25)}


def test_the_preview_counts_responses_answers_and_every_blank_rating_cell_in_their_own_units(clinic: Store):
    """Three respondents rate four touchpoints: 12 rating cells, 8 answers, 2 blanks, N/A and Don't know."""
    preview = preview_of(clinic, csv_of(qualtrics_export(QUALTRICS_ANSWERS)), "qualtrics.csv")
    assert [(label, count) for label, count, _ in preview.figures()] == [
        ("Responses read", 3),
        ("Answers found", 8),
        ("Impressions to record", 8),
        ("Answers rejected", 0),
        ("Missing answers", 4),
    ]


def test_eleven_blank_rating_cells_are_eleven_missing_answers_and_a_bad_date_rejects_answers_not_rows(clinic: Store):
    """Four respondents rate four touchpoints (16 cells): 11 blank, 5 answered; the last row's date is
    unreadable, so its 3 answers are rejected while only 1 row is at fault."""
    raw = grid(
        ["Date", "Reception", "Waiting room", "Consultation", "Payment"],
        ["2026-09-01", "4", None, None, None],
        ["2026-09-02", "", "", "", "2"],
        ["2026-09-03", None, None, None, None],
        ["someday", "5", "3", "1", None],
    )
    preview = preview_of(clinic, csv_of(raw), "sheet.csv", pipeline.Options(scale=Scale.parse("1-5")))
    assert [(label, count) for label, count, _ in preview.figures()] == [
        ("Responses read", 4),
        ("Answers found", 5),
        ("Impressions to record", 2),
        ("Answers rejected", 3),
        ("Missing answers", 11),
    ]


FIVE_POINTS_WITH_COLUMNS = pipeline.Options(scale=Scale.parse("1-5"), comment_column=4, group_column=1)


def visits_export(month: int) -> pd.DataFrame:
    """A hand-made sheet whose group ("Who") and comment ("Remarks") columns are chosen by the person."""
    return grid(
        ["Date", "Who", "Reception", "Consultation", "Remarks"],
        [f"2026-{month:02d}-01", "Patient", "5", "4", "Quick and kind"],
        [f"2026-{month:02d}-02", "Visitor", "2", "3", ""],
    )


def test_the_comment_and_group_columns_chosen_once_come_back_with_the_next_upload_of_the_survey(clinic: Store):
    first = preview_of(clinic, csv_of(visits_export(9)), "september.csv", pipeline.Options(scale=Scale.parse("1-5")))
    assert (first.layout.comment_column, first.layout.group_column) == (None, None)  # type: ignore[union-attr]
    imported(clinic, csv_of(visits_export(9)), "september.csv", FIVE_POINTS_WITH_COLUMNS)
    imports.undo(clinic, 1)

    again = preview_of(clinic, csv_of(visits_export(9)), "september.csv")
    assert (again.layout.comment_column, again.layout.group_column) == (4, 1)  # type: ignore[union-attr]
    assert again.recalled_roles == {"comment": 4, "group": 1}
    assert again.detected["remembered columns"] == (
        "the comment column and the group column as chosen for this survey before"
    )
    names = {ident: name for name, ident in imports.cycle_context(clinic, "Clinic").groups.items()}
    assert sorted(
        zip(again.impressions["group_id"].map(names), again.impressions["comment"].fillna(""), strict=True)
    ) == [("Patient", "Quick and kind"), ("Patient", "Quick and kind"), ("Visitor", ""), ("Visitor", "")]


def test_a_column_chosen_on_the_page_wins_over_the_one_remembered(clinic: Store):
    imported(clinic, csv_of(visits_export(9)), "september.csv", FIVE_POINTS_WITH_COLUMNS)
    moved = preview_of(clinic, csv_of(visits_export(10)), "october.csv", pipeline.Options(comment_column=0))
    assert (moved.layout.comment_column, moved.recalled_roles) == (0, {"group": 1})  # type: ignore[union-attr]
