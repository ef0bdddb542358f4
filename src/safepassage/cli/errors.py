"""The one exception type the CLI turns into a one-line message."""


class CliError(Exception):
    """A deployment problem; ``str(error)`` is printed as is, then the command exits."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
