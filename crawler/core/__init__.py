"""The shared kernel every stage stands on (the stage shape, for now; more moves here)."""
