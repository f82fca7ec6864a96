"""The language people read: which one they chose, and the French of every message.

English is the source language: every message is written in English in the code and wrapped
in `_()`; the French lives in the catalogue locale/fr/LC_MESSAGES/normandie.po, compiled to
the .mo file that gettext reads (`python scripts/catalogue.py` updates both).

Wrap a message where it is used, never where a module is imported, and put the values in
with `str.format` after the lookup, so the catalogue holds one entry per sentence:

    raise UsageError(_("unknown city {name!r}").format(name=text))

A message in a table built at import is marked with `N_()` and translated with `_()` where
it is shown. Then run `python scripts/catalogue.py`, write the French in the new msgstr
lines of the .po, and run it again to compile; the tests fail while a message lacks French.

Machine formats (TSV, CSV, JSON, TOML, iCalendar…) are never translated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path

# typing.TYPE_CHECKING without importing typing, which would cost Tab's quick path (cli/tab.py)
# more than this module does.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import gettext
    from datetime import date
    from typing import overload

    from normandie_cli.models import PartialDate

DOMAIN = "normandie"
LOCALE_FOLDER = Path(__file__).parent / "locale"
# The variables read, most important first; the first one set (and not empty) decides, as
# gettext does.
LANGUAGE_VARIABLES = ("NORMANDIE_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


class Language(StrEnum):
    """The languages of the command line; English is the source, French the catalogue."""

    EN = "en"
    FR = "fr"


# None until a language is chosen: English, the messages as written. (gettext is imported
# when a catalogue is read: Tab completion's quick path may never need one.)
_translations: gettext.NullTranslations | None = None
_language = Language.EN


def _language_of(value: str | None) -> Language | None:
    """'fr', 'fr_FR.UTF-8' or 'FR' -> French; 'en_GB', 'C' or 'de_DE' -> English;
    None or '' -> None (not set)."""
    if not value:
        return None
    return Language.FR if value.lower().startswith("fr") else Language.EN


def choose_language(flag: str | None, environ: Mapping[str, str]) -> Language:
    """--lang, else NORMANDIE_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    for value in (flag, *(environ.get(name) for name in LANGUAGE_VARIABLES)):
        chosen = _language_of(value)
        if chosen is not None:
            return chosen
    return Language.EN


def flag_in(argv: Sequence[str]) -> str | None:
    """The value of `--lang X` or `--lang=X` on a command line, before any `--`.

    Help texts are built when the command line module is imported, so the language has to
    be known before the options are parsed.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def use_language(chosen: Language) -> None:
    """Speak this language from now on."""
    global _translations, _language
    _language = chosen
    if chosen is Language.EN:
        _translations = None  # the messages are written in English: nothing to look up
        return
    import gettext

    _translations = gettext.translation(
        DOMAIN, LOCALE_FOLDER, languages=[chosen.value], fallback=True
    )


def language() -> Language:
    """The language chosen last (use_language); English until one is."""
    return _language


def _(message: str) -> str:
    """The message in the chosen language (English when it has no translation)."""
    return message if _translations is None else _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a message for the catalogue where it cannot be translated yet (a table built at
    import); `_()` translates it where it is shown."""
    return message


if TYPE_CHECKING:  # the types of its three uses, for mypy only

    @overload
    def localized(french: str | None, english: str) -> str: ...
    @overload
    def localized(french: str, english: str | None) -> str: ...
    @overload
    def localized(french: str | None, english: str | None) -> str | None: ...


def localized(french: str | None, english: str | None) -> str | None:
    """The data's own text in the chosen language: the vocabularies carry both labels, and a
    record may carry a description or a title in both; without it, the other language's."""
    if _language is Language.FR:
        return french or english
    return english or french


def _months() -> tuple[str, ...]:
    return (
        _("Jan"),
        _("Feb"),
        _("Mar"),
        _("Apr"),
        # The abbreviated month; French writes 'mai' in full.
        _("May"),
        _("Jun"),
        _("Jul"),
        _("Aug"),
        _("Sep"),
        _("Oct"),
        _("Nov"),
        _("Dec"),
    )


def group_digits(number: int) -> str:
    """1234567 as people of the chosen language write it: '1 234 567' (a narrow no-break
    space between groups, as French typography has it, and as this project writes euros in
    English too); small numbers unchanged."""
    return f"{number:,}".replace(",", "\u202f")


def month_name(month: int) -> str:
    """'November' ('novembre' in French), as in 'usually in November'."""
    names = (
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),  # the same word in full, in both languages
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    )
    return names[month - 1]


def human_date(value: date | PartialDate) -> str:
    """'19 Nov 2015' ('19 nov. 2015' in French), 'Nov 2015', or '2015': as much as is known."""
    if value.month is None:
        return str(value.year)
    text = f"{_months()[value.month - 1]} {value.year}"
    return text if value.day is None else f"{value.day} {text}"


def days_until(day: date, today: date) -> str:
    """How far ahead a day is, in words: 'today', 'tomorrow', 'in 5 days', 'in 3 weeks'…"""
    days = (day - today).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days < 14:
        return _("in {count} days").format(count=days)
    if days < 60:
        return _("in {count} weeks").format(count=days // 7)
    return _("in {count} months").format(count=round(days / 30.4))
