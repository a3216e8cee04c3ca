"""Anki packages both ways, checked against Anki's own backend (the `anki` package):
`export anki` writes a package Anki imports with the right notes, subdecks and tags, and
a re-export updates those notes; a collection built and reviewed in Anki, exported by
Anki as .apkg and .colpkg (new and legacy formats), imports here with its history."""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import db_digest, deck_file, error_line, rows

anki_collection = pytest.importorskip("anki.collection")
from anki.collection import (  # noqa: E402
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.scheduler.v3 import CardAnswer  # noqa: E402

from studyplan.anki_apkg import note_guid  # noqa: E402

ALPHA, BETA = "studyplan::TINY::Alpha things", "studyplan::TINY::Beta things"


def _fresh_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def _import_into_anki(col: Collection, package: Path) -> None:
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)))


def _notes_by_id_field(col: Collection) -> dict[str, object]:
    return {col.get_note(nid)["Id"]: col.get_note(nid) for nid in col.find_notes("")}


def _deck_counts(col: Collection) -> dict[str, int]:
    return {d.name: len(col.find_cards(f'"deck:{d.name}" -"deck:{d.name}::*"'))
            for d in col.decks.all_names_and_ids() if d.name.startswith("studyplan")}


def test_an_exported_package_imports_into_anki_with_subdecks_tags_and_fields(run, tmp_path):
    package = tmp_path / "tiny.apkg"
    result = run("export", "anki", "--exam", "tiny", "-o", str(package))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote 10 notes in 2 subdecks to {package}\n"
    col = _fresh_collection(tmp_path / "anki")
    try:
        _import_into_anki(col, package)
        assert col.note_count() == 10
        assert _deck_counts(col) == {"studyplan": 0, "studyplan::TINY": 0, ALPHA: 6, BETA: 4}
        notes = _notes_by_id_field(col)
        assert sorted(notes) == [f"tiny-alpha-{i:03d}" for i in range(1, 7)] + [f"tiny-beta-{i:03d}" for i in range(1, 5)]
        first, second = notes["tiny-alpha-001"], notes["tiny-beta-002"]
        assert (first["Front"], first["Back"], first["Reference"]) == ("Question 1 about alpha?", "Answer 1.", "")
        assert sorted(first.tags) == ["alpha", "domain::alpha", "exam::tiny", "style::scenario"]
        assert sorted(second.tags) == ["beta", "domain::beta", "exam::tiny", "style::recall"]
        assert first.guid == note_guid("tiny-alpha-001")
        assert {col.models.get(n.mid)["name"] for n in notes.values()} == {"studyplan card"}
    finally:
        col.close()


def test_a_re_export_updates_the_notes_in_anki_instead_of_adding_copies(run, tiny_decks, tmp_path):
    package = tmp_path / "tiny.apkg"
    assert run("export", "anki", "--exam", "tiny", "-o", str(package), today="2026-12-01").exit_code == 0
    col = _fresh_collection(tmp_path / "anki")
    try:
        _import_into_anki(col, package)
        # The deck changes: a card's text (hostile HTML included), a card's ref, a new card.
        alpha = deck_file("alpha", range(1, 8)).replace(
            'front = "Question 1 about alpha?"', 'front = "Is <b>1</b> & <script>x</script> bold?"').replace(
            'back = "Answer 2."', 'back = "Answer 2.\\nSecond line."\nref = "https://example.com/a?b=1&c=2"')
        (tiny_decks / "tiny" / "01-alpha.toml").write_text(alpha)
        result = run("export", "anki", "--exam", "tiny", "-o", str(package), today="2026-12-03")
        assert result.output == f"wrote 11 notes in 2 subdecks to {package}\n"
        _import_into_anki(col, package)
        assert col.note_count() == 11
        assert _deck_counts(col) == {"studyplan": 0, "studyplan::TINY": 0, ALPHA: 7, BETA: 4}
        notes = _notes_by_id_field(col)
        assert notes["tiny-alpha-001"]["Front"] == html.escape("Is <b>1</b> & <script>x</script> bold?")
        assert notes["tiny-alpha-002"]["Back"] == "Answer 2.<br>Second line."
        assert notes["tiny-alpha-002"]["Reference"] == "https://example.com/a?b=1&amp;c=2"
        # The same file again changes nothing.
        _import_into_anki(col, package)
        assert col.note_count() == 11 and col.card_count() == 11
    finally:
        col.close()


def _answer(col: Collection, *ratings: int) -> list[int]:
    """Answer the next queued cards in Anki with its v3 scheduler; the card ids answered."""
    buttons = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    answered = []
    for rating in ratings:
        queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=buttons[rating]))
        answered.append(card.id)
    return answered


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


# A card's history written straight into Anki's revlog, on fixed days:
# (when, ease, interval, ease factor, type) as Anki logs learning, review and relearning.
OLD_HISTORY = [
    (datetime(2026, 11, 1, 10, 0), 3, -600, 0, 0),
    (datetime(2026, 11, 1, 10, 10), 3, 1, 2500, 0),
    (datetime(2026, 11, 2, 9, 0), 2, 3, 2350, 1),
    (datetime(2026, 11, 5, 9, 0), 1, -600, 2150, 1),
    (datetime(2026, 11, 5, 9, 10), 3, 1, 2150, 2),
]


def _build_reviewed_collection(folder: Path) -> tuple[Collection, list[tuple[str, int]]]:
    """A collection made in Anki: four Basic notes in decks named after tiny's domains,
    two answered with the scheduler today (Again, Easy, Good: the card that failed comes
    back within Anki's learn-ahead limit), one with an older history in its revlog.
    Returns the collection and the (front, ease) of today's answers in order."""
    col = _fresh_collection(folder)
    basic = col.models.by_name("Basic")
    cards = {}
    for text, front, back, deck, tags in [
        ("What is alpha?", "What is <i>alpha</i>?", "The first<br>letter &amp; more", "Tiny::Alpha things",
         ["greek", "letters::a"]),
        ("Alpha again?", "Alpha again?", "Yes", "Tiny::Alpha things", []),
        ("What is beta?", "What is beta?", "The second", "Tiny::beta", ["greek"]),
        ("Never studied", "Never studied", "Still new", "Tiny::beta", []),
    ]:
        note = col.new_note(basic)
        note["Front"], note["Back"], note.tags = front, back, tags
        col.add_note(note, col.decks.id(deck))
        cards[text] = note.card_ids()[0]
    col.decks.select(col.decks.id("Tiny::Alpha things"))
    fronts = {cid: front for front, cid in cards.items()}
    ratings = (1, 4, 3)
    today = [(fronts[cid], rating) for cid, rating in zip(_answer(col, *ratings), ratings, strict=True)]
    old = cards["What is beta?"]
    for at, ease, ivl, factor, kind in OLD_HISTORY:
        col.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "VALUES (?, ?, -1, ?, ?, 0, ?, 4000, ?)", _ms(at), old, ease, ivl, factor, kind)
    return col, today


def _export(col: Collection, kind: str, target: Path) -> Path:
    if kind.endswith("apkg"):
        col.export_anki_package(out_path=str(target), limit=None, options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=kind == "legacy-apkg"))
    else:
        col.export_collection_package(str(target), include_media=False, legacy=kind == "legacy-colpkg")
    return target


@pytest.mark.parametrize("kind, member", [
    ("apkg", "collection.anki21b"), ("colpkg", "collection.anki21b"),
    ("legacy-apkg", "collection.anki21"), ("legacy-colpkg", "collection.anki21"),
])
def test_a_collection_reviewed_in_anki_imports_with_its_history(run, db_path, tmp_path, kind, member):
    col, answers = _build_reviewed_collection(tmp_path / "anki")
    try:
        answered = col.db.scalar("SELECT count() FROM revlog WHERE id > ?", _ms(datetime(2026, 11, 6)))
        package = _export(col, kind, tmp_path / f"phone.{kind.split('-')[-1]}")
    finally:
        col.close()
    assert answered == 3
    today = date.today().isoformat()  # Anki's scheduler answered on the real clock
    result = run("import", "anki", str(package), "--exam", "tiny", today=today)
    assert result.exit_code == 0, result.output
    assert result.output == (f"imported {package.name} ({member}): 4 notes\n"
                             "  4 cards added to tiny/alpha, tiny/beta; 0 already present\n"
                             "  8 reviews added, 0 already present; 3 cards scheduled\n")
    imported = dict(rows(db_path, "SELECT c.front, d.slug FROM card c JOIN domain d ON d.id = c.domain_id "
                                  "WHERE c.source = ?", f"anki:{package.name}"))
    assert imported == {"What is alpha?": "alpha", "Alpha again?": "alpha", "What is beta?": "beta",
                        "Never studied": "beta"}
    assert rows(db_path, "SELECT back, tags FROM card WHERE front = 'What is alpha?'") == [
        ("The first\nletter & more", "greek,letters::a")]
    # The older history, day by day: the first answer of a day is the scheduled review,
    # later ones that day are practice; state from Anki's interval and ease factor.
    beta = rows(db_path, "SELECT id FROM card WHERE front = 'What is beta?'")[0][0]
    assert rows(db_path, "SELECT review_day, grade, practice, easiness, interval, repetitions, due, prev_easiness, "
                         "seconds FROM review_log WHERE card_id = ? ORDER BY reviewed_at", beta) == [
        ("2026-11-01", 4, 0, 2.5, 1, 1, "2026-11-02", None, 4.0),
        ("2026-11-01", 4, 1, 2.5, 1, 1, "2026-11-02", 2.5, 4.0),
        ("2026-11-02", 3, 0, 2.35, 3, 2, "2026-11-05", 2.5, 4.0),
        ("2026-11-05", 1, 0, 2.15, 1, 0, "2026-11-06", 2.35, 4.0),
        ("2026-11-05", 4, 1, 2.15, 1, 0, "2026-11-06", 2.15, 4.0),
    ]
    assert rows(db_path, "SELECT easiness, interval, repetitions, due, lapses, introduced_on FROM card_state "
                         "WHERE card_id = ?", beta) == [(2.15, 1, 0, "2026-11-06", 1, "2026-11-01")]
    # The cards answered in Anki today: a card's first answer is its review, a second one
    # practice; Again, Easy and Good are grades 1, 5 and 4.
    assert sorted(Counter(f for f, _ in answers).values()) == [1, 2]  # the card that failed came back
    expected = [(front, {1: 1, 4: 5, 3: 4}[ease], int(front in [f for f, _ in answers[:n]]))
                for n, (front, ease) in enumerate(answers)]
    assert rows(db_path, "SELECT c.front, l.grade, l.practice FROM review_log l JOIN card c ON c.id = l.card_id "
                         "WHERE c.exam_id = 'tiny' AND l.review_day > '2026-11-05' ORDER BY l.reviewed_at") == expected
    assert rows(db_path, "SELECT count() FROM card_state cs JOIN card c ON c.id = cs.card_id "
                         "WHERE c.front = 'Never studied'") == [(0,)]
    # stats counts them: 3 cards learning, the rest new.
    stats = run("stats", "--exam", "tiny", "--format", "json", today=today)
    domains = {d["domain"]: d for d in json.loads(stats.output)["domains"]}
    assert (domains["alpha"]["total"], domains["alpha"]["learning"], domains["alpha"]["new"]) == (8, 2, 6)
    assert (domains["beta"]["total"], domains["beta"]["learning"], domains["beta"]["new"]) == (6, 1, 5)
    # Importing the same package again changes nothing.
    before = db_digest(db_path)
    again = run("import", "anki", str(package), "--exam", "tiny", today=today)
    assert again.output == (f"imported {package.name} ({member}): 4 notes\n"
                            "  0 cards added to tiny/alpha, tiny/beta; 4 already present\n"
                            "  0 reviews added, 8 already present; 3 cards scheduled\n")
    assert db_digest(db_path) == before


def _studied_in_anki(run, tmp_path: Path, ratings: tuple[int, ...], kind: str, target: Path) -> tuple[list[str], Path]:
    """The phone round trip's first half: `export anki` the tiny exam, import it into a
    fresh Anki collection, answer alpha cards with *ratings*, export as *kind*; the
    studyplan card ids answered and the exported file."""
    package = tmp_path / "tiny.apkg"
    assert run("export", "anki", "--exam", "tiny", "-o", str(package)).exit_code == 0
    col = _fresh_collection(tmp_path / "anki")
    try:
        _import_into_anki(col, package)
        col.decks.select(col.decks.id(ALPHA))
        ids = [col.get_note(col.get_card(cid).nid)["Id"] for cid in _answer(col, *ratings)]
        return ids, _export(col, kind, target)
    finally:
        col.close()


def test_studyplan_cards_studied_in_anki_come_back_with_their_history(run, db_path, tmp_path):
    """The phone round trip: export, study in Anki, export from Anki, import here: the
    reviews land on the original studyplan cards, no card is added."""
    ids, back = _studied_in_anki(run, tmp_path, (3, 3), "apkg", tmp_path / "from-phone.apkg")
    today = date.today().isoformat()
    result = run("import", "anki", str(back), today=today)
    assert result.exit_code == 0, result.output
    assert result.output == ("imported from-phone.apkg (collection.anki21b): 10 notes\n"
                             "  10 notes are studyplan cards\n"
                             "  2 reviews added, 0 already present; 2 cards scheduled\n")
    assert rows(db_path, "SELECT count() FROM card WHERE source LIKE 'anki:%'") == [(0,)]
    assert sorted(r[0] for r in rows(db_path, "SELECT card_id FROM review_log")) == sorted(ids)
    assert rows(db_path, "SELECT count() FROM card_state WHERE introduced_on = ?", today) == [(2,)]


def test_notes_from_elsewhere_need_an_exam_and_decks_that_name_a_domain(run, db_path, tmp_path):
    col, _ = _build_reviewed_collection(tmp_path / "anki")
    try:
        package = _export(col, "apkg", tmp_path / "phone.apkg")
    finally:
        col.close()
    assert run("decks", "sync").exit_code == 0
    before = db_digest(db_path)
    result = run("import", "anki", str(package))
    assert result.exit_code == 1
    error_line(result.stderr, f"{package}: 4 of its notes did not come from studyplan; give --exam")
    result = run("import", "anki", str(package), "--exam", "tiny", "--domain", "gamma")
    assert result.exit_code == 1
    error_line(result.stderr, "unknown domain 'gamma' for exam 'tiny' (domains: alpha, beta)")
    result = run("import", "anki", str(package), "--exam", "foundations")
    assert result.exit_code == 1
    error_line(result.stderr, "unknown exam 'foundations'")
    assert db_digest(db_path) == before
    result = run("import", "anki", str(package), "--exam", "tiny", "--domain", "beta")
    assert result.exit_code == 0
    assert rows(db_path, "SELECT count() FROM card c JOIN domain d ON d.id = c.domain_id WHERE d.slug = 'beta' "
                         "AND c.source LIKE 'anki:%'") == [(4,)]


def test_a_text_export_still_needs_exam_and_domain(run, tmp_path):
    export = tmp_path / "notes.txt"
    export.write_text("#separator:tab\nq1\ta1\nq2\ta2\n")
    result = run("import", "anki", str(export), "--exam", "tiny")
    assert result.exit_code == 2 and "a text export needs --exam and --domain" in result.output
    result = run("import", "anki", str(export), "--domain", "alpha")
    assert result.exit_code == 2 and "Error: --domain needs --exam" in result.output
    result = run("import", "anki", str(export), "--exam", "tiny", "--domain", "alpha")
    assert result.output == "imported 2 cards into tiny/alpha from notes.txt; 0 already present\n"


def test_an_older_anki_history_never_overwrites_later_reviews_here(run, db_path, tmp_path):
    ids, back = _studied_in_anki(run, tmp_path, (4, 4), "colpkg", tmp_path / "phone.colpkg")
    today = date.today()
    assert run("import", "anki", str(back), today=today.isoformat()).exit_code == 0
    # Easy in Anki: 4 days, fuzzed by Anki to 3-5; reviewed here then, then the same package comes in again.
    dues = [date.fromisoformat(d) for d, in rows(db_path, "SELECT due FROM card_state")]
    assert len(dues) == 2 and all(3 <= (d - today).days <= 5 for d in dues)
    later = max(dues).isoformat()
    reviewed = run("review", "--exam", "tiny", "--max", "2", input="\n5\n" * 2, today=later)
    assert reviewed.exit_code == 0, reviewed.output
    assert sorted(r[0] for r in rows(db_path, "SELECT card_id FROM review_log WHERE review_day = ?", later)) == sorted(ids)
    before = db_digest(db_path)
    again = run("import", "anki", str(back), today=later)
    assert again.output.endswith("  0 reviews added, 2 already present; 2 cards scheduled\n")
    assert db_digest(db_path) == before
