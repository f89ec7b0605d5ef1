"""The coverage table accounts for every derivation and every source document."""
from engine import coverage
from engine.registry import BUNDLED, collect
from test_cli import run

DOCUMENTS = {"000_c66762b86c6c83bf.txt", "001_13a39b0b72803044.txt",
             "002_f457ea5a82bac99a.txt", "003_8dae48258750efc8.txt"}


def test_every_derivation_is_listed_and_every_listed_id_exists():
    table = coverage.load(BUNDLED)
    assert coverage.problems(table, [d.id for d in collect().derivations]) == []


def test_every_document_has_questions_and_every_question_says_something():
    table = coverage.load(BUNDLED)
    assert set(table.documents) == DOCUMENTS
    for document in DOCUMENTS:
        assert table.for_document(document)
    for question in table.questions:
        assert question.document in DOCUMENTS
        assert question.derivations or question.reason


def test_coverage_command_prints_a_row_per_question():
    result = run("coverage", "--no-status", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    table = coverage.load(BUNDLED)
    lines = result.stdout.splitlines()
    assert sum(line.startswith("| ") for line in lines) == len(table.questions) + 1


def test_a_missing_derivation_is_reported(tmp_path):
    (tmp_path / "coverage.toml").write_text(
        '[documents]\n"a.txt" = "A"\n[[question]]\ndocument = "a.txt"\nid = "Q1"\n'
        'derivations = ["a/q1"]\n')
    result = run("coverage", "--no-status", "--path", str(tmp_path))
    assert result.returncode == 2 and "'a/q1', which is no derivation" in result.stderr


def test_a_reason_names_its_state_by_its_prefix():
    assert coverage.reason_state("prose only: a discussion") == ("prose only", "a discussion")
    assert coverage.reason_state("programming task: code") == ("programming task", "code")
    assert coverage.reason_state("not checkable: plots lost") == ("not checkable", "plots lost")
    assert coverage.reason_state("planned (issue #5)") == ("planned", "planned (issue #5)")
    assert coverage.reason_state("some reason") == ("not checkable", "some reason")


def test_no_question_of_the_bundled_table_is_left_planned():
    table = coverage.load(BUNDLED)
    states = {row["question"]: row["state"] for row in coverage.rows(table)}
    assert "planned" not in states.values(), states


def test_questions_answered_in_the_documents_are_reported_encoded():
    table = coverage.load(BUNDLED)
    states = {(row["document"], row["question"]): row["state"] for row in coverage.rows(table)}
    assert states[("002_f457ea5a82bac99a.txt", "Q6 b")] == "encoded"      # lines 331-333
    assert states[("003_8dae48258750efc8.txt", "P4 Task 2")] == "encoded"


def test_technion_q3_says_that_part_c_gives_no_critical_point():
    table = coverage.load(BUNDLED)
    (q3,) = [q for q in table.questions if q.id.startswith("Q3")
             and q.document == "000_c66762b86c6c83bf.txt"]
    assert "no critical point" in q3.reason
