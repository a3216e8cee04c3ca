"""decks.parse_toml: rtoml's speed with tomllib's answers.

rtoml reads TOML 1.1, tomllib 1.0. For every text, parse_toml must give what tomllib
gives: the same value, or a TOMLDecodeError with the same message (the deck problem's
FILE:LINE comes from it). The hostile samples are the places where the two parsers were
found to differ; the property test throws fragments of TOML syntax together.
"""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyplan import decks
from studyplan.decks import parse_toml


def outcome(parse, text: str):
    try:
        return "ok", parse(text)
    except tomllib.TOMLDecodeError as exc:
        return "error", str(exc)
    except RecursionError:
        return "recursion", ""


# Each is refused by tomllib (TOML 1.0); rtoml accepts the first seven as TOML 1.1 or a BOM.
REFUSED = {
    "escape \\e": 'a = "\\e"\n',
    "escape \\x": 'a = "\\x41"\n',
    "inline table over lines": "a = {b = 1,\n c = 2}\n",
    "inline table trailing comma": "a = {b = 1,}\n",
    "time without seconds": "a = 12:30\n",
    "date-time without seconds": "a = 2026-01-01T12:30\n",
    "byte order mark": "\ufeffa = 1\n",
    "duplicate key": "a = 1\na = 2\n",
    "table defined twice": "[a]\nx = 1\n[a]\ny = 2\n",
    "control character": 'a = "x\x01y"\n',
    "lone carriage return": "a = 1\rb = 2\n",
    "CR before CRLF": 'a = """x\r\r\ny"""\n',
    "leading zero": "a = 012\n",
    "no such day": "a = 2026-02-30\n",
    "unicode bare key": "\u00e9 = 1\n",
    "leap second": "a = 23:59:60\n",
    "six quotes": 'a = """x""""""\n',
}

# Accepted by both, where a careless fast path would give another value.
ACCEPTED = {
    "CRLF in a multi-line string": 'a = """x\r\ny"""\r\n',
    "CRLF in a literal multi-line string": "a = '''x\r\ny'''\r\n",
    "line-ending backslash before CRLF": 'a = """x\\\r\n   y"""\n',
    "integer beyond 64 bits": "a = 99999999999999999999\n",
    "offset date-time": "a = 1979-05-27T07:32:00-05:30\n",
    "local time": "a = 07:32:00.5\n",
    "float overflow": "a = 1e309\n",
    "deck card": '[[cards]]\nid = "x-1"\nfront = "Q \\"1\\" \u00e9"\ntags = ["a", "b"]\nverified = 2026-03-31\n',
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_what_tomllib_refuses_stays_refused_with_its_message(text):
    expected = outcome(tomllib.loads, text)
    assert expected[0] == "error"
    assert outcome(parse_toml, text) == expected


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_both_accept_reads_as_tomllib_reads_it(text):
    expected = outcome(tomllib.loads, text)
    got = outcome(parse_toml, text)
    assert got == expected or (got[0] == expected[0] == "ok" and repr(got[1]) == repr(expected[1]))


def test_deep_nesting_is_tomllibs_recursion_error():
    assert outcome(parse_toml, "a = " + "[" * 5000 + "]" * 5000 + "\n")[0] == "recursion"


def test_the_fast_parser_reads_plain_deck_text(monkeypatch):
    """Plain deck text never reaches tomllib (else the speed-up is gone unnoticed)."""
    if decks._fast is None:
        pytest.skip("rtoml is not installed here")
    monkeypatch.setattr(decks.tomllib, "loads", lambda text: pytest.fail("tomllib used"))
    assert parse_toml(ACCEPTED["deck card"])["cards"][0]["tags"] == ["a", "b"]


FRAGMENTS = ["a", "b.c", '"k"', " = ", "=", "1", "1.5", "-0", "0x1F", "1_0", "true", "nan", "1979-05-27",
             "07:32", "07:32:00", "T", " ", "\t", "\n", "\r\n", "\r", "[", "]", "[[", "]]", "{", "}", ",",
             '"', "'", '"""', "'''", "\\", "\\e", "\\x41", "\\u00e9", "\\n", "#", "\ufeff", "\x01", "\x7f",
             "\u00e9", "[t]", "[[c]]", 'x = "s"\n', "x = [1, 2]\n", "x = {y = 1}\n"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14))
def test_parse_toml_agrees_with_tomllib(parts):
    text = "".join(parts)
    expected = outcome(tomllib.loads, text)
    got = outcome(parse_toml, text)
    assert got == expected or (got[0] == expected[0] == "ok" and repr(got[1]) == repr(expected[1]))
