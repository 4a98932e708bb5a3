"""`python -m solver solve ...`."""

from solver.cli import main

raise SystemExit(main())
