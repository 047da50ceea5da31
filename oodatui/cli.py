"""Command line: the dashboard by default, and the headless subcommands.

Textual is imported only when a dashboard actually opens, so `--help`,
`summary` and `vote` start as fast as the core allows.
"""

from __future__ import annotations

import argparse
import os
import sys

from oodatui import __version__
from oodatui.names import DEFAULT_POLICY, FORMAT_NAMES, POLICY_NAMES

# `typing` costs milliseconds at start-up; type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["main"]

SUBCOMMANDS = ("summary", "vote", "demo")

DESCRIPTION = """\
Follow AI agents' run logs live: each agent's OODA phase, loop tempo and
checkpoints, the top candidates under a ranking policy, and one-key votes.

PATH is any mix of log files and folders (every *.jsonl below a folder is
read, new ones as they appear); no PATH means the current folder.

other commands:
  oodatui summary [--json] PATH...      print a summary and exit
  oodatui vote CANDIDATE VERDICT LOG    append one vote line
  oodatui demo                          a simulated swarm, live in the dashboard
Run `oodatui COMMAND --help` for each one's options."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            return _run_subcommand(args[0], args[1:])
        return _dashboard(_dashboard_parser().parse_args(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run_subcommand(name: str, args: list[str]) -> int:
    if name == "summary":
        from oodatui.commands import summary_command

        return summary_command(args)
    if name == "vote":
        from oodatui.commands import vote_command

        return vote_command(args)
    from oodatui.demo import demo_command

    return demo_command(args)


def add_view_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the dashboard and the demo that opens it."""
    parser.add_argument(
        "--policy",
        choices=POLICY_NAMES,
        default=DEFAULT_POLICY,
        help="how candidates are ranked at start (default: %(default)s)",
    )
    parser.add_argument(
        "--top", type=_positive, default=5, help="candidates shown (default: 5)"
    )
    parser.add_argument(
        "--chain-limit",
        type=_positive,
        default=12,
        help="phases without a checkpoint before an agent is flagged (default: 12)",
    )
    parser.add_argument(
        "--theme",
        help="dark (default), light, high-contrast, or any Textual theme",
    )
    parser.add_argument(
        "--voter", help="name on your votes (default: $OODATUI_VOTER or login)"
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="poll files instead of waiting for file-system events (NFS)",
    )


def _dashboard_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oodatui",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="logs to follow")
    add_view_options(parser)
    parser.add_argument(
        "--votes-file",
        help="write every vote here instead of into the candidate's own log "
        "(votes on other tools' logs always go to a votes file; "
        "default for those: ./oodatui-votes.jsonl)",
    )
    parser.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        help="read every file as this format instead of detecting it",
    )
    parser.add_argument("--version", action="version", version=__version__)
    return parser


def _dashboard(args: argparse.Namespace) -> int:
    from oodatui.follow import NotFollowable
    from oodatui.safe import clean

    paths = args.paths or ["."]
    for path in paths:
        if not os.path.exists(path) and not os.path.isdir(os.path.dirname(path) or "."):
            print(clean(f"oodatui: {path}: no such file or folder"), file=sys.stderr)
            return 2
    try:
        from oodatui.ui.app import OodaApp

        app = OodaApp(paths, **view_kwargs(args))
    except (NotFollowable, ValueError) as exc:
        print(f"oodatui: {exc}", file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


def view_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The dashboard's keyword arguments from `add_view_options` options."""
    return {
        "policy": args.policy,
        "top": args.top,
        "chain_limit": args.chain_limit,
        "theme_name": args.theme,
        "voter": args.voter,
        "poll": args.poll,
        "format": getattr(args, "format", None),
        "votes_file": getattr(args, "votes_file", None),
    }


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
