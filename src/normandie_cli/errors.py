"""The exit codes the command line promises, and the errors that map onto them."""

from collections.abc import Sequence
from enum import IntEnum

from normandie_cli.i18n import _


class ExitCode(IntEnum):
    """The one list of exit codes; the README's table mirrors it."""

    OK = 0
    DATA_ERROR = 1
    USAGE_ERROR = 2
    INTERRUPTED = 130


class NormandieError(Exception):
    """An error the user can act on; its message is shown as is, without a traceback."""

    exit_code = ExitCode.DATA_ERROR


class DataError(NormandieError):
    """The dataset cannot be read or is not valid; lists every problem found."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        found = (
            _("{source}: 1 problem found:")
            if count == 1
            else _("{source}: {count} problems found:")
        )
        lines = [found.format(source=source, count=count), *(f"  {p}" for p in self.problems)]
        super().__init__("\n".join(lines))


class UsageError(NormandieError):
    """A value typed by the user that names nothing known; carries suggestions."""

    exit_code = ExitCode.USAGE_ERROR


class AlreadySaid(NormandieError):
    """The command has said what went wrong as it found it (validate reports each file in
    turn): only the exit code is left to give."""

    def __init__(self, exit_code: ExitCode = ExitCode.DATA_ERROR) -> None:
        super().__init__("")
        self.exit_code = exit_code
