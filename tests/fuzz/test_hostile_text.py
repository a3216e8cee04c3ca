"""Hostile text from decks, imports and learners, through every view and output format.

The deck below puts terminal escapes (OSC 0 window title, OSC 52 clipboard, a CSI screen
clear, an OSC 8 hyperlink, the C1 form of CSI, DEL) and a right-to-left override into
exam, domain, course and module names and card text, and HTML into the same places; the
learner's name carries them too. Every terminal view must show them escaped (`\\x1b`),
the Markdown calendar must escape the HTML, the iCalendar and HTML files must carry no
control characters, and piped output with NO_COLOR must carry no escape sequence at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import COURSES, TINY_EXAM, deck_file, run_subprocess

OSC0 = "\x1b]0;pwned title\x07"
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"
CSI_CLEAR = "\x1b[2J\x1b[H"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"
RLO = "\u202e"
DEL = "\x7f"
HOSTILE = OSC0 + OSC52 + CSI_CLEAR + OSC8 + C1_CSI + RLO + DEL
HTML = "<iframe src=https://evil.example></iframe><svg onload=alert(1)>"
RAW = ("\x1b", "\x9b", "\x07", "\x7f", RLO)  # none of these may reach an output raw
LEARNER = "eve" + OSC0 + RLO


def toml_str(text: str) -> str:
    """A TOML basic string holding *text* (control characters as \\uXXXX escapes)."""
    return json.dumps(text)  # JSON's escapes are valid TOML basic-string escapes


def hostile_decks(root: Path) -> Path:
    exam = root / "tiny"
    exam.mkdir(parents=True)
    text = TINY_EXAM.replace('name = "Tiny Exam"', f"name = {toml_str('Tiny ' + HOSTILE + HTML)}")
    text = text.replace('name = "Alpha things"', f"name = {toml_str('Alpha ' + HOSTILE + HTML)}")
    (exam / "exam.toml").write_text(text)
    alpha = deck_file("alpha", range(1, 7)).replace('front = "Question 1 about alpha?"',
                                                     f"front = {toml_str('Q1 ' + HOSTILE + HTML)}")
    alpha = alpha.replace('back = "Answer 1."', f"back = {toml_str('A1 ' + HOSTILE + HTML)}")
    (exam / "01-alpha.toml").write_text(alpha)
    (exam / "02-beta.toml").write_text(deck_file("beta", range(1, 5)))
    courses = COURSES.replace('title = "Production Machine Learning Systems"',
                              f"title = {toml_str('Course ' + HOSTILE + HTML)}")
    courses = courses.replace('title = "Serving"', f"title = {toml_str('Serving ' + HOSTILE + HTML)}")
    (root / "courses.toml").write_text(courses)
    return root


@pytest.fixture
def decks(tmp_path):
    return hostile_decks(tmp_path / "hostile-decks")


@pytest.fixture
def hostile(run, decks):
    """`run` on the hostile decks, with a plan made and the hostile card graded."""
    def invoke(*args, **kw):
        kw.setdefault("decks", decks)
        return run(*args, **kw)

    made = invoke("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-05")
    assert made.exit_code == 0, made.output
    return invoke


def assert_clean(text: str, *, escaped: bool = True) -> None:
    for ch in RAW:
        assert ch not in text, f"raw {ch!r} in output: {text!r}"
    if escaped:
        assert "\\x1b]0;pwned" in text, text


@pytest.mark.parametrize("args", [["exams"], ["exams", "tiny"], ["today"], ["plan", "show"],
                                  ["plan", "show", "--format", "md"], ["plan", "show", "--format", "csv"]])
def test_catalog_views_show_escapes_visibly(hostile, args):
    result = hostile(*args)
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout)


def test_review_screen_and_summary_show_escapes_visibly(hostile):
    result = hostile("review", "--exam", "tiny", input="\n4\n\n4\nq\n")
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout)
    assert "Q: Q1 \\x1b]0;pwned" in result.stdout
    assert "A: A1 \\x1b]0;pwned" in result.stdout


def test_stats_show_escapes_visibly(hostile):
    assert hostile("review", "--exam", "tiny", input="\n4\nq\n").exit_code == 0
    result = hostile("stats", "--exam", "tiny")
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout, escaped=False)
    # A leech's front (the only deck text stats shows) and a stored domain id, through the view.
    from datetime import date

    from studyplan.stats import DomainStats, stats_text
    from studyplan.study_reports import StatsReport

    report = StatsReport("tiny" + HOSTILE, date(2026, 12, 1), None, date(2026, 12, 1), 0.5, None,
                         domains=[DomainStats("alpha" + HOSTILE, 0.6, 6, 5, 1, 0, 0, 1, 0, 0)],
                         leeches=[("tiny-alpha-001" + OSC52, "Q1 " + HOSTILE)])
    text = stats_text(report)
    assert_clean(text)
    assert "  tiny-alpha-001\\x1b]52;c;cm0gLXJmIH4K\\x07: Q1 \\x1b]0;pwned title\\x07" in text


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cohort_shows_a_hostile_learner_name_escaped(hostile, fmt, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that the table does not wrap the name
    assert hostile("--learner", LEARNER, "review", "--exam", "tiny", input="\n4\nq\n").exit_code == 0
    result = hostile("cohort", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout, escaped=False)
    assert "eve\\x1b]0;pwned title\\x07\\u202e" in result.stdout


@pytest.mark.parametrize("fmt", ["md", "txt", "ics", "html"])
def test_calendar_formats_carry_no_control_characters(hostile, fmt):
    made = hostile("--learner", LEARNER, "plan", "create", "--exam", "tiny", "--background", "experienced",
                   "--exam-date", "2027-01-05")
    assert made.exit_code == 0, made.output
    result = hostile("--learner", LEARNER, "calendar", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert_clean(out, escaped=fmt == "txt")
    if fmt == "md":  # escaped for the terminal, then for Markdown; the HTML as entities
        assert "Tiny \\\\x1b\\]0;pwned title\\\\x07" in out
        assert "&lt;iframe src=https://evil.example&gt;&lt;/iframe&gt;&lt;svg onload=alert(1)&gt;" in out
    if fmt in ("md", "html"):
        assert "<iframe" not in out and "<svg" not in out
    if fmt in ("ics", "html"):  # removed: "Tiny " and the title text meet
        assert "Tiny ]0;pwned title]52;" in out.replace("\r\n ", "")


def test_done_names_hostile_course_blocks_escaped(hostile):
    result = hostile("done", "--course", "production-ml-systems", "--module", "1")
    assert result.exit_code == 0, result.output
    assert_clean(result.stdout)


@pytest.mark.parametrize("args", [
    ["review", "--exam", "x" + HOSTILE],                     # our own error line
    ["plan", "show", "--format", "x" + HOSTILE],             # click's usage error
    ["--learner", LEARNER, "calendar", "--from", "x" + OSC0],  # an option callback's error
])
def test_error_lines_show_hostile_values_escaped(hostile, args):
    result = hostile(*args)
    assert result.exit_code in (1, 2), result.output
    assert_clean(result.stdout + result.stderr, escaped=False)
    assert "\\x1b]0;pwned title\\x07" in result.stderr


def test_piped_output_with_no_color_carries_no_escape_sequence(decks, tmp_path):
    """A real process, stdout a pipe, NO_COLOR set: not even OSC may pass (click strips CSI only)."""
    db = tmp_path / "piped.db"
    env = {"NO_COLOR": "1", "STUDYPLAN_DB": str(db), "STUDYPLAN_DECKS": str(decks), "STUDYPLAN_TODAY": "2026-12-01",
           "STUDYPLAN_LEARNER": LEARNER}
    made = run_subprocess("plan", "create", "--exam", "tiny", "--background", "experienced", "--exam-date", "2027-01-05",
                          env=env)
    assert made.returncode == 0, made.stderr
    outputs = [made]
    for args, stdin in ((["exams", "tiny"], None), (["today"], None), (["plan", "show"], None),
                        (["review", "--exam", "tiny"], "\n4\n\n4\nq\n"), (["stats"], None), (["cohort"], None),
                        (["calendar", "--format", "txt"], None), (["review", "--exam", "no" + OSC0], None)):
        proc = run_subprocess(*args, env=env, input=stdin)
        assert proc.returncode in (0, 1), proc.stderr
        outputs.append(proc)
    text = "".join(p.stdout + p.stderr for p in outputs)
    assert_clean(text)
    assert "Q: Q1 \\x1b]0;pwned" in text


# ------------------------------------------------------------------ the sanitiser itself

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_the_sanitiser_knows_every_unsafe_code_point():
    import unicodedata

    from studyplan.text import is_unsafe, one_line, strip_controls, terminal

    unsafe = [chr(c) for c in range(0x110000)
              if unicodedata.category(chr(c)) in ("Cc", "Cs", "Zl", "Zp") or chr(c) in BIDI]
    assert len(unsafe) == 65 + 2048 + 2 + len(BIDI)
    assert all(is_unsafe(ch) for ch in unsafe)
    assert sum(is_unsafe(chr(c)) for c in range(0x110000)) == len(unsafe)
    sample = "".join(ch for ch in unsafe if not 0xD800 <= ord(ch) <= 0xDFFF)
    assert not any(is_unsafe(ch) for ch in one_line(sample))
    assert not any(is_unsafe(ch) for ch in terminal(sample) if ch not in "\n\t")
    assert strip_controls(sample) == "\n"
    assert one_line("a\x1b[2Jb\u202ec\u00a0d\u200de") == "a\\x1b[2Jb\\u202ec\u00a0d\u200de"  # NBSP, ZWJ kept
    assert terminal("line 1\n\tline 2\x9b") == "line 1\n\tline 2\\x9b"
