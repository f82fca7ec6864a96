"""Measure the targets of issue 16 ("Instant") and print the results as Markdown.

    python benchmarks/run.py                                  # about 10 minutes on 2 cores
    python benchmarks/run.py --before /tmp/main-venv/bin/python   # and the code before, paired
    python benchmarks/run.py --runs 9 --skip-big --output /tmp/bench.md

Every command runs as its own process, end to end (interpreter start-up included), with
its output sent to /dev/null: normandie writes what it writes in a pipe, unless the command
asks for `--format table`. What is compared runs in the same rounds, one after the other in
an order that turns each round, so a machine that gets busier slows both sides alike; a
ratio is the median of the ratios of each round's pair, a time the median of its runs. Each
run is timed with `time.perf_counter` (wall) and the kernel's rusage of the child (`os.wait4`:
CPU time, user + system, and the peak resident set size).

The rows, as issue 16's table has them (bundled data and a warm cache unless said):

- Tab completion of `startups --city ro` and of `show sa` (bash's protocol:
  `_NORMANDIE_COMPLETE=complete_bash`, `COMP_WORDS`, `COMP_CWORD`) against `python -c pass`;
- `startups --city rouen --format table`, the same in a pipe, `events --upcoming`, `compare`,
  `show saagie` and `search innopolis` against the floor app (benchmarks/floor_app.py, a
  one-command Typer app printing a two-row Rich table); `--help` against the floor's;
- with 100,000 startups (benchmarks/generate.py): `startups --city rouen --limit 20` warm,
  cold (`--no-cache`) against a bare `tomllib.load` of the same file, and the warm run's peak
  memory against that load's.

With `--before PYTHON`, every normandie command also runs from that other installation (the
code before a change, say) in the same rounds, with a cache of its own, and the report shows
both. Runs use a private, empty XDG_CACHE_HOME and XDG_DATA_HOME (no overlay, no updates
layer), COLUMNS=100, NORMANDIE_TODAY=2026-11-26, and a private PYTHONPYCACHEPREFIX so that
bytecode is cached as after any install.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generate import DEFAULT_OUTPUT, DEFAULT_SEED, generate

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-26"
BIG = 100_000
LOAD = 'import tomllib, sys; tomllib.load(open(sys.argv[1], "rb"))'


@dataclass
class Command:
    """One command line to time, with the environment it needs beyond the bench's."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak_kib(self) -> float:
        return statistics.median(self.rss_kib)


class Bench:
    """Runs commands in one environment, in paired rounds."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def once(self, command: Command) -> tuple[float, float, int]:
        """Run a command once: wall time, CPU time (s) and peak memory (KiB)."""
        start = time.perf_counter()
        child = subprocess.Popen(
            command.argv,
            env=self.env | command.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            done = subprocess.run(
                command.argv, env=self.env | command.env, capture_output=True, text=True
            )
            raise SystemExit(
                f"failed ({done.returncode}): {shlex.join(command.argv)}\n{done.stderr}"
            )
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss  # KiB on Linux

    def rounds(self, commands: Sequence[Command], runs: int) -> None:
        """One warm-up run of each command (it fills the caches), then `runs` rounds."""
        names = ", ".join(c.name for c in commands)
        print(f"  {runs} rounds of: {names}", file=sys.stderr, flush=True)
        for command in commands:
            self.once(command)
        for index in range(runs):
            turn = index % len(commands)
            for command in [*commands[turn:], *commands[:turn]]:
                wall, cpu, rss = self.once(command)
                command.wall.append(wall)
                command.cpu.append(cpu)
                command.rss_kib.append(rss)


def paired(mine: Command, reference: Command) -> float:
    """The median of the ratios of each round's wall times."""
    return statistics.median(a / b for a, b in zip(mine.wall, reference.wall, strict=True))


def paired_cpu(mine: Command, reference: Command) -> float:
    return statistics.median(a / b for a, b in zip(mine.cpu, reference.cpu, strict=True))


# --- Formatting ------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return [row(header), row(["---"] * len(header)), *(row(cells) for cells in rows)]


def shown(command: Command, scratch: Path) -> str:
    """The command as a reader would type it: tool names instead of absolute paths."""
    words = [
        Path(word).name if word.startswith("/") and "/bin/" in word else word
        for word in command.argv
    ]
    text = shlex.join(words).replace(str(ROOT) + "/", "").replace(str(scratch) + "/", "")
    env = " ".join(
        f"{key}={shlex.quote(value)}"
        for key, value in command.env.items()
        if key != "XDG_CACHE_HOME"
    )
    return f"`{env} {text}`" if env else f"`{text}`"


# --- The benchmarks --------------------------------------------------------------------------


@dataclass
class Installation:
    """A Python with normandie installed, and the cache folder its runs share."""

    label: str
    python: str
    cache: Path

    @property
    def normandie(self) -> str:
        return str(Path(self.python).parent / "normandie")

    def command(self, name: str, args: Sequence[str], env: dict[str, str] | None = None) -> Command:
        env = {"XDG_CACHE_HOME": str(self.cache), **(env or {})}
        suffix = "" if self.label == "after" else f" ({self.label})"
        return Command(name + suffix, [self.normandie, *args], env)


def completion(install: Installation, name: str, line: str) -> Command:
    words = shlex.split(line)
    env = {
        "_NORMANDIE_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    return install.command(name, [], env)


@dataclass
class Target:
    what: str
    mine: str  # the name of the measured command
    reference: str | None  # None: an absolute time
    limit: float
    memory: bool = False


TARGETS = [
    Target(
        "Tab completion of `startups --city ro` / `python -c pass`",
        "complete --city ro",
        "python -c pass",
        3.0,
    ),
    Target(
        "Tab completion of `show sa` / `python -c pass`", "complete show sa", "python -c pass", 3.0
    ),
    Target("`startups --city rouen -f table` / floor app", "startups table", "floor app", 1.1),
    Target("`startups --city rouen` in a pipe / floor app", "startups pipe", "floor app", 1.0),
    Target("`normandie --help` / floor `--help`", "--help", "floor app --help", 1.1),
    Target("`events --upcoming` / floor app", "events --upcoming", "floor app", 1.1),
    Target("`compare` / floor app", "compare", "floor app", 1.1),
    Target("`show saagie` / floor app", "show saagie", "floor app", 1.1),
    Target("`search innopolis` / floor app", "search innopolis", "floor app", 1.1),
    Target(f"{BIG:,}: warm `startups --city rouen -L 20`", f"{BIG:,}: warm", None, 0.5),
    Target(f"{BIG:,}: cold / bare `tomllib.load`", f"{BIG:,}: cold", f"{BIG:,}: tomllib.load", 0.5),
    Target(
        f"{BIG:,}: peak memory, warm / bare `tomllib.load`'s",
        f"{BIG:,}: warm",
        f"{BIG:,}: tomllib.load",
        1.5,
        memory=True,
    ),
]


def bundled(
    bench: Bench, python: str, installs: Sequence[Installation], runs: int
) -> list[Command]:
    print("Bundled data", file=sys.stderr)
    floor_app = str(ROOT / "benchmarks" / "floor_app.py")
    start = Command("python -c pass", [python, "-c", "pass"])
    completions = [start]
    for install in installs:
        completions.append(
            completion(install, "complete --city ro", "normandie startups --city ro")
        )
        completions.append(completion(install, "complete show sa", "normandie show sa"))
    bench.rounds(completions, runs)

    floor = Command("floor app", [python, floor_app])
    listings = [floor]
    for install in installs:
        listings += [
            install.command("startups table", ["startups", "--city", "rouen", "-f", "table"]),
            install.command("startups pipe", ["startups", "--city", "rouen"]),
            install.command("events --upcoming", ["events", "--upcoming"]),
            install.command("compare", ["compare"]),
            install.command("show saagie", ["show", "saagie"]),
            install.command("search innopolis", ["search", "innopolis"]),
        ]
    bench.rounds(listings, runs)

    floor_help = Command("floor app --help", [python, floor_app, "--help"])
    helps = [floor_help, *(install.command("--help", ["--help"]) for install in installs)]
    bench.rounds(helps, runs)

    # For information: the first run after the data changed (no cache yet), and in a pipe.
    colds = [Command("floor app", floor.argv)]
    for install in installs:
        colds.append(
            install.command("startups pipe, cold", ["--no-cache", "startups", "--city", "rouen"])
        )
    bench.rounds(colds, max(3, runs // 3))
    return [*completions, *listings, *helps, *colds]


def big(
    bench: Bench, python: str, installs: Sequence[Installation], path: Path, runs: int
) -> list[Command]:
    print(f"{BIG:,} startups ({path.stat().st_size:,} bytes)", file=sys.stderr)
    data = ["--data", str(path)]
    question = ["startups", "--city", "rouen", "--limit", "20"]
    load = Command(f"{BIG:,}: tomllib.load", [python, "-c", LOAD, str(path)])
    warm = [install.command(f"{BIG:,}: warm", [*data, *question]) for install in installs]
    cold = [
        install.command(f"{BIG:,}: cold", [*data, "--no-cache", *question]) for install in installs
    ]
    bench.rounds([load, *warm], runs)
    load_again = Command(f"{BIG:,}: tomllib.load", load.argv)
    bench.rounds([load_again, *cold], max(3, runs // 2))
    return [load, *warm, load_again, *cold]


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def results_table(commands: Sequence[Command], scratch: Path) -> list[str]:
    rows = [
        [
            c.name,
            shown(c, scratch),
            len(c.wall),
            seconds(c.median),
            f"{seconds(min(c.wall))} – {seconds(max(c.wall))}",
            seconds(c.cpu_median),
            mib(c.peak_kib),
        ]
        for c in commands
    ]
    header = ("benchmark", "command", "runs", "median", "min – max", "CPU median", "peak RSS")
    return table(header, rows)


def target_rows(commands: Sequence[Command], labels: Sequence[str]) -> list[list[object]]:
    """Each target of issue 16 with its figures: for each installation measured, the value
    (wall ratio of paired rounds, with the CPU-time ratio beside it) and, for the code
    measured last, the verdict."""
    rows: list[list[object]] = []
    for target in TARGETS:
        cells: list[object] = [
            target.what,
            f"≤ {target.limit:g}" + (" s" if not target.reference else " ×"),
        ]
        ok = None
        for label in labels:
            suffix = "" if label == "after" else f" ({label})"
            found = _pair(commands, target, suffix)
            if found is None:
                cells.append("not measured")
                continue
            mine, reference = found
            if reference is None:
                value = mine.median
                cells.append(seconds(value))
            elif target.memory:
                value = mine.peak_kib / reference.peak_kib
                cells.append(f"{mib(mine.peak_kib)} / {mib(reference.peak_kib)} = {value:.2f}×")
            else:
                value = paired(mine, reference)
                cpu = paired_cpu(mine, reference)
                cells.append(
                    f"{seconds(mine.median)} / {seconds(reference.median)}: {value:.2f}×"
                    f" (CPU {cpu:.2f}×)"
                )
            if label == "after":
                ok = value <= target.limit
        cells.append("" if ok is None else verdict(ok))
        rows.append(cells)
    return rows


def _pair(
    commands: Sequence[Command], target: Target, suffix: str
) -> tuple[Command, Command | None] | None:
    """The measured command of a target and the reference it ran beside (the last
    reference run before it: each group starts with its reference)."""
    reference = None
    for command in commands:
        if target.reference is not None and command.name == target.reference:
            reference = command
        if command.name == target.mine + suffix:
            if target.reference is not None and reference is None:
                return None
            return command, reference
    return None


def code_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "src").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine(installs: Sequence[Installation]) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"- CPU: {cpu}, {os.cpu_count()} cores; load average at the end: {load}",
        f"- Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- date: {datetime.date.today().isoformat()}",
    ]
    for install in installs:
        where = subprocess.run(
            [
                install.python,
                "-c",
                "import normandie_cli, pathlib; "
                "print(pathlib.Path(normandie_cli.__file__).parents[2])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        lines.append(f"- {install.label}: src/**/*.py with SHA-256 {code_digest(Path(where))}…")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python with normandie installed (default: this one)",
    )
    parser.add_argument(
        "--before", metavar="PYTHON", help="another installation to measure beside it"
    )
    parser.add_argument(
        "--runs", type=int, default=15, help="rounds on the bundled data (default 15)"
    )
    parser.add_argument("--big-runs", type=int, default=5, help=f"rounds at {BIG:,} (default 5)")
    parser.add_argument("--skip-big", action="store_true", help=f"leave out the {BIG:,} rows")
    parser.add_argument("--data-folder", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="normandie-bench-") as folder:
        scratch = Path(folder)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("NORMANDIE_", "_NORMANDIE", "COMP_"))
            and key not in {"NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE"}
        }
        env |= {
            "XDG_DATA_HOME": str(scratch / "data"),
            "COLUMNS": "100",
            "NORMANDIE_TODAY": TODAY,
            "PYTHONPYCACHEPREFIX": str(scratch / "pycache"),
        }
        installs = [Installation("after", args.python, scratch / "cache")]
        if args.before:
            installs.append(Installation("before", args.before, scratch / "cache-before"))
        bench = Bench(env)
        commands = bundled(bench, args.python, installs, args.runs)
        if not args.skip_big:
            path = generate(BIG, args.data_folder, args.seed)
            commands += big(bench, args.python, installs, path, args.big_runs)
        elapsed = time.perf_counter() - started
        labels = [install.label for install in installs]
        lines = [
            "## Machine",
            "",
            *machine(installs),
            f"- {args.runs} rounds on the bundled data, {args.big_runs} at {BIG:,};"
            f" the whole run took {elapsed / 60:.1f} minutes",
            "",
            "## Targets of issue 16",
            "",
            *table(("target", "limit", *labels, "verdict"), target_rows(commands, labels)),
            "",
            "## Every run",
            "",
            *results_table(commands, scratch),
        ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
