"""The command-line tier: a thin Typer layer over the core, one module per command group,
joined in app.py, which also holds the one place where errors become exit codes.

`main` is the console script: Tab completion answered from the completion index when it can
be (tab.py, which loads neither Typer, Rich nor the models), else the whole program
(app.main).
"""

import os

# Set by the shell's completion script (Typer's) when Tab is pressed.
COMPLETE_VARIABLE = "_NORMANDIE_COMPLETE"


def main() -> None:
    """The `normandie` command."""
    if os.environ.get(COMPLETE_VARIABLE):
        from normandie_cli.cli.tab import complete_quickly

        complete_quickly()  # exits when it has answered
    from normandie_cli.cli.app import main as program

    program()
