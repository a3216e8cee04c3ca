"""Follow two plans with a simulated learner through the real CLI and print what happened.

    python tests/sim/report.py [--seed N] [--days]

Scenarios (google-pmle, start 2027-01-04):
  (a) experienced, exam = start + 56 days, 45 minutes a day;
  (b) pivoting,    exam = start + 150 days, 60 minutes a day.
A plan the CLI refuses is reported with its message; the other scenario still runs.
See tests/sim/memory.py for the learner and tests/sim/driver.py for how the CLI is driven.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ -> the `sim` package
    from sim.driver import DRILL_MIN, NEW_MIN, REASK_MIN, REVIEW_MIN, CardIndex, SimResult, args_that_fit, run_plan
else:
    from .driver import DRILL_MIN, NEW_MIN, REASK_MIN, REVIEW_MIN, CardIndex, SimResult, args_that_fit, run_plan

START = date(2027, 1, 4)
SEED = 7


def scenarios() -> list[tuple[str, list[str], str]]:
    """(name, plan create options, the remedy a refused learner takes)."""
    experienced = ["--exam", "google-pmle", "--background", "experienced",
                   "--exam-date", (START + timedelta(days=56)).isoformat()]
    return [
        ("a: experienced 56 d, 45 min", [*experienced, "--minutes-per-day", "45"], "--new-cards"),
        ("a2: experienced 56 d, 45 min", [*experienced, "--minutes-per-day", "45"], "--minutes-per-day"),
        ("a3: experienced 56 d, 90 min", [*experienced, "--minutes-per-day", "90"], "--minutes-per-day"),
        ("b: pivoting 150 d, 60 min", ["--exam", "google-pmle", "--background", "pivoting",
                                        "--exam-date", (START + timedelta(days=150)).isoformat(),
                                        "--minutes-per-day", "60"], "--minutes-per-day"),
    ]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


ROWS = [
    ("plan", lambda r: f"{r.start} -> exam {r.exam_date}, {r.minutes_per_day} min/day"),
    ("new cards planned / introduced", lambda r: f"{r.planned_new} / {r.introduced}"),
    ("exam cards introduced / in deck", lambda r: f"{r.introduced_exam} / {r.exam_cards}"),
    ("first new card (days from start)", lambda r: r.first_new_day),
    ("last new card (days before exam)", lambda r: r.last_new_before_exam),
    ("first exam-deck card (days from start)", lambda r: r.first_exam_new_day),
    ("last exam-deck card (days before exam)", lambda r: r.last_exam_new_before_exam),
    ("days over minutes-per-day", lambda r: f"{r.days_over} of {len(r.days)}"),
    ("worst day (minutes)", lambda r: f"{r.worst_day[0]} {r.worst_day[1]:.1f}" if r.worst_day else "-"),
    ("reviews done / plan forecast", lambda r: f"{r.reviews_done} / {r.reviews_forecast}"
                                               + (f" ({r.reviews_done / r.reviews_forecast:.2f}x)" if r.reviews_forecast else "")),
    ("same-day re-asks done", lambda r: r.reasks_done),
    ("mornings 'behind'", lambda r: r.behind_mornings),
    ("  of which behind by more than today's new", lambda r: r.behind_beyond_today),
    ("drill cards planned / done", lambda r: f"{r.drills_planned} / {r.drills_done}"),
    ("introduced exam cards, SM-2 interval >= 21 d", lambda r: _pct(r.mature_share)),
    ("mean recall, exam day (true)", lambda r: _pct(r.true_recall_exam)),
    ("mean recall, exam day (0.9^(t/I) est.)", lambda r: _pct(r.est_recall_exam)),
    ("mean recall, exam + 30 d (true)", lambda r: _pct(r.true_recall_30)),
    ("mean recall, exam + 30 d (0.9^(t/I) est.)", lambda r: _pct(r.est_recall_30)),
    ("`done` command run daily", lambda r: "yes" if r.has_done else "no (CLI has none)"),
    ("driver anomalies", lambda r: len(r.anomalies)),
    ("wall clock (s)", lambda r: f"{r.seconds:.1f}"),
]


def table(results: list[SimResult]) -> str:
    ok = [r for r in results if r.refused is None]
    lines = []
    if ok:
        width = max(len(label) for label, _ in ROWS)
        cols = [max(len(r.name), 44) for r in ok]
        lines.append(f"{'metric':<{width}}  " + "  ".join(f"{r.name:<{c}}" for r, c in zip(ok, cols)))
        lines.append("-" * width + "  " + "  ".join("-" * c for c in cols))
        for label, get in ROWS:
            lines.append(f"{label:<{width}}  " + "  ".join(f"{str(get(r)):<{c}}" for r, c in zip(ok, cols)))
    for r in results:
        if r.refused is not None:
            lines.append(f"\n{r.name}: plan create refused: {r.refused}")
    for r in ok:
        for a in r.anomalies[:5]:
            lines.append(f"{r.name}: anomaly: {a}")
    return "\n".join(lines)


def daily_lines(r: SimResult) -> str:
    out = [f"\n{r.name}: day by day (status at the start of the day; minutes = course/practice + "
           f"new*{NEW_MIN} + reviews*{REVIEW_MIN} + re-asks*{REASK_MIN} + drills*{DRILL_MIN})",
           "date        status     ahead  course  new(planned)  rev  reask  drill(planned)  minutes"]
    for d in r.days:
        flag = " OVER" if d.minutes > r.minutes_per_day + 1e-9 else ""
        out.append(f"{d.day}  {d.status:<9} {d.ahead_by:>6}  {d.course_minutes:>6}  {d.new:>3}({d.planned_new:>3})     {d.reviews:>3}  "
                   f"{d.reasks:>5}  {d.drills:>5}({d.planned_drills:>3})    {d.minutes:>6.1f}{flag}")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--days", action="store_true", help="Also print every simulated day.")
    args = parser.parse_args(argv)
    index = CardIndex()
    results = []
    with tempfile.TemporaryDirectory(prefix="studyplan-sim-") as tmp:
        for i, (name, plan_args, remedy) in enumerate(scenarios()):
            plan_args, refusal = args_that_fit(Path(tmp) / f"scratch-{i}.db", plan_args, START, remedy)
            if refusal:
                name += " + " + " ".join(plan_args[-2:]) + " (the refusal's remedy)"
            r = run_plan(Path(tmp) / f"sim-{i}.db", plan_args, START, name=name, seed=args.seed, index=index)
            results.append(r)
            print(f"# {name}: {'refused' if r.refused else 'done'} in {r.seconds:.1f} s", file=sys.stderr)
    print(f"Simulated learner (seed {args.seed}) following studyplan plans through the CLI; "
          f"start {START}, google-pmle.")
    print(table(results))
    if args.days:
        for r in results:
            if r.refused is None:
                print(daily_lines(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
