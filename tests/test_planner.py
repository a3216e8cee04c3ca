"""The planner on the shipped decks and on small exams: cards from week one, no cramming,
days within the minutes, whole practice exams, remedies that fit when applied."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyplan.catalog import Card, Course, Domain, Exam, Module
from studyplan.decks import load_catalog, shipped_decks_dir
from studyplan.plan import PlanError, Request, TaskKind
from studyplan.planner import build_plan, length_range, new_card_lead

CATALOG, _ = load_catalog(shipped_decks_dir())
PMLE = CATALOG.exam("google-pmle")
START = date(2027, 1, 4)
# A daily budget that fits every PMLE card in 8 weeks with some room as the deck grows.
MINUTES = 70


def pmle(minutes: int, days: int = 56, **kw):
    return build_plan(PMLE, CATALOG.courses, Request(background="experienced", start=START,
                                                     exam_date=START + timedelta(days=days), minutes_per_day=minutes,
                                                     **kw), CATALOG.exams["foundations"])


def intro_dates(plan):
    return [d.date for d in plan.days if d.count(TaskKind.NEW_CARDS)]


def test_cards_start_on_day_one_and_end_21_days_before_the_exam():
    plan = pmle(MINUTES)
    intro = intro_dates(plan)
    assert intro[0] == START
    assert (plan.exam_date - intro[-1]).days >= 21
    assert plan.total(TaskKind.NEW_CARDS) == len(PMLE.cards)
    assert all(d.minutes <= MINUTES for d in plan.days)


def test_more_minutes_finish_new_cards_earlier_and_drill_more():
    slow, fast = pmle(MINUTES), pmle(90)
    assert intro_dates(fast)[-1] < intro_dates(slow)[-1]
    assert fast.total(TaskKind.DRILL) > slow.total(TaskKind.DRILL)


def test_course_blocks_are_at_least_20_minutes_unless_the_module_remainder_is_smaller():
    plan = pmle(MINUTES)
    hours = {(c.id, n): round(m.hours * 60) for c in CATALOG.courses for n, m in enumerate(c.modules, 1)}
    done: dict = {}
    for day in plan.days:
        for t in day.tasks:
            if t.kind == TaskKind.COURSE:
                left = hours[(t.course_id, t.module)] - done.get((t.course_id, t.module), 0)
                assert t.minutes >= 20 or t.minutes == left
                done[(t.course_id, t.module)] = done.get((t.course_id, t.module), 0) + t.minutes
    assert done == {k: v for k, v in hours.items() if k[0] in ("production-ml-systems", "structuring-ml-projects")}


def test_practice_exams_are_whole_on_long_days_or_the_plan_says_why_not():
    without = pmle(MINUTES)
    assert not without.total(TaskKind.PRACTICE_EXAM) and "--long-days" in without.notes[0]
    with_long = pmle(MINUTES, long_days=(5,))
    practice = [(d.date, t.minutes) for d in with_long.days for t in d.tasks if t.kind == TaskKind.PRACTICE_EXAM]
    assert [m for _, m in practice] == [120, 120]
    assert all(d.weekday() == 5 for d, _ in practice) and not with_long.notes


def test_a_refusal_offers_remedies_that_fit():
    with pytest.raises(PlanError) as refused:
        pmle(45)
    options = dict(option.split(" ", 1) for option, _why in refused.value.remedies)
    assert set(options) >= {"--minutes-per-day", "--new-cards"}
    assert pmle(int(options["--minutes-per-day"])).total(TaskKind.NEW_CARDS) == len(PMLE.cards)
    assert pmle(45, new_cards_limit=int(options["--new-cards"])).total(TaskKind.NEW_CARDS) == int(options["--new-cards"])


def test_length_ranges_use_calendar_months():
    assert length_range("experienced", START) == (28, 56)
    assert length_range("pivoting", date(2027, 1, 31)) == (89, 181)  # to 30 April and 31 July
    assert (new_card_lead(56), new_card_lead(28), new_card_lead(150)) == (21, 10, 21)


def tiny_exam(cards: int, weights=(0.7, 0.3)) -> Exam:
    domains = tuple(Domain(f"d{i}", f"Domain {i}", w) for i, w in enumerate(weights))
    deck = tuple(Card(f"t-{i}", "tiny", domains[i % len(domains)].id, "q", "a") for i in range(cards))
    return Exam("tiny", "Tiny", "Example", domains, duration_minutes=60, cards=deck)


COURSE = Course("c1", "Course", "Example", "core", 1, ("experienced",), 3,
                modules=(Module("M1", 1.5, ("tiny/d0",)), Module("M2", 1.5)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cards=st.integers(40, 400), minutes=st.integers(10, 40), days=st.integers(28, 56))
def test_every_remedy_a_refusal_offers_produces_a_plan(cards, minutes, days):
    exam = tiny_exam(cards)
    request = Request(background="experienced", start=START, exam_date=START + timedelta(days=days),
                      minutes_per_day=minutes)
    try:
        build_plan(exam, (COURSE,), request)
        return
    except PlanError as exc:
        remedies = exc.remedies
    for option, _why in remedies:
        name, value = option.split(" ", 1)
        changed = {"--minutes-per-day": lambda: Request(**{**request.__dict__, "minutes_per_day": int(value)}),
                   "--exam-date": lambda: Request(**{**request.__dict__, "exam_date": date.fromisoformat(value)}),
                   "--skip-course": lambda: Request(**{**request.__dict__, "skip_courses": (value,)}),
                   "--new-cards": lambda: Request(**{**request.__dict__, "new_cards_limit": int(value)})}[name]()
        plan = build_plan(exam, (COURSE,), changed)
        assert all(d.minutes <= changed.minutes_per_day for d in plan.days)


def test_every_remedy_a_replan_refusal_offers_produces_a_replan():
    # The 45-minute plan at the most cards that fit; the learner follows it two weeks, then
    # misses five days. Each remedy offered must fit as `replan` plans it (the new-card lead
    # of the whole 56-day plan, not of the 37 days left).
    from studyplan.plan import Progress, ReplanError
    from studyplan.planner import replan
    from studyplan.sm2 import Sm2State, review

    plan = pmle(45, new_cards_limit=185)
    missed_from, back = START + timedelta(days=14), START + timedelta(days=19)
    introduced: dict[str, int] = {}
    states, domains, minutes = [], [], {}
    for day in plan.days:
        if day.date >= missed_from:
            break
        for t in day.tasks:
            if t.kind == TaskKind.NEW_CARDS:
                introduced[t.domain] = introduced.get(t.domain, 0) + t.count
                states += [review(Sm2State(), 4, day.date)] * t.count
                domains += [t.domain] * t.count
            elif t.kind == TaskKind.COURSE:
                minutes[(t.course_id, t.module)] = minutes.get((t.course_id, t.module), 0) + t.minutes
    progress = Progress(introduced, tuple(states), minutes, 0, tuple(domains))
    foundations = CATALOG.exams["foundations"]
    asked = Request(background="experienced", start=START, exam_date=plan.exam_date, minutes_per_day=45,
                    new_cards_limit=185)
    with pytest.raises(ReplanError) as refused:
        replan(plan, PMLE, CATALOG.courses, back, progress, foundations, changes=asked)
    remedies = dict(option.split(" ", 1) for option, _why in refused.value.remedies)
    assert "--minutes-per-day" in remedies
    fields = {"--minutes-per-day": ("minutes_per_day", int), "--exam-date": ("exam_date", date.fromisoformat),
              "--skip-course": ("skip_courses", lambda v: (v,)), "--new-cards": ("new_cards_limit", int)}
    for option, value in remedies.items():
        name, parse = fields[option]
        new = replan(plan, PMLE, CATALOG.courses, back, progress, foundations,
                     changes=replace(asked, **{name: parse(value)}))
        kept = [d for d in new.days if d.date < back]
        assert kept == [d for d in plan.days if d.date < back]
        assert all(d.minutes <= new.minutes_per_day for d in new.days if d.date >= back)
