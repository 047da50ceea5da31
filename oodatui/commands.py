"""The headless subcommands: `oodatui summary` and `oodatui vote`.

The writer is imported only when a vote is cast, so `summary` starts without it.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys

import orjson

from oodatui.follow import NotFollowable
from oodatui.format import VERDICTS
from oodatui.names import DEFAULT_POLICY, FORMAT_NAMES, POLICY_NAMES
from oodatui.read import Reader, read_once
from oodatui.safe import clean, json_inert
from oodatui.summary import print_summary, summary

__all__ = ["summary_command", "vote_command"]


def summary_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="oodatui summary",
        description="Read run logs once and summarise agents and candidates.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--policy", choices=POLICY_NAMES, default=DEFAULT_POLICY)
    parser.add_argument("--top", type=_count, default=None, metavar="K")
    parser.add_argument(
        "--format", choices=FORMAT_NAMES, help="read every file as this format"
    )
    args = parser.parse_args(argv)

    try:
        reader = read_once(args.paths, format=args.format)
    except NotFollowable as exc:
        print(clean(f"oodatui summary: {exc}"), file=sys.stderr)
        return 2
    data = summary(reader.state, args.policy, args.top)
    missing = _warn_about_sources(reader)
    if args.json:
        encoded = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        sys.stdout.buffer.write(json_inert(encoded) + b"\n")
        sys.stdout.flush()
    else:
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        print_summary(data, args.policy)
    return 1 if missing else 0


def _warn_about_sources(reader: Reader) -> bool:
    """Missing, refused and unrecognised files, once each, on stderr; True
    when a path named was not there."""
    missing = False
    for path, source in reader.sources.items():
        tail = source.tail
        if tail.status == "waiting":
            missing = True
            print(clean(f"oodatui summary: {path}: no such file"), file=sys.stderr)
        for notice in tail.notices:
            print(clean(f"oodatui summary: {path}: {notice}"), file=sys.stderr)
    return missing


def _foreign_format(path: str) -> str | None:
    """The other tool whose log `path` is, judged from its first line."""
    from oodatui.adapters import detect
    from oodatui.format import decode, strip_line

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            first = file.readline(1 << 20)
    finally:
        os.close(fd)
    record = decode(strip_line(first.rstrip(b"\n"), first=True))
    return detect(record) if isinstance(record, dict) else None


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def vote_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="oodatui vote",
        description="Append one vote line to a run log (or a votes file).",
    )
    parser.add_argument("candidate", metavar="CANDIDATE")
    parser.add_argument("verdict", choices=VERDICTS, metavar="VERDICT")
    parser.add_argument("log", metavar="LOG")
    parser.add_argument("--reason", help="why, in a sentence")
    parser.add_argument("--voter", help="default: $OODATUI_VOTER, else login name")
    parser.add_argument(
        "--create",
        action="store_true",
        help="create LOG if it does not exist (a new votes file)",
    )
    args = parser.parse_args(argv)

    from oodatui.write import WriteError, cast_vote

    foreign = _foreign_format(args.log)
    if foreign:
        print(
            f"oodatui vote: vote not cast: {clean(args.log)} is a {foreign} log, "
            "which oodatui never writes into; vote into a votes file instead "
            "(e.g. oodatui-votes.jsonl --create)",
            file=sys.stderr,
        )
        return 1
    try:
        vote = cast_vote(
            args.log,
            args.candidate,
            args.verdict,
            voter=args.voter,
            reason=args.reason,
            create=args.create,
        )
    except (WriteError, ValueError) as exc:
        print(clean(f"oodatui vote: vote not cast: {exc}"), file=sys.stderr)
        return 1
    line = f"{vote['verdict']} {vote['candidate']} by {vote['voter']} -> {args.log}"
    print(clean(line))
    return 0
