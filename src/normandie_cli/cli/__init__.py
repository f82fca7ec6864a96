"""The command-line tier: a thin Typer layer over the core, one module per command group,
joined in app.py, which also holds the one place where errors become exit codes.

The help texts are built as the command modules are imported, so the language is chosen
here, before any of them is: from --lang on the command line, then the environment.
"""

import gettext
import os
import sys

from normandie_cli.i18n import (
    DOMAIN,
    LOCALE_FOLDER,
    Language,
    choose_language,
    flag_in,
    use_language,
)


def speak(language: Language) -> None:
    """Use this language for our messages and for Typer's own words (Options, Commands,
    Error…), which it looks up with gettext in the default domain, from LANGUAGE first."""
    use_language(language)
    gettext.bindtextdomain(DOMAIN, LOCALE_FOLDER)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language.value


speak(choose_language(flag_in(sys.argv[1:]), os.environ))
