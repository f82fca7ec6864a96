"""Measure how fast normandie starts and how it grows, and print the results as Markdown.

    python benchmarks/run.py                 # everything: about 3 minutes on 2 cores
    python benchmarks/run.py --sizes 1000 10000 --runs 5 --output /tmp/bench.md

Every command runs as its own process, end to end, with its output sent to /dev/null (so
normandie writes what it writes in a pipe, unless the command asks for `--format table`).
Times are medians: hyperfine's when it is installed (`apt-get install hyperfine`), else
Python's own (`time.perf_counter` around `subprocess.run`). Each ratio divides two medians
taken in the same invocation of this script. Peak memory is the maximum resident set size
of the child process (`os.wait4`), the median of a few separate runs.

What runs, in order:

- the floor: `python -c pass`, and a minimal Typer app (benchmarks/floor_app.py, the
  project's pinned Typer) that prints a two-row Rich table, and its `--help`;
- on the bundled data: `startups --city rouen`, `--help`, `events --upcoming`, `compare`,
  with a warm cache and cold (`--no-cache`), and the same "startups in Rouen, first 20"
  question asked of `sqlite-utils query` over `normandie export --sqlite`;
- for each synthetic size (benchmarks/generate.py; 1,000, 10,000 and 100,000 startups):
  `startups --city rouen --limit 20` cold and warm, the first run that fills the cache,
  raw `tomllib.load` and `tomli.load` of the same file, the sqlite-utils query, and the peak
  memory of the cold run and of the raw loads;
- then how each time grows with size, and every target of issue 5, met or missed.

Runs use a private, empty XDG_CACHE_HOME, COLUMNS=100 and NORMANDIE_TODAY=2026-11-26, and
a private PYTHONPYCACHEPREFIX so that bytecode is cached as after any install (one extra
row shows the cost of running without it).
sqlite-utils is a benchmark-only tool: it is looked for in /tmp/bench-venv (created there
with pip when missing), never installed into the project's environment.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generate import DEFAULT_OUTPUT, DEFAULT_SEED, DEFAULT_SIZES, generate

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = Path("/tmp/bench-venv")
TODAY = "2026-11-26"
ROUEN = "metropole-rouen-normandie"
# "Startups in Rouen, first 20", as normandie answers it: the scene (the agglomeration's
# communes), sorted by name, with the columns of the table (city name, sectors, founding).
SQL_ROUEN = (
    "SELECT s.id, s.name, c.name AS city, "
    "(SELECT group_concat(sec.name_en, ', ') FROM startup_sectors ss "
    "JOIN sectors sec ON sec.id = ss.sector WHERE ss.startup = s.id) AS sectors, s.founded "
    "FROM startups s JOIN agglomeration_members m ON m.city = s.city "
    f"JOIN cities c ON c.id = s.city WHERE m.agglomeration = '{ROUEN}' "
    "ORDER BY s.name LIMIT 20"
)
LOAD = 'import {module}, sys; {module}.load(open(sys.argv[1], "rb"))'
# Prefixes left out of the commands shown in the report (the checkout, the scratch folder).
SHORTEN: list[tuple[str, str]] = [(str(ROOT) + "/", "")]
# A command whose warm-up run takes longer than this is run --big-runs times (default 3),
# and one whose median is twice this has its memory measured once instead of three times.
SLOW_SECONDS = 5.0


@dataclass
class Result:
    """The timings of one command, in seconds, and its peak memory in KiB when measured."""

    name: str
    command: list[str]
    times: list[float]
    memory_kib: list[int] = field(default_factory=list)
    # Environment variables the command ran with beyond the bench's, shown before it.
    shown_env: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_kib(self) -> float | None:
        return statistics.median(self.memory_kib) if self.memory_kib else None


class Bench:
    """Runs commands in one environment and keeps every result by name."""

    def __init__(self, env: dict[str, str], runs: int, big_runs: int, use_hyperfine: bool) -> None:
        self.env = env
        self.runs = runs
        self.big_runs = big_runs
        self.hyperfine = shutil.which("hyperfine") if use_hyperfine else None
        self.results: dict[str, Result] = {}

    def __getitem__(self, name: str) -> Result:
        return self.results[name]

    def once(self, command: Sequence[str], env: dict[str, str] | None = None) -> float:
        """Run a command once (to fill a cache, say) and return its wall time."""
        start = time.perf_counter()
        done = subprocess.run(
            command,
            env=env or self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"failed ({done.returncode}): {shlex.join(command)}\n{done.stderr}")
        return elapsed

    def time(
        self,
        name: str,
        command: Sequence[str],
        env: dict[str, str] | None = None,
        shown_env: str = "",
    ) -> Result:
        """Median of `runs` runs after one warm-up run; a command whose warm-up takes over
        SLOW_SECONDS gets `big_runs` runs instead, to keep the whole suite short. `env`
        replaces the bench's environment for this command."""
        env = env or self.env
        print(f"  {name}…", file=sys.stderr, end="", flush=True)
        warmup = self.once(command, env)
        runs = self.big_runs if warmup > SLOW_SECONDS else self.runs
        print(f" {runs} runs", file=sys.stderr, flush=True)
        if self.hyperfine:
            times = self._hyperfine(command, runs, env)
        else:
            times = [self.once(command, env) for _ in range(runs)]
        result = Result(name, list(command), times, shown_env=shown_env)
        self.results[name] = result
        return result

    def _hyperfine(self, command: Sequence[str], runs: int, env: dict[str, str]) -> list[float]:
        assert self.hyperfine is not None
        with tempfile.NamedTemporaryFile(suffix=".json") as export:
            subprocess.run(
                [self.hyperfine, "--shell=none", "--style=none", f"--runs={runs}"]
                + [f"--export-json={export.name}", shlex.join(command)],
                env=env,
                stdout=subprocess.DEVNULL,
                check=True,
            )
            (summary,) = json.loads(Path(export.name).read_text())["results"]
        return [float(t) for t in summary["times"]]

    def memory(self, name: str, runs: int) -> Result:
        """Peak resident memory of a timed command, from the kernel's rusage of the child."""
        result = self.results[name]
        for _ in range(runs):
            child = subprocess.Popen(
                result.command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                raise SystemExit(f"failed ({child.returncode}): {shlex.join(result.command)}")
            result.memory_kib.append(usage.ru_maxrss)  # KiB on Linux
        return result


# --- Formatting ------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def mib(kib: float | None) -> str:
    return "" if kib is None else f"{kib / 1024:.0f} MiB"


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}×"


def row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = [row(header), row(["---"] * len(header))]
    return lines + [row(cells) for cells in rows]


def shown(command: Sequence[str], env: str = "") -> str:
    """The command as a reader would type it: tool names instead of absolute paths, the
    scratch folder left out, and the SQL by name (it is printed under the tables)."""
    words = [
        "$ROUEN_SQL"
        if word == SQL_ROUEN
        else Path(word).name
        if word.startswith("/") and "/bin/" in word
        else word
        for word in command
    ]
    text = shlex.join(words).replace("'$ROUEN_SQL'", '"$ROUEN_SQL"')
    for prefix, replacement in SHORTEN:
        text = text.replace(prefix, replacement)
    return f"`{env} {text}`" if env else f"`{text}`"


def time_row(result: Result, against: Result | None = None) -> list[object]:
    times = result.times
    return [
        result.name,
        shown(result.command, result.shown_env),
        len(times),
        seconds(result.median),
        f"{seconds(min(times))} – {seconds(max(times))}",
        ratio(result.median, against.median) + f" {against.name}" if against else "",
        mib(result.peak_kib),
    ]


TIME_HEADER = ("benchmark", "command", "runs", "median", "min – max", "ratio", "peak RSS")


# --- The benchmarks --------------------------------------------------------------------------


def find_sqlite_utils(create: bool) -> Path | None:
    for candidate in (BENCH_VENV / "bin" / "sqlite-utils", shutil.which("sqlite-utils")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    if not create:
        return None
    print(f"Installing sqlite-utils into {BENCH_VENV} (benchmark-only)…", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    pip = [str(BENCH_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "sqlite-utils"], check=True)
    return BENCH_VENV / "bin" / "sqlite-utils"


def bundled(
    bench: Bench, python: str, normandie: str, sqlite_utils: Path | None, work: Path
) -> None:
    print("Floor and bundled data", file=sys.stderr)
    floor_app = str(ROOT / "benchmarks" / "floor_app.py")
    bench.time("python -c pass", [python, "-c", "pass"])
    bench.time("floor app", [python, floor_app])
    bench.time("floor app --help", [python, floor_app, "--help"])
    bench.once([normandie, "startups", "--city", "rouen"])  # fills the cache
    for cache in ("warm", "cold"):
        flag = [] if cache == "warm" else ["--no-cache"]
        bench.time(
            f"startups table, {cache}",
            [normandie, *flag, "startups", "--city", "rouen", "--format", "table"],
        )
        bench.time(f"startups pipe, {cache}", [normandie, *flag, "startups", "--city", "rouen"])
        bench.time(f"events --upcoming, {cache}", [normandie, *flag, "events", "--upcoming"])
        bench.time(f"compare, {cache}", [normandie, *flag, "compare"])
    bench.time("normandie --help", [normandie, "--help"])
    # For information: the same with no bytecode cache for normandie's own modules (an
    # editable install under PYTHONDONTWRITEBYTECODE=1 compiles them on every run).
    uncached = {k: v for k, v in bench.env.items() if k != "PYTHONPYCACHEPREFIX"}
    uncached["PYTHONDONTWRITEBYTECODE"] = "1"
    bench.time(
        "startups pipe, warm, no .pyc",
        [normandie, "startups", "--city", "rouen"],
        env=uncached,
        shown_env="PYTHONDONTWRITEBYTECODE=1",
    )
    if sqlite_utils is not None:
        database = work / "bundled.db"
        bench.once([normandie, "export", "--sqlite", "-o", str(database)])
        bench.time("sqlite-utils query", [str(sqlite_utils), "query", str(database), SQL_ROUEN])
    for name in ("floor app", "startups table, cold", "startups pipe, warm"):
        bench.memory(name, runs=3)


def sized(
    bench: Bench,
    python: str,
    normandie: str,
    sqlite_utils: Path | None,
    work: Path,
    path: Path,
    size: int,
) -> dict[str, object]:
    print(f"{size} startups ({path.stat().st_size:,} bytes)", file=sys.stderr)
    data = [normandie, "--data", str(path)]
    question = ["startups", "--city", "rouen", "--limit", "20"]
    # The first run with an empty cache reads the TOML and writes the cache: timed once.
    first = bench.once([*data, *question])
    bench.time(f"{size:,}: cold", [*data, "--no-cache", *question])
    bench.time(f"{size:,}: warm", [*data, *question])
    for module in ("tomllib", "tomli"):
        bench.time(
            f"{size:,}: raw {module}.load", [python, "-c", LOAD.format(module=module), str(path)]
        )
    if sqlite_utils is not None:
        database = work / f"startups-{size}.db"
        bench.once([*data, "export", "--sqlite", "-o", str(database)])  # from the warm cache
        bench.time(
            f"{size:,}: sqlite-utils query", [str(sqlite_utils), "query", str(database), SQL_ROUEN]
        )
    memory_runs = 1 if bench[f"{size:,}: cold"].median > 2 * SLOW_SECONDS else 3
    bench.memory(f"{size:,}: cold", runs=memory_runs)
    for name in (f"{size:,}: warm", f"{size:,}: raw tomllib.load", f"{size:,}: raw tomli.load"):
        bench.memory(name, runs=3)
    return {"size": size, "bytes": path.stat().st_size, "first": first}


# --- The report ------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def targets(bench: Bench, sizes: Sequence[int]) -> list[list[object]]:
    """Every target of issue 5 that this run measured, with its numbers."""
    r = bench.results
    rows: list[list[object]] = []
    floor, table_warm = r["floor app"], r["startups table, warm"]
    value = table_warm.median / floor.median
    rows.append(
        [
            "bundled: `startups --city rouen` ≤ 1.2 × floor app (table on both sides, warm)",
            f"{seconds(table_warm.median)} / {seconds(floor.median)} = {value:.2f}×",
            verdict(value <= 1.2),
        ]
    )
    pipe = r["startups pipe, warm"]
    value = pipe.median / floor.median
    rows.append(
        [
            "… the same in a pipe (TSV instead of a table), for information",
            f"{seconds(pipe.median)} / {seconds(floor.median)} = {value:.2f}×",
            verdict(value <= 1.2),
        ]
    )
    if "sqlite-utils query" in r:
        # sqlite-utils writes JSON to the pipe: normandie's like is its pipe output (TSV).
        sql = r["sqlite-utils query"]
        for label, mine in (("pipe", pipe), ("table, for information", table_warm)):
            value = mine.median / sql.median
            rows.append(
                [
                    f"bundled: `startups --city rouen` ({label}, warm) faster than"
                    " `sqlite-utils query` (ratio < 1.0)",
                    f"{seconds(mine.median)} / {seconds(sql.median)} = {value:.2f}×",
                    verdict(value < 1.0),
                ]
            )
    helps = r["normandie --help"], r["floor app --help"]
    value = helps[0].median / helps[1].median
    rows.append(
        [
            "bundled: `normandie --help` ≤ 1.2 × floor app `--help`",
            f"{seconds(helps[0].median)} / {seconds(helps[1].median)} = {value:.2f}×",
            verdict(value <= 1.2),
        ]
    )
    big = max(sizes)
    cold, warm = r[f"{big:,}: cold"], r[f"{big:,}: warm"]
    tomllib_, tomli_ = r[f"{big:,}: raw tomllib.load"], r[f"{big:,}: raw tomli.load"]
    checks = [
        ("cold ≤ 0.5 × raw `tomllib.load`", cold.median, tomllib_.median, 0.5),
        (
            "cold ≤ 1.3 × raw `tomli.load` (the parser normandie uses)",
            cold.median,
            tomli_.median,
            1.3,
        ),
    ]
    for label, mine, reference, limit in checks:
        rows.append(
            [
                f"{big:,}: {label}",
                f"{seconds(mine)} / {seconds(reference)} = {mine / reference:.2f}×",
                verdict(mine / reference <= limit),
            ]
        )
    rows.append(
        [f"{big:,}: warm ≤ 1.0 s end to end", seconds(warm.median), verdict(warm.median <= 1.0)]
    )
    rows.append(
        [
            f"{big:,}: warm at least 8 × faster than cold",
            f"{seconds(cold.median)} / {seconds(warm.median)} = {cold.median / warm.median:.1f}×",
            verdict(cold.median / warm.median >= 8),
        ]
    )
    if cold.peak_kib and tomllib_.peak_kib:
        value = cold.peak_kib / tomllib_.peak_kib
        rows.append(
            [
                f"{big:,}: peak memory of the cold run ≤ 2 × raw `tomllib.load`'s",
                f"{mib(cold.peak_kib)} / {mib(tomllib_.peak_kib)} = {value:.2f}×",
                verdict(value <= 2),
            ]
        )
    if 10_000 in sizes:
        # Both in a pipe: the sized runs print TSV, like the bundled "pipe" run.
        mine = r["10,000: warm"]
        value = mine.median / pipe.median
        rows.append(
            [
                "10,000 warm within 1.5 × the bundled-data time (`startups --city rouen`, pipe)",
                f"{seconds(mine.median)} / {seconds(pipe.median)} = {value:.2f}×",
                verdict(value <= 1.5),
            ]
        )
    return rows


def growth(bench: Bench, sizes: Sequence[int], facts: Sequence[dict[str, object]]) -> list[str]:
    sizes = sorted(sizes)
    by_size = {int(str(f["size"])): f for f in facts}
    header = ["measure", *(f"{s:,}" for s in sizes)]
    header += [f"{b:,} / {a:,}" for a, b in zip(sizes, sizes[1:], strict=False)]
    rows: list[list[object]] = []
    kinds = {
        "file size": lambda s: int(str(by_size[s]["bytes"])),
        "first run (fills the cache), 1 run": lambda s: float(str(by_size[s]["first"])),
        "cold (--no-cache)": lambda s: bench[f"{s:,}: cold"].median,
        "warm": lambda s: bench[f"{s:,}: warm"].median,
        "raw tomllib.load": lambda s: bench[f"{s:,}: raw tomllib.load"].median,
        "raw tomli.load": lambda s: bench[f"{s:,}: raw tomli.load"].median,
        "peak RSS, cold": lambda s: bench[f"{s:,}: cold"].peak_kib,
        "peak RSS, raw tomllib.load": lambda s: bench[f"{s:,}: raw tomllib.load"].peak_kib,
    }
    if all(f"{s:,}: sqlite-utils query" in bench.results for s in sizes):
        kinds["sqlite-utils query"] = lambda s: bench[f"{s:,}: sqlite-utils query"].median
    for label, get in kinds.items():
        values = [get(s) for s in sizes]
        if label == "file size":
            cells = [f"{v / 1e6:.1f} MB" for v in values]
        elif label.startswith("peak"):
            cells = [mib(v) for v in values]
        else:
            cells = [seconds(v) for v in values]
        steps = [f"{b / a:.1f}×" for a, b in zip(values, values[1:], strict=False)]
        rows.append([label, *cells, *steps])
    return table(header, rows)


def code_digest() -> str:
    """A short digest of the measured source, since src/ changes between runs."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "src").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), "?")
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (`nproc`)",
        f"- memory: {total} (`free -h`)",
        f"- Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- date: {datetime.date.today().isoformat()}; code measured: src/**/*.py with SHA-256"
        f" {code_digest()}…",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_python = ROOT / ".venv" / "bin" / "python"
    parser.add_argument(
        "--python",
        default=str(default_python if default_python.exists() else sys.executable),
        help="the Python with normandie installed (default: the checkout's .venv)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument(
        "--big-runs",
        type=int,
        default=3,
        help=f"runs of a command that takes over {SLOW_SECONDS:.0f} s (default 3)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), metavar="N")
    parser.add_argument("--data-folder", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-hyperfine", action="store_true", help="time with Python only")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the sqlite-utils runs")
    parser.add_argument("--output", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)

    python = args.python
    normandie = str(Path(python).parent / "normandie")
    sqlite_utils = None if args.no_sqlite else find_sqlite_utils(create=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="normandie-bench-") as scratch:
        work = Path(scratch)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("NORMANDIE_") and key not in {"NO_COLOR", "FORCE_COLOR"}
        }
        env |= {"XDG_CACHE_HOME": str(work / "cache"), "COLUMNS": "100", "NORMANDIE_TODAY": TODAY}
        # Bytecode is cached, as after any pip install, but in the scratch folder: the
        # checkout gets no __pycache__, and a PYTHONDONTWRITEBYTECODE in the caller's
        # environment does not make every run compile the package again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        SHORTEN.append((str(work) + "/", ""))
        bench = Bench(env, args.runs, args.big_runs, use_hyperfine=not args.no_hyperfine)
        bundled(bench, python, normandie, sqlite_utils, work)
        facts = []
        for size in sorted(args.sizes):
            path = generate(size, args.data_folder, args.seed)
            facts.append(sized(bench, python, normandie, sqlite_utils, work, path, size))
    elapsed = time.perf_counter() - started

    timer = f"hyperfine {hyperfine_version()}" if bench.hyperfine else "Python's time.perf_counter"
    lines = [
        "## Machine",
        "",
        *machine(),
        f"- timed with {timer}; {args.runs} runs per command, {args.big_runs} for commands over "
        f"{SLOW_SECONDS:.0f} s; the whole run took {elapsed / 60:.1f} minutes",
        "",
        "## Floor and bundled data",
        "",
    ]
    floor = bench["floor app"]
    bundled_rows = []
    for name in ("python -c pass", "floor app"):
        bundled_rows.append(time_row(bench[name]))
    bundled_rows.append(time_row(bench["floor app --help"]))
    for name in ("startups table", "startups pipe", "events --upcoming", "compare"):
        for cache in ("warm", "cold"):
            bundled_rows.append(time_row(bench[f"{name}, {cache}"], floor))
    bundled_rows.append(time_row(bench["startups pipe, warm, no .pyc"], floor))
    bundled_rows.append(time_row(bench["normandie --help"], bench["floor app --help"]))
    if "sqlite-utils query" in bench.results:
        bundled_rows.append(time_row(bench["sqlite-utils query"], floor))
    lines += table(TIME_HEADER, bundled_rows)
    lines += ["", "## Synthetic datasets", ""]
    sized_rows = []
    for size in sorted(args.sizes):
        cold = bench[f"{size:,}: cold"]
        raw = bench[f"{size:,}: raw tomllib.load"]
        sized_rows.append(time_row(cold, raw))
        sized_rows.append(time_row(bench[f"{size:,}: warm"], cold))
        sized_rows.append(time_row(raw))
        sized_rows.append(time_row(bench[f"{size:,}: raw tomli.load"], raw))
        if f"{size:,}: sqlite-utils query" in bench.results:
            sized_rows.append(
                time_row(bench[f"{size:,}: sqlite-utils query"], bench[f"{size:,}: warm"])
            )
    lines += table(TIME_HEADER, sized_rows)
    lines += ["", "`$ROUEN_SQL` is:", "", "```sql", SQL_ROUEN, "```"]
    lines += ["", "## Growth with size", "", *growth(bench, args.sizes, facts)]
    lines += ["", "## Targets of issue 5", ""]
    lines += table(("target", "measured", "verdict"), targets(bench, args.sizes))
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    return 0


def hyperfine_version() -> str:
    done = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.split()[-1] if done.stdout else "?"


if __name__ == "__main__":
    raise SystemExit(main())
