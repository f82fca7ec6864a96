"""Run the command line as ``python -m normandie_cli``."""

from normandie_cli.cli import main

main()
