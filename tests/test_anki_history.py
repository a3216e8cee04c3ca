"""Anki's revlog as studyplan's history: buttons to grades, days, and the state."""

from __future__ import annotations

from datetime import date, datetime

from studyplan.anki import html_to_text
from studyplan.anki_history import GRADE_FOR_EASE, AnkiReview, card_history, reviewed_at
from studyplan.sm2 import Sm2State


def _at(*parts: int) -> int:
    return int(datetime(*parts).timestamp() * 1000)


def test_the_buttons_map_onto_sm2_grades():
    assert GRADE_FOR_EASE == {1: 1, 2: 3, 3: 4, 4: 5}


def test_a_revlog_timestamp_keeps_its_milliseconds():
    assert reviewed_at(_at(2026, 11, 1, 10, 0, 5) + 123) == datetime(2026, 11, 1, 10, 0, 5, 123000)


def test_no_reviews_no_history():
    assert card_history("c", []) is None


def test_first_answer_of_a_day_is_the_review_later_ones_practice():
    history = card_history("c", [
        AnkiReview(_at(2026, 11, 1, 9), 1, -60, 0, 2500, 0),
        AnkiReview(_at(2026, 11, 1, 9, 1), 4, 4, 2650, 1500, 0),
        AnkiReview(_at(2026, 11, 5, 8), 3, 11, 2650, 3000, 1),
    ])
    assert history is not None
    assert [(r.review_day, r.grade, r.practice, r.seconds) for r in history.reviews] == [
        (date(2026, 11, 1), 1, False, 2.5), (date(2026, 11, 1), 5, True, 1.5), (date(2026, 11, 5), 4, False, 3.0)]
    # Day 1 failed first (a lapse, repetitions restart) but Anki gave 4 days at 2.65.
    assert history.reviews[0].state == Sm2State(easiness=2.65, interval=4, repetitions=0, due=date(2026, 11, 5))
    assert history.reviews[0].before is None and history.reviews[1].before == history.reviews[0].state
    assert history.state == Sm2State(easiness=2.65, interval=11, repetitions=1, due=date(2026, 11, 16))
    assert (history.lapses, history.introduced_on) == (1, date(2026, 11, 1))
    assert history.reviews[2].lapses_before == 1 and history.reviews[2].introduced_before == date(2026, 11, 1)


def test_a_card_still_learning_is_due_the_next_day_at_the_starting_ease():
    history = card_history("c", [AnkiReview(_at(2026, 11, 1, 9), 3, -600, 0, 0, 0)])
    assert history is not None
    assert history.state == Sm2State(easiness=2.5, interval=1, repetitions=1, due=date(2026, 11, 2))


def test_the_ease_factor_never_drops_below_sm2s_floor():
    history = card_history("c", [AnkiReview(_at(2026, 11, 1, 9), 2, 2, 1000, 0, 1)])
    assert history is not None and history.state.easiness == 1.3


def test_html_fields_become_text():
    assert html_to_text("a&nbsp;<b>b</b><br>c<script>alert(1)</script><style>p{}</style> &lt;d&gt;") == "a b\nc <d>"
