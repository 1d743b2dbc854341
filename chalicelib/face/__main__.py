"""`python -m chalicelib.face ...`: the face command line (see chalicelib/face/cli.py)."""

from chalicelib.face.cli import main

raise SystemExit(main())
