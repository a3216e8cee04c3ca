"""Bad input, generated: deck files (TOML), Anki text exports, `--today`, dates, grades and options.

Every generated case runs the real CLI in-process (CliRunner) on a fresh copy of a small
database and must end in one of:
- exit 0 (the input happened to be valid);
- exit 1 with exactly one line on stderr, `Error: ...`;
- exit 2 (click's usage error) with one `Error: ...` line after the usage;
never a traceback and never the CLI's last-guard "unexpected error" (that is a bug), and
when the exit is not 0 the database is unchanged (a digest of every row, before and after).

The examples are derandomised, so CI runs the same cases every time. The counts below add
up to 2,600 cases; STUDYPLAN_FUZZ_SCALE=10 runs ten times as many (for a long local hunt).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import COURSES, TINY_EXAM, deck_file, history_views
from conftest import db_digest as digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyplan.cli import cli

SCALE = float(os.environ.get("STUDYPLAN_FUZZ_SCALE", "1"))
TODAY = "2026-12-01"
CASES: dict[str, int] = {}
VALID_FILES = {
    "tiny/exam.toml": TINY_EXAM,
    "tiny/01-alpha.toml": deck_file("alpha", range(1, 7)),
    "tiny/02-beta.toml": deck_file("beta", range(1, 5)),
    "courses.toml": COURSES,
}


def fuzz(name: str, examples: int):
    """Hypothesis settings for one fuzz target, counting the cases it runs."""
    CASES[name] = 0
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


# ------------------------------------------------------------------ the world


class World:
    """Template databases and a scratch folder; each case gets a fresh copy of one."""

    def __init__(self, root: Path):
        self.root = root
        self.decks = root / "decks"
        self.write_decks(self.decks, VALID_FILES)
        self.counter = itertools.count()
        self.synced = root / "synced.db"
        self.invoke(self.synced, "review", "--exam", "tiny", input="q\n", check=0)  # decks synced, learner made
        self.planned = root / "planned.db"
        shutil.copyfile(self.synced, self.planned)
        self.invoke(self.planned, "plan", "create", "--exam", "tiny", "--background", "experienced",
                    "--exam-date", "2027-01-05", check=0)
        self.invoke(self.planned, "review", "--exam", "tiny", input="5\n3\n4\n1\n4\n", check=0)
        self.invoke(self.planned, "review", "--exam", "tiny", input="4\n" * 12, today="2026-12-02", check=0)

    @staticmethod
    def write_decks(folder: Path, files: dict[str, str | bytes | None]) -> None:
        for rel, content in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if content is None:
                continue
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    def scratch(self) -> Path:
        folder = self.root / f"case-{next(self.counter)}"
        folder.mkdir()
        return folder

    def copy(self, template: Path, folder: Path) -> Path:
        db = folder / "study.db"
        shutil.copyfile(template, db)
        return db

    def invoke(self, db: Path, *args: str, input: str | None = None, decks: Path | None = None,
               today: str | None = TODAY, check: int | None = None):
        base = ["--db", str(db), "--decks", str(decks or self.decks)]
        if today is not None:
            base += ["--today", today]
        env = {"STUDYPLAN_DB": None, "STUDYPLAN_DECKS": None, "STUDYPLAN_TODAY": None, "STUDYPLAN_LEARNER": None,
               "NO_COLOR": "1", "COLUMNS": "100"}
        result = CliRunner(env=env).invoke(cli, base + list(args), input=input, catch_exceptions=False)
        if check is not None:
            assert result.exit_code == check, (args, result.output)
        return result


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return World(tmp_path_factory.mktemp("fuzz"))




def assert_clean(result, what) -> None:
    """Exit 0, or 1/2 with one clear `Error:` line; never a traceback or an unexpected error."""
    out, err = result.stdout, result.stderr
    assert "Traceback" not in out + err, (what, err)
    assert result.exit_code in (0, 1, 2), (what, result.exit_code, err)
    assert "unexpected error" not in err, (what, err)
    lines = err.strip().split("\n")  # what a terminal shows as lines
    if result.exit_code == 1:
        assert len(lines) == 1 and lines[0].startswith("Error: ") and len(lines[0]) > len("Error: "), (what, err)
    elif result.exit_code == 2:
        errors = [line for line in lines if line.startswith("Error: ")]
        # click's usage error: the usage, a hint and one Error line; a group named without a
        # command prints its help instead
        assert len(errors) == 1 or (not errors and "Usage:" in result.output), (what, err)


def run_case(world: World, name: str, template: Path, *args: str, input: str | None = None,
             decks: Path | None = None, today: str | None = TODAY, folder: Path | None = None):
    """One generated case: fresh database, the command, the checks. Returns (result, db, folder)."""
    CASES[name] += 1
    folder = folder or world.scratch()
    db = world.copy(template, folder)
    before = digest(db)
    result = world.invoke(db, *args, input=input, decks=decks, today=today)
    assert_clean(result, args)
    if result.exit_code != 0:
        assert digest(db) == before, ("database changed by a failing command", args, result.stderr)
    shutil.rmtree(folder, ignore_errors=True) if result.exit_code != 0 else None
    return result, db, folder


# ------------------------------------------------------------------ strategies

printable = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
TOML_VALUES = st.one_of(
    st.sampled_from(['""', '"x"', "0", "-1", "1.5", "true", "false", "[]", '["a", 1]', "{}", "nan", "inf", "-inf",
                     "1e400", "99999999999999999999", "2026-13-01", "2026-02-30", "1979-05-27T07:32:00Z",
                     "0001-01-01", "9999-12-31", '"""multi\nline"""', "'literal'", '"\\u0000"', '"\\ud800"', "[[]]",
                     '"tiny-alpha-001"', '"alpha"', '"beta"', '"gamma"', '"exam"', '"foundations"', '"retired"',
                     '"scenario"', '"recall"', "0.6", "0.4", "1.0", "0.0001", "-0.5", "2"]),
    printable.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=False).map(repr),
)


@st.composite
def line_edit(draw, text: str) -> str:
    """Change a `key = value` line: new value, line dropped, duplicated, or key renamed."""
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if " = " in line] or [0]
    i = draw(st.sampled_from(keyed))
    action = draw(st.sampled_from(["value", "value", "value", "drop", "dup", "key"]))
    key = lines[i].split(" = ", 1)[0]
    if action == "value":
        lines[i] = f"{key} = {draw(TOML_VALUES)}"
    elif action == "drop":
        del lines[i]
    elif action == "dup":
        lines.insert(i, lines[i])
    else:
        lines[i] = f"{draw(st.sampled_from(['ID', 'idd', 'x', '', 'weight', 'domain', 'front']))} = " + lines[i].split(" = ", 1)[-1]
    return "\n".join(lines)


@st.composite
def char_edit(draw, text: str) -> str:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.one_of(printable, st.sampled_from(["[", "]", "[[cards]]", '"', "=", "\n", "#", "\\", "'''"])))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return text


@st.composite
def deck_folder(draw) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = dict(VALID_FILES)
    for _ in range(draw(st.integers(1, 2))):
        target = draw(st.sampled_from(list(VALID_FILES) + ["tiny/03-gamma.toml", "other/exam.toml"]))
        base = files.get(target) or VALID_FILES.get(target) or deck_file("gamma", range(1, 3))
        base = base if isinstance(base, str) else VALID_FILES["tiny/01-alpha.toml"]
        how = draw(st.sampled_from(["line", "line", "line", "line", "char", "char", "text", "bytes", "empty",
                                    "delete"]))
        if how == "line":
            files[target] = draw(line_edit(base))
        elif how == "char":
            files[target] = draw(char_edit(base))
        elif how == "text":
            files[target] = draw(st.text(max_size=200))
        elif how == "bytes":
            files[target] = draw(st.binary(max_size=200))
        elif how == "empty":
            files[target] = ""
        else:
            files[target] = None
    return files


def random_date_text():
    return st.one_of(
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.integers(-400, 800).map(lambda d: (date(2026, 12, 1) + timedelta(days=d)).isoformat()),
        st.sampled_from(["", " ", "2026-1-1", "2026-02-30", "2026-13-01", "26-12-01", "2026/12/01", "today",
                         "0000-01-01", "9999-12-31", "0001-01-01", "2026-12-01T10:00", "２０２６-１２-０１",
                         "2026-12-01\n", "-2026-12-01", "+2026-12-01"]),
        printable,
    )


# ------------------------------------------------------------------ deck files


@fuzz("deck files", 600)
@given(files=deck_folder())
def test_fuzz_deck_files(world, files):
    folder = world.scratch()
    decks = folder / "decks"
    world.write_decks(decks, {k: v for k, v in VALID_FILES.items()})
    for rel, content in files.items():
        path = decks / rel
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    check = world.invoke(folder / "none.db", "decks", "check", decks=decks)
    assert_clean(check, "decks check")
    synced, db, _ = run_case(world, "deck files", world.synced, "decks", "sync", decks=decks, folder=folder)
    assert (check.exit_code == 0) == (synced.exit_code == 0), (check.output, synced.stderr)
    shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ Anki text


anki_field = st.one_of(printable, st.sampled_from(['"quoted, field"', '"broken', "<b>bold</b>", "&amp;", "<br>", "",
                                                   " ", "a\tb", '""', "&#0;", "&#x110000;"]))
anki_header = st.one_of(
    st.sampled_from(["#separator:tab", "#separator:comma", "#separator:Semicolon", "#separator:pipe",
                     "#separator:space", "#separator:", "#separator:\"", "#separator:#", "#separator:ab",
                     "#html:true", "#html:false", "#tags column:3", "#tags column:0", "#tags column:²",
                     "#tags column:١", "#tags column:-1", "#columns:Front\tBack", "#notetype:Basic", "#"]),
    st.builds(lambda k, v: f"#{k}:{v}", st.sampled_from(["separator", "tags column", "html", "deck"]), printable),
)


@st.composite
def anki_text(draw) -> tuple[bytes, str]:
    sep = draw(st.sampled_from(["\t", ",", ";", "|", " "]))
    headers = draw(st.lists(anki_header, max_size=3))
    rows = draw(st.lists(st.lists(anki_field, min_size=0, max_size=4).map(sep.join), max_size=6))
    text = "\n".join(headers + rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    data = text.encode(encoding, "replace") if encoding != "utf-8" else text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and len(data) > 4:
        data = data[:draw(st.integers(0, len(data)))]  # cut anywhere, mid-character too
    return data, draw(st.sampled_from([".txt", ".tsv", ".csv", ""]))


@fuzz("anki text", 450)
@given(content=anki_text(), exam=st.sampled_from(["tiny", "tiny", "tiny", "nope", ""]),
       domain=st.sampled_from(["alpha", "alpha", "beta", "gamma", "", "ALPHA"]))
def test_fuzz_anki_import(world, content, exam, domain):
    data, suffix = content
    folder = world.scratch()
    path = folder / f"notes{suffix}"
    path.write_bytes(data)
    result, db, _ = run_case(world, "anki text", world.synced, "decks", "import", str(path), "--exam", exam,
                             "--domain", domain, folder=folder)
    if result.exit_code == 0:
        assert "imported" in result.stdout
    shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ --today


@fuzz("--today", 350)
@given(today=random_date_text(),
       command=st.sampled_from([("today",), ("today", "--format", "json"), ("plan", "show"), ("stats",),
                                ("calendar", "--format", "txt"), ("calendar", "--format", "ics"), ("replan",),
                                ("review", "--exam", "tiny"), ("cohort",), ("exams",), ("export", "reviews")]))
def test_fuzz_today(world, today, command):
    result, _, folder = run_case(world, "--today", world.planned, *command, input="4\n5\nq\n", today=today)
    shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ dates and plan options


@st.composite
def plan_options(draw) -> list[str]:
    args = ["plan", "create", "--exam", draw(st.sampled_from(["tiny"] * 6 + ["nope", "", "TINY"]))]
    args += ["--background", draw(st.sampled_from(["experienced", "pivoting", "experienced", "pivoting", "expert"]))]
    if draw(st.booleans()):
        args += ["--start", draw(random_date_text())]
    if draw(st.integers(0, 3)):
        args += ["--exam-date", draw(random_date_text())]
    if draw(st.booleans()):
        args += ["--minutes-per-day", draw(st.one_of(st.integers(-5, 800).map(str), printable))]
    if draw(st.booleans()):
        args += ["--days", draw(st.one_of(
            st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun", "Monday", "xyz", "", " "]),
                     max_size=8).map(",".join), printable))]
    if draw(st.booleans()):
        args += ["--off", ",".join(draw(st.lists(random_date_text(), max_size=4)))]
    if draw(st.booleans()):
        args.append("--force")
    if draw(st.integers(0, 3)):
        args.append("--yes")
    return args


@fuzz("plan dates and options", 450)
@given(args=plan_options(), planned=st.booleans())
def test_fuzz_plan_create(world, args, planned):
    result, db, folder = run_case(world, "plan dates and options", world.planned if planned else world.synced, *args)
    if result.exit_code == 0:
        shown = world.invoke(db, "plan", "show", "--format", "json")
        assert shown.exit_code == 0, shown.stderr
    shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ grades


review_line = st.one_of(
    st.sampled_from(["", "0", "1", "2", "3", "4", "5", "4", "5", "3", "u", "s", "e", "q", "6", "10", "-1", " 4 ",
                     "4x", "U", "S", "Q", " ", "\t", "٣", "５", "45", "quit"]),
    printable.filter(lambda s: "\n" not in s and "\r" not in s),
)


@fuzz("grades", 400)
@given(lines=st.lists(review_line, max_size=30), extra=st.sampled_from([(), ("--max", "3"), ("--new-only",),
                                                                         ("--reviews-only",), ("--domain", "beta")]),
       day=st.sampled_from(["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-20"]))
def test_fuzz_review_input(world, lines, extra, day):
    result, db, folder = run_case(world, "grades", world.planned, "review", "--exam", "tiny", *extra,
                                  input="".join(line + "\n" for line in lines), today=day)
    assert result.exit_code == 0, result.stderr
    conn = history_views(sqlite3.connect(db))
    try:
        assert conn.execute("SELECT count(*) FROM review_log WHERE grade NOT BETWEEN 0 AND 5").fetchone() == (0,)
        last = {}
        for card, e, i, r, d in conn.execute("SELECT card_id, easiness, interval, repetitions, due FROM review_log "
                                             "WHERE NOT practice ORDER BY id"):
            last[card] = (e, i, r, d)
        states = {c: (e, i, r, d) for c, e, i, r, d in conn.execute(
            "SELECT card_id, easiness, interval, repetitions, due FROM card_state WHERE introduced_on IS NOT NULL")}
        assert states == last
        twice = conn.execute("SELECT card_id, review_day FROM review_log WHERE NOT practice "
                             "GROUP BY card_id, review_day HAVING count(*) > 1").fetchall()
        assert twice == []
    finally:
        conn.close()
    shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ other options


option_value = st.one_of(st.sampled_from(["", "0", "-1", "1", "3", "999999999999", "tiny", "alpha", "beta", "nope",
                                          "json", "csv", "md", "txt", "ics", "html", "xml", "a4", "letter", "25:00",
                                          "09:30", "9:30", "2026-12-05", "2027-02-01", "2026-12-01"]),
                         random_date_text(), printable)


@st.composite
def command_line(draw) -> list[str]:
    v = lambda: draw(option_value)  # noqa: E731
    maybe = lambda *args: list(args) if draw(st.booleans()) else []  # noqa: E731
    choice = draw(st.integers(0, 8))
    if choice == 0:
        return ["review", *maybe("--max", v()), *maybe("--domain", v()), *maybe("--exam", v()),
                *maybe("--new-only"), *maybe("--reviews-only")]
    if choice == 1:
        return ["stats", *maybe("--exam", v()), *maybe("--format", v())]
    if choice == 2:
        return ["calendar", *maybe("--format", v()), *maybe("--from", v()), *maybe("--to", v()),
                *maybe("--paper", v()), *maybe("--at", v())]
    if choice == 3:
        return ["plan", "show", *maybe("--from", v()), *maybe("--to", v()), *maybe("--format", v())]
    if choice == 4:
        return ["export", "reviews", *maybe("--format", v())]
    if choice == 5:
        return ["exams", *maybe(v())]
    if choice == 6:
        return ["cohort", *maybe("--exam", v()), *maybe("--format", v())]
    if choice == 7:
        return ["today", *maybe("--format", v())]
    return ["--learner", v(), draw(st.sampled_from(["today", "stats", "plan", "replan", "export"]))]


@fuzz("options", 350)
@given(args=command_line())
def test_fuzz_options(world, args):
    result, _, folder = run_case(world, "options", world.planned, *args, input="4\nq\n")
    shutil.rmtree(folder, ignore_errors=True)


def test_fuzz_case_count():
    """Runs last in this module: the generated cases add up to at least 1,000."""
    total = sum(CASES.values())
    print(f"\nfuzz cases: {total} {CASES}")
    if len(CASES) == 6 and all(CASES.values()):
        assert total >= 1000 * min(SCALE, 1)
