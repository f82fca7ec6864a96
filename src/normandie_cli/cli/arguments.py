"""The command line as the root reads it: the global options found after the command moved
before it. The root group (app.py) and Tab's quick path (tab.py), which must read a line as
the root does without loading Typer, share it; only the standard library is used."""


def global_options_first(args: list[str], takes_value: dict[str, bool]) -> list[str]:
    """The command line with the global options (`takes_value`: name -> whether a value
    follows it) found after the command moved before it, in their order; what follows `--`
    is left as it is."""
    command = _after_options(args, 0, takes_value)
    moved: list[str] = []
    kept: list[str] = []
    index = command
    while index < len(args):
        arg = args[index]
        if arg == "--":
            kept += args[index:]
            break
        name = arg.split("=", 1)[0]
        if name not in takes_value:
            kept.append(arg)
            index += 1
            continue
        width = 2 if takes_value[name] and "=" not in arg else 1
        if index + width > len(args):  # its value is missing: the parser says so
            kept.append(arg)
            break
        moved += args[index : index + width]
        index += width
    return [*args[:command], *moved, *kept]


def _after_options(args: list[str], index: int, takes_value: dict[str, bool]) -> int:
    """Where the command starts: past the global options (and their values) before it."""
    while index < len(args) and (name := args[index].split("=", 1)[0]) in takes_value:
        index += 2 if takes_value[name] and "=" not in args[index] else 1
    return index
