"""The study plan: a pure, day-by-day schedule built for memory on exam day.

No I/O, no clock, no database: dates come in as arguments and the result is a frozen
:class:`~studyplan.plan.Plan`. The rules, as a learner meets them:

* **Length.** Experienced learners get 4-8 weeks, pivoting learners 3-6 calendar months
  (python-dateutil's month arithmetic: 3 months from 31 January is 30 April). Without an
  exam date the exam is the first date in that range where all the work fits.
* **Cards from week one, no cramming.** New cards are introduced at an even pace from
  the first study day to a *finish day*, and the finish day is at least
  :func:`new_card_lead` days before the exam (21 for a plan of 8 weeks or more): a card
  introduced then still gets its reviews at +1, +7 and about +22 days. The finish day is
  the earliest that fits the learner's minutes, so a learner with more minutes finishes
  new cards earlier and has more room to drill. Pivoting learners start the foundations
  deck on day one and the exam's deck once a quarter of the way to the finish day; the
  foundations cards finish by 60% of it.
* **Courses beside the cards.** The article's order (foundations courses for pivoters,
  then Production ML Systems and Structuring ML Projects) is the order of the modules and
  the first claim on each day's minutes after the reviews, not a wall between phases.
  Modules are paced to end before the final week, in blocks of at least
  :data:`MIN_BLOCK` minutes (unless the module's remainder is smaller). A module names
  the exam domains it teaches (``teaches`` in ``courses.toml``); while it is being
  studied its domains' new cards arrive at :data:`LINK_BOOST` times their share.
* **Time per domain follows the exam guide's weights.** New cards are shared among the
  domains by weight (a fractional credit carries over), and ``new_cards_limit`` keeps the
  cards whose domains are furthest under their weight (``metrics.weight_quota``).
* **Reviews** are forecast by :mod:`studyplan.forecast` from a realistic grade mix
  (lapses and same-day re-asks included; calibrated on the learner's history), planned
  at the expected value plus a safety margin; a review due on a rest day moves to the
  next study day. No day is planned above the learner's minutes.
* **The final week** (the 7 days before the exam) has no new cards: reviews, drills and
  timed practice exams. Every exam card whose next review would fall after the exam gets
  a drill (a practice review); the rest of each day's minutes go to more drills of the
  heaviest domains, never the foundations deck. Drills are shared among the exam's
  domains by weight.
* **Practice exams** (:data:`PRACTICE_EXAMS`) are never split: one in the second week
  before the exam, one in the final week (not on its eve), each on a day with room for
  the whole exam: a *long day* the learner named (room for one practice exam on top of
  the usual minutes) or a day whose free minutes hold it. When no such day exists the
  plan says so in its notes.
* **When the work does not fit**, :class:`~studyplan.plan.PlanError` says by how much and
  lists the changes that were planned and fit: more minutes a day, a later exam date
  within the range, skipping a course, fewer new cards in the lowest-weight domains. When
  none fits, it says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from studyplan import metrics
from studyplan.catalog import Course, Exam
from studyplan.forecast import DRILL_MINUTES, PRIOR, Forecaster, GradeMix, review_minutes, unreviewed
from studyplan.plan import (
    LENGTH_NAMES,
    LENGTH_REASON,
    MINUTES_RANGE,
    TASK_ORDER,
    Day,
    Plan,
    PlanError,
    Progress,
    ReplanError,
    Request,
    Task,
    TaskKind,
)

FINAL_REVIEW_DAYS = 7
MIN_BLOCK = 20
MAX_LEAD = 21
PRACTICE_EXAMS = 2
DEFAULT_EXAM_MINUTES = 120
LINK_BOOST = 2.0
EXAM_DECK_OPEN_SHARE = 0.25
FOUNDATIONS_FINISH_SHARE = 0.6
MAX_NEW_PER_DAY = 60
FOUNDATIONS = "foundations"


def _minutes(value: float) -> int:
    """Whole minutes, rounded up; float noise such as 3 * 0.5000000001 adds no minute."""
    return math.ceil(round(value, 9))


def _lowest(lo: int, hi: int, ok: Callable[[int], bool]) -> int:
    """The smallest x in (lo, hi] with ok(x), given ok(hi) (bisection: ok is monotone)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def length_range(background: str, start: date) -> tuple[int, int]:
    """The plan's length in days from *start*: 4-8 weeks, or 3-6 calendar months."""
    if background == "experienced":
        return 28, 56
    if background == "pivoting":
        return ((start + relativedelta(months=3)) - start).days, ((start + relativedelta(months=6)) - start).days
    raise PlanError(f"unknown background {background!r}: use experienced or pivoting")


def new_card_lead(length: int) -> int:
    """Days between the last new card and the exam: 21, less for plans under 8 weeks."""
    return max(FINAL_REVIEW_DAYS + 3, min(MAX_LEAD, round(length * 3 / 8)))


# --------------------------------------------------------------------------- setup


@lru_cache(maxsize=16)
def _forecaster(mix: GradeMix, horizon: int) -> Forecaster:
    # One forecaster serves every trial plan of a build (lengths, finish days, remedies).
    return Forecaster(mix, horizon)


@dataclass
class _Calendar:
    start: date
    length: int                  # index of the exam day
    study: list[bool]
    off: list[bool]
    long: list[bool]
    next_study: list[int]        # index of the first study day >= i (length when none)

    @classmethod
    def build(cls, start: date, length: int, weekdays: Sequence[int], days_off: Sequence[date],
              long_days: Sequence[int]) -> _Calendar:
        dates = [start + timedelta(days=i) for i in range(length + 1)]
        off = [d in set(days_off) for d in dates]
        study = [d.weekday() in set(weekdays) and not o for d, o in zip(dates, off)]
        study[length] = False
        long = [s and d.weekday() in set(long_days) for d, s in zip(dates, study)]
        nxt = [length] * (length + 2)
        for i in range(length - 1, -1, -1):
            nxt[i] = i if study[i] else nxt[i + 1]
        return cls(start, length, study, off, long, nxt)

    def study_days(self, a: int, b: int) -> int:
        return sum(self.study[max(0, a):max(0, b)])


@dataclass
class _Module:
    course_id: str
    number: int
    phase: str
    minutes: int
    teaches: frozenset[str]


@dataclass
class _Stream:
    """The new cards of one deck: per domain, how many are left to introduce."""

    exam_id: str
    domains: list[str]
    weights: list[float]
    left: list[int]
    opens: int = 0
    finish: int = 0

    @property
    def total(self) -> int:
        return sum(self.left)


@dataclass
class _Setup:
    exam: Exam
    calendar: _Calendar
    minutes: int
    modules: list[_Module]
    streams: list[_Stream]
    forecaster: Forecaster
    base_reviews: list[float]
    base_reasks: list[float]
    base_drills: float
    exam_minutes: int
    practice_needed: int
    introduced: dict[str, int]


@dataclass
class _Ledger:
    tasks: list[list[Task]]
    phases: list[str | None]
    reviews: list[float]
    reasks: list[float]
    short: int = 0
    drills: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def used(self, i: int) -> int:
        return sum(t.minutes for t in self.tasks[i])


def _modules(courses: Sequence[Course], request: Request, progress: Progress) -> list[_Module]:
    order = {"foundations": 0, "core": 1}
    chosen = [c for c in courses if request.background in c.backgrounds and c.id not in request.skip_courses]
    chosen.sort(key=lambda c: (order.get(c.phase, 2), c.order))
    out = []
    for course in chosen:
        for number, module in enumerate(course.modules, 1):
            left = module.minutes - int(progress.course_minutes.get((course.id, number), 0))
            if left > 0:
                out.append(_Module(course.id, number, course.phase, left, frozenset(module.teaches)))
    return out


def _stream(exam: Exam, progress: Progress, limit: int | None) -> _Stream:
    counts = exam.card_counts()
    weights = {d.id: max(0.0, float(d.weight)) for d in exam.domains}
    quota = metrics.weight_quota(limit, counts, weights) if limit is not None else counts
    ids = list(counts)
    left = [max(0, quota.get(d, 0) - int(progress.introduced.get(d, 0))) for d in ids]
    return _Stream(exam.id, ids, [weights.get(d, 0.0) for d in ids], left)


def _setup(exam: Exam, courses: Sequence[Course], request: Request, foundations: Exam | None,
           progress: Progress, mix: GradeMix, length: int) -> _Setup:
    cal = _Calendar.build(request.start, length, request.study_weekdays, request.days_off, request.long_days)
    forecaster = _forecaster(mix, length + 1)
    streams = [_stream(exam, progress, request.new_cards_limit)]
    if request.background == "pivoting" and foundations is not None:
        clash = {d.id for d in foundations.domains} & {d.id for d in exam.domains}
        if clash:
            raise PlanError(f"domain id {sorted(clash)[0]!r} is in both the exam's and the foundations deck")
        streams.insert(0, _stream(foundations, progress, None))
    # Cards already studied: their forecast reviews, and the drills they need before the
    # exam. Overdue cards are caught up over the first week's study days, not all at once.
    reviews = [0.0] * (length + 1)
    reasks = [0.0] * (length + 1)
    drills = 0.0
    exam_domains = {d.id for d in exam.domains}
    first_days = [i for i in range(min(length, 14)) if cal.study[i]][:FINAL_REVIEW_DAYS] or [0]
    overdue = 0
    # The most overdue cards first, so the order the store lists states in never changes the plan.
    known = sorted(zip(progress.states, progress.state_domains or [None] * len(progress.states)),
                   key=lambda p: (p[0].due or request.start, p[0].interval, p[0].easiness, p[0].repetitions, p[1] or ""))
    for state, domain in known:
        offset = (state.due - request.start).days if state.due is not None else 0
        if offset < 0:
            offset = first_days[overdue % len(first_days)]
            overdue += 1
        traj = forecaster.existing(state, offset)
        _add(cal, reviews, reasks, traj.reviews, traj.reasks, 0, 1.0)
        if domain is None or domain in exam_domains:
            drills += unreviewed(traj, length - FINAL_REVIEW_DAYS, length)
    duration = int(exam.duration_minutes or DEFAULT_EXAM_MINUTES)
    return _Setup(exam, cal, request.minutes_per_day, _modules(courses, request, progress), streams, forecaster,
                  reviews, reasks, drills, duration, max(0, PRACTICE_EXAMS - progress.practice_exams),
                  {d: int(n) for d, n in progress.introduced.items()})


def _add(cal: _Calendar, reviews: list[float], reasks: list[float], traj_reviews: Sequence[float],
         traj_reasks: Sequence[float], day: int, count: float) -> None:
    """Add *count* cards' expected reviews from *day* on, each moved to a study day."""
    end = cal.length
    for k in range(len(traj_reviews)):
        v = traj_reviews[k]
        if v == 0.0:
            continue
        j = day + k
        if j >= end:
            break
        j = cal.next_study[j]
        if j >= end:
            continue
        reviews[j] += count * v
        reasks[j] += count * traj_reasks[k]


# --------------------------------------------------------------------------- simulation


def _streams_for(setup: _Setup, finish: int) -> list[_Stream]:
    """Copies of the setup's decks, each with the window its new cards go in."""
    out = []
    for s in setup.streams:
        if s.exam_id == FOUNDATIONS:
            opens, ends = 0, max(1, round(finish * FOUNDATIONS_FINISH_SHARE))
        elif len(setup.streams) > 1:
            opens, ends = round(finish * EXAM_DECK_OPEN_SHARE), finish
        else:
            opens, ends = 0, finish
        out.append(_Stream(s.exam_id, s.domains, s.weights, list(s.left), opens, ends))
    return out


def _simulate(setup: _Setup, finish: int) -> _Ledger:
    """Plan every day with new cards finishing by day index *finish*; `short` > 0 if it fails.

    Three passes over the days before the final week: (1) each deck's new cards at an
    even pace, with the reviews they bring; (2) the course modules, in order, spread over
    the minutes left so that every day's course time is as level as the room allows
    (water-filling), in blocks of at least MIN_BLOCK; (3) each day's new cards shared
    among the domains by weight, boosted for the domains that day's module teaches.
    """
    cal = setup.calendar
    final_start = max(0, cal.length - FINAL_REVIEW_DAYS)
    ledger = _Ledger([[] for _ in range(cal.length)], [None] * cal.length, list(setup.base_reviews),
                     list(setup.base_reasks))
    streams = _streams_for(setup, finish)
    counts, room = _pace_new_cards(setup, ledger, streams, final_start)
    _place_courses(setup, ledger, room, final_start)
    exam_intros = _share_new_cards(setup, ledger, streams, counts, final_start)
    _final_week(setup, ledger, exam_intros, streams)
    return ledger


def _pace_new_cards(setup: _Setup, ledger: _Ledger, streams: list[_Stream],
                    final_start: int) -> tuple[list[list[int]], list[int]]:
    """Pass 1: how many new cards of each deck each day, and the reviews they bring.
    Returns the counts (per deck, per day) and each day's minutes left after them."""
    cal = setup.calendar
    traj = setup.forecaster.new_card()
    intro_minutes = setup.forecaster.intro_minutes()
    counts = [[0] * final_start for _ in streams]
    room = [0] * final_start
    left = [s.total for s in streams]
    for i in range(final_start):
        if not cal.study[i]:
            continue
        r_min = review_minutes(ledger.reviews[i], ledger.reasks[i])
        if ledger.reviews[i] > 0:
            ledger.tasks[i].append(Task(TaskKind.REVIEWS, r_min, round(ledger.reviews[i])))
        free = setup.minutes - r_min
        if free < 0:
            ledger.short += -free
            continue
        for k, s in enumerate(streams):
            if not left[k] or not (s.opens <= i < s.finish):
                continue
            need = math.ceil(left[k] / max(1, cal.study_days(i, s.finish)))
            n = min(need, left[k], MAX_NEW_PER_DAY, int(free // intro_minutes))
            if n <= 0:
                continue
            counts[k][i] = n
            left[k] -= n
            free -= _minutes(n * intro_minutes)
            _add(cal, ledger.reviews, ledger.reasks, traj.reviews, traj.reasks, i, n)
        room[i] = free
    ledger.short += _minutes(sum(left) * intro_minutes)
    return counts, room


def _place_courses(setup: _Setup, ledger: _Ledger, room: list[int], final_start: int) -> None:
    """Pass 2: course modules in order over the days' free minutes, as level as they allow."""
    modules = [replace(m) for m in setup.modules]
    total = sum(m.minutes for m in modules)
    if not total:
        return
    usable = [r if r >= MIN_BLOCK else 0 for r in room]
    if sum(usable) < total:
        usable = [max(0, r) for r in room]
    lo, hi = 0.0, float(max(usable, default=0))
    if sum(usable) < total:
        level = hi
    else:
        for _ in range(40):
            mid = (lo + hi) / 2
            if sum(min(r, mid) for r in usable) >= total:
                hi = mid
            else:
                lo = mid
        level = hi
    started: set[tuple[str, int]] = set()
    credit = 0.0
    study_days = [i for i in range(final_start) if setup.calendar.study[i]]
    phases = {(m.course_id, m.number): m.phase for m in setup.modules}
    for n, i in enumerate(study_days):
        left = sum(m.minutes for m in modules)
        if not left:
            break
        credit += min(usable[i], level)
        head = next(m for m in modules if m.minutes)
        block = _block_size(credit, max(0, room[i]), head.minutes, left, last_day=n == len(study_days) - 1)
        day: list[Task] = []
        taken = _course_block(modules, block, day, started)
        credit -= taken
        if day:
            ledger.tasks[i].extend(day)
            ledger.phases[i] = phases[(day[0].course_id, day[0].module)]
    ledger.short += sum(m.minutes for m in modules)


def _share_new_cards(setup: _Setup, ledger: _Ledger, streams: list[_Stream], counts: list[list[int]],
                     final_start: int) -> list[tuple[int, str, int]]:
    """Pass 3: each day's new cards among the domains by weight (boosted while taught)."""
    teaches = {(m.course_id, m.number): m.teaches for m in setup.modules}
    intro_minutes = setup.forecaster.intro_minutes()
    credits = [[0.0] * len(s.domains) for s in streams]
    exam_intros: list[tuple[int, str, int]] = []
    teaching: frozenset[str] = frozenset()
    for i in range(final_start):
        today = [teaches.get((t.course_id, t.module), frozenset()) for t in ledger.tasks[i]
                 if t.kind == TaskKind.COURSE]
        if today:
            teaching = frozenset().union(*today)
        for k, s in enumerate(streams):
            n = counts[k][i]
            if not n:
                continue
            boosts = [LINK_BOOST if f"{s.exam_id}/{d}" in teaching else 1.0 for d in s.domains]
            give = metrics.split_with_credit(n, s.left, [w * b for w, b in zip(s.weights, boosts)], credits[k])
            # The day's new-card minutes, rounded up once and shared among its tasks.
            spent = _minutes(n * intro_minutes)
            shares = metrics.split_by_weight(spent, {j: float(g) for j, g in enumerate(give) if g})
            for j, g in enumerate(give):
                if not g:
                    continue
                s.left[j] -= g
                ledger.tasks[i].append(Task(TaskKind.NEW_CARDS, shares[j], g, s.domains[j]))
                if s.exam_id != FOUNDATIONS:
                    exam_intros.append((i, s.domains[j], g))
            if ledger.phases[i] is None:
                ledger.phases[i] = "foundations" if s.exam_id == FOUNDATIONS else "domains"
    return exam_intros


def _block_size(credit: float, free: int, head_left: int, course_left: int, last_day: bool) -> int:
    """Minutes of course today: what the pace owes, at least MIN_BLOCK unless the module's
    remainder is smaller, and nothing rather than a sliver."""
    want = min(course_left, _minutes(credit), free)
    if last_day:
        return want
    if want >= MIN_BLOCK or want >= head_left:
        return want
    if credit >= MIN_BLOCK / 2 and free >= min(MIN_BLOCK, head_left):
        return min(MIN_BLOCK, head_left, course_left)
    return 0


def _course_block(modules: list[_Module], budget: int, day: list[Task], started: set[tuple[str, int]]) -> int:
    """Take up to *budget* minutes of course modules, in order; returns the minutes taken."""
    taken = 0
    for m in modules:
        if budget - taken <= 0:
            break
        if not m.minutes:
            continue
        room = budget - taken
        if taken and room < MIN_BLOCK and m.minutes > room:
            break  # no sliver of the next module after the end of this one
        take = min(room, m.minutes)
        key = (m.course_id, m.number)
        day.append(Task(TaskKind.COURSE, take, course_id=m.course_id, module=m.number, continued=key in started))
        started.add(key)
        m.minutes -= take
        taken += take
    return taken


def _final_week(setup: _Setup, ledger: _Ledger, exam_intros: list[tuple[int, str, int]],
                streams: list[_Stream]) -> None:
    cal = setup.calendar
    length = cal.length
    final_start = max(0, length - FINAL_REVIEW_DAYS)
    traj = setup.forecaster.new_card()
    # Drills every exam card needs: those with no review in the final week.
    chance: dict[int, float] = {}  # by introduction day: one look-up per day, not per domain
    for i, _domain, _g in exam_intros:
        if i not in chance:
            chance[i] = unreviewed(traj, final_start - i, length - i)
    need = sum(g * chance[i] for i, _domain, g in exam_intros)
    required = _minutes(need + setup.base_drills)
    introduced = {d: setup.streams[-1].left[k] - streams[-1].left[k] + setup.introduced.get(d, 0)
                  for k, d in enumerate(streams[-1].domains)}
    free: dict[int, int] = {}
    for i in range(final_start, length):
        ledger.phases[i] = "final_review"
        if not cal.study[i]:
            continue
        r_min = review_minutes(ledger.reviews[i], ledger.reasks[i])
        if ledger.reviews[i] > 0:
            ledger.tasks[i].append(Task(TaskKind.REVIEWS, r_min, round(ledger.reviews[i])))
        if r_min > setup.minutes:
            ledger.short += r_min - setup.minutes
        free[i] = max(0, setup.minutes - r_min)
    # Required drills level the week; then every day's remaining minutes drill more.
    total_free = sum(free.values())
    required_minutes = _minutes(required * DRILL_MINUTES)
    if required_minutes > total_free:
        ledger.short += required_minutes - total_free
    pool = sum(introduced.values())
    for i in sorted(free):
        count = int(free[i] // DRILL_MINUTES)
        count = min(count, pool)
        if count <= 0:
            continue
        weights = {d: w for d, w in zip(streams[-1].domains, streams[-1].weights) if introduced[d] > 0}
        split = {d: min(n, introduced[d]) for d, n in metrics.split_by_weight(count, weights).items()}
        spent = int(sum(split.values()) * DRILL_MINUTES)  # whole minutes: count fits free exactly
        shares = metrics.split_by_weight(spent, {d: float(n) for d, n in split.items() if n})
        for domain, n in split.items():
            if n:
                ledger.tasks[i].append(Task(TaskKind.DRILL, shares[domain], n, domain))
                ledger.drills[domain] = ledger.drills.get(domain, 0) + n
    _practice_exams(setup, ledger)


def _practice_exams(setup: _Setup, ledger: _Ledger) -> None:
    """Place whole practice exams on days with room; say why not when there is none."""
    needed = setup.practice_needed
    if not needed:
        return
    cal = setup.calendar
    length = cal.length
    duration = setup.exam_minutes
    windows = [range(max(0, length - 2 * FINAL_REVIEW_DAYS), max(0, length - FINAL_REVIEW_DAYS)),
               range(max(0, length - FINAL_REVIEW_DAYS), length - 1)]
    if needed == 1:
        windows = windows[1:]

    def room(i: int) -> int:
        planned = sum(t.minutes for t in ledger.tasks[i] if t.kind != TaskKind.DRILL)
        return (setup.minutes if not cal.long[i] else setup.minutes + duration) - planned

    placed: list[int] = []
    fallback = range(max(0, length - 3 * FINAL_REVIEW_DAYS), length - 1)
    for window in (*windows, *([fallback] * needed)):
        if len(placed) == needed:
            break
        fits = [i for i in window if cal.study[i] and room(i) >= duration and i not in placed]
        if fits:
            placed.append(max(fits, key=lambda i: (cal.long[i], i)))
    for i in placed:
        # Drills give way to the practice exam on a normal day.
        over = sum(t.minutes for t in ledger.tasks[i]) + duration - (
            setup.minutes + (duration if cal.long[i] else 0))
        if over > 0:
            _trim_drills(ledger, i, over)
        ledger.tasks[i].append(Task(TaskKind.PRACTICE_EXAM, duration))
    if len(placed) < needed:
        ledger.notes.append(
            f"{needed - len(placed)} of {needed} timed practice exams ({duration} min each, never split) have no "
            f"day with room in the last three weeks: name a longer study day with --long-days (e.g. sat), "
            f"or study at least {duration + 10} minutes a day.")


def _trim_drills(ledger: _Ledger, i: int, minutes: int) -> None:
    kept: list[Task] = []
    for t in reversed(ledger.tasks[i]):
        if t.kind == TaskKind.DRILL and minutes > 0:
            cut = min(t.count, _minutes(minutes / DRILL_MINUTES))
            minutes -= _minutes(cut * DRILL_MINUTES)
            ledger.drills[t.domain] -= cut
            if t.count - cut:
                kept.append(replace(t, count=t.count - cut,
                                    minutes=_minutes((t.count - cut) * DRILL_MINUTES)))
            continue
        kept.append(t)
    ledger.tasks[i] = list(reversed(kept))


# --------------------------------------------------------------------------- building


def _latest_finish(setup: _Setup, start_offset: int = 0) -> int:
    length = setup.calendar.length
    final_start = max(1, length - FINAL_REVIEW_DAYS)
    latest = length - new_card_lead(length + start_offset)
    return max(1, min(final_start, latest if latest > 0 else final_start))


def _earliest_finish(setup: _Setup, latest: int) -> int:
    cards = sum(s.total for s in setup.streams)
    floor = setup.calendar.length // 2 if len(setup.streams) > 1 else 7
    return max(1, min(latest, max(floor, math.ceil(cards / MAX_NEW_PER_DAY))))


def _best(setup: _Setup, start_offset: int = 0) -> tuple[_Ledger, int]:
    """The simulation with the earliest finish day that fits (or the latest one, failing)."""
    hi = _latest_finish(setup, start_offset)
    result = _simulate(setup, hi)
    if result.short:
        return result, hi
    trials = {hi: result}

    def fits(finish: int) -> bool:
        trials[finish] = _simulate(setup, finish)
        return not trials[finish].short

    best = _lowest(_earliest_finish(setup, hi) - 1, hi, fits)
    return trials[best], best


def _fits(exam: Exam, courses: Sequence[Course], request: Request, foundations: Exam | None,
          progress: Progress, mix: GradeMix, length: int, start_offset: int = 0) -> bool:
    setup = _setup(exam, courses, request, foundations, progress, mix, length)
    return _simulate(setup, _latest_finish(setup, start_offset)).short == 0


def _days(setup: _Setup, ledger: _Ledger) -> tuple[Day, ...]:
    cal = setup.calendar
    labels = list(ledger.phases)
    previous = None
    for i, label in enumerate(labels):
        labels[i] = label or previous
        previous = labels[i]
    out = []
    for i in range(cal.length):
        phase = labels[i] or next((x for x in labels if x), "domains")
        if cal.off[i]:
            tasks: tuple[Task, ...] = (Task(TaskKind.DAY_OFF),)
        elif not cal.study[i]:
            tasks = (Task(TaskKind.REST),)
        elif not ledger.tasks[i]:
            tasks = (Task(TaskKind.FREE),)
        else:
            tasks = tuple(sorted(ledger.tasks[i], key=lambda t: TASK_ORDER.index(t.kind)))
        out.append(Day(cal.start + timedelta(days=i), phase, tasks))
    out.append(Day(cal.start + timedelta(days=cal.length), "exam", (Task(TaskKind.EXAM, count=setup.exam_minutes),)))
    return tuple(out)


def _validate(request: Request) -> None:
    lo, hi = MINUTES_RANGE
    m = request.minutes_per_day
    if isinstance(m, bool) or not isinstance(m, int) or not lo <= m <= hi:
        raise PlanError(f"minutes per day must be a whole number from {lo} to {hi}, got {m!r}")
    if not request.study_weekdays:
        raise PlanError("study weekdays must name at least one day of the week")
    bad = [w for w in (*request.study_weekdays, *request.long_days) if not (isinstance(w, int) and 0 <= w <= 6)]
    if bad:
        raise PlanError(f"weekday {bad[0]!r} is not a weekday number from 0 (Monday) to 6 (Sunday)")
    if request.new_cards_limit is not None and request.new_cards_limit < 0:
        raise PlanError(f"the number of new cards must be 0 or more, got {request.new_cards_limit}")


def check_retired(exam: Exam, exam_date: date) -> None:
    """Refuse an exam that can no longer be sat on *exam_date*."""
    if exam.retired_by(exam_date):
        when = f" (retirement date {exam.retirement_date})" if exam.retirement_date else ""
        successor = f"; plan for its successor '{exam.successor}' instead" if exam.successor else ""
        raise PlanError(f"the exam {exam.name} can no longer be sat on {exam_date}{when}{successor}")


def check_dates(exam: Exam, request: Request, exam_date: date) -> None:
    """The exam date must follow the start, be sittable and lie in the background's range."""
    start = request.start
    if exam_date < start:
        raise PlanError(f"the exam date {exam_date} is before the start date {start}")
    if start >= exam_date - timedelta(days=1):
        raise PlanError(f"starting on {start} leaves no room before the exam on {exam_date}: "
                        f"start at least two days before it")
    check_retired(exam, exam_date)
    lo, hi = length_range(request.background, start)
    length = (exam_date - start).days
    if not request.force and not lo <= length <= hi:
        raise PlanError(
            f"an exam date {length} days after the start is outside the {LENGTH_NAMES[request.background]} "
            f"({lo}-{hi} days, {start + timedelta(days=lo)} to {start + timedelta(days=hi)}) plan for a "
            f"{request.background} learner, because {LENGTH_REASON}; pick a date in that range, or pass --force")


def _first_fitting_length(exam: Exam, courses: Sequence[Course], request: Request, foundations: Exam | None,
                          progress: Progress, mix: GradeMix, lo: int, hi: int) -> int | None:
    """The first length in [lo, hi] whose plan fits, or None (bisection, then checked)."""
    if not _fits(exam, courses, request, foundations, progress, mix, hi):
        return None
    return _lowest(lo - 1, hi, lambda days: _fits(exam, courses, request, foundations, progress, mix, days))


def _plan_from(exam: Exam, request: Request, setup: _Setup, ledger: _Ledger) -> Plan:
    return Plan(exam=exam.id, background=request.background, start=request.start,
                exam_date=request.start + timedelta(days=setup.calendar.length),
                minutes_per_day=request.minutes_per_day,
                study_weekdays=tuple(sorted(set(request.study_weekdays))),
                days_off=tuple(sorted(set(request.days_off))), days=_days(setup, ledger),
                long_days=tuple(sorted(set(request.long_days))), new_cards_limit=request.new_cards_limit,
                skip_courses=tuple(request.skip_courses), notes=tuple(ledger.notes))


def build_plan(exam: Exam, courses: Sequence[Course], request: Request, foundations: Exam | None = None,
               progress: Progress = Progress(), mix: GradeMix = PRIOR) -> Plan:
    """Build the day-by-day plan for *exam* (see the module docstring for the rules).

    *courses* are the catalog's courses; *foundations* the foundations deck (used for
    pivoting learners); *progress* what is already done; *mix* the grade mix the review
    forecast assumes. Raises :class:`PlanError`, with the remedies that fit, when the
    plan cannot be made as asked.
    """
    _validate(request)
    lo, hi = length_range(request.background, request.start)
    if request.exam_date is not None:
        check_dates(exam, request, request.exam_date)
        length = (request.exam_date - request.start).days
    else:
        found = _first_fitting_length(exam, courses, request, foundations, progress, mix, lo, hi)
        length = found if found is not None else hi
        check_retired(exam, request.start + timedelta(days=length))
    setup = _setup(exam, courses, request, foundations, progress, mix, length)
    ledger, _finish = _best(setup)
    if ledger.short:
        raise _refusal(PlanError, exam, courses, replace(request, exam_date=request.start + timedelta(days=length)),
                       foundations, progress, mix, ledger.short, (lo, hi), request.start)
    return _plan_from(exam, request, setup, ledger)


def replan(plan: Plan, exam: Exam, courses: Sequence[Course], today: date, progress: Progress,
           foundations: Exam | None = None, mix: GradeMix = PRIOR, changes: Request | None = None) -> Plan:
    """Keep the days before *today*; spread what is left over today .. the exam.

    What is left: the cards not introduced, the course minutes not done, the practice
    exams not sat, and the reviews forecast from the real SM-2 states. *changes*, when
    given, carries new options (minutes, exam date, skipped courses, a card limit); the
    exam date must stay within the range from the plan's start. Raises
    :class:`ReplanError` with the remedies that fit when what is left cannot fit.
    """
    request = changes or Request(background=plan.background, start=plan.start, exam_date=plan.exam_date,
                                 minutes_per_day=plan.minutes_per_day, study_weekdays=plan.study_weekdays,
                                 days_off=plan.days_off, long_days=plan.long_days,
                                 new_cards_limit=plan.new_cards_limit, skip_courses=plan.skip_courses)
    exam_date = request.exam_date or plan.exam_date
    start = max(today, plan.start)
    if start >= exam_date - timedelta(days=1):
        raise ReplanError(f"there is no study day left between {start} and the exam on {exam_date}")
    _validate(request)
    lo, hi = length_range(plan.background, plan.start)
    if exam_date != plan.exam_date:
        check_dates(exam, replace(request, start=plan.start), exam_date)
    check_retired(exam, exam_date)
    kept = tuple(d for d in plan.days if d.date < start)
    spread = replace(request, start=start, exam_date=exam_date, force=True)
    length = (exam_date - start).days
    offset = (start - plan.start).days
    setup = _setup(exam, courses, spread, foundations, progress, mix, length)
    ledger, _finish = _best(setup, offset)
    if ledger.short:
        raise _refusal(ReplanError, exam, courses, spread, foundations, progress, mix, ledger.short,
                       (lo - offset, hi - offset), plan.start, offset)
    new = _plan_from(exam, spread, setup, ledger)
    return replace(new, start=plan.start, days=kept + new.days)


# --------------------------------------------------------------------------- refusals


def _refusal(cls: type[PlanError], exam: Exam, courses: Sequence[Course], request: Request, foundations: Exam | None,
             progress: Progress, mix: GradeMix, short: int, length_range_: tuple[int, int],
             range_start: date, start_offset: int = 0) -> PlanError:
    remedies = remedies_for(exam, courses, request, foundations, progress, mix, length_range_, start_offset)
    lo, hi = length_range_
    reason = f"The plan does not fit: it is about {short} minutes short."
    if remedies:
        listed = "; ".join(f"{text} ({why})" for text, why in remedies)
        message = f"{reason} Changes that fit: {listed}."
    else:
        message = (f"The plan does not fit: it is about {short} minutes short, and no single change fits: not "
                   f"{MINUTES_RANGE[1]} minutes a day (--minutes-per-day {MINUTES_RANGE[1]}), not the latest exam "
                   f"date in the range (--exam-date "
                   f"{range_start + timedelta(days=(request.start - range_start).days + hi)}), not skipping a "
                   f"course (--skip-course ID), not fewer new cards (--new-cards N).")
    return cls(message, remedies=remedies, shortfall=short, reason=reason)


def remedies_for(exam: Exam, courses: Sequence[Course], request: Request, foundations: Exam | None,
                 progress: Progress, mix: GradeMix, length_range_: tuple[int, int],
                 start_offset: int = 0) -> tuple[tuple[str, str], ...]:
    """Single changes to *request* that were planned and fit, as (option, explanation).

    *start_offset*: for a replan, the days from the plan's start to *request.start*; the
    new-card lead is that of the whole plan, exactly as :func:`replan` plans it, so each
    remedy fits when applied."""
    assert request.exam_date is not None
    length = (request.exam_date - request.start).days

    def fits(req: Request, days: int = length) -> bool:
        try:
            return _fits(exam, courses, req, foundations, progress, mix, days, start_offset)
        except PlanError:
            return False

    out: list[tuple[str, str]] = []
    if fits(replace(request, minutes_per_day=MINUTES_RANGE[1])):
        hi_m = _lowest(request.minutes_per_day, MINUTES_RANGE[1], lambda m: fits(replace(request, minutes_per_day=m)))
        out.append((f"--minutes-per-day {hi_m}", f"{hi_m - request.minutes_per_day} more minutes a day"))
    _lo, hi = length_range_
    if hi > length:
        for days in range(length + 1, hi + 1):
            day = request.start + timedelta(days=days)
            if exam.retired_by(day):
                break
            if fits(replace(request, exam_date=day), days):
                out.append((f"--exam-date {day.isoformat()}", f"{days - length} days later"))
                break
    chosen = [c for c in courses if request.background in c.backgrounds and c.id not in request.skip_courses]
    for course in sorted(chosen, key=lambda c: c.order, reverse=True):
        if fits(replace(request, skip_courses=(*request.skip_courses, course.id))):
            out.append((f"--skip-course {course.id}", f"leave out {course.title}"))
            break
    total = sum(exam.card_counts().values())
    limit = request.new_cards_limit if request.new_cards_limit is not None else total
    done = sum(int(progress.introduced.get(d.id, 0)) for d in exam.domains)
    if limit > done and fits(replace(request, new_cards_limit=done)):
        # The most cards that fit: one below the fewest that do not (the full *limit* does not).
        a = _lowest(done, limit, lambda n: not fits(replace(request, new_cards_limit=n))) - 1
        if a > 0:
            out.append((f"--new-cards {a}", f"{limit - a} fewer new cards, taken from the domains most over "
                                            f"their exam weight"))
    return tuple(out)
