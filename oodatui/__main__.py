"""`python -m oodatui`."""

from oodatui.cli import main

raise SystemExit(main())
