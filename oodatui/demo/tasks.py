"""What the simulated agents work on: believable tasks and the notes they write.

Each `Task` is one run: a bug or regression in an imaginary code base, with the
files, symbols, tests, symptoms, hypotheses and fixes an agent would come
across. Notes are drawn from these with the agent's own random generator, so
the same seed always tells the same story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Task", "TASKS", "Approach", "pick_task", "new_approach"]


@dataclass(frozen=True)
class Task:
    label: str
    """The run label shared by every agent on this task."""
    code: str
    """Short prefix of candidate ids."""
    goal: str
    files: tuple[str, ...]
    symbols: tuple[str, ...]
    tests: tuple[str, ...]
    symptoms: tuple[str, ...]
    hypotheses: tuple[str, ...]
    fixes: tuple[str, ...]
    suite: int
    """How many tests the project's suite has."""


@dataclass(frozen=True)
class Approach:
    """One line of attack: what the agent believes, and what it will change."""

    hypothesis: str
    fix: str
    file: str


TASKS = (
    Task(
        label="csv-quoted-newlines",
        code="csv",
        goal="quoted fields that contain newlines are split into two rows",
        files=(
            "src/tabular/reader.py",
            "src/tabular/tokenizer.py",
            "src/tabular/dialect.py",
        ),
        symbols=("Reader._rows", "Tokenizer.feed", "split_records", "Dialect.quote"),
        tests=(
            "test_quoted_newline",
            "test_doubled_quote",
            "test_crlf_inside_quotes",
            "test_bom_header",
        ),
        symptoms=(
            "row 3 of fixtures/addresses.csv comes back as two rows",
            "every broken row has a newline inside quotes",
            "the reporter's file parses fine with the stdlib csv module",
        ),
        hypotheses=(
            "records are split on newlines before the quote state is known",
            "the tokenizer resets its in-quote flag at every physical line",
            "CRLF inside quotes is normalised too early",
        ),
        fixes=(
            "carry the in-quote state across physical lines",
            "buffer continuation lines until the closing quote",
            "split records in the tokenizer instead of the line iterator",
        ),
        suite=84,
    ),
    Task(
        label="cache-ttl-race",
        code="ttl",
        goal="cache entries outlive their TTL when two workers refresh at once",
        files=("src/cachely/store.py", "src/cachely/clock.py", "src/cachely/lock.py"),
        symbols=("Store.refresh", "Entry.expires_at", "monotonic_now", "KeyLock"),
        tests=(
            "test_expiry_under_refresh",
            "test_ttl_zero",
            "test_clock_skew",
            "test_concurrent_refresh",
        ),
        symptoms=(
            "a stale value is served 40 s after its 10 s TTL",
            "it only reproduces with two or more workers",
            "expires_at is sometimes earlier than created_at in the debug dump",
        ),
        hypotheses=(
            "refresh writes the old expires_at back after the lock is released",
            "wall-clock time is mixed with monotonic time",
            "the per-key lock is not held across read-modify-write",
        ),
        fixes=(
            "compute expires_at inside the lock",
            "use the monotonic clock everywhere in Store",
            "compare-and-set on the entry version",
        ),
        suite=57,
    ),
    Task(
        label="search-p95",
        code="p95",
        goal="p95 search latency went from 40 ms to 300 ms after the index upgrade",
        files=("src/finder/index.py", "src/finder/query.py", "src/finder/postings.py"),
        symbols=("Index.lookup", "Query.plan", "Postings.intersect", "load_segment"),
        tests=(
            "test_lookup_matches_old_index",
            "test_plan_prefers_rare_terms",
            "test_segment_cache",
            "bench_p95_under_60ms",
        ),
        symptoms=(
            "the flame graph shows 70% of the time in load_segment",
            "every slow query contains a very common term",
            "the segment cache hit rate dropped from 92% to 31%",
        ),
        hypotheses=(
            "segments are reloaded per query since the cache key changed",
            "the planner no longer starts from the rarest term",
            "postings are decoded eagerly instead of lazily",
        ),
        fixes=(
            "key the segment cache by segment id, not by path",
            "sort terms by document frequency before intersecting",
            "decode postings blocks on demand",
        ),
        suite=112,
    ),
    Task(
        label="auth-token-refresh",
        code="auth",
        goal="users are logged out when two tabs refresh the access token at once",
        files=("src/auth/rotation.py", "src/auth/tokens.py", "web/refresh.ts"),
        symbols=(
            "TokenPair.rotate",
            "mint_refresh_token",
            "revoke_family",
            "refreshInFlight",
        ),
        tests=(
            "test_parallel_refresh",
            "test_reuse_detection",
            "test_grace_window",
            "test_logout_revokes_family",
        ),
        symptoms=(
            "the second tab gets a 401 within a second of the rotation",
            "the audit log shows reuse detection revoking the whole token family",
            "it only happens with two tabs open",
        ),
        hypotheses=(
            "reuse detection fires on a legitimate parallel refresh",
            "a stale tab sends the previous refresh token",
            "rotation is not idempotent within the same second",
        ),
        fixes=(
            "accept the previous refresh token for a 5 s grace window",
            "share one in-flight refresh across tabs",
            "make rotation idempotent per request id",
        ),
        suite=66,
    ),
)


def pick_task(seed: int, index: int) -> tuple[Task, str]:
    """The task of agent `index` and its run label: three agents per run."""
    group = seed + index // 3
    task = TASKS[group % len(TASKS)]
    repeat = (index // 3) // len(TASKS)
    label = task.label if repeat == 0 else f"{task.label}-{repeat + 1}"
    return task, label


def new_approach(task: Task, rng: random.Random, avoid: Approach | None) -> Approach:
    """A hypothesis and a fix, both different from the ones just left."""
    hypotheses = [h for h in task.hypotheses if avoid is None or h != avoid.hypothesis]
    fixes = [f for f in task.fixes if avoid is None or f != avoid.fix]
    return Approach(rng.choice(hypotheses), rng.choice(fixes), rng.choice(task.files))
