"""What the review screen says around a grade: when the card comes back, and the progress line."""

from datetime import date

from conftest import piped_review

from studyplan.queue import Progress, when_back

TODAY = date(2026, 12, 1)


def test_when_back_reads_as_a_date():
    assert when_back(date(2026, 11, 30), date(2026, 12, 6), False, False) == "back in 6 days, Sun 6 Dec"
    assert when_back(TODAY, date(2026, 12, 2), False, False) == "back tomorrow, Wed 2 Dec"
    assert when_back(TODAY, date(2026, 12, 2), True, False) == (
        "again at the end of this session; then back tomorrow, Wed 2 Dec")
    assert when_back(TODAY, date(2026, 12, 7), False, True) == (
        "practice: the schedule is unchanged (due in 6 days, Mon 7 Dec)")


def test_progress_line_counts_done_left_and_minutes():
    assert Progress(3, 7, 95.0, minutes_left=9.4).line() == "3 done / 7 left · about 9 min"
    assert Progress(0, 1, 0.0, minutes_left=0.25).line() == "0 done / 1 left · about 1 min"


def test_each_grade_is_followed_by_when_the_card_comes_back(run):
    result = piped_review(run, ["", "5", "", "2", "", "5", "q"], TODAY)
    lines = result.stdout.splitlines()
    after = [lines[i + 1] for i, line in enumerate(lines) if line.startswith("u undo")]
    assert after[:3] == [
        "back tomorrow, Wed 2 Dec",                                            # new card graded 5: 1 day
        "again at the end of this session; then back tomorrow, Wed 2 Dec",     # graded 2: asked again today
        "back tomorrow, Wed 2 Dec",
    ]
    heads = [line for line in lines if line.startswith("[")]
    assert heads[2].startswith("[2 done / 9 left · about 12 min]")  # 8 new at 1.5 min and the re-ask at 0.25
