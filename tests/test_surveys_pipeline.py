"""The long-format pipeline: dates, names, scales, rejected rows, and what an import writes."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard.imports import answers, columns, dates, pipeline
from dashboard.imports.reading import SurveyError
from dashboard.scales import SATISFACTION, Scale
from dashboard.store import Store, cycles, imports, workspace
from dashboard.store.impressions import insert_impressions
from tests.survey_files import csv_bytes, long_rows_xlsx, small_workspace

pytestmark = pytest.mark.both_backends


@pytest.fixture
def repair(store: Store) -> dict[str, int]:
    """The small workspace: "Repair job" with Front desk, Café visit and Repair; group Homeowners."""
    return small_workspace(store)


def preview_of(store: Store, rows: list[str], options: pipeline.Options | None = None, **kw: str) -> pipeline.Preview:
    context = imports.cycle_context(store, "Repair job")
    return pipeline.prepare(csv_bytes(rows, **kw), "survey.csv", context, options)


ONE_TO_FIVE = pipeline.Options(scale=Scale.numeric(1, 5))
"""For files too small to settle their scale (a few answers inside 1..5): the person chose 1-5."""


def impression_count(store: Store) -> int:
    return workspace.counts(store)["impressions"]


# --- dates ---


@pytest.mark.parametrize(
    ("values", "expected", "form"),
    [
        (["2026-09-27", "2026-09-27T15:04:05Z", "2026/09/27 3:04 PM"], ["2026-09-27"] * 3, "ISO year-month-day"),
        (["27/09/2026", "03/04/2026 17:30"], ["2026-09-27", "2026-04-03"], "day/month/year"),
        (["09/27/2026 3:05 PM", "03/04/2026 11:59:59 am"], ["2026-09-27", "2026-03-04"], "month/day/year"),
        (["27.09.2026", "01.10.26"], ["2026-09-27", "2026-10-01"], "day/month/year"),
        (["46292", "46292.75"], ["2026-09-27", "2026-09-27"], "Excel day numbers"),
    ],
    ids=["iso", "european", "us-am-pm", "dots", "excel"],
)
def test_dates_are_read_in_iso_us_european_and_excel_forms(values: list[str], expected: list[str], form: str):
    parsed, description = dates.parse_dates(values)
    assert [str(d) for d in parsed] == expected
    assert description == form


def test_an_ambiguous_slash_date_is_taken_day_first_and_says_so_unless_the_order_is_chosen():
    assert dates.parse_dates(["03/04/2026"]) == (
        np.array(["2026-04-03"], dtype="datetime64[D]"),
        "day/month/year (assumed: no value proves the order)",
    )
    assert str(dates.parse_dates(["03/04/2026"], dates.MONTH_FIRST)[0][0]) == "2026-03-04"


def test_text_that_is_not_a_date_gives_no_date():
    parsed, _ = dates.parse_dates(["yesterday", "31/02/2026", "", "123"])
    assert np.isnat(parsed).all()


# --- names and answers ---


def test_touchpoint_names_match_despite_case_punctuation_spacing_and_accents():
    known = {"Front desk": 1, "Café visit": 2, "Follow-up mail": 3}
    typed = ["FRONT  DESK", " front-desk ", "cafe visit", "Cafe&#233; Visit", "follow up mail", "Follow-up", ""]
    assert columns.match_names(typed, known) == {
        "FRONT  DESK": 1,
        " front-desk ": 1,
        "cafe visit": 2,
        "Cafe&#233; Visit": None,
        "follow up mail": 3,
        "Follow-up": None,
        "": None,
    }


@pytest.mark.parametrize("value", ["", "  ", "N/A", "n/a", "Not applicable", "Don't know", "Don’t know", "-99"])
def test_missing_answer_tokens_are_not_scores(value: str):
    assert answers.is_missing(value)


# --- the preview ---


def test_a_long_format_file_previews_what_it_will_record(store: Store, repair: dict[str, int]):
    preview = preview_of(
        store,
        [
            "2026-09-01,Repair job,Front desk,Homeowners,5,,Quick and kind",
            "2026-09-01,,front desk,,4,,",
            "2026-09-02,,Café visit,,N/A,,",
            "2026-09-02,,Repair,,1,,Took three visits",
            "2026-09-03,,Repair,,3,,",
        ],
    )
    assert preview.detected == {
        "header row": "1",
        "encoding": "utf-8",
        "delimiter": "comma",
        "layout": "long format (one impression per row)",
        "scale": "1 to 5 (1-5) (detected)",
        "date column": "date: ISO year-month-day",
    }
    assert preview.counts() == {"Front desk": 2, "Repair": 2}
    assert (preview.rows_read, preview.missing_answers, len(preview.rejected)) == (5, 1, 0)
    frame = preview.impressions.astype({"raw_value": str, "scale": str, "source": str})
    assert frame["score"].tolist() == [1.0, 0.5, -1.0, 0.0]
    assert frame["raw_value"].tolist() == ["5", "4", "1", "3"]
    assert frame["scale"].tolist() == ["1-5"] * 4
    assert frame["group_id"].tolist() == [repair["Homeowners"], pd.NA, pd.NA, pd.NA]
    assert frame["comment"].tolist() == ["Quick and kind", pd.NA, "Took three visits", pd.NA]
    assert [str(d.date()) for d in frame["observed_on"]] == ["2026-09-01", "2026-09-01", "2026-09-02", "2026-09-03"]


def test_rejected_rows_carry_their_row_number_reason_and_cells(store: Store, repair: dict[str, int]):
    preview = preview_of(
        store,
        [
            "2026-09-01,,Repair,,4,,",
            "2026-09-01,,Repair,,6,,",
            "someday,,Repair,,4,,",
            ",,Repair,,4,,",
            "2026-09-01,Renewal,Repair,,4,,",
            "2026-09-01,,Repair,Tenants,4,,",
            "2026-09-01,,,,4,,",
            "2026-09-01,,Repair,,4,1-3,",
            "2026-09-01,,Repair,,4,one to five,",
            "2026-09-01,,Repair,,4,,,",
        ],
        pipeline.Options(scale=Scale.numeric(1, 5)),
    )
    assert preview.rejected[["row", "reason"]].values.tolist() == [
        [3, "answer “6” is not on the scale 1 to 5"],
        [4, "date “someday” is not a date"],
        [5, "no date given"],
        [6, "belongs to the service cycle “Renewal”"],
        [8, "no touchpoint given"],
        [9, "answer “4” is not on the scale 1 to 3"],
        [10, "scale “one to five” is not a scale (try 1-5, 0-10 or labels:Poor|Fair|Good)"],
        [11, "has 8 fields where the header has 7"],
    ]
    assert preview.rejected.loc[1, "date"] == "someday"
    assert preview.counts() == {"Repair": 2}
    assert preview.new_groups == ["Tenants"]


def test_rows_may_name_their_own_scale(store: Store, repair: dict[str, int]):
    preview = preview_of(
        store,
        [
            "2026-09-01,,Repair,,8,0-10,",
            f"2026-09-01,,Repair,,Satisfied,{SATISFACTION.spec},",
            "2026-09-01,,Repair,,2,,",
        ],
        ONE_TO_FIVE,
    )
    frame = preview.impressions
    assert frame["score"].tolist() == pytest.approx([0.6, 0.5, -0.5])
    assert frame["scale"].astype(str).tolist() == ["0-10", SATISFACTION.spec, "1-5"]


def test_a_chosen_scale_overrides_the_detected_one(store: Store, repair: dict[str, int]):
    rows = ["2026-09-01,,Repair,,1,,", "2026-09-01,,Repair,,4,,"]
    chosen = pipeline.Options(scale=Scale.numeric(1, 4))
    assert preview_of(store, rows, chosen).impressions["score"].tolist() == [-1.0, 1.0]
    assert preview_of(store, rows, chosen).detected["scale"] == "1 to 4 (1-4) (chosen)"


def test_answers_on_no_known_scale_ask_for_one(store: Store, repair: dict[str, int]):
    with pytest.raises(SurveyError, match="not recognised .answers such as Blue, Green.; choose the scale"):
        preview_of(store, ["2026-09-01,,Repair,,Blue,,", "2026-09-01,,Repair,,Green,,"])


def test_a_header_without_the_required_columns_is_refused(store: Store, repair: dict[str, int]):
    with pytest.raises(SurveyError, match="no answer column .found: date, touchpoint, remark."):
        preview_of(store, ["2026-09-01,Repair,fine"], header="date,touchpoint,remark")


def test_a_header_only_file_is_refused(store: Store, repair: dict[str, int]):
    with pytest.raises(SurveyError, match="header but no rows"):
        preview_of(store, [])


def test_unmatched_names_are_listed_and_can_be_mapped_created_or_skipped(store: Store, repair: dict[str, int]):
    rows = [
        "2026-09-01,,Reception,,4,,",
        "2026-09-01,,Reception,,5,,",
        "2026-09-01,,Parking,,2,,",
        "2026-09-01,,Web,,2,,",
    ]
    first = preview_of(store, rows, ONE_TO_FIVE)
    assert first.unmatched.values.tolist() == [["Reception", 2], ["Parking", 1], ["Web", 1]]
    assert first.rejected["reason"].tolist() == ["touchpoint “Reception” is not on the map of Repair job"] * 2 + [
        "touchpoint “Parking” is not on the map of Repair job",
        "touchpoint “Web” is not on the map of Repair job",
    ]
    decided = pipeline.Options(
        scale=Scale.numeric(1, 5),
        name_map={"Reception": repair["Front desk"], "Parking": pipeline.CREATE, "Web": "skip"},
    )
    second = preview_of(store, rows, decided)
    assert second.unmatched.empty
    assert second.counts() == {"Front desk": 2, "Parking (new)": 1}
    assert second.new_touchpoints == ["Parking"]
    assert len(second.rejected) == 1

    result = imports.commit(store, second, new_touchpoint_moment="now_or_never")
    assert (result.impressions, result.new_touchpoints) == (3, 1)
    parking = cycles.touchpoints(store, repair["cycle"]).set_index("name").loc["Parking"]
    assert (parking["moment"], parking["position"]) == ("now_or_never", 4)
    assert imports.stats(store)["touchpoints"][-1] == {
        "cycle": "Repair job",
        "touchpoint": "Parking",
        "moment": "now_or_never",
        "impressions": 1,
        "mean_score": -0.5,
    }


def test_strict_mode_refuses_a_file_with_any_rejected_row(store: Store, repair: dict[str, int]):
    rows = ["2026-09-01,,Repair,,4,,", "2026-09-01,,Repair,,x,,", "2026-09-01,,Repair,,2,,"]
    preview = preview_of(store, rows, ONE_TO_FIVE)
    assert preview.refusal(strict=False) is None
    assert preview.refusal(strict=True) == (
        "strict mode: 1 answer(s) rejected, e.g. row 3: answer “x” is not on the scale 1 to 5; nothing was imported"
    )


def test_an_xlsx_with_title_rows_and_excel_dates_imports(store: Store, repair: dict[str, int]):
    context = imports.cycle_context(store, "repair JOB")
    preview = pipeline.prepare(long_rows_xlsx(), "q3.xlsx", context, pipeline.Options(sheet="Answers"))
    assert preview.counts() == {"Café visit": 1, "Front desk": 1, "Repair": 1}
    assert [str(d.date()) for d in preview.impressions["observed_on"]] == ["2026-09-01", "2026-09-02", "2026-09-03"]
    assert preview.impressions["comment"].tolist() == ["ok", pd.NA, "+1, would come again"]
    assert preview.detected["sheet"] == "Answers"


# --- writing: one transaction, duplicates, history, undo ---


def test_an_import_commits_records_history_and_undoes_completely(store: Store, repair: dict[str, int]):
    demo_row = pipeline.manual_impression(repair["Repair"], date(2026, 9, 9), "5", Scale.numeric(1, 5), None, "")
    imports.record_manual(store, demo_row)
    rows = ["2026-09-01,,Repair,,4,,", "2026-09-01,,Front desk,,N/A,,", "2026-09-02,,Repair,,x,,"]
    preview = preview_of(store, rows, ONE_TO_FIVE)
    result = imports.commit(store, preview, imported_by="Ana")
    assert (result.impressions, impression_count(store)) == (1, 2)
    history = imports.history(store)
    assert history[
        ["file_name", "cycle", "imported_by", "rows_read", "impressions", "rejected", "missing_answers"]
    ].values.tolist() == [["survey.csv", "Repair job", "Ana", 3, 1, 1, 1]]
    assert imports.undo(store, result.batch_id) == 1
    assert impression_count(store) == 1
    assert imports.history(store)["undone_at"].notna().tolist() == [True]
    with pytest.raises(SurveyError, match="already undone"):
        imports.undo(store, result.batch_id)


def test_the_same_file_again_adds_nothing_until_its_import_is_undone(store: Store, repair: dict[str, int]):
    rows = ["2026-09-01,,Repair,,4,,"]
    first = imports.commit(store, preview_of(store, rows, ONE_TO_FIVE))
    batch = imports.batch_for_hash(store, preview_of(store, rows, ONE_TO_FIVE).content_hash)
    assert batch is not None and batch["id"] == first.batch_id
    with pytest.raises(imports.DuplicateImportError, match="already imported .as survey.csv.; nothing was added"):
        imports.commit(store, preview_of(store, rows, ONE_TO_FIVE))
    assert impression_count(store) == 1
    imports.undo(store, first.batch_id)
    assert imports.commit(store, preview_of(store, rows, ONE_TO_FIVE)).impressions == 1


def test_a_failure_half_way_leaves_nothing_written(
    store: Store, repair: dict[str, int], monkeypatch: pytest.MonkeyPatch
):
    rows = [f"2026-09-0{d},,Repair,,4,," for d in range(1, 8)] + ["2026-09-01,,Parking,,3,,"]
    options = pipeline.Options(scale=Scale.numeric(1, 5), name_map={"Parking": pipeline.CREATE})
    preview = preview_of(store, rows, options)
    writes: list[int] = []

    def fail_on_second_chunk(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame, import_id: int | None = None) -> int:
        writes.append(len(frame))
        if len(writes) == 2:
            raise RuntimeError("disk full")
        return insert_impressions(cur, frame, import_id)

    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)
    monkeypatch.setattr(imports, "insert_impressions", fail_on_second_chunk)
    with pytest.raises(RuntimeError, match="disk full"):
        imports.commit(store, preview)
    assert writes == [3, 3]
    assert impression_count(store) == 0
    assert imports.history(store).empty
    assert "Parking" not in cycles.touchpoints(store)["name"].tolist()


def test_an_unknown_cycle_lists_the_known_ones(store: Store, repair: dict[str, int]):
    with pytest.raises(SurveyError, match="no service cycle 'Install' .service cycles: Repair job, Renewal."):
        imports.cycle_context(store, "Install")


def test_a_manual_impression_must_be_on_its_scale():
    with pytest.raises(SurveyError, match="“6” is not on the scale 1 to 5"):
        pipeline.manual_impression(1, date(2026, 9, 1), "6", Scale.numeric(1, 5), None, "")


def test_the_sheet_holding_the_long_format_is_offered_first():
    assert pipeline.likely_sheet(long_rows_xlsx(), ["Notes", "Answers"]) == 1
