"""Inputs with no sane size or shape: files over the size limit, nesting too deep, an Anki
field over csv's limit, FIFOs and devices given as deck or import files.

Each ends in one clear line naming the file (exit 1), having read nothing it should not,
and never hangs: the FIFO and device cases run in a child process with a deadline.
"""

from __future__ import annotations

import os

import pytest
from conftest import db_digest, error_line, run_subprocess

from studyplan.files import MAX_INPUT_BYTES

OVER_LIMIT = MAX_INPUT_BYTES + 1
DEADLINE_S = 120  # generous on a loaded machine; a hang would take forever


def sparse(path, size: int) -> None:
    """A file of *size* bytes that takes no disk space (its size is all the check needs)."""
    with open(path, "wb") as fh:
        fh.truncate(size)


def one_line(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    return error_line(result.stderr, *needles)


def problems(result) -> list[str]:
    """`decks check` output: its problem lines (stdout; the tiny deck's warnings left out)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.stdout.strip().splitlines() if ": warning: " not in line]


def test_limit_is_20_mib():
    assert MAX_INPUT_BYTES == 20 * 1024 * 1024


def test_a_deck_file_over_the_size_limit_is_one_problem_naming_it(run, tiny_decks):
    sparse(tiny_decks / "tiny" / "03-huge.toml", OVER_LIMIT)
    assert problems(run("decks", "check")) == [
        f"decks/tiny/03-huge.toml:1: file too large ({OVER_LIMIT:,} bytes; the limit is 20 MiB); not read"]


def test_a_deck_file_over_the_size_limit_stops_a_command_in_one_line(run, tiny_decks):
    sparse(tiny_decks / "tiny" / "01-alpha.toml", OVER_LIMIT)
    one_line(run("review", "--exam", "tiny", input="q\n"), "decks/tiny/01-alpha.toml:1: file too large")


def test_toml_nested_too_deeply_is_one_problem_naming_the_file(run, tiny_decks):
    depth = 50_000
    (tiny_decks / "tiny" / "03-deep.toml").write_text("x = " + "[" * depth + "]" * depth + "\n")
    assert problems(run("decks", "check")) == [
        "decks/tiny/03-deep.toml:1: invalid TOML: arrays or tables nested too deeply"]
    one_line(run("today"), "decks/tiny/03-deep.toml:1: invalid TOML: arrays or tables nested too deeply")


def test_an_anki_file_over_the_size_limit_is_refused_unread(run, tmp_path, db_path):
    assert run("decks", "sync").exit_code == 0
    before = db_digest(db_path)
    big = tmp_path / "notes.txt"
    sparse(big, OVER_LIMIT)
    one_line(run("decks", "import", str(big), "--exam", "tiny", "--domain", "alpha"),
             f"{big}: file too large ({OVER_LIMIT:,} bytes; the limit is 20 MiB); not read")
    assert db_digest(db_path) == before


def test_an_anki_field_over_128_kib_is_one_line_with_its_line_number(run, tmp_path, db_path):
    assert run("decks", "sync").exit_code == 0
    before = db_digest(db_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("#separator:tab\nfront one\tback one\nfront two\t" + "x" * (128 * 1024 + 1) + "\n")
    line = one_line(run("decks", "import", str(notes), "--exam", "tiny", "--domain", "alpha"),
                    f"{notes}:3: a field is longer than 128 KiB")
    assert "csv" not in line.lower() and "unexpected" not in line
    assert db_digest(db_path) == before


# ------------------------------------------------------------------ FIFOs and devices


def child(db, decks, *args: str):
    """The CLI in a child process: a hang fails the test at the deadline instead of the suite."""
    return run_subprocess("--db", str(db), "--decks", str(decks), "--today", "2026-12-01", *args,
                          timeout=DEADLINE_S)


def child_line(proc, *needles: str) -> str:
    assert proc.returncode == 1, proc.stderr
    return error_line(proc.stderr, *needles)


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_a_fifo_or_device_as_anki_file_is_refused_without_reading(kind, tiny_decks, tmp_path, db_path):
    if kind == "fifo":
        source = tmp_path / "notes.txt"
        os.mkfifo(source)  # no writer: opening it for reading the usual way would block for ever
    else:
        source = kind
    proc = child(db_path, tiny_decks, "decks", "import", str(source), "--exam", "tiny", "--domain", "alpha")
    child_line(proc, f"{source}: not a regular file (a FIFO, device or socket); not read")


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
def test_a_fifo_or_device_as_deck_file_is_one_problem(kind, tiny_decks, db_path):
    target = tiny_decks / "tiny" / "03-odd.toml"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(kind)
    proc = child(db_path, tiny_decks, "decks", "check")
    assert proc.returncode == 1, proc.stderr
    assert [line for line in proc.stdout.strip().splitlines() if ": warning: " not in line] == [
        "decks/tiny/03-odd.toml:1: not a regular file (a FIFO, device or socket); not read"]
    child_line(child(db_path, tiny_decks, "today"), "decks/tiny/03-odd.toml:1: not a regular file")
