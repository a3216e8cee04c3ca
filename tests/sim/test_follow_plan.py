"""A simulated learner (tests/sim/memory.py, fixed seed) follows whole plans through the
real CLI, in process: `today`, `review` (due, new, re-asks, drills) and `done` every day."""

from __future__ import annotations

from datetime import timedelta

from .driver import args_that_fit, run_plan
from .report import START


def check_holds(r, min_lead: int) -> None:
    assert r.refused is None and not r.anomalies
    assert r.first_new_day is not None and r.first_new_day < 7          # cards in the first week
    assert r.last_exam_new_before_exam >= min_lead                        # no cramming
    assert r.days_over <= 2                                               # within the learner's minutes
    assert 0.75 <= r.reviews_done / r.reviews_forecast <= 1.3             # the forecast matches
    assert r.drills_done == r.drills_planned > 0                          # every planned drill doable
    assert r.behind_mornings == 0                                         # honest status
    assert r.mature_share >= 0.5                                          # memory on exam day


def test_experienced_56_days_at_45_minutes_with_the_refusals_remedy(tmp_path):
    args = ["--exam", "google-pmle", "--background", "experienced",
            "--exam-date", (START + timedelta(days=56)).isoformat(), "--minutes-per-day", "45"]
    args, refusal = args_that_fit(tmp_path / "scratch.db", args, START, "--new-cards")
    assert "--minutes-per-day" in refusal  # the other remedy is offered too
    check_holds(run_plan(tmp_path / "sim.db", args, START), min_lead=21)


def test_pivoting_plan(tmp_path):
    args = ["--exam", "google-pmle", "--background", "pivoting",
            "--exam-date", (START + timedelta(days=120)).isoformat(), "--minutes-per-day", "90"]
    args, _ = args_that_fit(tmp_path / "scratch.db", args, START, "--minutes-per-day")
    check_holds(run_plan(tmp_path / "sim.db", args, START), min_lead=21)
