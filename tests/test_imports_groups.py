"""Stakeholder groups a survey names that do not exist yet, and scales confirmed once per survey.

Teams do not set groups up before they upload (issue 11: a file whose group column said
"Patients" and "Parents" was refused whole). New groups are listed in the preview and created
with the import, in its transaction, unless the person maps them to a group or to none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import cli
from dashboard.imports import pipeline
from dashboard.scales import Scale
from dashboard.store import Store, cycles, groups, imports, workspace
from dashboard.touchpoints import TouchpointFields
from tests.cli_db import cli_db
from tests.survey_files import csv_bytes, small_workspace

pytestmark = pytest.mark.both_backends

FAMILY_SURVEY = csv_bytes(
    [
        f"2026-09-{1 + row % 28:02d},,Repair,{('Patients', 'Parents', ' parents ')[row % 3]},{1 + row % 5},,"
        for row in range(120)
    ]
)
"""120 rows, answers 1..5, in two groups the workspace does not have ("parents" spelt two ways)."""


@pytest.fixture
def repair(store: Store) -> dict[str, int]:
    """The small workspace: "Repair job" with Front desk, Café visit and Repair; group Homeowners."""
    return small_workspace(store)


def preview_of(store: Store, data: bytes, options: pipeline.Options | None = None) -> pipeline.Preview:
    context = imports.cycle_context(store, "Repair job")
    return pipeline.prepare(data, "family.csv", context, options, recall=lambda key: imports.remembered(store, key))


def impressions_per_group(store: Store) -> dict[str | None, int]:
    with store.cursor() as cur:
        rows = cur.execute(
            "select g.name, count(*) from impression i left join stakeholder_group g on g.id = i.group_id"
            " group by g.name order by g.name"
        ).fetchall()
    return {name: int(count) for name, count in rows}


def group_names(store: Store) -> list[str]:
    return sorted(groups.groups(store)["name"])


def test_groups_the_workspace_lacks_are_listed_as_new_and_created_with_the_import(store: Store, repair: dict[str, int]):
    preview = preview_of(store, FAMILY_SURVEY)
    assert (preview.new_groups, len(preview.impressions), len(preview.rejected)) == (["Patients", "Parents"], 120, 0)
    assert preview.refusal() is None
    result = imports.commit(store, preview)
    assert result.created_groups == ("Patients", "Parents")
    assert group_names(store) == ["Homeowners", "Parents", "Patients"]
    assert impressions_per_group(store) == {"Parents": 80, "Patients": 40}


def test_a_new_group_can_be_mapped_to_an_existing_one_or_imported_without_a_group(store: Store, repair: dict[str, int]):
    decided = pipeline.Options(group_map={"PARENTS": repair["Homeowners"], "Patients": pipeline.NO_GROUP})
    preview = preview_of(store, FAMILY_SURVEY, decided)
    assert preview.new_groups == []
    imports.commit(store, preview)
    assert group_names(store) == ["Homeowners"]
    assert impressions_per_group(store) == {"Homeowners": 80, None: 40}


def test_a_group_name_that_could_never_be_matched_rejects_its_rows_with_the_reason(
    store: Store, repair: dict[str, int]
):
    preview = preview_of(store, csv_bytes(["2026-09-01,,Repair,<b></b>,1,,", "2026-09-01,,Repair,Parents,5,,"]))
    assert preview.new_groups == ["Parents"]
    assert preview.rejected[["row", "reason"]].values.tolist() == [
        [
            2,
            "stakeholder group “<b></b>” cannot be created: The stakeholder group name “<b></b>” has no letters or "
            "digits to recognise it by.",
        ]
    ]


def test_a_group_whose_rows_are_all_rejected_is_not_created(store: Store, repair: dict[str, int]):
    rows = ["someday,,Repair,Visitors,1,,", "2026-09-01,,Repair,Parents,5,,", "2026-09-02,,Repair,Tenants,3,,"]
    preview = preview_of(store, csv_bytes(rows))
    assert preview.new_groups == ["Parents", "Tenants"]
    imports.commit(store, preview)
    assert impressions_per_group(store) == {"Parents": 1, "Tenants": 1}


def test_groups_are_not_created_when_the_import_fails_half_way(
    store: Store, repair: dict[str, int], monkeypatch: pytest.MonkeyPatch
):
    def disk_full(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "insert_impressions", disk_full)
    with pytest.raises(RuntimeError, match="disk full"):
        imports.commit(store, preview_of(store, FAMILY_SURVEY))
    assert group_names(store) == ["Homeowners"]


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def db(store: Store) -> str:
    """The workspace holding the small "Repair job" cycle, as ``--db`` names it."""
    target = cli_db(store)
    small_workspace(store)
    return target


def run(capsys: pytest.CaptureFixture[str], db: str, path: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["survey", "import", str(path), "--cycle", "Repair job", "--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_names_the_groups_it_created(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    survey = tmp_path / "family.csv"
    survey.write_bytes(FAMILY_SURVEY)
    code, out, err = run(capsys, db, survey, "--json")
    assert (code, err) == (0, "")
    assert (json.loads(out)["created_groups"], json.loads(out)["impressions"]) == (["Patients", "Parents"], 120)


def test_strict_mode_refuses_a_file_that_would_create_groups_and_writes_nothing(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    survey = tmp_path / "family.csv"
    survey.write_bytes(FAMILY_SURVEY)
    assert run(capsys, db, survey, "--strict") == (
        1,
        "",
        "error: strict mode: the file would create 2 stakeholder group(s) (Patients, Parents); nothing was imported\n",
    )
    with Store(db) as store:
        assert (group_names(store), workspace.counts(store)["impressions"]) == (["Homeowners"], 0)


def test_the_command_line_maps_new_groups_to_a_group_or_to_none(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    survey = tmp_path / "family.csv"
    survey.write_bytes(FAMILY_SURVEY)
    code, out, err = run(
        capsys, db, survey, "--strict", "--group", "Parents=homeowners", "--group", "Patients=", "--json"
    )
    assert (code, err, json.loads(out)["created_groups"]) == (0, "", [])
    with Store(db) as store:
        assert impressions_per_group(store) == {"Homeowners": 80, None: 40}
    assert run(capsys, db, survey, "--group", "Parents=Nobody")[2].startswith(
        "error: --group 'Parents=Nobody': there is no stakeholder group 'Nobody' (groups: Homeowners)"
    )


# --- a scale confirmed once ------------------------------------------------------------------------


def month(day: int, answers: list[str]) -> bytes:
    return csv_bytes([f"2026-{day:02d}-01,,Repair,,{a},," for a in answers] + [f"2026-{day:02d}-02,,Front desk,,1,,"])


def test_a_file_whose_answers_do_not_settle_the_scale_is_refused_until_scale_says_which(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    survey = tmp_path / "september.csv"
    survey.write_bytes(month(9, ["0", "2"]))
    assert run(capsys, db, survey) == (
        1,
        "",
        "error: The scale is a guess: the answers (0, 2, 1) could be on 0 to 2, -2 to 2 or 0 to 10. "
        "Say which: --scale=0-2 or --scale=-2..2 or --scale=0-10.\n",
    )
    assert run(capsys, db, survey, "--scale=-2..2")[0] == 0


def test_next_months_export_of_the_same_survey_imports_with_the_scale_confirmed_before(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    september, october, other = tmp_path / "september.csv", tmp_path / "october.csv", tmp_path / "other.csv"
    september.write_bytes(month(9, ["0", "2"]))
    october.write_bytes(month(10, ["2", "1"]))
    other.write_bytes(csv_bytes(["2026-10-01,,Café visit,,2,,", "2026-10-01,,Café visit,,1,,"]))
    assert run(capsys, db, september, "--scale=-2..2")[0] == 0
    code, out, err = run(capsys, db, october, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["detected"]["scale"] == "-2 to 2 (-2..2) (confirmed for this survey before)"
    assert run(capsys, db, other)[2].startswith("error: The scale is a guess")  # another survey is asked again
    with Store(db) as store:
        scores = imports.stats(store)["touchpoints"]
    assert [(t["touchpoint"], t["impressions"], t["mean_score"]) for t in scores] == [
        ("Front desk", 2, 0.5),  # 1 and 1 on -2..2
        ("Repair", 4, 0.625),  # 0, 2, 2, 1 on -2..2: 0, 1, 1, 0.5
    ]


def test_a_scale_chosen_on_a_wide_export_is_remembered_beside_its_column_corrections(store: Store):
    cycle = cycles.create_cycle(store, "Clinic")
    for name in ("Reception", "Consultation"):
        cycles.add_touchpoint(store, cycle, TouchpointFields(name, "keep_or_lose"))

    def export(answers: list[str]) -> bytes:
        rows = [["Date", "Desk", "Consultation"], *[[f"2026-09-0{i + 1}", a, a] for i, a in enumerate(answers)]]
        return pd.DataFrame(rows).to_csv(header=False, index=False).encode()

    context = imports.cycle_context(store, "Clinic")
    chosen = pipeline.Options(scale=Scale.numeric(0, 10), overrides=((1, "Reception"),))
    first = pipeline.prepare(export(["3", "4"]), "sept.csv", context, chosen)
    imports.commit(store, first)
    recall = lambda key: imports.remembered(store, key)  # noqa: E731
    second = pipeline.prepare(export(["5", "6"]), "oct.csv", context, recall=recall)
    assert (second.counts(), second.detected["scale"]) == (
        {"Consultation": 2, "Reception": 2},
        "0 to 10 (0-10) (confirmed for this survey before)",
    )
