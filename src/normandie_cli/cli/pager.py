"""A table taller than the terminal goes through a pager, as `git` and `gh` do: the one
NORMANDIE_PAGER names, else PAGER, else `less` (with LESS=FRX unless set: it quits at once
when the table fits after all, keeps the colours, and leaves the table on the screen)."""

import os
import shlex
import subprocess
import sys


def pager_command(given: str | None) -> list[str] | None:
    """The pager to run: `given` when a caller chose one ("" for none), else from the
    environment; None when paging is off (NORMANDIE_PAGER=cat or empty)."""
    if given is None:
        given = os.environ.get("NORMANDIE_PAGER", os.environ.get("PAGER") or "less")
    try:
        words = shlex.split(given)
    except ValueError:  # unbalanced quotes: no pager rather than a traceback
        return None
    return None if not words or words[0] == "cat" else words


def page(command: list[str], text: str) -> bool:
    """Show `text` through the pager; False when it cannot be started (then the caller
    prints the text itself). The person quitting early is no error."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")  # lv, the other common pager, keeps colours so
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        process.stdin.write(text.encode(encoding, errors="replace"))
        process.stdin.close()
    except BrokenPipeError:  # quit before reading it all
        pass
    while True:
        try:
            process.wait()
            return True
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager, as with git
            continue
