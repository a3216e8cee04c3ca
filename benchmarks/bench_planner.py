"""Benchmark: build a plan for 10,000 cards over 26 weeks, beside a bare SM-2 simulation.

The baseline runs in the same process: the same introductions as the plan, each card a
``Sm2State`` put through ``sm2.review`` (grade 4) day by day on the plan's study days.
Prints both times and their ratio (target: plan <= 3x the bare simulation, and < 1 s),
and checks that the plan's forecast equals the bare simulation's review counts. It never
asserts a wall-clock time.

Run: python benchmarks/bench_planner.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta

from studyplan.catalog import Card, Course, Domain, Exam, Module
from studyplan.planner import Profile, build_plan
from studyplan.sm2 import Sm2State, review

CARDS = 10_000
DOMAINS = 8
WEEKS = 26
START = date(2027, 1, 4)
# Every introduced card must be seen once in the final week (a review or a drill), so
# 10,000 cards need roughly 10,000 x 0.5 min in 7 days: the daily minutes are set to hold that.
MINUTES_PER_DAY = 900
REPEATS = 5


def make_exam() -> Exam:
    weights = [0.22, 0.18, 0.15, 0.13, 0.12, 0.09, 0.06, 0.05]
    domains = tuple(Domain(f"d{i}", f"Domain {i}", w) for i, w in enumerate(weights[:DOMAINS]))
    per = CARDS // DOMAINS
    cards = tuple(Card(f"bench-d{i}-{j:05d}", "bench", d.id, "f", "b")
                  for i, d in enumerate(domains) for j in range(per))
    return Exam("bench", "Benchmark exam", "bench", domains, duration_minutes=120, cards=cards)


COURSES = (
    Course("pms", "Production ML Systems", "x", "core", 1, ("experienced", "pivoting"), 15,
           modules=tuple(Module(f"Module {i}", 3) for i in range(5))),
    Course("aml", "Applied ML in Python", "x", "foundations", 0, ("pivoting",), 20,
           modules=tuple(Module(f"Module {i}", 5) for i in range(4))),
)


def bare_simulation(plan) -> dict[date, int]:
    """The same introductions, SM-2 day by day, each card its own state (the baseline)."""
    intros = defaultdict(int)
    for d in plan.days:
        for t in d.tasks:
            if t.kind == "new_cards":
                intros[d.date] += t.count
    study = {d.date for d in plan.days if d.phase != "exam" and not d.is_rest}
    due: dict[date, list[Sm2State]] = defaultdict(list)
    counts: dict[date, int] = {}
    day = plan.start
    one = timedelta(days=1)
    while day < plan.exam_date:
        todays = due.pop(day, [])
        if day in study:
            for s in todays:
                s = review(s, 4, day)
                due[s.due].append(s)
            if todays:
                counts[day] = len(todays)
            for _ in range(intros.get(day, 0)):
                s = review(Sm2State(), 4, day)
                due[s.due].append(s)
        elif todays:
            due[day + one].extend(todays)  # a review due on a rest day is done on the next study day
        day += one
    return counts


def timed(fn, *args):
    best = []
    result = None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = fn(*args)
        best.append(time.perf_counter() - t0)
    return result, min(best), statistics.median(best)


def main() -> int:
    exam = make_exam()
    profile = Profile("pivoting", START, START + timedelta(weeks=WEEKS), MINUTES_PER_DAY)
    plan, plan_min, plan_med = timed(build_plan, exam, COURSES, profile)
    counts, sim_min, sim_med = timed(bare_simulation, plan)
    forecast = {d.date: t.count for d in plan.days for t in d.tasks
                if t.kind == "reviews" and t.title.startswith("Reviews")}
    introduced = sum(t.count for d in plan.days for t in d.tasks if t.kind == "new_cards")
    reviews = sum(counts.values())
    print(f"plan: {introduced} cards, {len(plan.days)} days ({WEEKS} weeks), {MINUTES_PER_DAY} min/day, "
          f"{reviews} forecast reviews, busiest day {max(d.minutes for d in plan.days)} min")
    print(f"build_plan           best {plan_min * 1000:8.1f} ms   median {plan_med * 1000:8.1f} ms")
    print(f"bare SM-2 simulation best {sim_min * 1000:8.1f} ms   median {sim_med * 1000:8.1f} ms")
    print(f"ratio plan / bare simulation: {plan_min / sim_min:.2f}x best, {plan_med / sim_med:.2f}x median "
          f"(target <= 3x; plan under 1 s: {'yes' if plan_med < 1 else 'no'})")
    print(f"forecast equals the bare simulation's review counts: {'yes' if forecast == counts else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
