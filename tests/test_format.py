"""Format v1: which lines are events, which are bad, and why."""

from __future__ import annotations

import pytest

from oodatui.format import (
    Invalid,
    check_event,
    opt_confidence,
    opt_int,
    opt_tests,
    parse_line,
    timestamp,
)


def bad_reason(raw: bytes, first: bool = False) -> str:
    result = parse_line(raw, first)
    assert isinstance(result, Invalid), result
    return result.reason


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type":"phase","agent":"a","phase":"observe"}',
        b'{"type":"phase","agent":"a","phase":"act","step":3,"note":"x"}',
        b'{"type":"checkpoint","agent":"a"}',
        b'{"type":"candidate","agent":"a","id":"c1"}',
        b'{"type":"vote","candidate":"c1","verdict":"veto","voter":"me"}',
        b'{"type":"message","agent":"a"}',
        b'{"type":"start","agent":"a"}',
        b'{"type":"end","agent":"a","status":"done"}',
        b'{"type":"tool_call","agent":"a"}',
    ],
)
def test_good_lines_of_every_type(raw: bytes) -> None:
    event = parse_line(raw)
    assert isinstance(event, dict)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[1,2]", "not a JSON object (a array)"),
        (b'"text"', "not a JSON object (a string)"),
        (b'{"agent":"a"}', 'no string "type"'),
        (b'{"type":3,"agent":"a"}', 'no string "type"'),
        (b'{"type":"phase","phase":"act"}', '"agent" must be a string'),
        (b'{"type":"phase","agent":"a","phase":"sleep"}', '"phase" must be one'),
        (b'{"type":"phase","agent":"a"}', '"phase" must be one'),
        (b'{"type":"candidate","agent":"a"}', '"id" must be a string'),
        (b'{"type":"candidate","agent":"a","id":7}', '"id" must be a string'),
        (b'{"type":"vote","verdict":"approve","voter":"v"}', '"candidate"'),
        (b'{"type":"vote","candidate":"c","verdict":"meh","voter":"v"}', "verdict"),
        (b'{"type":"vote","candidate":"c","verdict":"veto"}', '"voter"'),
        (b'{"type":"tool_call"}', "unknown type 'tool_call' without"),
    ],
)
def test_bad_lines_say_why(raw: bytes, reason: str) -> None:
    assert reason in bad_reason(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type":"phase","agent":"a","phase":"act","x":NaN}',
        b'{"type":"phase","agent":"a","phase":"act","x":Infinity}',
        b'{"type":"phase","agent":"a","phase":"act","x":-Infinity}',
        b'{"type":"phase","agent":"a","phase":"act","x":1e400}',
        b'{"type":"phase","agent":"a","phase":"act","x":"\\ud800"}',
        b'{"type":"phase","agent":"a","phase":"act","x":' + b"[" * 2000 + b"]" * 2000,
        b'{"type":"phase","agent":"a","phase":"act"}{"type":"phase"}',
        b'{"type":"pha{"type":"phase","agent":"a","phase":"act"}',
        b"\x00\x00\x00" + b'{"type":"phase","agent":"a","phase":"act"}',
        b'{"type":"phase","agent":"a\xff","phase":"act"}',
    ],
    ids=[
        "nan",
        "inf",
        "neg-inf",
        "overflow",
        "lone-surrogate",
        "deep",
        "two-objects",
        "torn-stub",
        "nul-run",
        "bad-utf8",
    ],
)
def test_not_rfc8259_json_is_bad(raw: bytes) -> None:
    bad_reason(raw)


def test_invalid_utf8_is_named() -> None:
    assert bad_reason(b'{"type":"x","agent":"\xc3\x28"}') == "not valid UTF-8"


def test_blank_lines_are_skipped() -> None:
    assert parse_line(b"") is None
    assert parse_line(b"   \t") is None
    assert parse_line(b"\r") is None


def test_crlf_and_leading_bom() -> None:
    line = b'{"type":"start","agent":"a"}'
    assert isinstance(parse_line(line + b"\r"), dict)
    assert isinstance(parse_line(b"\xef\xbb\xbf" + line, first=True), dict)
    assert "not JSON" in bad_reason(b"\xef\xbb\xbf" + line, first=False)


def test_line_separators_inside_strings_are_content() -> None:
    raw = '{"type":"message","agent":"a","text":"x\u2028y\u0085z"}'.encode()
    event = parse_line(raw)
    assert isinstance(event, dict)
    assert event["text"] == "x\u2028y\u0085z"


def test_huge_integer_reads_as_a_number() -> None:
    event = parse_line(
        b'{"type":"start","agent":"a","tokens":123456789012345678901234}'
    )
    assert isinstance(event, dict)
    assert opt_int(event, "tokens") is None  # it became a float: not an int field


def test_optional_fields_of_the_wrong_type_are_absent() -> None:
    event = {"tokens": True, "confidence": "high", "tests": [1, 2]}
    assert opt_int(event, "tokens") is None
    assert opt_confidence(event) is None
    assert opt_tests(event) is None
    assert opt_confidence({"confidence": 1.5}) is None
    assert opt_confidence({"confidence": 1}) == 1.0
    assert opt_tests({"tests": {"passed": 3}}) is None
    assert opt_tests({"tests": {"passed": 3, "failed": -1}}) is None
    assert opt_tests({"tests": {"passed": 3, "failed": 0}}) == (3, 0)
    assert opt_tests({"tests": {"passed": "3"}}) is None


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        (1700000000, 1700000000.0),
        (1700000000.5, 1700000000.5),
        ("2023-11-14T22:13:20Z", 1700000000.0),
        ("2023-11-14T23:13:20+01:00", 1700000000.0),
        ("2023-11-14T22:13:20.250Z", 1700000000.25),
        ("yesterday", None),
        (True, None),
        (None, None),
    ],
)
def test_timestamps(ts: object, expected: float | None) -> None:
    assert timestamp({"ts": ts}) == expected


def test_check_event_rejects_non_objects() -> None:
    assert check_event(None) == "not a JSON object (a null)"
    assert check_event(3.5) == "not a JSON object (a number)"
