"""`python -m scoring ...` is the `egovrank` command (used to run stages as subprocesses)."""

from scoring.cli import main

main()
