class SetupError(Exception):
    """A set-up step failed in a way the person can fix; the message says how (Spanish)."""
