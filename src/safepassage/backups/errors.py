"""The one exception of the backups package."""


class BackupError(Exception):
    """A backup or restore could not be done; the message names no personal data.

    The CLI prints ``str(error)`` as its one line, so messages say what failed and
    what to do, never a value read from the database.
    """
