"""`python -m oodatui.demo`: the same as `oodatui demo`."""

import sys

from oodatui.demo.command import demo_command

raise SystemExit(demo_command(sys.argv[1:]))
