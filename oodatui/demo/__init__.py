"""The simulated swarm behind `oodatui demo`.

Agents are separate processes (`agent.py`) writing their own run logs through
`RunLog`; `swarm.py` starts and stops them, `command.py` is the subcommand,
and `samples.py` regenerates the finished runs in `sample_runs/`.
"""

__all__ = ["demo_command"]


def demo_command(argv: list[str]) -> int:
    """Run `oodatui demo` with these arguments; return the exit status."""
    # Imported here so that `python -m oodatui.demo.agent` loads only the agent.
    from oodatui.demo.command import demo_command as run

    return run(argv)
