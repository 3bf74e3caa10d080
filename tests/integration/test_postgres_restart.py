"""PostgreSQL restarts under the app: a request while it is down fails cleanly with nothing
written; the next one after it is back succeeds on a fresh connection."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, need_service, wait_for_port
from tests.integration.test_lab_pipeline import prepare
from tests.integration.test_worker_round_trip import service_env

pytestmark = pytest.mark.services


def as_postgres(command: str) -> None:
    subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True, timeout=60)


@pytest.fixture
def postgres(tmp_path):
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    need_service(bool(bins) and shutil.which("su") is not None, "PostgreSQL is not installed")
    need_service(
        os.geteuid() == 0, "starting a PostgreSQL cluster here needs root (to su postgres)"
    )
    # The postgres user cannot enter pytest's private tmp folders: a shared one, removed after.
    home = Path(tempfile.mkdtemp(prefix="pg-restart-"))
    home.chmod(0o777)
    pgbin, data, port = bins[-1], home / "pg", free_port()
    as_postgres(f"{pgbin}/initdb -D {data} -A trust -U postgres")
    ctl = f"{pgbin}/pg_ctl -D {data} -o '-p {port} -k {home}' -l {home}/pg.log -w"
    as_postgres(f"{ctl} start")
    try:
        wait_for_port(port)
        as_postgres(f"{pgbin}/createdb -h 127.0.0.1 -p {port} course")
        yield {
            "url": f"postgres://postgres@127.0.0.1:{port}/course",
            "stop": f'su postgres -c "{ctl} stop -m fast"',
            "start": f'su postgres -c "{ctl} start"',
        }
    finally:
        subprocess.run(["su", "postgres", "-c", f"{ctl} stop -m immediate"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def test_requests_survive_a_postgres_restart_without_half_writes(tmp_path, postgres):
    env = service_env(tmp_path, DATABASE_URL=postgres["url"], ALLOWED_HOSTS="testserver",
                      SECURE_SSL_REDIRECT="0")  # fmt: skip
    prepare(env)
    result = subprocess.run(
        [sys.executable, "tests/integration/pg_driver.py", postgres["stop"], postgres["start"]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["before"] == 302, result.stderr[-3000:]
    assert outcome["down"] == 500  # failed cleanly, not hung
    assert outcome["after"] == 302  # a fresh connection after the restart
    assert outcome["read"] == ["model-selection", "token-economics"]  # nothing half-written
