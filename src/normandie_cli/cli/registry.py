"""The commands of `normandie`, known without importing them: the module of cli/ that defines
each, and the one line the root's help shows for it.

The root builds only the command that runs (app.LazyCommands): the others stay names, and
`normandie --help` lists them from this table. tests/cli/test_registry.py fails when the
table and the commands disagree (a name, a line of help in either language, a hidden alias).
"""

from typing import NamedTuple

from normandie_cli.i18n import N_


class Entry(NamedTuple):
    """One command of the root: the module that defines it (its `app`) and its help's first
    line, in English (translated where it is shown)."""

    module: str
    summary: str
    hidden: bool = False
    group: bool = False  # a group of subcommands (`cache clear`…), its module's whole app


# In the order the help lists them.
COMMANDS = {
    "startups": Entry(
        "listings", N_("List startups, filtered by city, sector, tag, founding year or text.")
    ),
    "organizations": Entry(
        "listings",
        N_("List organisations (alias: orgs): incubators, technopoles, networks, schools…"),
    ),
    "orgs": Entry("listings", N_("Same as `organizations`."), hidden=True),
    "events": Entry(
        "listings", N_("List events; dates may be known to the day, the month or only the year.")
    ),
    "cities": Entry(
        "listings",
        N_(
            "List the cities that have records, with their counts of startups, organisations,"
            " events."
        ),
    ),
    "sources": Entry(
        "listings", N_("List the sources the data cites, with how many records cite each.")
    ),
    "info": Entry(
        "records",
        N_("Show the dataset's version, last update, counts, and the licences and attributions."),
    ),
    "validate": Entry(
        "records", N_("Check dataset files: every error, then data-quality warnings.")
    ),
    "show": Entry(
        "records",
        N_("Show every field of one record (startup, organisation, event, city…) and its sources."),
    ),
    "open": Entry(
        "records", N_("Open a record's website in the web browser; in a pipe, print its address.")
    ),
    "search": Entry(
        "records",
        N_("Search startups, organisations, events and cities at once, grouped by kind."),
    ),
    "compare": Entry(
        "compare",
        N_("Compare scenes side by side: startups, funding, organisations and events."),
    ),
    "report": Entry(
        "report",
        N_("Write the ecosystem on one page: charts, a map of Normandy and every source, in HTML."),
    ),
    "export": Entry(
        "export",
        N_("Export the data for another tool: Excel, a calendar, a map, a database, jq."),
    ),
    "edit": Entry(
        "changes",
        N_("Correct a record: a corrected copy goes into your overlay, citing its source."),
    ),
    "retire": Entry(
        "changes",
        N_("Hide a record that is no longer true; one you added is taken out of your overlay."),
    ),
    "update": Entry(
        "update",
        N_("Refresh startups from the company register and the ministry's open data."),
    ),
    "cache": Entry("cache", N_("Manage the cache of the checked dataset."), group=True),
    "add": Entry(
        "add", N_("Add a startup, organisation, event or source to your overlay."), group=True
    ),
    "overlay": Entry(
        "overlay",
        N_("Review what your overlay adds, replaces (field by field) and retires, or export it."),
        group=True,
    ),
}
