"""`python -m evaluation ...`: the face evaluation command line (see evaluation/cli.py)."""

from evaluation.cli import main

raise SystemExit(main())
