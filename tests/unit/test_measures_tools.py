"""Registry tooling: ``measures timeline``, ``measures validate``, ``measures diff``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewinds.cli.main import main
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.measures import ch99diff
from tradewinds.measures.timeline import timeline
from tradewinds.measures.validate import validate_file

RECORD = """  - id: {id}
    title: user record
    authority: ieepa
    programme: {programme}
    legal_basis: none
    imposing: USA
    targets: [CAN]
    scope: {{hts_prefixes: [""]}}
    rate: {rate}
    effective_from: 2026-08-01
    sources: [{{key: USER, note: my own}}]
"""


def _file(tmp_path: Path, *records: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text("programme: mine\nmeasures:\n" + "".join(records), encoding="utf-8")
    return path


def test_timeline_is_sorted_and_cites_sources():
    rows = timeline("CAN")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert all(r["sources"] for r in rows)
    ends = [r for r in rows if r["id"] == "s122-10" and r["kind"] == "end"]
    assert ends[0]["date"] == "2026-07-24"
    assert "150 days" in ends[0]["notes"]


def test_timeline_has_the_joint_review_for_both_partners():
    for target in ("CAN", "MEX"):
        review = [r for r in timeline(target) if r["id"] == "usmca-joint-review-2026"]
        assert review[0]["date"] == "2026-07-01"
        assert review[0]["kind"] == "event"


def test_timeline_records_the_section_301_investigation_as_not_in_force():
    mex = {r["id"]: r for r in timeline("MEX")}
    assert mex["s301-excess-capacity-mx-investigation"]["kind"] == "investigation"
    assert "s301-excess-capacity-mx-investigation" not in {r["id"] for r in timeline("CAN")}


def test_timeline_refuses_an_unknown_country():
    with pytest.raises(UnknownLabelError):
        timeline("XYZ")  # any ISO3 code is answered (FRA, CHN ...); XYZ is none


def test_validate_accepts_a_new_programme(tmp_path):
    problems = validate_file(_file(tmp_path, RECORD.format(id="u1", programme="mine", rate=0.5)))
    assert problems == []


def test_validate_reports_each_problem_with_its_line(tmp_path):
    path = _file(
        tmp_path,
        RECORD.format(id="u1", programme="mine", rate=-1),  # line 3
        RECORD.format(id="s122-10", programme="mine2", rate=0.1),  # duplicate id, line 14
        RECORD.format(id="u3", programme="mine", rate=0.2).replace(
            "    rate:", "    colour: red\n    rate:"
        ),  # record from line 25, the unknown key on 33
    )
    problems = [p for p in validate_file(path) if p.level == "error"]
    assert len(problems) == 3
    assert problems[0].line == 11
    assert "rate" in problems[0].message
    assert problems[1].line == 33
    assert "colour" in problems[1].message
    assert "defined twice" in problems[2].message
    assert "section_122.yaml" in problems[2].message
    assert problems[2].line == 14


def test_validate_reports_overlap_with_a_packaged_record(tmp_path):
    rec = (
        RECORD.format(id="u1", programme="s122", rate=0.15)
        .replace("targets: [CAN]", 'targets: ["*"]')
        .replace("2026-08-01", "2026-07-01")
    )
    problems = validate_file(_file(tmp_path, rec))
    assert any("overlap" in p.message and "s122-10" in p.message for p in problems)
    assert any(p.level == "note" for p in problems)


def test_validate_cli_exit_code(tmp_path, capsys):
    path = _file(tmp_path, RECORD.format(id="u1", programme="mine", rate=-1))
    assert main(["measures", "validate", str(path)]) == 2
    assert "line 11" in capsys.readouterr().err


def test_validate_malformed_yaml_is_one_message(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("programme: x\nmeasures: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="line"):
        validate_file(path)


@pytest.fixture(scope="module")
def chapter99(shared_data):
    base = shared_data / "data" / "budgetlab_yale" / "tariff_rate_tracker"
    old = ch99diff.read(base / "processed_2026-02-23" / "chapter99_raw.csv")
    new = ch99diff.read(base / "us_notes" / "chapter99_2026_rev_6.txt")
    return old, new


def test_chapter99_text_is_parsed(chapter99):
    _, new = chapter99
    assert new["9903.03.01"].rate == pytest.approx(0.10)
    assert new["9903.82.02"].rate == pytest.approx(0.50)
    assert new["9903.01.10"].countries == ("Canada",)


def test_diff_rev32_to_2026_rev6_finds_the_2026_regimes(chapter99):
    changes = {c.code: c for c in ch99diff.diff(*chapter99)}
    assert changes["9903.03.01"].kind == "added"  # Section 122
    assert changes["9903.79.01"].kind == "added"  # semiconductors
    assert changes["9903.82.02"].kind == "added"
    assert changes["9903.82.02"].records == ("s232-metals-annex-1a-50",)
    assert changes["9903.85.08"].kind == "removed"  # 2025 aluminium derivatives
    assert "s232-aluminum-derivatives-2025-08" in changes["9903.85.08"].records
    assert "9903.01.10" not in changes or "rate" not in changes["9903.01.10"].fields


def test_diff_cli_json(chapter99, shared_data, capsys):
    base = shared_data / "data" / "budgetlab_yale" / "tariff_rate_tracker"
    code = main(
        [
            "measures",
            "diff",
            str(base / "processed_2026-02-23" / "chapter99_raw.csv"),
            str(base / "us_notes" / "chapter99_2026_rev_6.txt"),
            "--only-registry",
            "--format",
            "json",
        ]
    )
    assert code == 0
    assert '"9903.82.02"' in capsys.readouterr().out


def test_diff_refuses_a_file_without_headings(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("nothing here\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="No 9903"):
        ch99diff.read(path)


def test_validate_refuses_an_unreadable_file_in_one_line(tmp_path, capsys):
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("measures:\n  - title: Québec\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        validate_file(latin1)
    assert main(["measures", "validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is a directory" in err
    assert "Traceback" not in err
