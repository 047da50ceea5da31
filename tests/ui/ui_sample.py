"""A small fixed run log for the dashboard's tests, timed against a frozen clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

FIXED = 1_767_000_000.0
"""The frozen "now" of every dashboard test."""

PHASES = ("observe", "orient", "decide", "act")


def events(base: float = FIXED - 900) -> list[dict[str, Any]]:
    """Six agents over fifteen minutes ending near `FIXED`: steady ones, one
    that runs long without a checkpoint, one that keeps failing, one that
    ended, and one that went quiet; six candidates and two reviewers' votes."""
    out: list[dict[str, Any]] = []

    def add(t: float, kind: str, **fields: Any) -> None:
        out.append({"type": kind, "v": 1, "ts": base + t, "run": "r1", **fields})

    for n, agent in enumerate(("planner", "solver-1", "solver-2")):
        add(n, "start", agent=agent)
        for step in range(12):
            t = 10 + step * 60 + n * 7
            add(t, "phase", agent=agent, phase=PHASES[step % 4], note=f"step {step}")
            if step % 4 == 3:
                ok = not (agent == "solver-2" and step == 7)
                tests = {"passed": 40 if ok else 37, "failed": 0 if ok else 3}
                add(
                    t + 5,
                    "checkpoint",
                    agent=agent,
                    tests=tests,
                    tokens=1200 + n,
                    commit=f"{n}a{step:02d}f00d",
                    note=f"checkpoint after step {step}",
                )
    for step in range(16):
        add(20 + step * 50, "phase", agent="long-chain", phase=PHASES[step % 4])
    for step in range(6):
        add(30 + step * 120, "phase", agent="flaky", phase=PHASES[step % 4])
        add(
            35 + step * 120,
            "checkpoint",
            agent="flaky",
            ok=False,
            tests={"passed": 10, "failed": 5 - step % 3},
            note="still red",
        )
    for step in range(8):
        add(5 + step * 20, "phase", agent="quiet", phase=PHASES[step % 4])
    add(300, "end", agent="planner-old", status="done")
    add(300.5, "message", agent="solver-1", text="looked at the parser again")

    summaries = {
        "c1": ("planner", 0.55, 900, (40, 0), "split the plan into three steps"),
        "c2": ("solver-1", 0.82, 2400, (40, 0), "fix the parser's off-by-one"),
        "c3": ("solver-2", 0.91, 5100, (37, 3), "rewrite tokenizer"),
        "c4": ("solver-1", 0.40, 300, (38, 2), "tiny patch to the lexer"),
        "c5": ("flaky", None, None, None, "guess without tests"),
        "c6": ("solver-2", 0.77, 1500, (40, 0), "second attempt, all green"),
    }
    for n, (cid, (agent, conf, delta, tests, summary)) in enumerate(summaries.items()):
        fields: dict[str, Any] = {"agent": agent, "id": cid, "summary": summary}
        if conf is not None:
            fields.update(confidence=conf, tokens_delta=delta)
            fields["tests"] = {"passed": tests[0], "failed": tests[1]}
            fields["commit"] = f"beef{n:04d}"
            fields["answer"] = f"diff --git a/{cid}.py\n+ answer for {cid}\n"
        add(400 + n * 60, "candidate", **fields)
    add(
        800,
        "vote",
        candidate="c2",
        verdict="approve",
        voter="alice",
        reason="clean and tested",
        vote_id="v-1",
    )
    add(
        810,
        "vote",
        candidate="c3",
        verdict="veto",
        voter="bob",
        reason="three tests fail",
        vote_id="v-2",
    )
    add(820, "vote", candidate="c2", verdict="approve", voter="bob", vote_id="v-3")
    out.sort(key=lambda e: e["ts"])
    return out


def write_run(path: Path, *, bad: bool = True, base: float = FIXED - 900) -> Path:
    """Write the sample run to `path`, with two bad lines in the middle."""
    lines = [orjson.dumps(e) for e in events(base)]
    if bad:
        lines.insert(10, b'{"type": "phase", "agent": "planner"}')
        lines.insert(20, b"{not json at all")
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path
