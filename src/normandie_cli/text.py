"""Text as people type and read it: folding for matching, French sorting, inert display."""

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Messages and errors are imported where they are said (typed_text, did_you_mean): folding
# and inert display serve Tab completion's quick path, which loads as little as it can.

_SEPARATORS = re.compile(r"[\s\-_'’.,/]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

# Bidirectional overrides and isolates can reorder what a terminal shows; zero-width
# characters hide text. Both are made visible rather than obeyed.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u061c\u2060\u2066\u2067\u2068\u2069\ufeff"
)


# The line separators Unicode knows beyond the C0 ones (NEL, LINE and PARAGRAPH SEPARATOR):
# shown as a symbol, so that a value stays on its line in a table and in TSV.
_LINE_SEPARATORS = frozenset("\x85\u2028\u2029")
SHOWN_LINE_SEPARATOR = "\u2424"  # ␤

# Beyond the C0 controls, which JSON and TOML writers escape already: DEL, the C1 controls
# (a Linux console obeys U+009B as an escape), bidirectional and zero-width marks, and the
# line separators that JavaScript reads as line ends inside a string.
_UNESCAPED_CONTROL = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(_INVISIBLE)) + "]")


def escape_controls(serialised: str) -> str:
    """JSON or TOML text with the characters a terminal would act on written as \\uXXXX
    escapes: the same text once read, inert when shown. Only for output in which such
    characters can appear inside escaped strings alone (JSON, TOML basic strings)."""
    return _UNESCAPED_CONTROL.sub(lambda match: f"\\u{ord(match[0]):04X}", serialised)


def strip_accents(text: str) -> str:
    """Remove diacritics: 'Évreux' -> 'Evreux'."""
    if text.isascii():  # most names: nothing to remove
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The matching key of a name: case, accents and separators ignored.

    'Le Havre', 'le-havre' and 'LE_HAVRE' all fold to 'le-havre'.
    """
    return _SEPARATORS.sub("-", strip_accents(text).casefold()).strip("-")


def slugify(text: str) -> str:
    """An id from a name: 'Protect'écran' -> 'protect-ecran' (ASCII letters, digits, hyphens)."""
    ascii_text = strip_accents(text).casefold().replace("œ", "oe").replace("æ", "ae")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def french_sort_key(text: str) -> tuple[str, str]:
    """Sort names as a French reader expects: 'Évreux' among the E's, case ignored."""
    return (strip_accents(text).casefold(), text)


def inert(text: str) -> str:
    """Make control characters visible instead of letting a terminal act on them.

    C0 controls become their Unicode control pictures (ESC -> '␛'), the other line
    separators '␤'; DEL, C1 controls, bidirectional overrides and zero-width characters
    become '�'. A byte that was not UTF-8
    (a file name or an argument, kept by Python as a lone surrogate) is shown as '\\xe9'.
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20:
            out.append(chr(0x2400 + code))
        elif char in _LINE_SEPARATORS:
            out.append(SHOWN_LINE_SEPARATOR)
        elif code == 0x7F or 0x80 <= code < 0xA0 or char in _INVISIBLE:
            out.append("\ufffd")
        elif 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def typed_text(text: str) -> str:
    """Text typed on the command line, to be kept (in a file) as UTF-8. Bytes that are not
    UTF-8 reach Python as lone surrogates: they are refused here, shown escaped, rather
    than fail wherever the text goes; UTF-8 read under an ASCII locale is the text it
    spells. (A path may hold any bytes, and is not checked.)"""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:  # UTF-8 bytes read under an ASCII locale: the text they are
            return text.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            from normandie_cli.errors import UsageError
            from normandie_cli.i18n import _

            not_utf8 = _("{text} is not UTF-8 text: type it again in UTF-8")
            raise UsageError(not_utf8.format(text=f"'{inert(text)}'")) from None
    return text


def suggest(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The known values closest to a mistyped one, best first."""
    import difflib  # only needed on the error path

    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(fold(choice), choice)
    key = fold(word)
    prefixed = [choice for k, choice in by_key.items() if key and k.startswith(key)]
    close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    ranked = [*prefixed, *(by_key[k] for k in close)]
    return list(dict.fromkeys(ranked))[:limit]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'Rouen'?)' for the closest known values, or '' when none is close."""
    return offering(suggest(word, choices))


def offering(close: Sequence[str]) -> str:
    """' (did you mean 'Rouen' or 'Caen'?)', or '' for no value."""
    from normandie_cli.i18n import _

    if not close:
        return ""
    return _(" (did you mean {choices}?)").format(choices=_(" or ").join(map(repr, close)))
