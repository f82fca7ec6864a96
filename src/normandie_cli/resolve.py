"""What people type, matched to the dataset's ids the way they type it: sectors and kinds by
id or French or English label, tags, organisers by name or alias, days as YYYY-MM-DD. Each
raises UsageError with suggestions when nothing matches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from normandie_cli.errors import UsageError
from normandie_cli.i18n import _, localized
from normandie_cli.text import did_you_mean, fold, offering, slugify, suggest

if TYPE_CHECKING:  # annotations only: `--today` is read without loading the models
    from normandie_cli.models import Dataset, PartialDate, Term


def resolve_term(unknown: str, terms: Sequence[Term], text: str) -> str:
    """A vocabulary id from an id or a French/English label, as people type it; `unknown` is
    the message for a word that is none of them."""
    key = slugify(text)  # as completion offers a label: `gestion-de-la-relation-client-crm`
    for term in terms:
        if key in (term.id, slugify(term.name_fr), slugify(term.name_en)):
            return term.id
    named: dict[str, Term] = {}
    for term in terms:
        for name in (term.id, term.name_fr, term.name_en):
            named.setdefault(name, term)
    # A term is offered once: by its id when the id is what came close, else by its label
    # in the interface language (`--kind clear` suggests 'School' in English, 'École' in
    # French, whichever language's label was close).
    offered: dict[str, str] = {}
    for name in suggest(text, named):
        term = named[name]
        offered.setdefault(
            term.id, name if name == term.id else localized(term.name_fr, term.name_en)
        )
    raise UsageError(
        unknown.format(
            text=text,
            suggestion=offering(list(offered.values())),
            known=", ".join(sorted(t.id for t in terms)),
        )
    )


def _resolve_terms(unknown: str, terms: Sequence[Term], texts: Iterable[str]) -> frozenset[str]:
    return frozenset(resolve_term(unknown, terms, text) for text in texts)


def resolve_sectors(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    unknown = _("unknown sector {text!r}{suggestion}. Known sectors: {known}.")
    return _resolve_terms(unknown, dataset.sectors, texts)


def resolve_kinds(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    unknown = _("unknown kind {text!r}{suggestion}. Known kinds: {known}.")
    return _resolve_terms(unknown, dataset.organization_kinds, texts)


def resolve_tags(dataset: Dataset, texts: Sequence[str]) -> frozenset[str]:
    if not texts:  # no --tag: gathering every startup's tags is 75 ms at 100,000 startups
        return frozenset()
    known = sorted({tag for startup in dataset.startups for tag in startup.tags})
    unknown = _("unknown tag {text!r}{suggestion}. Known tags: {known}.")
    return frozenset(_resolve_choice(unknown, texts, known))


def resolve_organizers(dataset: Dataset, texts: Iterable[str]) -> frozenset[str]:
    """Organiser ids (organisations or startups) from ids, names or aliases."""
    candidates: list[tuple[str, tuple[str, ...]]] = [
        (o.id, (o.id, o.name, *o.aliases)) for o in dataset.organizations
    ]
    candidates += [(s.id, (s.id, s.name, *s.former_names)) for s in dataset.startups]
    resolved = set()
    for text in texts:
        key = fold(text)
        match = next((i for i, names in candidates if key in {fold(n) for n in names}), None)
        if match is None:
            names = [name for _, names in candidates for name in names[1:]]
            raise UsageError(
                _("unknown organizer {text!r}{suggestion}.").format(
                    text=text, suggestion=did_you_mean(text, names)
                )
            )
        resolved.add(match)
    return frozenset(resolved)


def _resolve_choice(unknown: str, texts: Iterable[str], known: Sequence[str]) -> list[str]:
    by_key = {fold(k): k for k in known}
    resolved = []
    for text in texts:
        match = by_key.get(fold(text))
        if match is None:
            raise UsageError(
                unknown.format(
                    text=text, suggestion=did_you_mean(text, known), known=", ".join(known)
                )
            )
        resolved.append(match)
    return resolved


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ISO_PERIOD = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)


def parse_period_option(text: str, option: str) -> PartialDate:
    """A year, a month or a day (2026, 2026-11, 2026-11-19), as --since and --until take
    it: the data's own partial dates."""
    from normandie_cli.models import PartialDate

    try:
        if not _ISO_PERIOD.fullmatch(text.strip()):
            raise ValueError
        return PartialDate.parse(text.strip())
    except ValueError:
        raise UsageError(
            _("{option} takes a date like 2026, 2026-11 or 2026-11-19, got {text!r}").format(
                option=option, text=text
            )
        ) from None


def parse_date_option(text: str, option: str) -> date:
    """A whole day written YYYY-MM-DD, as --today takes it (--since and --until take partial
    dates: parse_period_option)."""
    try:
        if not _ISO_DAY.fullmatch(text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            _("{option} takes a date like 2026-11-19 (year-month-day), got {text!r}").format(
                option=option, text=text
            )
        ) from None
