"""Pure policy computations (no Flask, no database): exits, allowances."""
