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
    """An error the user can act on; its message is shown as is, without a traceback.

    The message is one line, whatever it quotes (a file name may hold a line break: it is
    shown, not obeyed); `details` are the lines shown under it."""

    exit_code = ExitCode.DATA_ERROR

    def __init__(self, message: str = "", details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)

    def __str__(self) -> str:
        return "\n".join([self.message, *self.details])

    def shown_lines(self) -> list[str]:
        """What the person is told, one line each: the message, then the details."""
        return [self.message, *self.details] if self.message else []


# A file can hold millions of problems (a key repeated a million times): this many are
# listed, and the rest counted.
SHOWN_PROBLEMS = 100


class DataError(NormandieError):
    """The dataset cannot be read or is not valid; lists the problems found (the first
    SHOWN_PROBLEMS of them, and how many more there are)."""

    def __init__(self, source: str, problems: Sequence[str], total: int | None = None) -> None:
        self.source = source
        self.problems = tuple(problems[:SHOWN_PROBLEMS])
        self.total = max(total or 0, len(problems))
        found = (
            _("{source}: 1 problem found:")
            if self.total == 1
            else _("{source}: {count} problems found:")
        )
        super().__init__(found.format(source=source, count=self.total), self.lines())

    def lines(self) -> list[str]:
        """The problems, indented, then how many more were found and not listed."""
        lines = [f"  {problem}" for problem in self.problems]
        if self.total > len(self.problems):
            more = _("  … and {count} more problems not listed")
            lines.append(more.format(count=self.total - len(self.problems)))
        return lines


class UsageError(NormandieError):
    """A value typed by the user that names nothing known; carries suggestions."""

    exit_code = ExitCode.USAGE_ERROR


class AlreadySaid(NormandieError):
    """The command has said what went wrong as it found it (validate reports each file in
    turn): only the exit code is left to give."""

    def __init__(self, exit_code: ExitCode = ExitCode.DATA_ERROR) -> None:
        super().__init__()
        self.exit_code = exit_code


class OutputError(NormandieError):
    """What was to be shown could not be written (a full disk, a closed output)."""
