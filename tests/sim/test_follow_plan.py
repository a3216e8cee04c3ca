"""A simulated learner (tests/sim/memory.py, fixed seed) follows whole plans through the
real CLI, in process: `today`, `review` (due, new, re-asks, drills) and `done` every day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .driver import CardIndex, args_that_fit, run_plan
from .report import START

EXPERIENCED = ["--exam", "google-pmle", "--background", "experienced",
               "--exam-date", (START + timedelta(days=56)).isoformat(), "--minutes-per-day", "45"]
MISSED = tuple(START + timedelta(days=d) for d in range(14, 19))  # Monday to Friday of week three


@pytest.fixture(scope="module")
def index():
    return CardIndex()


@pytest.fixture(scope="module")
def experienced(tmp_path_factory):
    """The experienced plan's options once the refusal's `--new-cards` remedy is taken."""
    return args_that_fit(tmp_path_factory.mktemp("fit") / "scratch.db", EXPERIENCED, START, "--new-cards")


def check_holds(r, min_lead: int) -> None:
    assert r.refused is None and not r.anomalies
    assert r.first_new_day is not None and r.first_new_day < 7          # cards in the first week
    assert r.last_exam_new_before_exam >= min_lead                        # no cramming
    assert r.days_over <= 2                                               # within the learner's minutes
    assert 0.75 <= r.reviews_done / r.reviews_forecast <= 1.3             # the forecast matches
    assert r.drills_done == r.drills_planned > 0                          # every planned drill doable
    assert r.behind_mornings == 0                                         # honest status
    assert r.mature_share >= 0.5                                          # memory on exam day


def test_experienced_56_days_at_45_minutes_with_the_refusals_remedy(tmp_path, experienced, index):
    args, refusal = experienced
    assert "--minutes-per-day" in refusal  # the other remedy is offered too
    check_holds(run_plan(tmp_path / "sim.db", args, START, index=index), min_lead=21)


def test_pivoting_plan(tmp_path, index):
    args = ["--exam", "google-pmle", "--background", "pivoting",
            "--exam-date", (START + timedelta(days=120)).isoformat(), "--minutes-per-day", "90"]
    args, _ = args_that_fit(tmp_path / "scratch.db", args, START, "--minutes-per-day")
    check_holds(run_plan(tmp_path / "sim.db", args, START, index=index), min_lead=21)


def _course_tasks(plan: dict, since) -> list[dict]:
    return [t for d in plan["days"] if d["date"] >= since.isoformat() for t in d["tasks"] if t["kind"] == "course"]


def _new_cards(plan: dict, days) -> int:
    wanted = {d.isoformat() for d in days}
    return sum(t["count"] for d in plan["days"] if d["date"] in wanted for t in d["tasks"] if t["kind"] == "new_cards")


def _course_minutes(plan: dict, days) -> int:
    wanted = {d.isoformat() for d in days}
    return sum(t["minutes"] for d in plan["days"] if d["date"] in wanted for t in d["tasks"] if t["kind"] == "course")


def test_five_missed_days_in_week_three_then_replan_and_follow_to_the_exam(tmp_path, experienced, index):
    """The learner of the experienced plan does nothing Monday to Friday of week three; on
    Saturday `today` says behind by exactly the missed days' work, `replan` (same minutes)
    is refused because the plan was already full, and the learner adds the first remedy
    it offers (more minutes a day). The new plan is then followed to the exam."""
    args, _ = experienced
    minutes = args[args.index("--minutes-per-day"):][:2]
    r = run_plan(tmp_path / "sim.db", args, START, miss=MISSED, replan_args=minutes, index=index)
    back = MISSED[-1] + timedelta(days=1)
    assert r.replan_day == back

    # The morning after: behind by the missed days' new cards and course minutes, nothing more.
    morning = r.return_today
    assert morning["status"] == "behind"
    assert (morning["new_cards_planned_before_today"] - morning["new_cards_done_before_today"]
            == _new_cards(r.plan_before, MISSED) > 0)
    assert (morning["course_minutes_planned_before_today"] - morning["course_minutes_done_before_today"]
            == _course_minutes(r.plan_before, MISSED) > 0)

    # Refused at the same minutes; the first remedy offered (more minutes a day) fits as offered.
    assert r.replan_refusal.startswith("The plan does not fit")
    assert r.replan_remedy[0] == "--minutes-per-day"
    assert r.minutes_per_day == int(r.replan_remedy[1]) > 45

    # Finished modules stay finished and never come back; a module begun comes back as what is left.
    module_minutes = {(c.id, n): m.minutes for c in index.catalog.courses for n, m in enumerate(c.modules, 1)}
    finished = {k for k, done in r.course_log_at_return.items() if done >= module_minutes[k]}
    assert finished
    assert all(r.course_log_at_exam[k] >= module_minutes[k] for k in finished)
    replanned = _course_tasks(r.plan_after, back)
    assert not {(t["course_id"], t["module"]) for t in replanned} & finished
    for key, done in r.course_log_at_return.items():
        if key not in finished:
            assert sum(t["minutes"] for t in replanned if (t["course_id"], t["module"]) == key) == module_minutes[key] - done
    # The days before the replan are kept as they were; every module is done by the exam.
    assert ([d for d in r.plan_after["days"] if d["date"] < back.isoformat()]
            == [d for d in r.plan_before["days"] if d["date"] < back.isoformat()])
    chosen = {k for k in module_minutes if k[0] in ("production-ml-systems", "structuring-ml-projects")}
    assert {k for k, done in r.course_log_at_exam.items() if done >= module_minutes[k]} == chosen

    # Every card of the plan is introduced, and from the replan on the plan holds the bars.
    assert r.introduced == r.planned_new == int(args[args.index("--new-cards") + 1])
    check_holds(r, min_lead=21)
