"""What every command shares: the environment it prints to (streams, and whether each is a
terminal), the settings the global options set, and the dataset they name."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from normandie_cli.errors import NormandieError, OutputError, UsageError
from normandie_cli.frozen import frozen
from normandie_cli.i18n import _

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from normandie_cli.models import Dataset
    from normandie_cli.output.formats import OutputFormat
    from normandie_cli.overlay_changes import Decide
    from normandie_cli.overlay_history import ChangeKind

# Machine output is written in pieces: a write the reader is slow to take cannot be cut short
# by Ctrl-C (Python finishes it first), so one large write would go on after the interrupt.
_WRITE_PIECE = 16 * 1024


@frozen
class Environment:
    """Where a command's output goes (httpie's Environment): the process's own streams,
    each asked whether it is a terminal, unless a test or a script says otherwise.

    `terminal` stands for stdout and stderr at once: a console that records what a
    person at a terminal would see (the pictures in docs/ are drawn so)."""

    stdout_terminal: bool | None = None
    stderr_terminal: bool | None = None
    stdin_terminal: bool | None = None
    terminal: Console | None = None
    # The pager for tall tables: None decides from the process (a real terminal, the
    # environment's PAGER), "" is none (--no-pager), a command is that one (tests).
    pager: str | None = None

    def stdout_is_terminal(self) -> bool:
        return sys.stdout.isatty() if self.stdout_terminal is None else self.stdout_terminal

    def stderr_is_terminal(self) -> bool:
        return sys.stderr.isatty() if self.stderr_terminal is None else self.stderr_terminal

    def stdin_is_terminal(self) -> bool:
        return sys.stdin.isatty() if self.stdin_terminal is None else self.stdin_terminal

    def console(self) -> Console:
        """The terminal's console, made per command so it sees today's environment."""
        if self.terminal is not None:
            return self.terminal
        from rich.console import Console

        class PipeAwareConsole(Console):
            def on_broken_pipe(self) -> None:
                # Rich would exit 1; a reader that has gone is no error (see app.reporting).
                self.quiet = True
                raise BrokenPipeError

        return PipeAwareConsole(highlight=False)

    def print(self, renderable: RenderableType, console: Console | None = None) -> None:
        """Show a renderable on stdout (on `console`, if it was asked for its width); one
        taller than the terminal through the pager (cli/pager.py)."""
        console = console or self.console()
        pager = self._pager()
        with _writing_output():
            if pager is None:
                console.print(renderable)
                return
            with console.capture() as captured:
                console.print(renderable)
            text = captured.get()
            if text.count("\n") < console.height:
                console.file.write(text)
                return
            from normandie_cli.cli.pager import page

            if not page(pager, text):
                console.file.write(text)

    def _pager(self) -> list[str] | None:
        from normandie_cli.cli.pager import pager_command

        if self.pager is None and (
            self.terminal is not None
            or self.stdout_terminal is not None
            or not (sys.stdout.isatty() and sys.stdin.isatty())
        ):
            return None
        return pager_command(self.pager)

    def say(self, message: str | Sequence[str], *, style: str = "") -> None:
        """A message for the person, on stderr: one line, or one line per item of a
        sequence; never read as markup, and a line break inside a line (from a file name,
        say) is shown as a symbol, like every other control character."""
        if self.terminal is None and sys.stderr is None:
            return  # started with stderr closed (`2>&-`): the message is lost, not the exit code
        from normandie_cli.text import inert

        lines = [message] if isinstance(message, str) else message
        shown = "\n".join(inert(line) for line in lines)
        if self.terminal is None and not self.stderr_is_terminal() and not _colour_forced():
            # What Rich would write to a file that is not a terminal: the text, no style.
            sys.stderr.write(shown + "\n")
            return
        from rich.console import Console
        from rich.text import Text

        text = Text(shown, style=style)
        if self.terminal is not None:
            self.terminal.print(text, soft_wrap=True)
            return
        Console(stderr=True, highlight=False, soft_wrap=True).print(text)

    def write(self, content: str | bytes) -> None:
        """Machine output, as UTF-8 whatever the console's encoding, never through Rich."""
        with _writing_output():
            sys.stdout.flush()
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:
                text = content if isinstance(content, str) else content.decode("utf-8")
                sys.stdout.write(text)
            else:
                data = content.encode("utf-8") if isinstance(content, str) else content
                for start in range(0, len(data), _WRITE_PIECE):
                    buffer.write(data[start : start + _WRITE_PIECE])
            sys.stdout.flush()

    def write_inert(self, text: str) -> None:
        """Text from a file for a person to read, on stdout: its lines as the file ends
        them (LF or CRLF), each made inert, so any other line separator shows as a
        symbol."""
        from normandie_cli.text import inert

        lines = text.removesuffix("\n").split("\n") if text else []
        self.write("".join(inert(line.removesuffix("\r")) + "\n" for line in lines))

    @contextmanager
    def spinner(self) -> Iterator[None]:
        """A spinner on stderr while a long read goes on, if stderr is a terminal."""
        if not self.stderr_is_terminal():
            yield
            return
        from rich.console import Console

        with Console(stderr=True).status(_("Reading and checking the dataset…")):
            yield

    def choose_format(
        self,
        fmt: OutputFormat | None,
        as_json: bool,
        as_csv: bool,
        default: OutputFormat | None = None,
    ) -> OutputFormat:
        """An explicit format wins; then `default`; else a table on a terminal, TSV in a pipe."""
        from normandie_cli.output.formats import OutputFormat

        flags = ((OutputFormat.JSON, as_json), (OutputFormat.CSV, as_csv))
        chosen = {f for f, on in flags if on}
        if fmt is not None:
            chosen.add(fmt)
        if len(chosen) > 1:
            names = ", ".join(sorted(f.value for f in chosen))
            several = _("choose one output format, not several ({names})")
            raise UsageError(several.format(names=names))
        if chosen:
            return chosen.pop()
        if default is not None:
            return default
        return OutputFormat.TABLE if self.stdout_is_terminal() else OutputFormat.TSV


def _colour_forced() -> bool:
    """Whether the environment asks Rich for colours even where there is no terminal."""
    return any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE"))


@contextmanager
def _writing_output() -> Iterator[None]:
    """A write to stdout that fails (a full disk, a closed output) is an error to report, not
    a traceback; a reader that has gone (a broken pipe) is no error at all (app.reporting)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(
            _("cannot write to the standard output: {reason}").format(
                reason=error.strerror or error
            )
        ) from None


def drop_stdout() -> None:
    """Send whatever is still to be written to stdout nowhere."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture it)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)


class Settings:
    """What the global options set; the dataset is loaded once, when a command needs it.
    (A plain class: it keeps the dataset once loaded, and a dataclass's methods would be
    compiled at every start-up for nothing, as frozen.py says.)"""

    def __init__(
        self,
        *,
        data: Path | None,
        today: date,
        overlay: Path | None,
        use_cache: bool,
        env: Environment,
        updates: Path | None,  # the updates layer; None with --no-updates
    ) -> None:
        self.data = data
        self.today = today
        self.overlay = overlay
        self.use_cache = use_cache
        self.env = env
        self.updates = updates
        self._dataset: Dataset | None = None

    @property
    def dataset(self) -> Dataset:
        """The dataset with the updates layer and the overlay's changes."""
        if self._dataset is None:
            self._dataset = self.load(self.overlay)
        return self._dataset

    def base_dataset(self) -> Dataset:
        """The dataset as it is, without the overlay."""
        return self.load(None)

    def curated_dataset(self) -> Dataset:
        """The dataset and the overlay without the updates layer: what people wrote."""
        return self.load(self.overlay, with_updates=False)

    def load(self, overlay: Path | None, *, with_updates: bool = True) -> Dataset:
        from normandie_cli.cache import load

        updates = self.updates if with_updates else None
        return load(
            self.data,
            overlay,
            updates=updates,
            use_cache=self.use_cache,
            while_slow=self.env.spinner,
        )

    def data_paths(self) -> list[Path]:
        """The dataset the command reads (every folder it reaches, through links too), and
        the bundled one: no write may land in them."""
        from normandie_cli.dataset import bundled_data_path, dataset_folders

        paths = [self.data, *dataset_folders(self.data)] if self.data is not None else []
        with suppress(NormandieError):  # no bundled data: nothing to protect
            paths.append(bundled_data_path())
        return paths

    def read_paths(self, *, updates: bool = True) -> list[Path]:
        """Every file or folder the command reads or relies on: the dataset, the bundled
        data, the overlay with its lock file and its history, the updates layer (unless
        `updates` is False: `normandie update` renews that one, and only that one)."""
        from normandie_cli.locks import lock_path
        from normandie_cli.overlay_history import history_path

        layers = (self.overlay, self.updates if updates else None)
        beside = (
            [] if self.overlay is None else [lock_path(self.overlay), history_path(self.overlay)]
        )
        return [*self.data_paths(), *(path for path in layers if path is not None), *beside]

    def overlay_path(self) -> Path:
        """The overlay to change; --no-overlay leaves none, and so does a missing home."""
        from normandie_cli.folders import default_overlay_path

        if self.overlay is None and default_overlay_path() is None:
            homeless = _("there is no home folder to keep your overlay in: give --overlay FILE")
            raise UsageError(homeless)
        if self.overlay is None:
            raise UsageError(_("--no-overlay leaves no overlay to use: leave it out"))
        return self.overlay


def settings(ctx: typer.Context) -> Settings:
    """The settings of the command line that `ctx` belongs to. Every command starts here,
    so here its text is checked (check_typed_text) before any goes anywhere."""
    found = ctx.find_root().obj
    assert isinstance(found, Settings)
    check_typed_text(ctx)
    return found


def check_typed_text(ctx: typer.Context) -> None:
    """Refuse (exit 2) a text option or argument of this command line that is not UTF-8
    (text.typed_text); paths, which may hold any bytes, are not text."""
    from normandie_cli.text import typed_text

    context: Any = ctx
    while context is not None:
        for param in context.command.params:
            if param.type.name == "path":  # Click's name for its Path type
                continue
            value = context.params.get(param.name)
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, str):
                    typed_text(item)
        context = context.parent


def environment(ctx: typer.Context) -> Environment:
    """The environment of a command line, before or after the global options are read."""
    found = ctx.find_root().obj
    if isinstance(found, Settings):
        return found.env
    return found if isinstance(found, Environment) else Environment()


def save_overlay(
    given: Settings, decide: Decide, *, kind: ChangeKind, record: str, dry_run: bool
) -> bool:
    """Make a change to the overlay (see overlay_changes.save_change), kept in its history
    as this kind of change to `record`, made today; True when it was written. With dry_run,
    show what would be added, or the whole new text (made inert: it is the file's text),
    and write nothing."""
    from normandie_cli.overlay_changes import save_change
    from normandie_cli.overlay_history import Change

    before, after = save_change(
        given.overlay_path(),
        given.data,
        decide,
        made=Change(kind, record, given.today),
        dry_run=dry_run,
        reads=given.data_paths(),
    )
    if dry_run:
        shown = after[len(before) :].lstrip("\n") if after.startswith(before) else after
        given.env.write_inert(shown)
        given.env.say(_("Checked; nothing was written (--dry-run)."))
    return not dry_run
