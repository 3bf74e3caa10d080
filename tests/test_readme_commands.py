"""The README's Commands section runs as printed in a fresh copy of the project, with `make run`
serving beside it (check_worker needs a worker): each command must exit 0 without a traceback.
And `make run` says "Course running at ..." only once the server answers, without the worker's
root and broker-hostname warnings.

The copy is the tracked files only (what a clone holds), with `.venv` pointing at the venv these
tests run in, so nothing is installed: pyproject.toml is dated before the venv's install stamp,
as it is after a first `make run`. The environment is a shell's, not the test run's (no DEBUG=0,
no test settings)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 300


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert blocks, "the Commands section has no sh block"
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_lists_only_commands_that_can_run_as_printed():
    for command in readme_commands():
        assert not command.startswith("python "), command  # needs the venv and settings
        assert not re.search(r"^[^#]*\[--", command), command  # [optional] is not a command


@pytest.fixture
def fresh_copy(tmp_path: Path) -> Path:
    venv = Path(sys.prefix)
    stamp = venv / "bin" / ".installed"
    if not stamp.exists():
        pytest.skip(f"the test venv {venv} was not made by `make install` (no {stamp})")
    copy = tmp_path / "course"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            target = copy / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (copy / ".venv").symlink_to(venv)
    installed = stamp.stat().st_mtime
    os.utime(copy / "pyproject.toml", (installed - 60, installed - 60))
    return copy


def shell_env(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, **extra}


def test_every_readme_command_runs_as_printed_beside_make_run(fresh_copy: Path):
    port = free_port()
    env = shell_env(PORT=str(port))
    run = subprocess.Popen(
        ["make", "run"], cwd=fresh_copy, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    announced = threading.Event()
    answered_when_announced: list[bool] = []

    def read() -> None:
        for line in run.stdout:
            lines.append(line)
            if "Course running at" in line and not announced.is_set():
                try:  # at once, no retry: the line must mean the server answers
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                    answered_when_announced.append(True)
                except OSError:
                    answered_when_announced.append(False)
                announced.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert announced.wait(240), "make run never said it was running:\n" + "".join(lines)
        assert answered_when_announced == [True]
        for command in readme_commands():
            result = subprocess.run(
                ["bash", "-c", command], cwd=fresh_copy, env=shell_env(), capture_output=True,
                text=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            output = result.stdout + result.stderr
            assert result.returncode == 0, f"{command}\n{output[-3000:]}"
            assert "Traceback" not in output, f"{command}\n{output[-3000:]}"
            assert "make:" not in result.stderr, f"{command}\n{result.stderr}"
            if "--json" in command.split("#")[0]:
                assert result.stdout.lstrip()[:1] in "{[", f"{command}: not JSON alone on stdout"
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=10)
        reader.join(timeout=5)
    shown = "".join(lines)
    assert "Stopped the web server and the worker." in shown
    # The default run leaves out the worker's root warning (VERBOSE=1 keeps it), and the
    # filesystem broker names a host, so kombu has no hostname to warn about.
    assert "superuser privileges" not in shown
    assert "No hostname was supplied" not in shown
