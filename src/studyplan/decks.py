"""Reading deck folders: exam.toml, NN-<domain>.toml card files and courses.toml.

`load_catalog` never raises on bad content: it returns what it could read and a list
of every problem found, each as FILE:LINE: message, so `decks check` can report them all.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

from studyplan.catalog import BACKGROUNDS, CARD_STYLES, STATUSES, Card, Catalog, Course, DeckFile, Domain, Exam, Module, Rename
from studyplan.files import InputRefused, read_input
from studyplan.text import one_line

EXAM_FILE = "exam.toml"
COURSES_FILE = "courses.toml"
DECK_GLOB = "[0-9][0-9]-*.toml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CARD_KEYS = {"id", "front", "back", "style", "tags", "ref"}
RENAME_KEYS = {"old", "new", "date", "ref"}
WEIGHT_TOLERANCE = 0.001

try:  # a compiled parser, ten times tomllib's speed; optional: tomllib alone gives the same results
    import rtoml as _fast
except ImportError:  # pragma: no cover - rtoml is a dependency; a platform without its wheel still works
    _fast = None  # type: ignore[assignment]

# TOML 1.1 syntax rtoml accepts and TOML 1.0 (tomllib) refuses: the \e and \xHH escapes and
# newlines or a trailing comma in an inline table. Text with any of these (or an inline
# table at all, or a BOM) goes to tomllib, so a file tomllib refuses is still refused.
_NOT_FAST = ("\\e", "\\x", "{")  # substring tests: a regex scan of a 1 MB file costs 0.1 s
_CLOCK = re.compile(r":[0-9]")  # no time value without it (a literal first: a fast scan)


def parse_toml(text: str) -> dict:
    """`tomllib.loads(text)`, the same value or the same error, parsed by rtoml when it
    is installed and the text has none of the syntax where the two differ.

    rtoml is strict TOML 1.1; tomllib is TOML 1.0. Any rtoml error, and any text with 1.1
    syntax, is parsed again by tomllib, whose message (and line) the problem reports. Time
    values (1.1 makes their seconds optional) are re-checked by tomllib as well.
    """
    if _fast is not None and not text.startswith("\ufeff") and not any(mark in text for mark in _NOT_FAST):
        plain = text.replace("\r\n", "\n") if "\r" in text else text  # tomllib reads CRLF as LF,
        if "\r" not in plain:  # in multi-line strings too; a lone CR is an error for both
            try:
                data = _fast.loads(plain)
            except Exception:  # noqa: BLE001 - whatever rtoml refuses, tomllib says why
                pass
            else:
                if not _CLOCK.search(text) or not _has_time(data):
                    return data
    return tomllib.loads(text)


def _has_time(value: object) -> bool:
    """Whether a parsed TOML value holds a time or a date-time anywhere."""
    if isinstance(value, dict):
        return any(_has_time(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_time(v) for v in value)
    return isinstance(value, (time, datetime))


@dataclass(frozen=True, slots=True)
class Problem:
    """FILE:LINE: message. An error stops the decks loading; a warning (deck_rules) does not."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        level = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {level}{one_line(self.message)}"


def shipped_decks_dir() -> Path:
    """The decks installed with the package (or the checkout's `decks/` in development)."""
    installed = Path(__file__).resolve().parent / "shipped_decks"  # not "decks": that is this module
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "decks"


def installed_decks_dir() -> Path | None:
    """The decks installed inside the package (resolved), None in a source checkout."""
    installed = Path(__file__).resolve().parent / "shipped_decks"
    return installed if installed.is_dir() else None


class _Source:
    """One TOML file's text, for turning table positions into line numbers."""

    def __init__(self, path: Path, label: str):
        self.path = path
        self.label = label
        self.text = read_input(path).decode("utf-8")
        self.lines = self.text.splitlines()
        self._key_lines: dict[str, list[int]] = {}

    def table_lines(self, name: str) -> list[int]:
        pattern = re.compile(r"^\s*\[\[\s*" + re.escape(name) + r"\s*\]\]")
        return [i + 1 for i, line in enumerate(self.lines) if "[[" in line and pattern.match(line)]

    def tables(self, data: dict, name: str, problems: list[Problem], missing: str | None = None) -> list[tuple[int, dict]]:
        """(line, table) for each [[name]] entry; entries that are not tables become problems.

        *missing* is the problem to report when there are no entries (None: none is fine).
        """
        raw = data.get(name, [])
        if not isinstance(raw, list) or (missing and not raw):
            problems.append(self.problem(1, missing or f"'{name}' must be a list of [[{name}]] tables"))
            return []
        lines = self.table_lines(name)
        found = []
        for i, entry in enumerate(raw):
            line = lines[i] if i < len(lines) else 1
            if isinstance(entry, dict):
                found.append((line, entry))
            else:
                problems.append(self.problem(line, f"each [[{name}]] entry must be a table"))
        return found

    def key_line(self, key: str, start: int = 1) -> int:
        """The first line from *start* on that sets *key* (*start* when none does)."""
        found = self._key_lines.get(key)
        if found is None:  # one pass per key, then a bisection per card (was a scan per card)
            pattern = _key_pattern(key)
            found = self._key_lines[key] = [i + 1 for i, line in enumerate(self.lines) if key in line and pattern.match(line)]
        at = bisect.bisect_left(found, start)
        return found[at] if at < len(found) else start

    def problem(self, line: int, message: str) -> Problem:
        return Problem(self.label, line, message)


@functools.lru_cache(maxsize=256)
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(r"^\s*" + re.escape(key) + r"\s*=")


def _parse(path: Path, label: str, problems: list[Problem]) -> tuple[_Source, dict] | None:
    try:
        source = _Source(path, label)
    except InputRefused as exc:
        problems.append(Problem(label, 1, exc.reason))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, 1, f"cannot read file: {exc}"))
        return None
    try:
        return source, parse_toml(source.text)
    except RecursionError:
        problems.append(Problem(label, 1, "invalid TOML: arrays or tables nested too deeply"))
        return None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.append(Problem(label, line, f"invalid TOML: {message}"))
        return None


def _text(data: dict, key: str, src: _Source, line: int, problems: list[Problem], required=True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        problems.append(src.problem(src.key_line(key, line), f"'{key}' must be a string"))
        return ""
    if required and not value.strip():
        problems.append(src.problem(src.key_line(key, line), f"'{key}' is missing or empty"))
    return value


def _date(data: dict, key: str, src: _Source, problems: list[Problem], line: int = 1) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    problems.append(src.problem(src.key_line(key, line), f"'{key}' must be a date like 2026-03-31"))
    return None


def _number(data: dict, key: str, src: _Source, problems: list[Problem], default=0):
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or not math.isfinite(value):
        problems.append(src.problem(src.key_line(key), f"'{key}' must be a number >= 0"))
        return default
    return value


def label_of(path: Path, roots: tuple[Path, ...]) -> str:
    """How problems and card sources name *path*: relative to the folder holding its decks
    root ("decks/google-pmle/01-x.toml", "my-decks/google-pmle/01-x.toml")."""
    for root in roots:
        if path.is_relative_to(root):
            return str(path.relative_to(root.parent))
    return str(path)


def _load_exam(folder: Path, roots: tuple[Path, ...], problems: list[Problem]) -> Exam | None:
    label = label_of(folder / EXAM_FILE, roots)
    parsed = _parse(folder / EXAM_FILE, label, problems)
    if parsed is None:
        return None
    src, data = parsed
    exam_id = _text(data, "id", src, 1, problems)
    if exam_id and exam_id != folder.name:
        problems.append(src.problem(src.key_line("id"), f"exam id '{exam_id}' differs from its folder '{folder.name}'"))
    kind = data.get("kind", "exam")
    if kind not in ("exam", "foundations"):
        problems.append(src.problem(src.key_line("kind"), f"kind must be 'exam' or 'foundations', not {kind!r}"))
    status = data.get("status", "active")
    if status not in STATUSES:
        problems.append(src.problem(src.key_line("status"), f"status must be one of {', '.join(STATUSES)}, not {status!r}"))
    prefix = _text(data, "card_prefix", src, 1, problems)
    if prefix and not ID_PATTERN.match(prefix):
        problems.append(src.problem(src.key_line("card_prefix"), f"card_prefix {prefix!r} must be lowercase letters, digits and dashes"))

    domains: list[Domain] = []
    domain_tables = src.tables(data, "domains", problems, missing="no [[domains]] declared")
    lines = [line for line, _ in domain_tables]
    for line, raw in domain_tables:
        dom_id = _text(raw, "id", src, line, problems)
        name = _text(raw, "name", src, line, problems)
        if dom_id and not ID_PATTERN.match(dom_id):
            problems.append(src.problem(src.key_line("id", line), f"domain id {dom_id!r} must be lowercase letters, digits and dashes"))
        if dom_id in {d.id for d in domains}:
            problems.append(src.problem(src.key_line("id", line), f"duplicate domain id '{dom_id}'"))
        weight = raw.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
            problems.append(src.problem(src.key_line("weight", line), f"domain '{dom_id}' weight must be a number in (0, 1], got {weight!r}"))
            weight = 0.0
        rng = raw.get("weight_range")
        weight_range = None
        if rng is not None:
            if (isinstance(rng, list) and len(rng) == 2 and all(isinstance(x, (int, float)) for x in rng) and 0 <= rng[0] <= rng[1] <= 1):
                weight_range = (float(rng[0]), float(rng[1]))
            else:
                problems.append(src.problem(src.key_line("weight_range", line), f"domain '{dom_id}' weight_range must be [low, high] fractions"))
        domains.append(Domain(dom_id, name, float(weight), weight_range, src.key_line("id", line)))
    total = sum(d.weight for d in domains)
    if domains and not math.isclose(total, 1.0, abs_tol=WEIGHT_TOLERANCE):
        problems.append(src.problem(lines[0] if lines else 1, f"domain weights sum to {total:.4f}, not 1"))

    exam = Exam(
        id=exam_id or folder.name,
        kind=kind if kind in ("exam", "foundations") else "exam",
        name=_text(data, "name", src, 1, problems),
        short_name=_text(data, "short_name", src, 1, problems, required=False),
        provider=_text(data, "provider", src, 1, problems),
        code=_text(data, "code", src, 1, problems, required=False),
        duration_minutes=int(_number(data, "duration_minutes", src, problems)),
        questions=str(data.get("questions", "")),
        price_usd=_number(data, "price_usd", src, problems),
        passing_score=_text(data, "passing_score", src, 1, problems, required=False),
        guide_version=_text(data, "guide_version", src, 1, problems, required=False),
        guide_date=_date(data, "guide_date", src, problems),
        guide_url=_text(data, "guide_url", src, 1, problems, required=False),
        status=status if status in STATUSES else "active",
        retirement_date=_date(data, "retirement_date", src, problems),
        successor=_text(data, "successor", src, 1, problems, required=False),
        card_prefix=prefix,
        notes=_text(data, "notes", src, 1, problems, required=False),
        domains=tuple(domains),
        renames=_load_renames(src, data, problems),
        file=label,
    )
    return exam


def _load_renames(src: _Source, data: dict, problems: list[Problem]) -> tuple[Rename, ...]:
    renames: list[Rename] = []
    olds: set[str] = set()
    for line, raw in src.tables(data, "renames", problems):
        before = len(problems)
        old = _text(raw, "old", src, line, problems)
        new = _text(raw, "new", src, line, problems)
        for key, value in (("old", old), ("new", new)):
            if value != value.strip():
                problems.append(src.problem(src.key_line(key, line), f"rename '{key}' {value!r} has spaces at an end"))
        if old and old == new:
            problems.append(src.problem(src.key_line("new", line), f"rename of '{old}': new name equals the old one"))
        if old in olds:
            problems.append(src.problem(src.key_line("old", line), f"'{old}' is renamed twice"))
        olds.add(old)
        day = _date(raw, "date", src, problems, line)
        if day is None and "date" not in raw:
            problems.append(src.problem(line, f"rename of '{old}' has no date (the day the provider renamed it)"))
        ref = _text(raw, "ref", src, line, problems, required=False)
        if ref and not ref.startswith("https://"):
            problems.append(src.problem(src.key_line("ref", line), f"rename of '{old}': ref must be an https:// URL"))
        for key in sorted(set(raw) - RENAME_KEYS):
            problems.append(src.problem(src.key_line(key, line), f"rename of '{old}' has unknown key '{key}'"))
        if len(problems) == before and day is not None:
            renames.append(Rename(old, new, day, ref, line))
    return tuple(renames)


def _load_cards(path: Path, roots: tuple[Path, ...], exam: Exam, seen: dict[str, str], problems: list[Problem],
                files: list[DeckFile]) -> list[Card]:
    """The file's cards; its domain and `verified` date are appended to *files*."""
    label = label_of(path, roots)
    parsed = _parse(path, label, problems)
    if parsed is None:
        return []
    src, data = parsed
    domain = data.get("domain")
    known = {d.id for d in exam.domains}
    if not isinstance(domain, str) or domain not in known:
        problems.append(src.problem(src.key_line("domain"), f"unknown domain {domain!r} (exam '{exam.id}' has: {', '.join(sorted(known))})"))
        return []
    verified = _date(data, "verified", src, problems)
    files.append(DeckFile(domain, label, verified, src.key_line("verified" if verified else "domain")))
    cards = []
    prefix = f"{exam.card_prefix}-{domain}-"
    for line, raw in src.tables(data, "cards", problems, missing="no [[cards]] in this file"):
        before = len(problems)
        card_id = _text(raw, "id", src, line, problems)
        id_line = src.key_line("id", line)
        if card_id:
            if not card_id.startswith(prefix) or not ID_PATTERN.match(card_id):
                problems.append(src.problem(id_line, f"card id '{card_id}' should look like '{prefix}NNN'"))
            if card_id in seen:
                problems.append(src.problem(id_line, f"duplicate card id '{card_id}' (also in {seen[card_id]})"))
            else:
                seen[card_id] = f"{label}:{id_line}"
        front = _text(raw, "front", src, line, problems)
        back = _text(raw, "back", src, line, problems)
        style = raw.get("style", "recall")
        if style not in CARD_STYLES:
            problems.append(src.problem(src.key_line("style", line), f"card '{card_id}' style must be 'scenario' or 'recall', not {style!r}"))
        tags = raw.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            problems.append(src.problem(src.key_line("tags", line), f"card '{card_id}' tags must be a list of strings"))
            tags = []
        ref = _text(raw, "ref", src, line, problems, required=False)
        if not raw.keys() <= CARD_KEYS:
            for key in sorted(set(raw) - CARD_KEYS):
                problems.append(src.problem(src.key_line(key, line), f"card '{card_id}' has unknown key '{key}'"))
        if len(problems) == before:
            cards.append(Card(card_id, exam.id, domain, front.strip(), back.strip(), style, tuple(tags), ref, label, id_line))
    return cards


def _load_courses(path: Path, label: str, problems: list[Problem]) -> tuple[Course, ...]:
    parsed = _parse(path, label, problems)
    if parsed is None:
        return ()
    src, data = parsed
    courses = []
    for i, (line, raw) in enumerate(src.tables(data, "courses", problems)):
        before = len(problems)
        course_id = _text(raw, "id", src, line, problems)
        phase = raw.get("phase")
        if phase not in ("core", "foundations"):
            problems.append(src.problem(src.key_line("phase", line), f"course '{course_id}' phase must be 'core' or 'foundations'"))
        backgrounds = raw.get("backgrounds", [])
        if not isinstance(backgrounds, list) or not backgrounds or any(b not in BACKGROUNDS for b in backgrounds):
            problems.append(src.problem(src.key_line("backgrounds", line), f"course '{course_id}' backgrounds must be a list of {', '.join(BACKGROUNDS)}"))
        modules = []
        raw_modules = raw.get("modules", [])
        if not isinstance(raw_modules, list):
            problems.append(src.problem(line, f"course '{course_id}' modules must be [[courses.modules]] tables"))
            raw_modules = []
        for m in raw_modules:
            hours = m.get("hours") if isinstance(m, dict) else None
            if not isinstance(m, dict) or not isinstance(m.get("title"), str) or not isinstance(hours, (int, float)) or not 0 < hours < math.inf:
                problems.append(src.problem(line, f"course '{course_id}' has a module without a title and hours > 0"))
                continue
            teaches = m.get("teaches", [])
            if not isinstance(teaches, list) or any(not isinstance(t, str) or t.count("/") != 1 for t in teaches):
                problems.append(src.problem(line, f"course '{course_id}' module '{m['title']}': teaches must be a "
                                                  f"list of \"exam-id/domain-id\" strings"))
                continue
            modules.append(Module(m["title"], float(hours), tuple(teaches)))
        hours = raw.get("hours")
        if not isinstance(hours, (int, float)) or not 0 < hours < math.inf:
            problems.append(src.problem(src.key_line("hours", line), f"course '{course_id}' hours must be a number > 0"))
            hours = 0
        order = raw.get("order", i + 1)
        if isinstance(order, bool) or not isinstance(order, int):
            problems.append(src.problem(src.key_line("order", line), f"course '{course_id}' order must be a whole number"))
        if len(problems) == before:
            courses.append(Course(
                id=course_id, title=_text(raw, "title", src, line, problems), provider=_text(raw, "provider", src, line, problems),
                phase=str(phase), order=int(order), backgrounds=tuple(backgrounds), hours=float(hours),
                url=_text(raw, "url", src, line, problems, required=False), modules=tuple(modules),
            ))
    return tuple(courses)


@dataclass(frozen=True, slots=True)
class ExamFolder:
    """An exam's folder: its exam.toml and its NN-<domain>.toml card files, sorted."""

    folder: Path
    exam_file: Path
    card_files: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class KnownFile:
    """A card file read before and unchanged since: what the catalog needs from it."""

    domain: str
    label: str
    verified: date | None
    line: int
    recall: int
    scenario: int


@dataclass(frozen=True, slots=True)
class ReadFile:
    """A card file parsed in this read: its domain, `verified` line and cards."""

    exam: str
    path: Path
    deck_file: DeckFile
    cards: tuple[Card, ...]


def as_roots(root: Path | Sequence[Path]) -> tuple[Path, ...]:
    """One decks folder or several (the shipped decks, then the learner's own) as a tuple."""
    return (Path(root),) if isinstance(root, (str, Path)) else tuple(Path(r) for r in root)


def list_decks(root: Path | Sequence[Path]) -> tuple[list[ExamFolder], list[Problem]]:
    """The exam folders under the decks root(s) (hidden and `_` folders left out), no file read.

    With several roots, later ones overlay earlier ones file by file: an exam folder of the
    same id in a later root adds its card files, a card file of the same name replaces the
    earlier one, and its exam.toml (if any) replaces the earlier exam.toml. The first root
    must exist; a later one that does not is simply empty.
    """
    problems: list[Problem] = []
    roots = as_roots(root)
    if not roots[0].is_dir():
        return [], [Problem(str(roots[0]), 0, "decks folder not found")]
    exam_files: dict[str, Path] = {}
    card_files: dict[str, dict[str, Path]] = {}
    orphans: dict[str, Path] = {}
    for base in roots:
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            found = sorted(folder.glob(DECK_GLOB))
            card_files.setdefault(folder.name, {}).update((f.name, f) for f in found)
            if (folder / EXAM_FILE).is_file():
                exam_files[folder.name] = folder / EXAM_FILE
            elif found:
                orphans.setdefault(folder.name, found[0])
    folders = []
    for name in sorted(card_files):
        exam_file = exam_files.get(name)
        if exam_file is None:
            if name in orphans:
                problems.append(Problem(label_of(orphans[name], roots), 1, f"deck file but no {EXAM_FILE} in its folder"
                                        + (f" (nor an exam '{name}' among the shipped decks)" if len(roots) > 1 else "")))
            continue
        folders.append(ExamFolder(exam_file.parent, exam_file, tuple(card_files[name][k] for k in sorted(card_files[name]))))
    return folders, problems


def read_decks(root: Path | Sequence[Path], listing: list[ExamFolder], known: dict[Path, KnownFile],
               fallback_courses: Path | None = None, on_read: Callable[[int], None] | None = None
               ) -> tuple[Catalog, list[Problem], list[ReadFile]]:
    """Read the exams of *listing*: every exam.toml and courses.toml, and the card files
    not in *known* (those are taken as remembered). The catalog's exams carry the cards
    read in `cards` only when every file was read; their `tally` counts all of them.

    *on_read* is called with 1 after each card file parsed (a progress bar's steps).
    Returns the catalog, every problem found and the card files read. A duplicate card
    id between a file read and a *known* one is the caller's to find (it knows the ids).
    """
    problems: list[Problem] = []
    roots = as_roots(root)
    exams: dict[str, Exam] = {}
    folders: dict[str, Path] = {}
    seen: dict[str, str] = {}
    read: list[ReadFile] = []
    for entry in listing:
        folder = entry.folder
        exam = _load_exam(folder, roots, problems)
        if exam is None:
            continue
        cards: list[Card] = []
        files: list[DeckFile] = []
        tally: dict[tuple[str, str], int] = {}
        complete = True
        for path in entry.card_files:
            remembered = known.get(path)
            if remembered is not None:
                complete = False
                files.append(DeckFile(remembered.domain, remembered.label, remembered.verified, remembered.line))
                for style, n in (("recall", remembered.recall), ("scenario", remembered.scenario)):
                    if n:
                        tally[(remembered.domain, style)] = tally.get((remembered.domain, style), 0) + n
                continue
            before = len(files)
            found = _load_cards(path, roots, exam, seen, problems, files)
            if on_read is not None:
                on_read(1)
            if len(files) > before:
                read.append(ReadFile(exam.id, path, files[-1], tuple(found)))
            cards.extend(found)
            for card in found:
                tally[(card.domain, card.style)] = tally.get((card.domain, card.style), 0) + 1
        present = {f.domain for f in files}
        exam_label = label_of(folder / EXAM_FILE, roots)
        for d in exam.domains:
            if d.id and d.id not in present:
                line = _line_of(folder / EXAM_FILE, rf'^\s*id\s*=\s*"{re.escape(d.id)}"')
                problems.append(Problem(exam_label, line, f"domain '{d.id}' has no cards (no NN-*.toml file with domain = \"{d.id}\")"))
        exams[exam.id] = replace(exam, cards=tuple(cards) if complete else (), deck_files=tuple(files),
                                 tally=tuple((d, st, n) for (d, st), n in tally.items()))
        folders[exam.id] = folder
    for exam in exams.values():
        if exam.successor and exam.successor not in exams:
            path = folders[exam.id] / EXAM_FILE
            line = _line_of(path, r"^\s*successor\s*=")
            problems.append(Problem(label_of(path, roots), line, f"successor '{exam.successor}' is not a known exam"))
    # The last root with a courses.toml wins (the learner may keep their own).
    courses_path = next((r / COURSES_FILE for r in reversed(roots) if (r / COURSES_FILE).is_file()), roots[0] / COURSES_FILE)
    if not courses_path.is_file() and fallback_courses is not None:
        courses_path = fallback_courses
    label = str(courses_path.relative_to(courses_path.parent.parent))
    courses = _load_courses(courses_path, label, problems) if courses_path.is_file() else ()
    for course in courses:
        for module in course.modules:
            for link in module.teaches:
                exam_id, domain_id = link.split("/")
                linked = exams.get(exam_id)
                if linked is not None and domain_id not in {d.id for d in linked.domains}:
                    line = _line_of(courses_path, rf'^\s*teaches\s*=.*"{re.escape(link)}"')
                    problems.append(Problem(label, line, f"module '{module.title}' teaches unknown domain '{link}'"))
    return Catalog(exams=exams, courses=courses), problems, read


def load_catalog(root: Path | Sequence[Path], fallback_courses: Path | None = None) -> tuple[Catalog, list[Problem]]:
    """Read every exam folder under the decks root(s) (see `list_decks` for how several
    overlay); return the catalog and all problems found.

    A folder of the learner's own exams may omit courses.toml; then *fallback_courses*
    (the shipped one) is used.
    """
    listing, problems = list_decks(root)
    if not as_roots(root)[0].is_dir():
        return Catalog(), problems
    catalog, more, _ = read_decks(root, listing, {}, fallback_courses)
    return catalog, problems + more


def _line_of(path: Path, pattern: str) -> int:
    """The first line of *path* matching *pattern*, 1 when none does."""
    regex = re.compile(pattern)
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if regex.match(line):
                return number
    except OSError:
        pass
    return 1
