"""oodatui: supervise a swarm of AI agents through their run logs.

The headless core is importable without Textual:

    from oodatui import RunLog, cast_vote, read_once
"""

from oodatui.read import read_once
from oodatui.runlog import RunLog
from oodatui.summary import summary
from oodatui.write import WriteError, cast_vote

__all__ = ["RunLog", "WriteError", "cast_vote", "read_once", "summary", "__version__"]

__version__ = "0.1.0"
