"""The command-line contract: exams, decks, global options, clear errors that change nothing."""

import hashlib
import sqlite3

import pytest
from conftest import TINY_EXAM, run_subprocess


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_exams_lists_facts_and_counts(run):
    result = run("exams")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["exam", "name", "status", "format", "domains", "cards"]
    assert lines[2].split() == ["tiny", "Tiny", "Exam", "active", "60", "min,", "10", "questions,", "$100", "2", "10"]


def test_one_exam_shows_domains_weights_and_counts(run):
    result = run("exams", "tiny")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["alpha", "Alpha", "things", "60.0%", "6", "3", "never"] in rows
    assert ["beta", "Beta", "things", "40.0%", "4", "2", "never"] in rows
    assert "passing score not published" in result.stdout


def test_unknown_exam_is_one_clear_line(run):
    result = run("exams", "nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown exam 'nope' (known exams: tiny)\n"


def test_retired_exam_shows_retirement_and_successor(run, tiny_decks):
    (tiny_decks / "tiny" / "exam.toml").write_text(
        TINY_EXAM.replace('status = "active"', 'status = "retired"\nretirement_date = 2026-03-31'))
    result = run("exams")
    assert "retired 2026-03-31" in result.stdout


def test_decks_check_ok_and_problems(run, tiny_decks):
    ok = run("decks", "check")
    assert ok.exit_code == 0
    # The tiny exam's cards carry no ref and its files no verified date: warnings, not errors.
    assert " ".join(ok.stdout.split()).endswith(f" ok: 1 deck, 10 cards, 1 course in {tiny_decks}, 12 warnings")
    (tiny_decks / "tiny" / "02-beta.toml").write_text('domain = "beta"\n[[cards]]\nid = "tiny-beta-001"\nfront = ""\nback = "x"\n')
    bad = run("decks", "check")
    assert bad.exit_code == 1
    assert bad.stdout.splitlines()[0] == "decks/tiny/02-beta.toml:4: 'front' is missing or empty"
    assert all(": warning: " in line for line in bad.stdout.splitlines()[1:])
    assert bad.stderr == f"Error: 1 problem, 10 warnings in {tiny_decks}\n"


def test_sync_is_idempotent_through_the_cli(run, db_path):
    # The line wraps at the terminal's width (the temporary folder's path is long): compare the words.
    def words(result):
        return " ".join(result.stdout.split())
    assert words(run("decks", "sync")).endswith("10 added, 0 updated, 0 retired, 0 restored, 0 unchanged")
    assert words(run("decks", "sync")).endswith("0 added, 0 updated, 0 retired, 0 restored, 10 unchanged")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from card").fetchone() == (10,)


def test_sync_refuses_bad_decks_and_changes_nothing(run, db_path, tiny_decks):
    run("decks", "sync")
    before = digest(db_path)
    (tiny_decks / "tiny" / "01-alpha.toml").write_text("domain = [")
    result = run("decks", "sync")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: decks/tiny/01-alpha.toml:1: invalid TOML")
    assert result.stderr.count("\n") == 1
    assert digest(db_path) == before


def test_anki_import(run, tmp_path, db_path):
    export = tmp_path / "notes.txt"
    export.write_text("#separator:tab\n#tags column:3\nWhat is skew?\tTraining vs serving differ\tmonitoring\n")
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "beta")
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 1 card into tiny/beta from notes.txt; 0 already present\n"
    again = run("decks", "import", str(export), "--exam", "tiny", "--domain", "beta")
    assert again.stdout.endswith("0 already present\n".replace("0 already", "1 already"))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select front, tags from card where source = 'anki:notes.txt'").fetchall() == [
            ("What is skew?", "monitoring")]


def test_anki_import_bad_line_names_file_and_line(run, tmp_path, db_path):
    export = tmp_path / "bad.txt"
    export.write_text("q\ta\nonly-one-field\n")
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "beta")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {export}:2: expected front and back")
    assert not db_path.exists()


def test_anki_import_unknown_domain(run, tmp_path):
    export = tmp_path / "n.txt"
    export.write_text("q\ta\n")
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "zeta")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown domain 'zeta' for exam 'tiny': did you mean 'beta'? (domains: alpha, beta)\n"


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "20261201", "2026-02-30"])
def test_malformed_today_is_a_usage_error_and_changes_nothing(run, db_path, value):
    result = run("decks", "sync", today=value)
    assert result.exit_code == 2
    assert f"Invalid value for '--today': {value!r} is not a date: write YYYY-MM-DD or a date with the month's name" in result.stderr
    assert not db_path.exists()


def test_corrupt_database_is_one_line_and_untouched(run, db_path):
    db_path.write_bytes(b"garbage" * 100)
    before = digest(db_path)
    result = run("decks", "sync")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db_path}: not a SQLite database (corrupt or another kind of file); nothing was changed\n"
    assert digest(db_path) == before


@pytest.mark.parametrize("where, message", [("/proc/studyplan-test.db", "unable to open database file"),
                                            ("/etc/hostname/x.db", "is a file, not a folder")])
def test_unwritable_database_path_is_one_line(run, where, message):
    result = run("decks", "sync", db=where)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_environment_variables_stand_for_options(tmp_path, tiny_decks):
    db = tmp_path / "env.db"
    env = {"STUDYPLAN_DB": str(db), "STUDYPLAN_DECKS": str(tiny_decks), "STUDYPLAN_TODAY": "2026-12-01"}
    result = run_subprocess("decks", "sync", env=env)
    assert result.returncode == 0, result.stderr
    assert db.exists()
    bad = run_subprocess("exams", env={**env, "STUDYPLAN_TODAY": "soon"})
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_shipped_decks_work_from_any_directory(tmp_path):
    result = run_subprocess("--db", str(tmp_path / "s.db"), "exams", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "google-pmle" in result.stdout


def test_help_does_not_import_sqlalchemy():
    import subprocess
    import sys
    code = "import sys; from studyplan.cli import cli; import click.testing as t; t.CliRunner().invoke(cli, ['--help']); print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
