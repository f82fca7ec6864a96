"""`normandie cache`: the cache of the checked dataset."""

import typer

from normandie_cli.cli.context import settings
from normandie_cli.i18n import _

app = typer.Typer(help=_("Manage the cache of the checked dataset."), no_args_is_help=True)


@app.command("clear")
def cache_clear(ctx: typer.Context) -> None:
    """Remove the cached dataset; the next command reads and checks the TOML again.

    Examples:

      normandie cache clear

      normandie --no-cache startups --city rouen
    """
    from normandie_cli.cache import cache_folder, clear_cache

    removed = clear_cache()
    said = _("Removed {count} cache file(s) from {folder}.")
    settings(ctx).env.say(said.format(count=removed, folder=cache_folder()))
