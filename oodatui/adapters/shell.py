"""What a shell command does, and what its output says.

Agents run tools through shells; the phase of a step and the outcome of a
checkpoint depend on the command (`pytest`, `git commit`, `sed -i`, `ls`) and on
what it printed. Shared by every adapter.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass

from oodatui.adapters.values import as_str, clip

# Tools by name -------------------------------------------------------------

_LOOKING = re.compile(r"read|get|list|search|fetch|find|view|glob|grep|query|show")


def tool_phase(name: str, known: dict[str, str]) -> str:
    """A tool's phase: from the format's own table, else from its name
    (`mcp__x__list_issues` looks, anything else is taken to act)."""
    if name in known:
        return known[name]
    return "observe" if _LOOKING.search(name.lower()) else "act"


# Shell commands ------------------------------------------------------------


@dataclass(frozen=True)
class Shell:
    """What a shell command runs, as far as the dashboard cares."""

    text: str  # the command as shown in notes
    phase: str
    tests: bool = False
    check: bool = False
    commit: bool = False


@dataclass(frozen=True)
class Ended:
    """How a tool call ended, as far as the log tells."""

    output: str
    exit_code: int | None = None
    is_error: bool | None = None


_SHELLS = {"bash", "sh", "zsh", "dash", "ksh", "fish"}
_WRAPPERS = {"sudo", "env", "time", "nice", "nohup", "command", "exec", "stdbuf"}
_RUNNERS = {"uv", "poetry", "pipenv", "pdm", "hatch", "rye", "bundle", "pixi"}
_NEUTRAL = {"cd", "pushd", "popd", "export", "set", "unset", "source", ".", ":"}
_NEUTRAL |= {"true", "false", "sleep", "wait", "alias", "shopt", "ulimit"}
_READERS = set(
    "ls cat head tail less more rg grep egrep fgrep ag ack fd find wc nl tree pwd"
    " sed stat file du df which whereis type echo printf diff cmp sort uniq cut tr"
    " column realpath readlink basename dirname date printenv whoami uname ps id"
    " hostname od xxd hexdump md5sum sha1sum sha256sum test [ jq yq awk bat"
    " lsof netstat free top uptime history man help".split()
)
_GIT_READERS = set(
    "status diff log show blame rev-parse ls-files ls-tree describe shortlog"
    " grep reflog whatchanged cat-file rev-list help".split()
)
_TEST_RUNNERS = set(
    "pytest py.test tox nox jest vitest mocha ava rspec phpunit ctest nextest"
    " karma cypress playwright bats".split()
)
_CHECKERS = set(
    "mypy pyright flake8 pylint eslint tsc shellcheck golangci-lint".split()
)
_PY = re.compile(r"python[\d.]*$")
_SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;", "|&"}
_REDIRECTS = {">", ">>", "&>", ">|", "&>>"}
_HEREDOC = re.compile(
    r"<<-?\s*(['\"]?)(\w+)\1([^\n]*)\n.*?(?:^\s*\2\s*$|\Z)", re.S | re.M
)


def classify(command: object) -> Shell:
    """Classify a shell command (a string, or an argv list such as Codex's
    `["bash", "-lc", "cd x && pytest -q"]`) by the programs it runs."""
    if type(command) is list and all(type(a) is str for a in command):
        argv: list[str] = command
        shown = _script_of(argv) or " ".join(argv)
        kinds = _kinds(_unwrap(argv))
    else:
        shown = as_str(command) or ""
        kinds = set().union(*(_kinds(a) for a in _segments(shown))) if shown else set()
    return Shell(
        text=clip(" ".join(shown.split()), 120),
        phase="act" if "act" in kinds else "observe",
        tests="tests" in kinds,
        check="check" in kinds,
        commit="commit" in kinds,
    )


def _script_of(argv: list[str]) -> str | None:
    """The script of `bash -c SCRIPT` (with any flags such as -l), if that's
    what argv is."""
    if len(argv) >= 3 and os.path.basename(argv[0]) in _SHELLS:
        if argv[1].startswith("-") and "c" in argv[1]:
            return argv[2]
    return None


def _segments(script: str) -> list[list[str]]:
    """The simple commands of a script, as argv lists. Heredoc bodies are
    dropped (a patch's lines are not commands); unparseable quoting falls
    back to splitting on whitespace."""
    script = _HEREDOC.sub(r" \3\n", script).replace("\\\n", " ").replace("\n", " ; ")
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        tokens = re.split(r"\s+|(&&|\|\||[;|&])", script)
        tokens = [t for t in tokens if t]
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            segments.append([])
        else:
            segments[-1].append(token)
    return [s for s in segments if s]


def _unwrap(argv: list[str]) -> list[str]:
    """Skip env assignments and wrappers (`sudo`, `timeout 60`, `uv run`...)
    to reach the program that does the work."""
    i = 0
    while i < len(argv):
        word = os.path.basename(argv[i])
        if re.match(r"^\w+=", argv[i]) or word in _WRAPPERS or word.startswith("-"):
            i += 1
        elif word == "timeout":
            i += 2
        elif word in _RUNNERS and argv[i + 1 : i + 2] in (["run"], ["exec"]):
            i += 2
        elif word in ("npx", "bunx", "pnpx"):
            i += 1
        else:
            break
    return argv[i:]


def _kinds(argv: list[str]) -> set[str]:
    """What one simple command is: act, observe, neutral, tests, check, commit."""
    argv = _unwrap(argv)
    if not argv:
        return {"neutral"}
    script = _script_of(argv)
    if script is not None:
        return set().union(*(_kinds(a) for a in _segments(script))) or {"neutral"}
    kinds = {"act"} if _writes_file(argv) else set()
    prog, args = os.path.basename(argv[0]), argv[1:]
    if prog == "git":
        return kinds | _git_kinds(args)
    if _runs_tests(prog, args):
        return kinds | {"observe", "tests"}
    if _runs_checker(prog, args):
        return kinds | {"observe", "check"}
    if prog in _NEUTRAL:
        return kinds | {"neutral"}
    if prog in _READERS and not _edits_in_place(prog, args):
        return kinds | {"observe"}
    return {"act"}


def _writes_file(argv: list[str]) -> bool:
    for i, token in enumerate(argv[:-1]):
        if token in _REDIRECTS and not argv[i + 1].startswith(("/dev/", "&")):
            return True
    return False


def _edits_in_place(prog: str, args: list[str]) -> bool:
    if prog in ("sed", "jq", "yq") and any(a.startswith("-i") for a in args):
        return True
    return prog == "find" and ("-delete" in args or "-exec" in args)


def _git_kinds(args: list[str]) -> set[str]:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c") else 1
    sub = args[i] if i < len(args) else ""
    if sub == "commit":
        return {"act", "commit"}
    if sub in _GIT_READERS or (sub in ("branch", "remote", "tag") and len(args) == 1):
        return {"observe"}
    return {"act"}


def _runs_tests(prog: str, args: list[str]) -> bool:
    first = args[0] if args else ""
    if prog in _TEST_RUNNERS:
        return True
    if _PY.match(prog) and first == "-m" and args[1:2]:
        return args[1] in ("pytest", "unittest", "tox", "nox")
    if prog in ("npm", "pnpm", "yarn", "bun"):
        script = args[1] if first == "run" and len(args) > 1 else first
        return script in ("test", "t") or script.startswith(("test:", "test-"))
    if prog in ("cargo", "go", "dotnet", "mix", "deno", "swift", "zig"):
        return first in ("test", "nextest")
    if prog in ("make", "just", "mvn", "mvnw", "gradle", "gradlew", "rake"):
        return any(a in ("test", "tests", "check", "verify", "spec") for a in args)
    return False


def _runs_checker(prog: str, args: list[str]) -> bool:
    first = args[0] if args else ""
    if prog in _CHECKERS:
        return True
    if prog == "ruff":
        return first != "format"
    if prog in ("cargo", "go"):
        return first in ("clippy", "check", "vet")
    if prog in ("npm", "pnpm", "yarn", "bun"):
        script = args[1] if first == "run" and len(args) > 1 else first
        return script in ("lint", "typecheck", "check")
    return _PY.match(prog) is not None and first == "-m" and args[1:2] == ["mypy"]


# Reading command output ----------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|passing|failing)\b", re.IGNORECASE)
_CARGO = re.compile(r"^test result: \w+\. (\d+) passed; (\d+) failed", re.M)
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in", re.M)
_UNITTEST_BAD = re.compile(r"^FAILED \(([^)]*)\)", re.M)
_GO_CASE = re.compile(r"^\s*--- (PASS|FAIL):", re.M)
_EXIT = re.compile(r"exit (?:code|status):? ?(-?\d+)", re.IGNORECASE)
_FAILURE_WORDS = re.compile(r"\b(FAILED|FAIL|Interrupted|failed|errors? during)\b")
_COMMIT = re.compile(r"^\[[^\]\n]*?\b([0-9a-f]{7,40})\] ?(.*)$", re.M)


def plain(text: str) -> str:
    """Text without ANSI escapes, for pattern matching only (what adapters
    emit keeps the original; the UI neutralises it for display)."""
    return _ANSI.sub("", text)


def exit_code_in(text: str) -> int | None:
    """An exit code stated in tool output ("exit code: 2", "Exit Code: 1")."""
    found = _EXIT.search(plain(text))
    return int(found.group(1)) if found else None


def test_counts(output: str) -> dict[str, int] | None:
    """{"passed", "failed"} from a test runner's summary (pytest, jest, mocha,
    cargo, unittest, go test -v); errors count as failures."""
    text = plain(output)
    cargo = _CARGO.findall(text)
    if cargo:
        return {
            "passed": sum(int(p) for p, _ in cargo),
            "failed": sum(int(f) for _, f in cargo),
        }
    for line in reversed(text.splitlines()):
        counts = _line_counts(line)
        if counts:
            return counts
    ran = _UNITTEST_RAN.search(text)
    if ran:
        bad = _UNITTEST_BAD.search(text)
        failed = sum(int(n) for n in re.findall(r"=(\d+)", bad.group(1))) if bad else 0
        return {"passed": max(int(ran.group(1)) - failed, 0), "failed": failed}
    go = _GO_CASE.findall(text)
    if go:
        return {"passed": go.count("PASS"), "failed": go.count("FAIL")}
    return None


def _line_counts(line: str) -> dict[str, int] | None:
    passed = failed = 0
    found = False
    for number, word in _COUNT.findall(line):
        found = True
        if word.lower() in ("passed", "passing"):
            passed += int(number)
        else:
            failed += int(number)
    return {"passed": passed, "failed": failed} if found else None


def outcome(ended: Ended, counts: dict[str, int] | None) -> bool | None:
    """Pass or fail: failures counted in the output win, then the exit code,
    then the tool's error flag, then the words of the output; None if unknown."""
    if counts and counts["failed"] > 0:
        return False
    if ended.exit_code is not None:
        return ended.exit_code == 0
    if ended.is_error is not None:
        return not ended.is_error
    if counts:
        return counts["passed"] > 0
    if _FAILURE_WORDS.search(plain(ended.output)):
        return False
    return None


def commit_info(output: str) -> tuple[str | None, str | None]:
    """(sha, subject) from `git commit` output: "[main 225c5a1] subject"."""
    found = _COMMIT.search(plain(output))
    if not found:
        return None, None
    return found.group(1), found.group(2).strip() or None
