"""The README's examples are what the program prints.

Every ```console block in README.md holds `$ studyplan ...` lines, each followed by its
output. They run in order, as one learner on a fresh install: a temporary home folder
(so the database is `~/.config/studyplan/studyplan.db`), the shipped decks, `--today
2026-12-01` at 08:00, an 80-column terminal. A line `$ printf '...' | studyplan ...`
feeds the printf text to the command. Only the temporary home folder is written back as
`~` before comparing.

After a change that moves the examples on purpose, `python tests/test_readme.py --write`
rewrites the outputs in README.md; read the diff before committing it.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner

from studyplan.cli import cli
from studyplan.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TODAY = date(2026, 12, 1)
CLOCK = time(8, 0)
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.M | re.S)
PIPED = re.compile(r"printf '([^']*)' \| (studyplan .*)")


def examples(text: str) -> list[tuple[str, str]]:
    """(command line, shown output) for every `$ ` line of every console block, in order."""
    out: list[tuple[str, list[str]]] = []
    for block in BLOCK.finditer(text):
        for line in block.group(1).splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            else:
                assert out, f"README: output before any '$ ' line in a console block: {line!r}"
                out[-1][1].append(line)
    return [(command, "\n".join(lines)) for command, lines in out]


def run_example(command: str, home: Path) -> str:
    """What *command* prints, as the README shows it (the home folder as `~`)."""
    feed = None
    piped = PIPED.fullmatch(command)
    if piped:
        feed, command = piped.group(1).replace("\\n", "\n"), piped.group(2)
    words = shlex.split(command)
    assert words[0] == "studyplan", f"README: not a studyplan command: {command!r}"
    args = [str(home) + w[1:] if w.startswith("~/") else w for w in words[1:]]
    result = CliRunner().invoke(cli, ["--today", TODAY.isoformat(), *args], input=feed, catch_exceptions=False)
    return result.output.rstrip("\n").replace(str(home), "~")


def new_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new user's home folder as the working folder, and the README's day and time."""
    home = tmp_path / "home"
    home.mkdir()
    for var in ("STUDYPLAN_DB", "STUDYPLAN_DECKS", "STUDYPLAN_TODAY", "STUDYPLAN_LEARNER", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(home)
    # The clock's time of day shows in backup names; --today fixes only the date.
    monkeypatch.setattr(Workspace, "now", lambda self: datetime.combine(self.today, CLOCK))
    return home


@pytest.fixture
def fresh_install(tmp_path, monkeypatch):
    return new_home(tmp_path, monkeypatch)


def test_the_readme_has_the_examples_it_promises():
    commands = [command for command, _ in examples(README.read_text())]
    for needed in ("studyplan exams", "studyplan plan create --exam google-pmle", "studyplan today",
                   "studyplan plan show", "studyplan stats", "studyplan backup", "studyplan restore ~/",
                   "| studyplan review --format jsonl"):
        assert any(needed in c for c in commands), f"README has no example of {needed!r}"


def test_every_readme_example_prints_what_the_readme_shows(fresh_install):
    for command, shown in examples(README.read_text()):
        printed = run_example(command, fresh_install)
        assert printed == shown, f"README example '$ {command}' prints:\n{printed}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_runs_the_readme_examples():
    """The README's test command (`make test`) collects this file."""
    plan = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT), "test"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    line = next(line for line in plan.splitlines() if " -m pytest " in line)
    found = re.fullmatch(r"cd (\S+) && \S+ -m pytest (.*)", line)
    assert found, line
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-k", "readme",
                                *shlex.split(found.group(2))], cwd=ROOT / found.group(1), capture_output=True,
                               text=True, timeout=300)
    assert "test_readme.py::test_every_readme_example_prints_what_the_readme_shows" in collected.stdout


def write_readme(home: Path) -> None:
    """Replace every example's shown output with what it prints now."""
    text = README.read_text()

    def replay(block: re.Match) -> str:
        lines = []
        for command, _ in examples(block.group(0)):
            lines.append(f"$ {command}")
            printed = run_example(command, home)
            if printed:
                lines.append(printed)
        return "```console\n" + "\n".join(lines) + "\n```\n"

    README.write_text(BLOCK.sub(replay, text))


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        write_readme(new_home(Path(tmp), mp))
