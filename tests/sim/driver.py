"""Follow a plan day by day through the real CLI, answering every card with a simulated memory.

Everything goes through ``studyplan.cli.cli`` in process (``click.testing.CliRunner``), on a
fresh database the caller names, exactly as a learner would type it:

    studyplan --today START plan create --exam ... --start START --exam-date ...
    for each day D from START to the day before the exam:
        studyplan --today D today --format json     # status, ahead_by, the day's tasks
        studyplan --today D review                  # answered card by card (see below)
        studyplan --today D done                    # only if the CLI has a `done` command
    studyplan --today EXAM export reviews --format json

With *miss* (see :func:`run_plan`) the learner does nothing at all on those days (no
command is run), and on the first day after them runs ``today`` (the morning's honest
status), then ``replan`` with the options given (taking the refusal's first remedy when it
is refused, as a learner reading it would), and follows the new plan to the exam. The
workload figures are then measured from that day on, against the replanned plan.

How the review session is answered
----------------------------------
Standard input is not a terminal under CliRunner, so `review` uses the line console: a
header line per card (``[n done / m left · about k min] exam › domain[ new| re-ask| drill]``),
then ``Q: <front>`` (wrapped), and it reads one line per action. The input given to
CliRunner is a :class:`LearnerInput`, a binary stream whose ``read`` is called by the
text wrapper CliRunner puts around it each time the session wants a line. At that moment
the session has already printed the card, so ``read`` looks at what was written to the
captured standard output since the last call (``sys.stdout.buffer``, the BytesIO that
CliRunner's isolation installs), finds the last card header and its question, maps
(exam, domain, front) to the card id through the shipped catalog, asks the memory model
for a grade and returns ``"\\n"`` (reveal) and ``"<grade>\\n"``. If there is no new card
in the output (an unexpected prompt), it answers ``q`` so a session can never hang, and
counts an anomaly.

A card is a re-ask when its header says ``re-ask`` (or, should the header be cut, when
it was already shown in this session); a drill when its header says ``drill``; a new card
when the memory model has never met it; otherwise a scheduled review.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from studyplan import forecast as planner  # the per-item minutes the plan is made with
from studyplan.cli import cli
from studyplan.decks import load_catalog, shipped_decks_dir
from studyplan.renames import current_names

from .memory import Learner

NEW_MIN = getattr(planner, "NEW_CARD_MINUTES", 1.5)
REVIEW_MIN = getattr(planner, "REVIEW_MINUTES", 0.5)
REASK_MIN = getattr(planner, "REASK_MINUTES", 0.25)
DRILL_MIN = getattr(planner, "DRILL_MINUTES", 0.5)

HEADER = re.compile(r"^\[(\d+) done / (\d+) left · about (\d+) min\] (\S+) › (\S+)(.*)$")


def _norm(text: str) -> str:
    return " ".join(text.split())


class CardIndex:
    """Card id from what the session shows: (exam, domain, front) with whitespace normalised."""

    def __init__(self, decks_dir: Path | None = None):
        catalog, problems = load_catalog(decks_dir or shipped_decks_dir())
        if problems:
            raise RuntimeError(f"decks have problems: {problems[0]}")
        self.catalog = catalog
        self.by_key: dict[tuple[str, str, str], str] = {}
        self.by_front: dict[str, str] = {}
        for exam in catalog.exams.values():
            for card in exam.cards:
                # The screen shows a renamed product as "NEW (OLD)": index that text too.
                shown = current_names(card.front, exam.renames, date(2099, 12, 31))
                for front in {_norm(card.front), _norm(shown)}:
                    self.by_key[(card.exam, card.domain, front)] = card.id
                    self.by_front[front] = card.id

    def find(self, exam: str, domain: str, front: str) -> str | None:
        front = _norm(front)
        return self.by_key.get((exam, domain, front)) or self.by_front.get(front)

    def exam_cards(self, exam_id: str) -> list[str]:
        return [c.id for c in self.catalog.exam(exam_id).cards]


@dataclass
class Shown:
    card_id: str
    kind: str      # "new" | "review" | "reask" | "drill"
    grade: int


class SessionAnswerer:
    """Reads the session's output so far and decides the next line(s) of input."""

    def __init__(self, learner: Learner, index: CardIndex, day: date):
        self.learner = learner
        self.index = index
        self.day = day
        self.pos = 0
        self.shown: list[Shown] = []
        self.seen_today: set[str] = set()
        self.anomalies: list[str] = []

    def _new_output(self) -> str:
        sys.stdout.flush()
        buf = sys.stdout.buffer
        with buf.getbuffer() as view:
            chunk = bytes(view[self.pos:])
        self.pos += len(chunk)
        return chunk.decode("utf-8", "replace")

    def next_lines(self) -> str | None:
        lines = self._new_output().splitlines()
        head_at = max((i for i, line in enumerate(lines) if HEADER.match(line)), default=None)
        if head_at is None:
            self.anomalies.append(f"{self.day}: no card in the output: {lines[-3:]!r}")
            return "q\n"
        m = HEADER.match(lines[head_at])
        exam, domain, tail = m.group(4), m.group(5), m.group(6).strip()
        q_lines = []
        for line in lines[head_at + 1:]:
            if not q_lines:
                if not line.startswith("Q: "):
                    break
                q_lines.append(line[3:])
            elif line.startswith("   "):
                q_lines.append(line)
            else:
                break
        card_id = self.index.find(exam, domain, " ".join(q_lines))
        if card_id is None:
            self.anomalies.append(f"{self.day}: unknown card {exam}/{domain}: {' '.join(q_lines)[:60]!r}")
            return "q\n"
        tags = set(tail.split())
        if "re-ask" in tags or (card_id in self.seen_today and "drill" not in tags):
            kind, grade = "reask", self.learner.reask(card_id, self.day)
        elif "drill" in tags:
            kind, grade = "drill", self.learner.drill(card_id, self.day)
        elif not self.learner.seen(card_id):
            kind, grade = "new", self.learner.first_exposure(card_id, self.day)
            if "new" not in tags:
                self.anomalies.append(f"{self.day}: {card_id} is new to the learner but not tagged new")
        else:
            kind, grade = "review", self.learner.review(card_id, self.day)
        self.seen_today.add(card_id)
        self.shown.append(Shown(card_id, kind, grade))
        return f"\n{grade}\n"


class LearnerInput(io.BufferedIOBase):
    """Standard input for CliRunner that answers from the output written so far."""

    def __init__(self, answerer: SessionAnswerer):
        super().__init__()
        self.answerer = answerer
        self.pending = b""
        self.ended = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size == 0:
            return b""
        if not self.pending and not self.ended:
            lines = self.answerer.next_lines()
            if lines is None:
                self.ended = True
            else:
                self.pending = lines.encode()
        if size is None or size < 0:
            out, self.pending = self.pending, b""
        else:
            out, self.pending = self.pending[:size], self.pending[size:]
        return out

    read1 = read


@dataclass
class DayRecord:
    day: date
    status: str
    ahead_by: int
    tasks: list
    new: int = 0
    reviews: int = 0
    reasks: int = 0
    drills: int = 0
    course_minutes: int = 0
    planned_drills: int = 0
    planned_new: int = 0
    new_exam: int = 0              # of `new`, cards of the plan's exam (not foundations)
    done_ran: bool = False

    @property
    def minutes(self) -> float:
        return (self.course_minutes + self.new * NEW_MIN + self.reviews * REVIEW_MIN
                + self.reasks * REASK_MIN + self.drills * DRILL_MIN)


@dataclass
class SimResult:
    name: str
    refused: str | None = None
    start: date | None = None
    exam_date: date | None = None
    minutes_per_day: int = 0
    days: list[DayRecord] = field(default_factory=list)
    first_new_day: int | None = None         # days from the start
    last_new_before_exam: int | None = None  # days before the exam
    first_exam_new_day: int | None = None    # the same, counting the exam's own cards only
    last_exam_new_before_exam: int | None = None
    introduced: int = 0
    introduced_exam: int = 0
    exam_cards: int = 0
    days_over: int = 0
    worst_day: tuple[date, float] | None = None
    reviews_done: int = 0
    reviews_forecast: int = 0
    reasks_done: int = 0
    behind_mornings: int = 0
    behind_beyond_today: int = 0             # mornings behind by more than the day's own new cards
    drills_planned: int = 0
    drills_done: int = 0
    mature_share: float = 0.0                # introduced exam cards with SM-2 interval >= 21 d on exam day
    true_recall_exam: float = 0.0
    true_recall_30: float = 0.0
    est_recall_exam: float = 0.0
    est_recall_30: float = 0.0
    planned_new: int = 0
    anomalies: list[str] = field(default_factory=list)
    seconds: float = 0.0
    has_done: bool = False
    # Missed days and the replan after them (empty without *miss*).
    missed: tuple[date, ...] = ()
    replan_day: date | None = None           # the workload figures above count from this day
    return_today: dict = field(default_factory=dict)   # `today --format json` before the replan
    replan_refusal: str = ""                 # the refusal of the first `replan`, if any
    replan_remedy: list[str] = field(default_factory=list)  # the remedy then added, e.g. ["--minutes-per-day", "52"]
    plan_before: dict = field(default_factory=dict)    # `plan show --format json` before / after the replan
    plan_after: dict = field(default_factory=dict)
    course_log_at_return: dict = field(default_factory=dict)  # (course, module) -> minutes checked off, from the store
    course_log_at_exam: dict = field(default_factory=dict)


def _is_drill(task: dict) -> bool:
    if task["kind"] == "drill":
        return True
    return task["kind"] == "reviews" and (bool(task.get("domain")) or task["title"].startswith("Drill"))


@contextmanager
def cached_catalog():
    """Parse each decks folder once per process instead of once per command.

    Every studyplan command re-reads and re-parses all the shipped TOML decks (about 0.4 s,
    70 % of a simulated day). Within a simulation the decks never change, so
    `studyplan.decks.load_catalog` is wrapped with a cache keyed by the folder and every
    file's (path, size, mtime): the CLI gets the same frozen Catalog it would have parsed,
    and an edited deck would still be re-read. The original is restored on exit.
    """
    from studyplan import decks

    original = decks.load_catalog
    cache: dict = {}

    def load(root, fallback_courses=None):
        root = Path(root)
        files = [root] + ([Path(fallback_courses)] if fallback_courses else [])
        stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns)
                      for top in files if top.exists()
                      for f in ([top] if top.is_file() else sorted(top.rglob("*.toml"))))
        key = (str(root), str(fallback_courses), stamp)
        if key not in cache:
            cache[key] = original(root, fallback_courses)
        catalog, problems = cache[key]
        return catalog, list(problems)

    decks.load_catalog = load
    try:
        yield
    finally:
        decks.load_catalog = original


class _Cli:
    def __init__(self, db: Path, env: dict | None):
        self.base = ["--db", str(db)]
        self.runner = CliRunner()
        self.env = {"STUDYPLAN_DB": None, "STUDYPLAN_DECKS": None, "STUDYPLAN_TODAY": None,
                    "STUDYPLAN_LEARNER": None, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}

    def __call__(self, day: date, *args: str, input=None, check: bool = True):
        result = self.runner.invoke(cli, self.base + ["--today", day.isoformat(), *args], input=input, env=self.env,
                                    catch_exceptions=False)
        if check and result.exit_code != 0:
            raise RuntimeError(f"studyplan {' '.join(args)} on {day} exited {result.exit_code}: "
                               f"{result.stderr.strip() or result.stdout.strip()}")
        return result


def run_plan(db_path: Path, plan_args: list[str], start: date, *, name: str = "", seed: int = 7,
             env: dict | None = None, index: CardIndex | None = None, cache_catalog: bool = True,
             miss: Sequence[date] = (), replan_args: Sequence[str] = ()) -> SimResult:
    """Create a plan with *plan_args* on a fresh database and follow it to the exam.

    *plan_args* are `plan create` options without `--start` (``--start START`` and
    ``--today START`` are added). A refused plan returns a result whose ``refused`` holds
    the CLI's message. *cache_catalog* parses the decks once instead of once per command
    (see :func:`cached_catalog`; the results are the same, about three times faster).

    *miss*: days the learner skips entirely. On the first day after the last of them the
    learner runs ``today``, then ``replan *replan_args*``; a refusal's first remedy is
    added and ``replan`` run again (a second refusal raises). The days from the replan on
    are followed on the new plan, and the workload figures (days over, reviews against the
    forecast, drills, mornings behind) count from the replan day.
    """
    with cached_catalog() if cache_catalog else nullcontext():
        return _run_plan(db_path, plan_args, start, name, seed, env, index, tuple(sorted(miss)), list(replan_args))


def _planned(plan: dict, since: date, until: date = date.max) -> tuple[int, int, int]:
    """(reviews, drills, new cards) the plan forecasts on its days from *since* to before *until*."""
    reviews = drills = new = 0
    for d in plan["days"]:
        if not since <= date.fromisoformat(d["date"]) < until:
            continue
        for t in d["tasks"]:
            if t["kind"] in ("reviews", "drill"):
                if _is_drill(t):
                    drills += t["count"]
                else:
                    reviews += t["count"]
            elif t["kind"] == "new_cards":
                new += t["count"]
    return reviews, drills, new


def course_log(db_path: Path) -> dict[tuple[str, int], int]:
    """(course id, module) -> minutes checked off, read from the store (practice exams left out)."""
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute("SELECT course_id, module, SUM(minutes) FROM course_log "
                           "WHERE course_id NOT LIKE '@%' GROUP BY course_id, module").fetchall()
    finally:
        con.close()
    return {(c, int(m)): int(n) for c, m, n in rows}


_REMEDY = re.compile(r"command: (--\S+) (\S+) \(")


def _replan(run: _Cli, day: date, args: list[str], res: SimResult) -> None:
    """`replan` as a learner does it: once as asked, and with the first remedy if refused."""
    first = run(day, "replan", *args, check=False)
    if first.exit_code == 0:
        return
    res.replan_refusal = (first.stderr.strip() or first.stdout.strip()).removeprefix("Error: ")
    found = _REMEDY.search(res.replan_refusal)
    if found is None:
        raise RuntimeError(f"replan on {day} was refused with no remedy: {res.replan_refusal}")
    res.replan_remedy = [found.group(1), found.group(2)]
    run(day, "replan", *args, *res.replan_remedy)


def _run_plan(db_path, plan_args, start, name, seed, env, index, miss=(), replan_args=()) -> SimResult:
    import time

    t0 = time.perf_counter()
    db_path = Path(db_path)
    if db_path.exists():
        raise FileExistsError(f"{db_path}: the simulation needs a fresh database")
    run = _Cli(db_path, env)
    index = index or CardIndex()
    learner = Learner(seed)
    res = SimResult(name=name, start=start)

    created = run(start, "plan", "create", *plan_args, "--start", start.isoformat(), check=False)
    if created.exit_code != 0:
        res.refused = (created.stderr.strip() or created.stdout.strip()).removeprefix("Error: ")
        res.seconds = time.perf_counter() - t0
        return res
    plan = json.loads(run(start, "plan", "show", "--format", "json").stdout)
    exam_id = plan["exam"]
    res.exam_date = exam_date = date.fromisoformat(plan["exam_date"])
    res.minutes_per_day = mpd = int(plan["minutes_per_day"])
    res.reviews_forecast, res.drills_planned, res.planned_new = _planned(plan, start)
    res.missed = miss
    res.has_done = "done" in cli.commands
    exam_cards = index.exam_cards(exam_id)
    exam_set = set(exam_cards)

    day = start
    while day < exam_date:
        if day in miss:
            res.days.append(DayRecord(day, "missed", 0, []))
            day += timedelta(days=1)
            continue
        if miss and day > miss[-1] and res.replan_day is None:
            res.return_today = json.loads(run(day, "today", "--format", "json").stdout)
            res.course_log_at_return = course_log(db_path)
            res.plan_before = plan
            _replan(run, day, list(replan_args), res)
            plan = res.plan_after = json.loads(run(day, "plan", "show", "--format", "json").stdout)
            res.replan_day = day
            res.minutes_per_day = mpd = int(plan["minutes_per_day"])
            res.reviews_forecast, res.drills_planned, _new = _planned(plan, day)
            # New cards planned: on the days followed before the miss, then on the new plan.
            res.planned_new = _planned(res.plan_before, start, miss[0])[2] + _new
        today = json.loads(run(day, "today", "--format", "json").stdout)
        rec = DayRecord(day, today["status"], int(today["ahead_by"]), today["tasks"])
        rec.course_minutes = sum(t["minutes"] for t in today["tasks"] if t["kind"] in ("course", "practice_exam"))
        rec.planned_drills = sum(t["count"] for t in today["tasks"] if _is_drill(t))
        rec.planned_new = sum(t["count"] for t in today["tasks"] if t["kind"] == "new_cards")
        answerer = SessionAnswerer(learner, index, day)
        run(day, "review", input=LearnerInput(answerer))
        for s in answerer.shown:
            if s.kind == "new":
                rec.new += 1
                rec.new_exam += s.card_id in exam_set
            elif s.kind == "review":
                rec.reviews += 1
            elif s.kind == "reask":
                rec.reasks += 1
            else:
                rec.drills += 1
        res.anomalies.extend(answerer.anomalies)
        if res.has_done:
            run(day, "done")
            rec.done_ran = True
        res.days.append(rec)
        day += timedelta(days=1)

    # ---------------------------------------------------------------- metrics
    new_days = [r.day for r in res.days if r.new]
    if new_days:
        res.first_new_day = (new_days[0] - start).days
        res.last_new_before_exam = (exam_date - new_days[-1]).days
    exam_new_days = [r.day for r in res.days if r.new_exam]
    if exam_new_days:
        res.first_exam_new_day = (exam_new_days[0] - start).days
        res.last_exam_new_before_exam = (exam_date - exam_new_days[-1]).days
    res.introduced = sum(r.new for r in res.days)
    # The workload figures count from the replan day when there was one (the forecast does too).
    measured = [r for r in res.days if res.replan_day is None or r.day >= res.replan_day]
    res.reviews_done = sum(r.reviews for r in measured)
    res.reasks_done = sum(r.reasks for r in measured)
    res.drills_done = sum(r.drills for r in measured)
    res.behind_mornings = sum(1 for r in measured if r.status == "behind")
    res.behind_beyond_today = sum(1 for r in measured if r.ahead_by < -r.planned_new)
    # Over means over by the half minute the learner's clock (and `today`, in whole minutes)
    # would show: a day the simulated answers ran 12 seconds long is not a day over.
    over = [r for r in measured if r.minutes >= mpd + 0.5]
    res.days_over = len(over)
    worst = max(measured, key=lambda r: r.minutes, default=None)
    if worst is not None:
        res.worst_day = (worst.day, worst.minutes)

    res.exam_cards = len(exam_cards)
    history = json.loads(run(exam_date, "export", "reviews", "--format", "json").stdout)
    # Self-check: every answer the driver gave is in the product's log, and nothing else.
    graded = sum(1 for row in history if not row["practice"])
    practice = len(history) - graded
    answered = res.introduced + sum(r.reviews for r in res.days)
    answered_practice = sum(r.reasks + r.drills for r in res.days)
    if graded != answered or practice != answered_practice:
        res.anomalies.append(f"log has {graded} graded + {practice} practice rows; the driver answered "
                             f"{answered} + {answered_practice}")
    res.course_log_at_exam = course_log(db_path)
    last: dict[str, tuple[date, int]] = {}
    for row in history:
        if not row["practice"]:
            last[row["card_id"]] = (date.fromisoformat(row["reviewed_at"][:10]), int(row["interval"]))
    introduced_exam = [c for c in exam_cards if c in last]
    res.introduced_exam = len(introduced_exam)
    res.mature_share = (sum(1 for c in introduced_exam if last[c][1] >= 21) / len(introduced_exam)
                        if introduced_exam else 0.0)

    def estimate(card: str, on: date) -> float:
        if card not in last:
            return 0.0
        seen, interval = last[card]
        return 0.9 ** ((on - seen).days / max(1, interval))

    later = exam_date + timedelta(days=30)
    n = len(exam_set) or 1
    res.true_recall_exam = sum(learner.recall_on(c, exam_date) for c in exam_cards) / n
    res.true_recall_30 = sum(learner.recall_on(c, later) for c in exam_cards) / n
    res.est_recall_exam = sum(estimate(c, exam_date) for c in exam_cards) / n
    res.est_recall_30 = sum(estimate(c, later) for c in exam_cards) / n
    res.seconds = time.perf_counter() - t0
    return res


def args_that_fit(scratch_db: Path, plan_args: list[str], start: date, prefer: str) -> tuple[list[str], str]:
    """*plan_args*, or with the remedy named *prefer* (e.g. "--new-cards") added when the
    plan is refused: what a learner does who reads the refusal and takes its advice.
    Returns the arguments and the refusal message ("" when none)."""
    from click.testing import CliRunner

    base = ["--db", str(scratch_db), "--today", start.isoformat(), "plan", "create", "--yes",
            "--start", start.isoformat()]
    result = CliRunner().invoke(cli, [*base, *plan_args])
    if result.exit_code == 0:
        return plan_args, ""
    message = result.stderr.strip()
    found = re.search(re.escape(prefer) + r" (\S+) \(", message)
    if found is None:
        raise AssertionError(f"the refusal offers no {prefer}: {message}")
    return [*plan_args, prefer, found.group(1)], message
