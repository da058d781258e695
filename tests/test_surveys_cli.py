"""The command line for scheduled imports: exit codes, one-line reasons, and stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.store import Store, workspace
from tests.cli_db import cli_db
from tests.survey_files import HEADER, csv_bytes, entity_expansion, small_workspace, zip_bomb

pytestmark = pytest.mark.both_backends

GOOD = csv_bytes(
    ["2026-09-01,Repair job,Front desk,Homeowners,5,,", "2026-09-02,,Repair,,1,,", "2026-09-02,,Repair,,x,,"]
)


@pytest.fixture
def db(store: Store) -> str:
    """The workspace holding the small "Repair job" cycle, as ``--db`` names it."""
    target = cli_db(store)
    small_workspace(store)
    return target


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def impressions_in(db: str) -> int:
    with Store(db) as store:
        return workspace.counts(store)["impressions"]


def test_an_import_commits_and_reports_as_json(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    survey = tmp_path / "september.csv"
    survey.write_bytes(GOOD)
    code, out, err = run(capsys, "survey", "import", str(survey), "--cycle", "repair job", "--db", str(db), "--json")
    assert (code, err) == (0, "")
    outcome = json.loads(out)
    assert {
        k: outcome[k] for k in ("file", "cycle", "impressions", "rejected", "missing_answers", "per_touchpoint")
    } == {
        "file": "september.csv",
        "cycle": "Repair job",
        "impressions": 2,
        "rejected": 1,
        "missing_answers": 0,
        "per_touchpoint": {"Front desk": 1, "Repair": 1},
    }
    assert impressions_in(db) == 2


def test_stats_prints_totals_and_per_touchpoint_figures(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    survey = tmp_path / "september.csv"
    survey.write_bytes(GOOD)
    run(capsys, "survey", "import", str(survey), "--cycle", "Repair job", "--db", str(db))
    code, out, _ = run(capsys, "stats", "--db", str(db), "--json")
    assert code == 0
    assert json.loads(out) == {
        "impressions": 2,
        "touchpoints": [
            {
                "cycle": "Repair job",
                "touchpoint": "Front desk",
                "moment": "now_or_never",
                "impressions": 1,
                "mean_score": 1.0,
            },
            {
                "cycle": "Repair job",
                "touchpoint": "Repair",
                "moment": "keep_or_lose",
                "impressions": 1,
                "mean_score": -1.0,
            },
        ],
    }


@pytest.mark.parametrize(
    ("data", "name", "extra", "reason"),
    [
        (GOOD, "s.csv", ["--strict"], "error: strict mode: 1 answer(s) rejected, e.g. row 4: answer “x” is not on"),
        (b"", "s.csv", [], "error: The file is empty."),
        (HEADER.encode() + b"\n", "s.csv", [], "error: The file has a header but no rows below it."),
        (b"\x00\x01\x02PNG" * 100, "s.csv", [], "error: The file contains NUL bytes"),
        (
            csv_bytes(["2026-09-01,,Repair,,4,,", "2026-09-01,,Repair,4"]),
            "s.csv",
            ["--strict", "--scale", "1-5"],
            "row 3: has 4 fields where the header has 7",
        ),
        (csv_bytes(["2026-09-01,,Repair,,4,,"]), "s.csv", ["--scale", "1-3", "--strict"], "not on the scale 1 to 3"),
        (
            csv_bytes(["2026-09-01,,Nowhere,,4,,"]),
            "s.csv",
            ["--scale", "1-5"],
            "error: no row can be imported (1 rejected",
        ),
        (zip_bomb(), "s.xlsx", [], "zip bomb"),
        (entity_expansion(), "s.xlsx", [], "declares XML entities"),
        (GOOD, "s.csv", ["--scale", "one to five"], "error: not a scale"),
        ((",".join(f"q{i}" for i in range(3000)) + "\n").encode(), "s.csv", [], "3,000 columns"),
    ],
    ids=[
        "strict",
        "empty",
        "header-only",
        "binary",
        "ragged",
        "off-scale",
        "unmatched",
        "zip-bomb",
        "entities",
        "bad-scale",
        "wide",
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_writes_nothing(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, name: str, extra: list[str], reason: str
):
    survey = tmp_path / name
    survey.write_bytes(data)
    code, out, err = run(capsys, "survey", "import", str(survey), "--cycle", "Repair job", "--db", str(db), *extra)
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1 and reason in err
    assert impressions_in(db) == 0


def test_a_file_imported_before_is_refused_the_second_time(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    survey = tmp_path / "september.csv"
    survey.write_bytes(GOOD)
    assert run(capsys, "survey", "import", str(survey), "--cycle", "Repair job", "--db", str(db))[0] == 0
    copy = tmp_path / "september (1).csv"
    copy.write_bytes(GOOD)
    code, _, err = run(capsys, "survey", "import", str(copy), "--cycle", "Repair job", "--db", str(db))
    assert (code, err) == (1, "error: september (1).csv was already imported (import 1, september.csv)\n")
    assert impressions_in(db) == 2


def test_an_unknown_cycle_and_a_missing_file_are_one_line_errors(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    survey = tmp_path / "september.csv"
    survey.write_bytes(GOOD)
    code, _, err = run(capsys, "survey", "import", str(survey), "--cycle", "Install", "--db", str(db))
    assert (code, err) == (1, "error: There is no service cycle 'Install' (service cycles: Repair job, Renewal).\n")
    code, _, err = run(capsys, "survey", "import", str(tmp_path / "nope.csv"), "--cycle", "Repair job", "--db", str(db))
    assert code == 1 and err.startswith("error: [Errno 2] No such file")
