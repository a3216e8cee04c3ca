"""Tests for studyplan.planner: rules pinned on exact dates, plus a hypothesis property."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyplan.catalog import Card, Course, Domain, Exam, Module
from studyplan.planner import (
    FINAL_REVIEW_DAYS,
    PHASES,
    TASK_KINDS,
    Plan,
    PlanError,
    Profile,
    Progress,
    ReplanError,
    build_plan,
    length_range,
    replan,
    shortfall,
)
from studyplan.sm2 import Sm2State, review

D = timedelta


def make_exam(counts, weights, eid="ex", kind="exam", duration=120):
    domains = tuple(Domain(f"{eid}-d{i}", f"{eid} domain {i}", w) for i, w in enumerate(weights))
    cards = tuple(
        Card(f"{eid}-{i}-{j:03d}", eid, d.id, "front", "back")
        for i, (d, n) in enumerate(zip(domains, counts))
        for j in range(n)
    )
    return Exam(eid, f"Exam {eid}", "Provider", domains, kind=kind, duration_minutes=duration, cards=cards)


EXAM = make_exam([40, 60, 30], [0.3, 0.5, 0.2])
FOUNDATIONS = make_exam([50, 20], [0.6, 0.4], eid="fo", kind="foundations")
COURSES = (
    Course("pms", "Production ML Systems", "Google", "core", 3, ("experienced", "pivoting"), 2,
           modules=(Module("Architecting", 1), Module("Data", 1))),
    Course("smp", "Structuring ML Projects", "DL.AI", "core", 4, ("experienced", "pivoting"), 1,
           modules=(Module("Strategy", 1),)),
    Course("aml", "Applied ML in Python", "UMich", "foundations", 1, ("pivoting",), 3,
           modules=(Module("Basics", 1.5), Module("Models", 1.5))),
    Course("reg", "ML: Regression", "UW", "foundations", 2, ("pivoting",), 1, modules=(Module("Linear", 1),)),
)
MON = date(2027, 1, 4)  # a Monday


# --------------------------------------------------------------------------- invariants


def forecast(plan: Plan, extra_states=()):
    """Independent SM-2 simulation of the plan's introductions (grade 4, reviews on study days).

    Returns (reviews per date, per-domain count of cards with no review in the final week,
    per-domain count of cards with fewer than two reviews before the exam).
    """
    study = {d.date for d in plan.days if not d.is_rest and d.phase != "exam"}
    final_start = plan.exam_date - D(FINAL_REVIEW_DAYS)
    reviews: Counter = Counter()
    no_final: Counter = Counter()
    under_two: Counter = Counter()
    groups = [(d.date, t.domain, t.count, None) for d in plan.days for t in d.tasks if t.kind == "new_cards"]
    groups += [(None, "", 1, s) for s in extra_states]
    for day, dom, n, state in groups:
        s = state if state is not None else review(Sm2State(), 4, day)
        seen = 0
        in_final = False
        while True:
            due = max(s.due, plan.days[0].date if state is None else s.due)
            k = due
            while k < plan.exam_date and k not in study:
                k += D(1)
            if k >= plan.exam_date:
                break
            reviews[k] += n
            seen += 1
            in_final |= k >= final_start
            s = review(s, 4, k)
        if not in_final:
            no_final[dom] += n
        if seen < 2:
            under_two[dom] += n
    return reviews, no_final, under_two


def check_plan(plan: Plan, exam: Exam, profile: Profile, foundations=None, check_forecast=True):
    days = plan.days
    assert days[0].date == profile.start == plan.start
    assert [d.date for d in days] == [plan.start + D(i) for i in range(len(days))]
    assert days[-1].date == plan.exam_date
    assert days[-1].phase == "exam" and [t.kind for t in days[-1].tasks] == ["exam"]
    if profile.exam_date is not None:
        assert plan.exam_date == profile.exam_date
    idx = [PHASES.index(d.phase) for d in days]
    assert idx == sorted(idx), "phases out of order"
    final_start = plan.exam_date - D(FINAL_REVIEW_DAYS)
    off = set(profile.days_off)
    introduced: Counter = Counter()
    for d in days:
        assert all(t.kind in TASK_KINDS for t in d.tasks)
        assert all(t.minutes >= 0 and t.count >= 0 for t in d.tasks)
        assert d.minutes <= profile.minutes_per_day
        assert (d.phase == "final_review") == (final_start <= d.date < plan.exam_date)
        if d.phase != "exam" and (d.date.weekday() not in profile.study_weekdays or d.date in off):
            assert [(t.kind, t.minutes) for t in d.tasks] == [("rest", 0)], d
        for t in d.tasks:
            if t.kind == "new_cards":
                assert (plan.exam_date - d.date).days >= 7
                assert d.phase not in ("final_review", "exam")
                introduced[t.domain] += t.count
                assert t.minutes == -(-t.count * 3 // 2)
            if t.kind == "reviews":
                assert t.minutes == -(-t.count // 2)
    expected = Counter({k: v for k, v in exam.card_counts().items() if v})
    if foundations is not None and profile.background == "pivoting":
        expected.update({k: v for k, v in foundations.card_counts().items() if v})
        f_ids = {dm.id for dm in foundations.domains}
        f_days = [d.date for d in days for t in d.tasks if t.kind == "new_cards" and t.domain in f_ids]
        assert all(days[0].date <= x for x in f_days)
    assert introduced == expected
    final_study = [d for d in days if d.phase == "final_review" and not d.is_rest]
    practice = [d for d in final_study for t in d.tasks if t.kind == "practice_exam"]
    if len(final_study) >= 2:
        assert len(practice) >= 2
    for d in practice:
        t = next(t for t in d.tasks if t.kind == "practice_exam")
        assert t.minutes > 0 and f"({t.minutes} of " in t.title
    if check_forecast:
        reviews, no_final, under_two = forecast(plan)
        planned = Counter({d.date: t.count for d in days for t in d.tasks
                           if t.kind == "reviews" and t.title.startswith("Reviews")})
        assert planned == +reviews
        drilled = Counter()
        for d in final_study:
            for t in d.tasks:
                if t.kind == "reviews" and t.title.startswith("Drill"):
                    drilled[t.domain] += t.count
        assert drilled == +no_final
        assert not +under_two
    return introduced


# --------------------------------------------------------------------------- basics


def test_length_range():
    assert length_range("experienced") == (28, 56)
    assert length_range("pivoting") == (91, 183)
    with pytest.raises(PlanError, match="background"):
        length_range("wizard")


def test_experienced_with_exam_date_exact_dates():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60)
    plan = build_plan(EXAM, COURSES, profile)
    check_plan(plan, EXAM, profile)
    assert len(plan.days) == 43
    assert plan.days[-1].date == date(2027, 2, 15)
    # Core courses come first, in order, and exam cards only once they are done.
    first = plan.days[0]
    assert first.phase == "core"
    assert first.tasks[0].kind == "course" and first.tasks[0].title.startswith("Production ML Systems: Architecting")
    course_days = [d.date for d in plan.days for t in d.tasks if t.kind == "course"]
    card_days = [d.date for d in plan.days for t in d.tasks if t.kind == "new_cards"]
    assert max(course_days) <= min(card_days)
    titles = [t.title for d in plan.days for t in d.tasks if t.kind == "course"]
    assert titles.index(next(t for t in titles if t.startswith("Structuring"))) > \
        max(i for i, t in enumerate(titles) if t.startswith("Production"))
    assert sum(t.minutes for d in plan.days for t in d.tasks if t.kind == "course") == 180
    # Final review: 2027-02-08 .. 2027-02-14, practice exams on the first and last-but-one day.
    final = [d for d in plan.days if d.phase == "final_review"]
    assert [d.date for d in final] == [date(2027, 2, 8) + D(i) for i in range(7)]
    practice = [d.date for d in final for t in d.tasks if t.kind == "practice_exam"]
    assert practice == [date(2027, 2, 8), date(2027, 2, 13)]
    assert plan.days[-1].tasks[0].title == "Exam: Exam ex (120 min)"


def test_highest_weight_domain_not_left_to_the_end():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60)
    plan = build_plan(EXAM, COURSES, profile)
    first_day = {}
    last_day = {}
    for d in plan.days:
        for t in d.tasks:
            if t.kind == "new_cards":
                first_day.setdefault(t.domain, d.date)
                last_day[t.domain] = d.date
    # Every domain starts on the first card day; the heaviest is never the last to finish
    # before the others have started, and its daily share tracks its weight.
    assert len(set(first_day.values())) == 1
    heavy = Counter()
    total = 0
    for d in plan.days:
        for t in d.tasks:
            if t.kind == "new_cards":
                total += t.count
                heavy[t.domain] += t.count
        if total >= 60:
            break
    assert heavy["ex-d1"] >= heavy["ex-d0"] >= heavy["ex-d2"]


def test_experienced_without_exam_date_is_clamped_to_four_weeks():
    profile = Profile("experienced", MON, None, 60)
    plan = build_plan(EXAM, COURSES, profile)
    assert plan.exam_date == MON + D(28)
    check_plan(plan, EXAM, profile)


def test_without_exam_date_the_first_date_that_holds_the_work():
    exam = make_exam([180, 120], [0.6, 0.4])
    profile = Profile("experienced", MON, None, 40)
    plan = build_plan(exam, COURSES, profile)
    lo, hi = length_range("experienced")
    length = (plan.exam_date - MON).days
    assert lo < length < hi
    check_plan(plan, exam, profile)
    # One day earlier does not hold the work.
    with pytest.raises(PlanError, match="short"):
        build_plan(exam, COURSES, Profile("experienced", MON, plan.exam_date - D(1), 40, force=True))
    # The work needs more than 8 weeks at 10 minutes a day: refused with the numbers.
    with pytest.raises(PlanError) as info:
        build_plan(exam, COURSES, Profile("experienced", MON, None, 10))
    assert info.value.minutes_short > 0 and info.value.days_short > 0


def test_pivoting_with_foundations():
    profile = Profile("pivoting", MON, None, 30, (0, 1, 2, 3, 4))
    plan = build_plan(EXAM, COURSES, profile, foundations=FOUNDATIONS)
    check_plan(plan, EXAM, profile, FOUNDATIONS)
    lo, hi = length_range("pivoting")
    assert lo <= (plan.exam_date - MON).days <= hi
    phases = [d.phase for d in plan.days]
    assert phases[0] == "foundations"
    assert {"foundations", "core", "domains", "final_review", "exam"} <= set(phases)
    f_ids = {d.id for d in FOUNDATIONS.domains}
    last_foundation_card = max(d.date for d in plan.days for t in d.tasks
                               if t.kind == "new_cards" and t.domain in f_ids)
    first_exam_card = min(d.date for d in plan.days for t in d.tasks
                          if t.kind == "new_cards" and t.domain not in f_ids)
    assert last_foundation_card < first_exam_card
    foundation_courses = [t.title for d in plan.days for t in d.tasks if t.kind == "course"]
    assert foundation_courses[0].startswith("Applied ML in Python: Basics")
    # An experienced learner gets neither the foundations courses nor the foundations deck.
    exp = build_plan(EXAM, COURSES, Profile("experienced", MON, None, 30), foundations=FOUNDATIONS)
    assert "foundations" not in {d.phase for d in exp.days}
    assert not any(t.domain in f_ids for d in exp.days for t in d.tasks)


def test_weekdays_only():
    profile = Profile("experienced", MON, date(2027, 2, 12), 60, (0, 1, 2, 3, 4))  # exam on a Friday
    plan = build_plan(EXAM, COURSES, profile)
    check_plan(plan, EXAM, profile)
    for d in plan.days[:-1]:
        if d.date.weekday() >= 5:
            assert [(t.kind, t.title, t.minutes) for t in d.tasks] == [("rest", "Rest day (not a study day)", 0)]
            assert d.minutes == 0
    # Final week 2027-02-05 .. 2027-02-11 has five study days; practice on the first and
    # the last but one (Fri 5th and Wed 10th).
    practice = [d.date for d in plan.days for t in d.tasks if t.kind == "practice_exam"]
    assert practice == [date(2027, 2, 5), date(2027, 2, 10)]
    # Sat 2027-01-09 sits in the core period.
    assert plan.days[5].date == date(2027, 1, 9) and plan.days[5].phase == plan.days[4].phase


def test_days_off():
    off = (date(2027, 1, 6), date(2027, 1, 20), date(2027, 2, 9))
    profile = Profile("experienced", MON, date(2027, 2, 15), 60, days_off=off)
    plan = build_plan(EXAM, COURSES, profile)
    check_plan(plan, EXAM, profile)
    by_date = {d.date: d for d in plan.days}
    for x in off:
        assert [(t.kind, t.title, t.minutes) for t in by_date[x].tasks] == [("rest", "Day off", 0)]
    assert by_date[date(2027, 2, 9)].phase == "final_review"
    # A review due on a day off moves to the next study day.
    reviews, _, _ = forecast(plan)
    assert reviews[date(2027, 1, 20)] == 0


def test_plan_spanning_leap_day():
    start = date(2028, 2, 7)
    profile = Profile("experienced", start, date(2028, 3, 13), 60)
    plan = build_plan(EXAM, COURSES, profile)
    check_plan(plan, EXAM, profile)
    dates = [d.date for d in plan.days]
    assert date(2028, 2, 29) in dates
    i = dates.index(date(2028, 2, 29))
    assert dates[i - 1] == date(2028, 2, 28) and dates[i + 1] == date(2028, 3, 1)
    assert len(dates) == 36
    assert plan.to_dict()["days"][i]["date"] == "2028-02-29"
    # The final week runs 2028-03-06 .. 2028-03-12.
    assert [d.date for d in plan.days if d.phase == "final_review"][0] == date(2028, 3, 6)


def test_start_on_exam_eve_refused_even_with_force():
    for start in (date(2027, 2, 14), date(2027, 2, 15)):
        with pytest.raises(PlanError, match="no room"):
            build_plan(EXAM, COURSES, Profile("experienced", start, date(2027, 2, 15), 60, force=True))
    with pytest.raises(PlanError, match="before the start"):
        build_plan(EXAM, COURSES, Profile("experienced", date(2027, 2, 16), date(2027, 2, 15), 60, force=True))


def test_exam_date_outside_range_refused_unless_forced():
    too_soon = Profile("experienced", MON, MON + D(27), 60)
    with pytest.raises(PlanError) as info:
        build_plan(EXAM, COURSES, too_soon)
    msg = str(info.value)
    assert "4-8 weeks" in msg and "28-56 days" in msg
    assert "working ML knowledge report 4-8 weeks" in msg and "3-6 months" in msg
    with pytest.raises(PlanError, match="3-6 months"):
        build_plan(EXAM, COURSES, Profile("pivoting", MON, MON + D(200), 60), foundations=FOUNDATIONS)
    for edge in (28, 56):
        build_plan(EXAM, COURSES, Profile("experienced", MON, MON + D(edge), 60))
    forced = Profile("experienced", MON, MON + D(27), 60, force=True)
    plan = build_plan(EXAM, COURSES, forced)
    check_plan(plan, EXAM, forced)
    assert plan.exam_date == MON + D(27)


def test_too_little_time_says_by_how_much_and_the_choices():
    big = make_exam([400, 300], [0.7, 0.3])
    profile = Profile("experienced", MON, MON + D(30), 30)
    with pytest.raises(PlanError) as info:
        build_plan(big, COURSES, profile)
    err = info.value
    msg = str(err)
    assert err.minutes_short > 0 and err.days_short > 0
    assert f"{err.minutes_short} minutes short" in msg
    assert "more minutes a day" in msg and "exam date" in msg and "lowest-weight" in msg
    assert "ex domain 1" in msg  # the lowest-weight domain is named
    assert shortfall(big, COURSES, profile) == (err.minutes_short, err.days_short)
    assert shortfall(EXAM, COURSES, Profile("experienced", MON, MON + D(42), 60)) == (0, 0)


def test_bad_profile_values():
    with pytest.raises(PlanError, match="minutes per day"):
        build_plan(EXAM, COURSES, Profile("experienced", MON, None, 0))
    with pytest.raises(PlanError, match="weekday"):
        build_plan(EXAM, COURSES, Profile("experienced", MON, None, 60, ()))
    with pytest.raises(PlanError, match="weekday"):
        build_plan(EXAM, COURSES, Profile("experienced", MON, None, 60, (7,)))


def test_json_contract_and_round_trip():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60, (0, 1, 2, 3, 4), (date(2027, 1, 6),))
    plan = build_plan(EXAM, COURSES, profile)
    data = json.loads(json.dumps(plan.to_dict()))
    assert list(data) == ["exam", "background", "start", "exam_date", "minutes_per_day", "days"]
    assert data["start"] == "2027-01-04" and data["exam_date"] == "2027-02-15"
    assert list(data["days"][0]) == ["date", "phase", "minutes", "tasks"]
    assert list(data["days"][0]["tasks"][0]) == ["kind", "title", "domain", "count", "minutes"]
    assert all(d["minutes"] == sum(t["minutes"] for t in d["tasks"]) for d in data["days"])
    back = Plan.from_dict(data)
    assert back == plan


def test_practice_exam_title_and_short_days():
    profile = Profile("experienced", MON, date(2027, 2, 15), 45)
    plan = build_plan(EXAM, COURSES, profile)
    titles = [t.title for d in plan.days for t in d.tasks if t.kind == "practice_exam"]
    assert len(titles) == 2
    for t in titles:
        assert t.startswith("Timed practice exam (") and t.endswith(" of 120 min)")


# --------------------------------------------------------------------------- replan


def progress_until(plan: Plan, stop: date, introduced_extra=None) -> Progress:
    """The learner did exactly what the plan said before *stop* (grading every review 4)."""
    introduced: Counter = Counter()
    states = []
    for d in plan.days:
        if d.date >= stop:
            break
        for t in d.tasks:
            if t.kind == "new_cards":
                introduced[t.domain] += t.count
                states += [review(Sm2State(), 4, d.date)] * t.count
    study = {d.date for d in plan.days if not d.is_rest and d.phase != "exam"}
    done = []
    for s in states:
        while s.due < stop:
            k = s.due
            while k not in study and k < stop:
                k += D(1)
            if k >= stop:
                break
            s = review(s, 4, k)
        done.append(s)
    modules = {(c.id, m.title) for c in COURSES for m in c.modules
               if any(t.kind == "course" and t.title.startswith(f"{c.title}: {m.title}")
                      for d in plan.days if d.date < stop for t in d.tasks)}
    return Progress(introduced=dict(introduced), states=tuple(done), done_modules=frozenset(modules))


def test_replan_after_a_missed_week():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60)
    plan = build_plan(EXAM, COURSES, profile)
    miss_from, today = date(2027, 1, 13), date(2027, 1, 20)
    progress = progress_until(plan, miss_from)
    missed = Counter()
    for d in plan.days:
        if miss_from <= d.date < today:
            for t in d.tasks:
                if t.kind == "new_cards":
                    missed[t.domain] += t.count
    assert sum(missed.values()) > 0
    new = replan(plan, EXAM, COURSES, today, progress)
    assert new.start == plan.start and new.exam_date == plan.exam_date
    assert new.days[: (today - MON).days] == plan.days[: (today - MON).days]
    assert [d.date for d in new.days] == [d.date for d in plan.days]
    after = Counter()
    for d in new.days:
        assert d.minutes <= 60
        if d.date >= today:
            for t in d.tasks:
                if t.kind == "new_cards":
                    after[t.domain] += t.count
                    assert (new.exam_date - d.date).days >= 7
    remaining = Counter({k: v - progress.introduced.get(k, 0) for k, v in EXAM.card_counts().items()})
    assert after == +remaining
    before_missing = Counter()
    for d in plan.days:
        if d.date >= today:
            for t in d.tasks:
                if t.kind == "new_cards":
                    before_missing[t.domain] += t.count
    assert after == before_missing + missed  # the missed week's cards moved to later days
    idx = [PHASES.index(d.phase) for d in new.days]
    assert idx == sorted(idx)
    # The forecast from the real states: reviews on the replanned days match an SM-2 run.
    tail = Plan(new.exam, new.background, today, new.exam_date, 60, new.study_weekdays, new.days_off,
                tuple(d for d in new.days if d.date >= today))
    reviews, no_final, _ = forecast(tail, progress.states)
    planned = Counter({d.date: t.count for d in tail.days for t in d.tasks
                       if t.kind == "reviews" and t.title.startswith("Reviews")})
    assert planned == +reviews
    drilled = sum(t.count for d in tail.days for t in d.tasks if t.title.startswith("Drill"))
    assert drilled == sum(no_final.values())


def test_replan_when_ahead():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60)
    plan = build_plan(EXAM, COURSES, profile)
    today = date(2027, 1, 20)
    progress = progress_until(plan, today)
    ahead = dict(progress.introduced)
    ahead["ex-d1"] = ahead.get("ex-d1", 0) + 20
    extra = tuple(review(Sm2State(), 4, today - D(1)) for _ in range(20))
    progress2 = Progress(ahead, progress.states + extra, progress.done_modules)
    new = replan(plan, EXAM, COURSES, today, progress2)
    left = sum(t.count for d in new.days if d.date >= today for t in d.tasks if t.kind == "new_cards")
    planned = sum(t.count for d in plan.days if d.date >= today for t in d.tasks if t.kind == "new_cards")
    assert left == planned - 20
    d1 = sum(t.count for d in new.days if d.date >= today for t in d.tasks
             if t.kind == "new_cards" and t.domain == "ex-d1")
    assert d1 == 60 - ahead["ex-d1"]


def test_replan_that_cannot_fit_raises_with_numbers():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60)
    plan = build_plan(EXAM, COURSES, profile)
    with pytest.raises(ReplanError) as info:
        replan(plan, EXAM, COURSES, date(2027, 2, 5), Progress())
    err = info.value
    assert isinstance(err, PlanError)
    assert err.minutes_short > 0 and err.days_short > 0
    assert "more minutes a day" in str(err) and "exam date" in str(err) and "lowest-weight" in str(err)
    with pytest.raises(ReplanError):
        replan(plan, EXAM, COURSES, date(2027, 2, 14), Progress())


def test_replan_spreads_an_overdue_backlog_without_overloading():
    exam = make_exam([200, 100], [0.6, 0.4])
    profile = Profile("experienced", MON, MON + D(56), 40)
    plan = build_plan(exam, COURSES, profile)
    card_days = [d.date for d in plan.days for t in d.tasks if t.kind == "new_cards"]
    stop = card_days[len(card_days) // 2]
    progress = progress_until(plan, stop)
    today = stop + D(10)
    overdue = sum(1 for st_ in progress.states if st_.due < today)
    assert overdue * 0.5 > 40  # more than one day's worth of reviews is overdue
    new = replan(plan, exam, COURSES, today, progress)
    tail = [d for d in new.days if d.date >= today]
    assert all(d.minutes <= 40 for d in tail)
    first = tail[0]
    assert [(t.kind, t.minutes) for t in first.tasks] == [("reviews", 40)]  # a full day of catching up
    assert any(t.kind == "reviews" and t.count > 0 for t in tail[1].tasks)
    left = sum(t.count for d in tail for t in d.tasks if t.kind == "new_cards")
    assert left == 300 - sum(progress.introduced.values())


def test_replan_inside_the_final_week_keeps_the_practice_exams_held():
    profile = Profile("experienced", MON, date(2027, 2, 15), 60)
    plan = build_plan(EXAM, COURSES, profile)
    today = date(2027, 2, 10)  # the practice exam of 2027-02-08 is behind, 2027-02-13 ahead
    progress = progress_until(plan, today)
    # Drills done on the kept days were recorded as reviews on 2027-02-09.
    drilled = {t.domain: t.count for d in plan.days if d.date < today for t in d.tasks
               if t.title.startswith("Drill")}
    states = list(progress.states)
    for i, s in enumerate(states):
        if s.due > plan.exam_date and sum(drilled.values()) > 0:
            states[i] = Sm2State(s.easiness, s.interval, s.repetitions, date(2027, 2, 9) + D(s.interval))
            drilled[next(k for k, v in drilled.items() if v > 0)] -= 1
    new = replan(plan, EXAM, COURSES, today, Progress(progress.introduced, tuple(states), progress.done_modules))
    practice = [d.date for d in new.days for t in d.tasks if t.kind == "practice_exam"]
    assert practice == [date(2027, 2, 8), date(2027, 2, 13)]
    assert all(d.phase == "final_review" for d in new.days if date(2027, 2, 8) <= d.date < date(2027, 2, 15))
    assert not any(t.kind == "new_cards" for d in new.days if d.date >= today for t in d.tasks)


# --------------------------------------------------------------------------- property


@st.composite
def scenarios(draw, max_cards=400):
    n = draw(st.integers(1, 8))
    raw = draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    weights = [r / sum(raw) for r in raw]
    counts = draw(st.lists(st.integers(0, max_cards), min_size=n, max_size=n))
    exam = make_exam(counts, weights, duration=draw(st.sampled_from([0, 90, 120, 180])))
    background = draw(st.sampled_from(["experienced", "pivoting"]))
    start = date(2027, 1, 1) + D(draw(st.integers(0, 800)))
    weekdays = tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1))))
    lo, hi = length_range(background)
    exam_date = None
    if draw(st.booleans()):
        exam_date = start + D(draw(st.integers(lo, hi)))
    offs = draw(st.lists(st.integers(0, hi), max_size=12))
    days_off = tuple(sorted({start + D(x) for x in offs}))
    minutes = draw(st.integers(20, 240))
    foundations = None
    if background == "pivoting" and draw(st.booleans()):
        foundations = make_exam([draw(st.integers(0, 80)), draw(st.integers(0, 80))], [0.6, 0.4],
                                eid="fo", kind="foundations")
    return exam, Profile(background, start, exam_date, minutes, weekdays, days_off), foundations


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_property_every_plan_keeps_every_rule(scenario):
    exam, profile, foundations = scenario
    try:
        plan = build_plan(exam, COURSES, profile, foundations=foundations)
    except PlanError as exc:
        assert str(exc).strip()
        if "does not fit" in str(exc):
            assert exc.minutes_short > 0 and exc.days_short > 0
        return
    check_plan(plan, exam, profile, foundations)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_cards=40))
def test_property_small_decks_mostly_fit(scenario):
    """Smaller decks, so that most examples produce a plan whose rules are checked."""
    test_property_every_plan_keeps_every_rule.hypothesis.inner_test(scenario)
