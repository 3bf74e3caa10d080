"""The hourly lab limit holds against a burst of parallel sends, on a file-backed SQLite database
and on PostgreSQL."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration.test_lab_pipeline import prepare
from tests.integration.test_postgres_restart import postgres  # noqa: F401 (a fixture)
from tests.integration.test_worker_round_trip import service_env

pytestmark = pytest.mark.services


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_parallel_sends_never_pass_the_hourly_limit(tmp_path, request, database):
    extra = {"ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0",
             "LAB_MESSAGES_PER_HOUR": "10"}  # fmt: skip
    if database == "postgres":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres")["url"]
    env = service_env(tmp_path, **extra)
    prepare(env)
    result = subprocess.run(
        [sys.executable, "tests/integration/rate_driver.py", "30"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # Exactly the limit accepted; every other send refused with the limit's message, none a 500.
    assert outcome["codes"] == {"200": 10, "422": 20}, result.stderr[-3000:]
    assert outcome["stored"] == 10
