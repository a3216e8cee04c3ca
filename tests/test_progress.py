"""Progress bars for long bulk work: on a terminal's stderr after a second, nowhere else."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from studyplan import cli as cli_module
from studyplan import terminal
from studyplan.db.engine import open_database
from studyplan.deck_sync import sync_decks
from studyplan.progress import steps
from studyplan.terminal import progress_bars

NOW = datetime(2026, 12, 1, 9, 0)


class Terminal(io.StringIO):
    """A stream that says it is a terminal (click draws its bar only on one)."""

    def isatty(self) -> bool:
        return True


def first_sync(db_path, decks) -> None:
    engine, sessions = open_database(str(db_path))
    try:
        with sessions.begin() as session:
            sync_decks(session, decks, None, NOW)
    finally:
        engine.dispose()


def test_a_first_sync_on_a_terminal_draws_both_bars_to_completion(db_path, tiny_decks, capsys):
    tty = Terminal()
    with progress_bars(tty, after=0):
        first_sync(db_path, tiny_decks)
    shown = tty.getvalue()
    assert "reading decks  [" in shown and "storing cards  [" in shown
    assert shown.count("100%") == 2  # each bar ends full, on a line of its own
    assert shown.index("reading decks") < shown.index("storing cards")
    assert capsys.readouterr() == ("", "")  # nothing went to the real stdout or stderr


def test_work_quicker_than_the_threshold_shows_no_bar(db_path, tiny_decks):
    tty = Terminal()
    with progress_bars(tty, after=1.0, clock=lambda: 100.0):  # the clock never moves: always under a second
        first_sync(db_path, tiny_decks)
    assert tty.getvalue() == ""


def test_the_bar_starts_once_the_command_has_run_past_the_threshold():
    ticks = iter([0.0, 0.4, 1.2, 1.3, 1.4])  # command start, then one reading per step
    tty = Terminal()
    with progress_bars(tty, after=1.0, clock=lambda: next(ticks)), steps(4, "work") as advance:
        advance(1)
        assert tty.getvalue() == ""  # 0.4 s in: nothing yet
        advance(1)
        assert "work  [##################------------------]   50%" in tty.getvalue()  # both steps counted
        advance(2)
    assert "100%" in tty.getvalue()


def test_not_a_terminal_shows_nothing(db_path, tiny_decks):
    pipe = io.StringIO()
    with progress_bars(pipe, after=0):
        first_sync(db_path, tiny_decks)
    assert pipe.getvalue() == ""


def test_nested_steps_stay_silent_under_the_outer_bar():
    tty = Terminal()
    with progress_bars(tty, after=0), steps(2, "outer") as advance:
        with steps(5, "inner") as inner:
            inner(5)
        advance(2)
    assert "outer" in tty.getvalue() and "inner" not in tty.getvalue()


@pytest.fixture
def forced_bar(monkeypatch):
    """The CLI's stderr as a terminal stand-in, with no threshold."""
    tty = Terminal()
    monkeypatch.setattr(cli_module, "progress_bars", lambda: terminal.progress_bars(tty, after=0))
    return tty


def test_the_cli_draws_the_bar_on_its_terminal(run, forced_bar):
    result = run("decks", "sync")
    assert result.exit_code == 0
    assert "storing cards  [" in forced_bar.getvalue()
    assert result.stdout.splitlines()[1] == "  10 added, 0 updated, 0 retired, 0 restored, 0 unchanged"
    assert result.stderr == ""


def test_a_piped_cli_prints_nothing_extra(run, tmp_path):
    result = run("decks", "sync")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == ["  10 added, 0 updated, 0 retired, 0 restored, 0 unchanged"]
    export = tmp_path / "notes.txt"
    export.write_text("".join(f"Front {n}\tBack {n}\n" for n in range(30)))
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "beta")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "imported 30 cards into tiny/beta from notes.txt; 0 already present\n"


def test_an_import_on_a_terminal_shows_its_bar(run, forced_bar, tmp_path):
    export = tmp_path / "notes.txt"
    export.write_text("".join(f"Front {n}\tBack {n}\n" for n in range(30)))
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "beta")
    assert result.exit_code == 0, result.stderr
    assert "importing cards  [" in forced_bar.getvalue() and "100%" in forced_bar.getvalue()
    assert result.stderr == ""
