"""The study plan: a pure, day-by-day schedule from the catalog and a learner's profile.

No I/O, no clock, no database: the start date (and ``today`` for :func:`replan`) come in
as arguments, and the result is a frozen :class:`Plan` that the store saves and the
calendar renderers print.

How a plan is built
-------------------

* **Dates.** Every date from the start to the exam day is a :class:`Day`. A date whose
  weekday is not a study weekday, or that is a day off, holds a single ``rest`` task of
  0 minutes (phase: the surrounding period). The exam day is the last day: phase
  ``exam``, one ``exam`` task. Its ``minutes`` are 0 because sitting the exam is not study
  time; the title carries the exam's length.
* **Final review.** The last :data:`FINAL_REVIEW_DAYS` days before the exam (exam - 7 to
  exam - 1) are ``final_review``: the SM-2 reviews forecast for those days, drills for
  every introduced card whose forecast next review falls after the exam (so no card goes
  unreviewed in the last week), and :data:`MIN_PRACTICE_EXAMS` timed practice exams (on
  the first final study day and the last but one, so the eve of the exam stays lighter).
  No new cards. On a practice day, reviews and drills may take at most half of the day
  (:data:`PRACTICE_RESERVE_SHARE`); the practice exam then gets ``min(exam duration, what
  the day has left)``, so it is never shorter than min(duration, half the day). Drills (``reviews`` tasks with the domain set, highest-weight domains
  first) level the final week's days: each day is filled up to the lowest common total
  that holds them all.
* **Phases before that**, in order: ``foundations`` (pivoting only: the foundations
  courses and the foundations deck's new cards, the day's free minutes split between the
  two in proportion to what is left of each so they end together), ``core`` (the core
  courses' modules), ``domains`` (the exam's new cards). A day's phase is the phase of
  the work it starts with; when a phase's work ends part-way through a day, the rest of
  that day goes to the next phase's work. So the last course module of a phase may share
  its day with the next phase's first work, and a module longer than a day's free
  minutes continues on the following study days ("(continued)" in the title), into the
  next phase's days if that is where it fits (with foundations cards, the split above
  makes both end together). Choice: exam cards do *not* start during ``core``; they come
  once the core courses that teach their material are done (at the earliest in the tail
  of the last ``core`` day). Starting them earlier would spread their reviews over more
  days, but the cap search below already flattens the daily load, and cards met after
  the course are understood rather than memorised.
* **New cards per domain** are introduced in proportion to the domains' weights among the
  domains that still have cards (a fractional credit carries over from day to day), so
  the highest-weight domains are never left to the end; one ``new_cards`` task per domain.
* **Reviews** are forecast by simulating SM-2 with every review graded
  :data:`FORECAST_GRADE` (4). Introducing a card counts as its first graded review
  (SM-2 repetition 1), so a card introduced on day *t* is next due on *t* + 1, then
  *t* + 7, *t* + 22, *t* + 60, ... A review due on a rest day is done on the next study
  day, and (as :mod:`studyplan.sm2` reads the paper) its next interval counts from that
  day. All cards introduced on the same day share one trajectory, so the forecast is one
  short :func:`studyplan.sm2.review` chain per introduction day, plus counts.
* **Limits.** A card is introduced on day *t* only if its forecast has at least two
  reviews before the exam (with grade-4 intervals 1 and 6: at least 7 days before its
  second review, which lands before the exam day), and only if every day its forecast
  reviews land on can still hold them. Every day's total stays within
  ``minutes_per_day``. Minutes are rounded up per task.
* **Spreading.** The pre-final days are filled greedily up to a daily cap *L* (reviews
  first, then the course block, then new cards), and *L* is the smallest cap, found by
  bisection, at which all the work still fits before the final review. So a plan with
  room to spare is evenly loaded instead of front-loaded; ``minutes_per_day`` is the hard
  limit and the final review may use all of it.
* **Length.** Without an exam date, the exam date is the first date that holds all the
  work plus the final review, clamped to :func:`length_range`. With an exam date outside
  that range the plan is refused unless ``force``. Starting on the exam's eve or later
  leaves no room and is refused even with ``force``.
* **When the work does not fit**, :class:`PlanError` (or :class:`ReplanError` from
  :func:`replan`) says by how many minutes and days it is short and offers the choices:
  more minutes a day, a later exam date, fewer new cards in the lowest-weight domains.
  A day is never silently overloaded.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from studyplan.catalog import Course, Exam
from studyplan.errors import StudyplanError
from studyplan.sm2 import Sm2State, review

PHASES = ("foundations", "core", "domains", "final_review", "exam")
TASK_KINDS = ("course", "new_cards", "reviews", "practice_exam", "rest", "exam")

# Minutes per new card: reading a card for the first time (often a multi-sentence scenario
# and an explained answer), making sense of it and grading it, i.e. its first SM-2 review.
# 60-120 s is typical for cards of this kind; 1.5 min is the middle of that.
NEW_CARD_MINUTES = 1.5
# Minutes per due review: recall, reveal, grade, plus the occasional same-day re-ask of a
# card graded below 4. Spaced-repetition users report 10-20 s for short recall cards;
# scenario cards take longer, so 30 s on average.
REVIEW_MINUTES = 0.5
# A drill in the final week is a review outside the SM-2 schedule: same cost.
DRILL_MINUTES = REVIEW_MINUTES
# The forecast assumes every review is graded 4 ("correct after some hesitation"): the
# E-Factor then stays at 2.5 and the intervals are 1, 6, 15, 38, 95, ... days.
FORECAST_GRADE = 4
FINAL_REVIEW_DAYS = 7
MIN_PRACTICE_EXAMS = 2
# On a practice-exam day, forecast reviews may use at most this share of the day, so the
# practice exam always gets at least min(exam duration, half the day).
PRACTICE_RESERVE_SHARE = 0.5
# The practice exam's length when the exam's duration is unknown (0 in exam.toml).
DEFAULT_EXAM_MINUTES = 120

LENGTH_RANGES = {"experienced": (28, 56), "pivoting": (91, 183)}
LENGTH_NAMES = {"experienced": "4-8 weeks", "pivoting": "3-6 months"}
LENGTH_REASON = (
    "candidates with working ML knowledge report 4-8 weeks of focused study; pivoting from "
    "non-ML backgrounds takes 3-6 months, including foundations"
)

REST_TITLE = "Rest day (not a study day)"
DAY_OFF_TITLE = "Day off"
FREE_TITLE = "Nothing due: free day"


class PlanError(StudyplanError):
    """A plan that cannot be made as asked; the message is one sentence saying why.

    When the work does not fit, ``minutes_short`` and ``days_short`` say by how much
    (both 0 for other refusals).
    """

    def __init__(self, message: str, minutes_short: int = 0, days_short: int = 0):
        super().__init__(message)
        self.minutes_short = minutes_short
        self.days_short = days_short


class ReplanError(PlanError):
    """What is left cannot fit in the days left before the exam (see :func:`replan`)."""


@dataclass(frozen=True)
class Task:
    kind: str
    title: str
    domain: str = ""
    count: int = 0
    minutes: int = 0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "domain": self.domain,
                "count": self.count, "minutes": self.minutes}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Task":
        return cls(kind=str(data["kind"]), title=str(data["title"]), domain=str(data.get("domain", "")),
                   count=int(data.get("count", 0)), minutes=int(data.get("minutes", 0)))


@dataclass(frozen=True)
class Day:
    date: date
    phase: str
    tasks: tuple[Task, ...]

    @property
    def minutes(self) -> int:
        """The day's total: the sum of its tasks' minutes."""
        return sum(t.minutes for t in self.tasks)

    @property
    def is_rest(self) -> bool:
        """True for a date that is not a study day (its one task is a rest task)."""
        return len(self.tasks) == 1 and self.tasks[0].kind == "rest" and self.tasks[0].title != FREE_TITLE

    def to_dict(self) -> dict:
        return {"date": self.date.isoformat(), "phase": self.phase, "minutes": self.minutes,
                "tasks": [t.to_dict() for t in self.tasks]}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Day":
        return cls(date=date.fromisoformat(data["date"]), phase=str(data["phase"]),
                   tasks=tuple(Task.from_dict(t) for t in data["tasks"]))


@dataclass(frozen=True)
class Plan:
    exam: str
    background: str
    start: date
    exam_date: date
    minutes_per_day: int
    study_weekdays: tuple[int, ...]
    days_off: tuple[date, ...]
    days: tuple[Day, ...]

    def to_dict(self) -> dict:
        """The JSON contract scripts depend on (keys exactly these)."""
        return {
            "exam": self.exam,
            "background": self.background,
            "start": self.start.isoformat(),
            "exam_date": self.exam_date.isoformat(),
            "minutes_per_day": self.minutes_per_day,
            "days": [d.to_dict() for d in self.days],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Plan":
        """The inverse of :meth:`to_dict`.

        The contract has no study weekdays or days off: they are read from optional
        ``study_weekdays`` / ``days_off`` keys when present, and otherwise recovered from
        the rest days' titles (a weekday with any study day on it is a study weekday).
        """
        days = tuple(Day.from_dict(d) for d in data["days"])
        if "study_weekdays" in data:
            weekdays = tuple(sorted(int(w) for w in data["study_weekdays"]))
        else:
            weekdays = tuple(sorted({d.date.weekday() for d in days
                                     if not (d.tasks and d.tasks[0].kind == "rest" and d.tasks[0].title == REST_TITLE)}))
        if "days_off" in data:
            days_off = tuple(date.fromisoformat(x) for x in data["days_off"])
        else:
            days_off = tuple(d.date for d in days if d.tasks and d.tasks[0].kind == "rest"
                             and d.tasks[0].title == DAY_OFF_TITLE)
        return cls(exam=str(data["exam"]), background=str(data["background"]),
                   start=date.fromisoformat(data["start"]), exam_date=date.fromisoformat(data["exam_date"]),
                   minutes_per_day=int(data["minutes_per_day"]), study_weekdays=weekdays,
                   days_off=days_off, days=days)


@dataclass(frozen=True)
class Profile:
    background: str
    start: date
    exam_date: date | None = None
    minutes_per_day: int = 60
    study_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    days_off: tuple[date, ...] = ()
    force: bool = False


@dataclass(frozen=True)
class Progress:
    """What is already done, for :func:`replan` (empty for a new plan).

    ``introduced``: domain id -> new cards already introduced (exam and foundations decks;
    their domain ids must differ). ``states``: the SM-2 states of the introduced cards.
    ``done_modules``: (course id, module title) pairs already done.
    """

    introduced: Mapping[str, int] = field(default_factory=dict)
    states: tuple[Sm2State, ...] = ()
    done_modules: frozenset[tuple[str, str]] = frozenset()


def length_range(background: str) -> tuple[int, int]:
    """The plan's length in days for *background*: experienced 28-56, pivoting 91-183."""
    try:
        return LENGTH_RANGES[background]
    except KeyError:
        raise PlanError(f"unknown background {background!r}: use one of {', '.join(LENGTH_RANGES)}") from None


def _ceil_minutes(count: int, per: float) -> int:
    return math.ceil(round(count * per, 9))


def _max_count(minutes: int, per: float) -> int:
    """The most items of *per* minutes whose rounded-up total fits in *minutes*."""
    if minutes <= 0:
        return 0
    return int(math.floor(round(minutes / per, 9)))


# --------------------------------------------------------------------------- calendar


class _Calendar:
    """Study days and grade-4 review trajectories from a fixed start, up to a horizon."""

    def __init__(self, start: date, horizon: int, weekdays: Sequence[int], days_off: Sequence[date]):
        self.start = start
        self.horizon = horizon
        wd = set(weekdays)
        off = set(days_off)
        self.dates = [start + timedelta(days=i) for i in range(horizon + 1)]
        self.study = [d.weekday() in wd and d not in off for d in self.dates]
        self.off = [d in off for d in self.dates]
        nxt = [horizon + 1] * (horizon + 2)
        for i in range(horizon, -1, -1):
            nxt[i] = i if self.study[i] else nxt[i + 1]
        self.next_study = nxt
        self._intro: dict[int, tuple[int, ...]] = {}
        self._cut: dict[int, list[tuple[int, ...]]] = {}

    def follow(self, state: Sm2State) -> tuple[int, ...]:
        """Day indices of the grade-4 reviews after *state*, up to the horizon."""
        out = []
        while state.due is not None:
            j = max(0, (state.due - self.start).days)
            if j > self.horizon:
                break
            k = self.next_study[j]
            if k > self.horizon:
                break
            out.append(k)
            state = review(state, FORECAST_GRADE, self.dates[k])
        return tuple(out)

    def intro(self, t: int) -> tuple[int, ...]:
        """Review days of a card introduced (first graded) on day *t*."""
        traj = self._intro.get(t)
        if traj is None:
            traj = self.follow(review(Sm2State(), FORECAST_GRADE, self.dates[t]))
            self._intro[t] = traj
        return traj

    def intro_before(self, exam: int) -> list[tuple[int, ...]]:
        """For each day before *exam*, the review days (before *exam*) of its new cards."""
        cut = self._cut.get(exam)
        if cut is None:
            cut = []
            for t in range(exam):
                traj = self.intro(t) if self.study[t] else ()
                cut.append(traj[: bisect_left(traj, exam)])
            self._cut[exam] = cut
        return cut


# --------------------------------------------------------------------------- work


@dataclass
class _Deck:
    exam_name: str
    ids: list[str]
    names: list[str]
    weights: list[float]
    remaining: list[int]


@dataclass
class _Phase:
    name: str
    modules: list[tuple[str, str, int]]  # (course title, module title, minutes)
    deck: _Deck | None


@dataclass
class _Work:
    phases: list[_Phase]
    base_reviews: list[int]        # forecast reviews per day index from progress states
    base_drills_by_exam: dict[int, int]  # exam index -> states with no review in its final week
    duration: int
    names: dict[str, str]          # domain id -> name
    weights: dict[str, float]
    practice_done: int = 0         # practice exams already held in the final week (replan)


@dataclass
class _Result:
    ok: bool
    minutes_short: int
    final_short: int  # the part of minutes_short that falls in the final review week
    tasks: list[list[Task]]
    labels: list[str | None]


def _split(n: int, deck: _Deck, credit: list[float]) -> list[int]:
    """Share *n* new cards among the deck's domains with cards left, by weight."""
    k = len(deck.ids)
    give = [0] * k
    active = [i for i in range(k) if deck.remaining[i] > 0]
    if not active or n <= 0:
        return give
    total_w = sum(deck.weights[i] for i in active)
    target = [0.0] * k
    for i in active:
        share = deck.weights[i] / total_w if total_w > 0 else 1 / len(active)
        target[i] = credit[i] + n * share
        give[i] = min(deck.remaining[i], max(0, int(math.floor(target[i]))))
    left = n - sum(give)
    while left > 0:
        room = [i for i in active if give[i] < deck.remaining[i]]
        if not room:
            break
        w = sum(deck.weights[i] for i in room)
        gave = 0
        for i in room:
            share = deck.weights[i] / w if w > 0 else 1 / len(room)
            g = min(deck.remaining[i] - give[i], int(left * share))
            give[i] += g
            gave += g
        left -= gave
        if left > 0 and gave == 0:
            room.sort(key=lambda i: (target[i] - give[i], deck.weights[i]), reverse=True)
            for i in room:
                if left == 0:
                    break
                give[i] += 1
                left -= 1
    return give


def _add_reviews(day: list, count: int) -> int:
    """Append the day's forecast reviews (if any) to *day*; return their minutes."""
    minutes = _ceil_minutes(count, REVIEW_MINUTES)
    if count:
        day.append(Task("reviews", f"Reviews: {count} cards due (SM-2 forecast)", "", count, minutes))
    return minutes


def _simulate(cal: _Calendar, exam: int, cap: int, mpd: int, work: _Work, min_phase: int = 0) -> _Result:
    """Fill days 0..exam-1 (exam = the exam day's index) under a pre-final daily cap."""
    fs = max(0, exam - FINAL_REVIEW_DAYS)
    traj = cal.intro_before(exam)
    rev = work.base_reviews[:exam] + [0] * max(0, exam - len(work.base_reviews))
    final_study = [i for i in range(fs, exam) if cal.study[i]]
    needed = max(0, MIN_PRACTICE_EXAMS - work.practice_done)
    if needed >= 2 and len(final_study) >= 3:
        practice = {final_study[0], final_study[-2]}  # the exam's eve stays lighter
    elif needed == 1 and len(final_study) >= 2:
        practice = {final_study[-2]}
    else:
        practice = set(final_study[:needed])
    reserve = min(work.duration, math.ceil(mpd * PRACTICE_RESERVE_SHARE))
    rev_cap = [_max_count(cap, REVIEW_MINUTES)] * fs + [
        _max_count(mpd - reserve if i in practice else mpd, REVIEW_MINUTES) for i in range(fs, exam)]

    phases = [_Phase(p.name, [list(m) for m in p.modules], None if p.deck is None else _Deck(
        p.deck.exam_name, p.deck.ids, p.deck.names, p.deck.weights, list(p.deck.remaining))) for p in work.phases]
    credits = [[0.0] * (len(p.deck.ids) if p.deck else 0) for p in phases]
    started: set[tuple[str, str]] = set()
    tasks: list[list[Task]] = [[] for _ in range(exam)]
    labels: list[str | None] = [None] * exam
    intros: list[tuple[int, str, int]] = []  # (day, domain id, count)
    overload = 0
    p = 0

    def course_left(ph) -> int:
        return sum(m[2] for m in ph.modules)

    def cards_left(ph) -> int:
        return sum(ph.deck.remaining) if ph.deck else 0

    for i in range(fs):
        if not cal.study[i]:
            continue
        day = tasks[i]
        r_min = _add_reviews(day, rev[i])
        if r_min > mpd:
            overload += r_min - mpd
        free = cap - r_min
        while p < len(phases) and course_left(phases[p]) == 0 and cards_left(phases[p]) == 0:
            p += 1
        labels[i] = phases[p].name if p < len(phases) else "domains"
        progress = True
        while free > 0 and p < len(phases) and progress:
            progress = False
            ph = phases[p]
            c_left, n_left = course_left(ph), cards_left(ph)
            if n_left:
                if c_left:
                    need = n_left * NEW_CARD_MINUTES
                    budget = int(free * need / (need + c_left))
                else:
                    budget = free
                traj_i = traj[i]
                n = 0
                if len(traj_i) >= 2 and budget > 0:
                    n = min(n_left, _max_count(budget, NEW_CARD_MINUTES),
                            min(rev_cap[d] - rev[d] for d in traj_i))
                while n > 0:
                    give = _split(n, ph.deck, credits[p])
                    used = sum(_ceil_minutes(g, NEW_CARD_MINUTES) for g in give)
                    if used <= budget:
                        break
                    n -= 1
                if n > 0:
                    deck = ph.deck
                    total_w = sum(deck.weights[k] for k in range(len(deck.ids)) if deck.remaining[k] > 0)
                    active = [k for k in range(len(deck.ids)) if deck.remaining[k] > 0]
                    for k in active:
                        share = deck.weights[k] / total_w if total_w > 0 else 1 / len(active)
                        credits[p][k] += n * share - give[k]
                    for k, g in enumerate(give):
                        if g:
                            deck.remaining[k] -= g
                            if deck.remaining[k] == 0:
                                credits[p][k] = 0.0
                            m = _ceil_minutes(g, NEW_CARD_MINUTES)
                            day.append(Task("new_cards", f"New cards: {deck.names[k]}", deck.ids[k], g, m))
                            intros.append((i, deck.ids[k], g))
                            free -= m
                    for d in traj_i:
                        rev[d] += n
                    progress = True
            if c_left and free > 0:
                for mod in ph.modules:
                    if free <= 0:
                        break
                    if mod[2] == 0:
                        continue
                    take = min(free, mod[2])
                    key = (mod[0], mod[1])
                    title = f"{mod[0]}: {mod[1]}" + (" (continued)" if key in started else "")
                    started.add(key)
                    day.append(Task("course", title, "", 0, take))
                    mod[2] -= take
                    free -= take
                    progress = True
            if course_left(ph) == 0 and cards_left(ph) == 0:
                p += 1
                progress = True

    short = sum(course_left(ph) for ph in phases)
    short += _ceil_minutes(sum(cards_left(ph) for ph in phases), NEW_CARD_MINUTES) + overload
    overload = 0

    # Final review: forecast reviews, practice exams, then drills for every introduced card
    # whose forecast has no review in the final week.
    drills: dict[str, int] = {}
    for t, dom, g in intros:
        tr = traj[t]
        if not tr or tr[-1] < fs:
            drills[dom] = drills.get(dom, 0) + g
    base_drills = work.base_drills_by_exam.get(exam, 0)
    if base_drills:
        drills[""] = drills.get("", 0) + base_drills
    order = sorted(drills, key=lambda d: (-work.weights.get(d, -1.0), d))
    final_free: dict[int, int] = {}
    kept: dict[int, int] = {}
    for i in range(fs, exam):
        labels[i] = "final_review"
        if not cal.study[i]:
            continue
        day = tasks[i]
        r_min = _add_reviews(day, rev[i])
        free = mpd - r_min
        if free < 0:
            overload += -free
            free = 0
        if i in practice:
            if free < reserve:
                overload += reserve - free
            kept[i] = min(reserve, free)
            free -= kept[i]  # drills may not eat into the practice exam's reserve
        final_free[i] = free
    # Drills level the final week: first fill every day up to the lowest common total
    # that holds them all, then (rounding leftovers) up to the daily limit.
    need = _ceil_minutes(sum(drills.values()), DRILL_MINUTES) + len(drills)
    lo_t, hi_t = 0, mpd
    while lo_t < hi_t:
        mid = (lo_t + hi_t) // 2
        if sum(max(0, f - (mpd - mid)) for f in final_free.values()) >= need:
            hi_t = mid
        else:
            lo_t = mid + 1
    for level in (lo_t, mpd):
        for i, free in final_free.items():
            room = free - (mpd - level)
            for dom in order:
                c = drills[dom]
                if c == 0 or room <= 0:
                    continue
                g = min(c, _max_count(room, DRILL_MINUTES))
                if g == 0:
                    continue
                m = _ceil_minutes(g, DRILL_MINUTES)
                name = work.names.get(dom, "introduced cards") if dom else "introduced cards"
                tasks[i].append(Task("reviews", f"Drill: {name} ({g} cards not due again before the exam)",
                                     dom, g, m))
                drills[dom] = c - g
                room -= m
                free -= m
            final_free[i] = free
    for i in sorted(practice):
        m = min(work.duration, final_free[i] + kept[i])
        if m > 0:
            tasks[i].append(Task("practice_exam", f"Timed practice exam ({m} of {work.duration} min)", "", 0, m))
    final_short = _ceil_minutes(sum(drills.values()), DRILL_MINUTES) + overload
    short += final_short
    if min_phase:
        labels = [None if lab is None else PHASES[max(PHASES.index(lab), min_phase)] for lab in labels]
    return _Result(short == 0, short, final_short, tasks, labels)


# --------------------------------------------------------------------------- building


def _deck(exam: Exam, progress: Progress) -> _Deck | None:
    counts = exam.card_counts()
    ids, names, weights, remaining = [], [], [], []
    by_id = {d.id: d for d in exam.domains}
    for dom_id, n in counts.items():
        d = by_id.get(dom_id)
        ids.append(dom_id)
        names.append(d.name if d else dom_id)
        weights.append(max(0.0, float(d.weight)) if d else 0.0)
        remaining.append(max(0, n - int(progress.introduced.get(dom_id, 0))))
    return _Deck(exam.name, ids, names, weights, remaining)


def _modules(courses: Sequence[Course], phase: str, background: str, progress: Progress):
    out = []
    for c in sorted((c for c in courses if background in c.backgrounds and c.phase == phase), key=lambda c: c.order):
        mods = c.modules or ()
        for m in mods:
            if (c.id, m.title) in progress.done_modules:
                continue
            minutes = math.ceil(round(m.hours * 60, 9))
            if minutes > 0:
                out.append((c.title, m.title, minutes))
    return out


def _work(exam: Exam, courses: Sequence[Course], background: str, foundations: Exam | None,
          progress: Progress, cal: _Calendar, mpd: int, practice_done: int = 0) -> _Work:
    phases = []
    fdeck = _deck(foundations, progress) if (foundations is not None and background == "pivoting") else None
    if fdeck is not None:
        clash = set(fdeck.ids) & {d.id for d in exam.domains}
        if clash:
            raise PlanError(f"domain id {sorted(clash)[0]!r} is in both the exam's and the foundations deck")
    phases.append(_Phase("foundations", _modules(courses, "foundations", background, progress), fdeck))
    phases.append(_Phase("core", _modules(courses, "core", background, progress), None))
    phases.append(_Phase("domains", [], _deck(exam, progress)))
    names = {d.id: d.name for d in exam.domains}
    weights = {d.id: float(d.weight) for d in exam.domains}
    if fdeck is not None:
        names.update(zip(fdeck.ids, fdeck.names))
        weights.update(zip(fdeck.ids, fdeck.weights))
    # Forecast the reviews of the cards already introduced: one trajectory per distinct
    # state. Overdue cards (a missed stretch) are caught up on the first study days, at most
    # a full day of reviews per day, oldest first, rather than all piled on the first day.
    base = [0] * (cal.horizon + 1)
    groups: dict[Sm2State, int] = {}
    for s in progress.states:
        if s.due is None:
            s = Sm2State(s.easiness, s.interval, s.repetitions, cal.start)
        groups[s] = groups.get(s, 0) + 1
    trajs = []  # (day index of the card's last review, review days, count)
    overdue = []
    for s, n in groups.items():
        if s.due < cal.start:
            overdue.append((s, n))
            continue
        tr = cal.follow(s)
        for d in tr:
            base[d] += n
        trajs.append(((s.due - cal.start).days - s.interval, tr, n))
    day_cap = _max_count(mpd, REVIEW_MINUTES)
    k = cal.next_study[0]
    for s, n in sorted(overdue, key=lambda g: (g[0].due, g[0].interval)):
        last = (s.due - cal.start).days - s.interval
        while n > 0:
            while k <= cal.horizon and base[k] >= day_cap:
                k = cal.next_study[k + 1]
            if k > cal.horizon:
                trajs.append((last, (), n))
                break
            take = min(n, day_cap - base[k])
            tr = (k,) + cal.follow(review(s, FORECAST_GRADE, cal.dates[k]))
            for d in tr:
                base[d] += take
            trajs.append((last, tr, take))
            n -= take
    duration = int(exam.duration_minutes or DEFAULT_EXAM_MINUTES)
    return _Work(phases, base, _BaseDrills(trajs), duration, names, weights, practice_done)


class _BaseDrills(dict):
    """exam index -> already-introduced cards that need a drill in that exam's final week.

    A card needs none if it was last reviewed in the final week already (a replan inside
    it) or if its forecast has a review in the final week's remaining days.
    """

    def __init__(self, trajs):
        super().__init__()
        self._trajs = trajs

    def get(self, exam, default=0):
        if exam not in self:
            fs = exam - FINAL_REVIEW_DAYS
            n = 0
            for last, tr, c in self._trajs:
                if fs <= last < 0:
                    continue
                k = bisect_left(tr, max(0, fs))
                if k >= len(tr) or tr[k] >= exam:
                    n += c
            self[exam] = n
        return dict.get(self, exam, default)


def _lower_cap(cal: _Calendar, exam: int, work: _Work) -> int:
    fs = max(0, exam - FINAL_REVIEW_DAYS)
    days = sum(cal.study[:fs])
    total = sum(m[2] for ph in work.phases for m in ph.modules)
    total += sum(_ceil_minutes(sum(ph.deck.remaining), NEW_CARD_MINUTES) for ph in work.phases if ph.deck)
    return total // days if days else 0


def _spread(cal: _Calendar, exam: int, mpd: int, work: _Work, min_phase: int) -> _Result:
    """The simulation at the smallest daily cap that still fits (bisection on the cap)."""
    best = _simulate(cal, exam, mpd, mpd, work, min_phase)
    if not best.ok:
        return best
    lo, hi = max(0, _lower_cap(cal, exam, work) - 1), mpd
    while hi - lo > 1:
        mid = (lo + hi) // 2
        res = _simulate(cal, exam, mid, mpd, work, min_phase)
        if res.ok:
            hi, best = mid, res
        else:
            lo = mid
    return best


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _shortfall_error(cls, result: _Result, profile: Profile, cal: _Calendar, exam: int,
                     decks: list[_Deck]) -> PlanError:
    mpd = profile.minutes_per_day
    minutes_short = result.minutes_short
    per_week = len(set(profile.study_weekdays)) or 1
    days_short = max(1, math.ceil(math.ceil(minutes_short / mpd) * 7 / per_week))
    fs = max(0, exam - FINAL_REVIEW_DAYS)
    work_days = sum(cal.study[:fs]) or 1
    final_days = sum(cal.study[fs:exam]) or 1
    extra = max(math.ceil((minutes_short - result.final_short) / work_days),
                math.ceil(result.final_short / final_days))
    doms = [(w, name) for dk in decks for w, name, n in zip(dk.weights, dk.names, dk.remaining) if n > 0]
    doms.sort()
    lowest = ", ".join(name for _, name in doms[:2]) or "the exam's decks"
    # A card costs its introduction and two reviews before the final week, and one review
    # or drill in it.
    fewer = (math.ceil((minutes_short - result.final_short) / (NEW_CARD_MINUTES + 2 * REVIEW_MINUTES))
             + math.ceil(result.final_short / DRILL_MINUTES))
    cards_left = sum(n for dk in decks for n in dk.remaining)
    where = " in the final review week" if result.final_short == minutes_short else ""
    if cards_left:
        fewer_text = (f"take about {min(fewer, cards_left)} fewer new cards in the lowest-weight "
                      f"domains ({lowest})")
    else:
        fewer_text = "take fewer new cards in the lowest-weight domains (there are none left to drop here)"
    return cls(
        f"The plan does not fit: it is {minutes_short} minutes short{where} (about "
        f"{_plural(days_short, 'day')} at {mpd} minutes a day), so study about {extra} more minutes "
        f"a day, move the exam date at least {_plural(days_short, 'day')} later, or {fewer_text}.",
        minutes_short=minutes_short, days_short=days_short)


def _days(cal: _Calendar, exam: int, result: _Result, exam_obj: Exam, duration: int,
          days_from: int = 0) -> tuple[Day, ...]:
    # Rest days take the phase of the surrounding period: the previous study day's, or
    # the next one's at the very start. (Final-week days are all labelled already.)
    labels = list(result.labels)
    prev = None
    for i in range(exam):
        if labels[i] is None:
            labels[i] = prev
        else:
            prev = labels[i]
    nxt = None
    for i in range(exam - 1, -1, -1):
        if labels[i] is None:
            labels[i] = nxt
        else:
            nxt = labels[i]
    out = []
    for i in range(days_from, exam):
        lab = labels[i] or "domains"
        if not cal.study[i]:
            title = DAY_OFF_TITLE if cal.off[i] else REST_TITLE
            tasks = (Task("rest", title),)
        elif not result.tasks[i]:
            tasks = (Task("rest", FREE_TITLE),)
        else:
            tasks = tuple(sorted(result.tasks[i], key=lambda t: TASK_KINDS.index(t.kind)))
        out.append(Day(cal.dates[i], lab, tasks))
    out.append(Day(cal.dates[exam], "exam",
                   (Task("exam", f"Exam: {exam_obj.name} ({duration} min)"),)))
    return tuple(out)


def _validate(profile: Profile) -> None:
    length_range(profile.background)
    if isinstance(profile.minutes_per_day, bool) or not isinstance(profile.minutes_per_day, int) \
            or profile.minutes_per_day < 1:
        raise PlanError(f"minutes per day must be a whole number of at least 1, got {profile.minutes_per_day!r}")
    if not profile.study_weekdays:
        raise PlanError("study weekdays must name at least one day of the week")
    bad = [w for w in profile.study_weekdays if not (isinstance(w, int) and 0 <= w <= 6)]
    if bad:
        raise PlanError(f"study weekday {bad[0]!r} is not a weekday number from 0 (Monday) to 6 (Sunday)")


def _check_retired(exam: Exam, exam_date: date) -> None:
    if exam.retired_by(exam_date):
        when = f" (retirement date {exam.retirement_date})" if exam.retirement_date else ""
        successor = f"; plan for its successor '{exam.successor}' instead" if exam.successor else ""
        raise PlanError(f"the exam {exam.name} can no longer be sat on {exam_date}{when}{successor}")


def _check_dates(exam: Exam, start: date, exam_date: date, background: str, force: bool) -> None:
    if exam_date < start:
        raise PlanError(f"the exam date {exam_date} is before the start date {start}")
    if start >= exam_date - timedelta(days=1):
        raise PlanError(f"starting on {start} leaves no room before the exam on {exam_date}: "
                        f"start at least two days before it")
    _check_retired(exam, exam_date)
    lo, hi = length_range(background)
    length = (exam_date - start).days
    if not force and not lo <= length <= hi:
        raise PlanError(
            f"an exam date {length} days after the start is outside the {LENGTH_NAMES[background]} "
            f"({lo}-{hi} days) plan for a {background} learner, because {LENGTH_REASON}; "
            f"pick a date in that range or force it")


def _build(exam: Exam, courses: Sequence[Course], profile: Profile, foundations: Exam | None,
           progress: Progress, min_phase: int, error_cls, practice_done: int = 0) -> tuple[Plan, int]:
    _validate(profile)
    lo, hi = length_range(profile.background)
    mpd = profile.minutes_per_day
    if profile.exam_date is not None:
        _check_dates(exam, profile.start, profile.exam_date, profile.background, profile.force)
        length = (profile.exam_date - profile.start).days
        cal = _Calendar(profile.start, length, profile.study_weekdays, profile.days_off)
        work = _work(exam, courses, profile.background, foundations, progress, cal, mpd, practice_done)
        result = _spread(cal, length, mpd, work, min_phase)
    else:
        cal = _Calendar(profile.start, hi, profile.study_weekdays, profile.days_off)
        work = _work(exam, courses, profile.background, foundations, progress, cal, mpd, practice_done)
        top = _simulate(cal, hi, mpd, mpd, work, min_phase)
        if not top.ok:
            length, result = hi, top
        else:
            a, b = lo - 1, hi  # the first length that holds all the work, clamped to [lo, hi]
            if _simulate(cal, lo, mpd, mpd, work, min_phase).ok:
                b = lo
            while b - a > 1:
                mid = (a + b) // 2
                if _simulate(cal, mid, mpd, mpd, work, min_phase).ok:
                    b = mid
                else:
                    a = mid
            length = b
            _check_retired(exam, profile.start + timedelta(days=length))
            result = _spread(cal, length, mpd, work, min_phase)
    if not result.ok:
        decks = [ph.deck for ph in work.phases if ph.deck is not None]
        raise _shortfall_error(error_cls, result, profile, cal, length, decks)
    days = _days(cal, length, result, exam, work.duration)
    plan = Plan(exam=exam.id, background=profile.background, start=profile.start,
                exam_date=profile.start + timedelta(days=length), minutes_per_day=mpd,
                study_weekdays=tuple(sorted(set(profile.study_weekdays))),
                days_off=tuple(sorted(set(profile.days_off))), days=days)
    return plan, length


def build_plan(exam: Exam, courses: Sequence[Course], profile: Profile,
               foundations: Exam | None = None, progress: Progress = Progress()) -> Plan:
    """Build the day-by-day plan for *exam* (see the module docstring for the rules).

    *courses* are the catalog's courses; those whose ``backgrounds`` include the profile's
    background are scheduled in ``order``. *foundations* is the foundations deck, used for
    pivoting learners. *progress* is what is already done (empty for a new plan).
    Raises :class:`PlanError` when the plan cannot be made as asked.
    """
    plan, _ = _build(exam, courses, profile, foundations, progress, 0, PlanError)
    return plan


def replan(plan: Plan, exam: Exam, courses: Sequence[Course], today: date, progress: Progress,
           foundations: Exam | None = None) -> Plan:
    """Keep the days before *today*; spread what is left over today .. the same exam date.

    What is left: the cards not yet introduced (``progress.introduced``), the course
    modules not done, and the reviews forecast from the real SM-2 states. The same rules
    apply; the length range is not checked again (the exam date is already booked).
    Raises :class:`ReplanError`, carrying ``minutes_short`` and ``days_short``, when what
    is left cannot fit.
    """
    start = max(today, plan.start)
    if start >= plan.exam_date - timedelta(days=1):
        raise ReplanError(f"there is no study day left between {start} and the exam on {plan.exam_date}: "
                          "move the exam date later", days_short=1)
    kept = tuple(d for d in plan.days if d.date < start)
    min_phase = max((PHASES.index(d.phase) for d in kept if d.phase in PHASES[:3]), default=0)
    practice_done = sum(1 for d in kept for t in d.tasks
                        if t.kind == "practice_exam" and d.date >= plan.exam_date - timedelta(days=FINAL_REVIEW_DAYS))
    profile = Profile(background=plan.background, start=start, exam_date=plan.exam_date,
                      minutes_per_day=plan.minutes_per_day, study_weekdays=plan.study_weekdays,
                      days_off=plan.days_off, force=True)
    try:
        new, _ = _build(exam, courses, profile, foundations, progress, min_phase, ReplanError, practice_done)
    except ReplanError:
        raise
    except PlanError as exc:
        raise ReplanError(str(exc), exc.minutes_short, exc.days_short) from None
    return Plan(exam=plan.exam, background=plan.background, start=plan.start, exam_date=plan.exam_date,
                minutes_per_day=plan.minutes_per_day, study_weekdays=plan.study_weekdays,
                days_off=plan.days_off, days=kept + new.days)


def shortfall(exam: Exam, courses: Sequence[Course], profile: Profile, foundations: Exam | None = None,
              progress: Progress = Progress()) -> tuple[int, int]:
    """(minutes short, days short) of building this plan; (0, 0) when it fits.

    Other refusals (a date outside the range, bad input) raise :class:`PlanError`.
    """
    try:
        build_plan(exam, courses, profile, foundations, progress)
    except PlanError as exc:
        if exc.minutes_short or exc.days_short:
            return exc.minutes_short, exc.days_short
        raise
    return 0, 0
