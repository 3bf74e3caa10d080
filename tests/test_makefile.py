"""The README's two quick-start commands stay wired: a merge once dropped `make test`'s recipe,
and CI (which runs `make test`) then ran no test at all and still exited 0."""

import subprocess

from tests.conftest import ROOT


def dry_run(target: str) -> str:
    done = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_make_test_runs_the_whole_suite_with_pytest():
    assert "-m pytest -n auto" in dry_run("test")


def test_make_run_starts_the_server_and_the_worker():
    assert "bin/dev.py" in dry_run("run")


def test_make_lint_checks_and_formats():
    lines = dry_run("lint")
    assert "ruff check ." in lines and "ruff format --check ." in lines
