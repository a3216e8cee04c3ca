"""Anki's plain-text export: separators, headers, quoting, HTML and entities."""

import pytest

from studyplan.anki import AnkiFormatError, parse_anki_text


def test_tab_separated_with_headers_and_tags_column():
    text = "#separator:tab\n#html:true\n#tags column:3\nWhat is &lt;skew&gt;?\tServing &amp; training differ<br>over time\tmonitoring vertex\n"
    [note] = parse_anki_text(text)
    assert note.front == "What is <skew>?"
    assert note.back == "Serving & training differ\nover time"
    assert note.tags == ("monitoring", "vertex")
    assert note.line == 4


def test_comma_separated_with_quotes_and_named_separator():
    text = '#separator:Comma\n"Precision, defined","TP / (TP + FP)"\nRecall,TP / (TP + FN)\n'
    notes = parse_anki_text(text)
    assert [(n.front, n.back, n.line) for n in notes] == [
        ("Precision, defined", "TP / (TP + FP)", 2), ("Recall", "TP / (TP + FN)", 3)]


def test_html_false_keeps_markup_but_decodes_entities():
    [note] = parse_anki_text("#html:false\na &amp; <b>b</b>\tc\n")
    assert note.front == "a & <b>b</b>"


def test_default_separator_and_blank_lines():
    notes = parse_anki_text("q1,a1\n\nq2,a2\n", default_separator=",")
    assert [n.front for n in notes] == ["q1", "q2"]


@pytest.mark.parametrize("text, line, message", [
    ("only one field\n", 1, "found one field"),
    ("#separator:tab\n\tback\n", 2, "empty front"),
    ("#separator:weird\nq\ta\n", 1, "unknown separator"),
    ("#tags column:x\nq\ta\n", 1, "tags column"),
])
def test_bad_lines_name_the_line(text, line, message):
    with pytest.raises(AnkiFormatError) as info:
        parse_anki_text(text)
    assert info.value.line == line
    assert message in str(info.value)
