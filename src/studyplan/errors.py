"""The one exception type a user can cause; the CLI prints it as a single line."""


class StudyplanError(Exception):
    """A problem the user can fix: bad input, a missing file, an unknown exam.

    The message is one plain sentence naming the file, line or value that is wrong.
    """
