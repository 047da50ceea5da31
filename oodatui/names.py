"""Names the command line offers before anything heavy is imported."""

__all__ = ["POLICY_NAMES", "DEFAULT_POLICY", "FORMAT_NAMES"]

POLICY_NAMES = ("recent", "approval", "tests", "tokens", "confidence")
"""The ranking policies, in the order `p` cycles through them."""

DEFAULT_POLICY = "recent"

FORMAT_NAMES = ("oodatui", "claude-code", "codex", "gemini")
"""What `--format` accepts: this project's own format, then the adapters'."""
