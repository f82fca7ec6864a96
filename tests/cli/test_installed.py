"""The installed `normandie` command, run as a separate process the way a shell runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

# Every test here starts the command, or Python, in a process of its own.
pytestmark = pytest.mark.subprocess

EXECUTABLE = Path(sys.executable).parent / "normandie"


def run(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None, shell: bool = False
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NORMANDIE_", "FORCE_"))}
    command: str | list[str] = " ".join(args) if shell else list(args)
    return subprocess.run(
        command,
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        shell=shell,
        executable="/bin/bash" if shell else None,
        timeout=60,
    )


def test_the_entry_point_runs_from_another_folder(tmp_path: Path) -> None:
    done = run([str(EXECUTABLE), "startups", "--city", "rouen"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("id\tname")
    assert "saagie" in done.stdout
    assert "\x1b" not in done.stdout  # a pipe gets no escape codes


def test_python_dash_m_works(tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "normandie_cli", "--version"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("normandie ")


def test_exit_codes_of_the_installed_command(tmp_path: Path) -> None:
    assert run([str(EXECUTABLE), "cities"], cwd=tmp_path).returncode == 0
    unknown = run([str(EXECUTABLE), "startups", "--city", "paris"], cwd=tmp_path)
    assert unknown.returncode == 2
    assert "unknown city 'paris'" in unknown.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text("not toml at all", encoding="utf-8")
    bad_data = run([str(EXECUTABLE), "--data", str(broken), "cities"], cwd=tmp_path)
    assert bad_data.returncode == 1
    assert "TOML syntax error" in bad_data.stderr
    assert "Traceback" not in bad_data.stderr + unknown.stderr


def test_colour_follows_force_color_and_no_color(tmp_path: Path) -> None:
    args = [str(EXECUTABLE), "startups", "--city", "paris"]
    forced = run(args, cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert "\x1b[31m" in forced.stderr  # the error line is red on a colour terminal
    plain = run(args, cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[31m" not in plain.stderr
    assert "unknown city 'paris'" in plain.stderr
    piped = run(args, cwd=tmp_path)
    assert "\x1b" not in piped.stderr


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    fifo = tmp_path / "data.toml"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [str(EXECUTABLE), "--data", str(fifo), "startups"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell that starts pytest in the background leaves SIGINT ignored, and a child
        # inherits that: Python would then install no Ctrl-C handler at all.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Opening the FIFO for writing succeeds only once the command is reading it: then it is
    # certainly inside the command, waiting, when the interrupt arrives.
    deadline = time.monotonic() + 30
    writer = None
    while writer is None:
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("the command never opened its data file")
            time.sleep(0.02)
    try:
        # A signal that lands between open() and read() is only handled at the next system
        # call, so it is repeated until the command is gone.
        stderr = ""
        for _ in range(20):
            process.send_signal(signal.SIGINT)
            try:
                _, stderr = process.communicate(timeout=1.5)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            process.kill()
            pytest.fail("the command did not stop on Ctrl-C")
    finally:
        os.close(writer)
    assert process.returncode == 130
    assert "Traceback" not in stderr


def test_a_table_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [str(EXECUTABLE), "events", "-f", "table"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the table is written
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert stderr == b""
