"""Anki text exports as Anki writes them (guid, notetype and deck columns) and as people
break them (an unbalanced quote): the right fields become front and back, and a broken
quote is one line naming where it opened, with nothing imported."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from pgserver import db_url, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import create_engine, text

from studyplan.anki import AnkiFormatError, parse_anki_text
from studyplan.db.engine import database_url
from studyplan.study_cards import import_anki
from studyplan.workspace import Workspace

# What Anki 2.1.55+ writes with "include unique identifier, notetype name, deck name, tags".
EXPORT = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
    "f{Kd9$1\tBasic\tPMLE::Serving\tWhat is <b>skew</b>?\tTraining &amp; serving differ\tserving vertex\n"
    "Q7#x+p\tBasic (and reversed card)\tPMLE::Data\tWhat does TFX Transform do?\tFeature engineering\tdata\n"
)


def test_guid_notetype_deck_and_tags_columns_are_taken_out_of_the_fields():
    first, second = parse_anki_text(EXPORT)
    assert (first.guid, first.notetype, first.deck) == ("f{Kd9$1", "Basic", "PMLE::Serving")
    assert (first.front, first.back, first.tags, first.line) == (
        "What is skew?", "Training & serving differ", ("serving", "vertex"), 7)
    assert (second.guid, second.notetype, second.deck, second.front, second.back, second.tags) == (
        "Q7#x+p", "Basic (and reversed card)", "PMLE::Data", "What does TFX Transform do?", "Feature engineering",
        ("data",))


def test_fixed_notetype_deck_and_tags_headers_apply_to_every_note():
    text = "#separator:semicolon\n#notetype:Basic\n#deck:AWS\n#tags:aws mla\n#tags column:3\nq1;a1;extra\nq2;a2\n"
    notes = parse_anki_text(text)
    assert [(n.front, n.back, n.notetype, n.deck, n.tags) for n in notes] == [
        ("q1", "a1", "Basic", "AWS", ("aws", "mla", "extra")), ("q2", "a2", "Basic", "AWS", ("aws", "mla"))]


def test_columns_before_the_fields_in_any_order():
    text = "#separator:pipe\n#deck column:2\n#guid column:1\nG1|Deck|front|back\n"
    [note] = parse_anki_text(text)
    assert (note.guid, note.deck, note.front, note.back) == ("G1", "Deck", "front", "back")


def test_html_false_keeps_markup_and_a_quoted_field_keeps_its_newlines_and_separators():
    text = '#html:false\n#separator:comma\n"<i>a</i>, b","line one\nline ""two"""\nq,a\n'
    notes = parse_anki_text(text)
    assert [(n.front, n.back, n.line) for n in notes] == [
        ("<i>a</i>, b", 'line one\nline "two"', 3), ("q", "a", 5)]


@pytest.mark.parametrize("text, line, message", [
    # A quote opened on line 2 and never closed would swallow lines 3 and 4.
    ('q1\ta1\nq2\t"a2 starts a quote\nq3\ta3\nq4\ta4\n', 2, "the quote opened on this line is never closed"),
    # ... or pair with the next quote, leaving text after it: still named where it opened.
    ('#separator:tab\nq1\ta1\nq2\t"a2\nq3\t"a3"\nq4\ta4\n', 3, "text follows a closing quote on line 4"),
    ("#guid column:0\nq\ta\n", 1, "guid column must be a number from 1"),
    ("#guid column:1\n#deck column:1\ng\tq\ta\n", 2, "deck column 1 is already the guid column"),
    ("#guid column:1\n#deck column:2\ng\td\tonly a front\n", 3, "found one field"),
])
def test_broken_files_name_the_line(text, line, message):
    with pytest.raises(AnkiFormatError) as info:
        parse_anki_text(text)
    assert info.value.line == line, str(info.value)
    assert message in str(info.value)


def cards(db, sql="SELECT id, front, back, tags FROM card WHERE source LIKE 'anki:%' ORDER BY position"):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def test_import_uses_the_guid_so_an_edited_note_is_not_added_twice(run, db_path, tmp_path):
    export = tmp_path / "pmle.txt"
    export.write_text(EXPORT)
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "alpha")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 2 cards into tiny/alpha from pmle.txt; 0 already present"
    first = cards(db_path)
    assert [(f, b, t) for _, f, b, t in first] == [
        ("What is skew?", "Training & serving differ", "serving,vertex"),
        ("What does TFX Transform do?", "Feature engineering", "data")]
    export.write_text(EXPORT.replace("What is <b>skew</b>?", "What is training-serving skew?"))
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "alpha")
    assert result.stdout.strip() == "imported 0 cards into tiny/alpha from pmle.txt; 2 already present"
    assert cards(db_path) == first


def test_an_unbalanced_quote_imports_nothing_and_names_its_line(run, db_path, tmp_path):
    export = tmp_path / "broken.txt"
    export.write_text('q1\ta1\nq2\t"a2\nq3\ta3\n')
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "alpha")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {export}:2: unbalanced quote: the quote opened on this line is never "
                                     'closed (write a quote inside a quoted field as "")')
    assert not db_path.exists() or cards(db_path) == []


def test_one_file_with_the_same_note_twice_adds_it_once(run, db_path, tmp_path):
    export = tmp_path / "twice.csv"
    export.write_text("q,a\nq,a again\nr,b\n")
    result = run("decks", "import", str(export), "--exam", "tiny", "--domain", "beta")
    assert result.stdout.strip() == "imported 2 cards into tiny/beta from twice.csv; 1 already present"
    assert [(f, b) for _, f, b, _ in cards(db_path)] == [("q", "a"), ("r", "b")]


def test_bulk_import_on_both_backends_keeps_every_field_and_counts_repeats(db_url, tiny_decks, tmp_path):
    export = tmp_path / "many.txt"
    export.write_text("#guid column:1\n#tags column:4\n" + "".join(
        f"g{i}\tQuestion {i} it\u2019s \\ %s ?\tAnswer {i}\tt{i % 3}\n" for i in range(12_000)))
    ws = Workspace(db=db_url, decks=str(tiny_decks))
    try:
        first = import_anki(ws, export, "tiny", "beta")
        again = import_anki(ws, export, "tiny", "beta")
    finally:
        ws.close()
    assert (first.added, first.present) == (12_000, 0)
    assert (again.added, again.present) == (0, 12_000)
    engine = create_engine(database_url(db_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT front, back, tags, position FROM card WHERE source = 'anki:many.txt' "
                                     "ORDER BY position")).all()
    finally:
        engine.dispose()
    assert len(rows) == 12_000
    assert tuple(rows[0]) == ("Question 0 it\u2019s \\ %s ?", "Answer 0", "t0", 5)  # after beta's 4 deck cards
    assert tuple(rows[-1]) == ("Question 11999 it\u2019s \\ %s ?", "Answer 11999", "t2", 12_004)


@pytest.mark.parametrize("front, back, tags, guid", [
    ("plain", "b", [], ""),
    ('quotes " and \\ backslash\n\t\x01 é ☃ \u2028', "b\u0000", ["t1", "té"], ""),
    ("f", "b", ["x"], "G{1}\"'"),
])
def test_the_fast_import_hashes_equal_the_json_ones_earlier_imports_used(front, back, tags, guid):
    from conftest import json_hash

    from studyplan.db.cards import _import_content_hash, _import_id_key

    assert _import_id_key(front, guid) == (json_hash("guid", guid) if guid else json_hash(front))
    assert _import_content_hash(front, back, tags) == json_hash(front, back, tags)
