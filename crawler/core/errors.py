"""One error type for bad input, so the CLI can print one line instead of a traceback."""


class InputError(Exception):
    """Bad input from a user's file or argument. The message names the place and the fix."""
