import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "course.example.com",
    "DATABASE_URL": "postgres://course:secret@db.internal:5432/course",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # test_settings sets a few variables for this process; a production start has none of them.
    dropped = {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT",
               "DJANGO_ALLOW_ASYNC_UNSAFE"}  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env}, timeout=60,
    )  # fmt: skip


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_stops_start_up_with_a_clear_message():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_setting_names_the_variable():
    result = run_manage("check", **{**PRODUCTION, "LAB_MESSAGES_PER_HOUR": "lots"})
    assert result.returncode != 0
    assert "LAB_MESSAGES_PER_HOUR must be a whole number, got 'lots'" in result.stderr
    result = run_manage("check", **{**PRODUCTION, "DEBUG": "maybe"})
    assert "DEBUG must be a boolean" in result.stderr
    result = run_manage("check", **{**PRODUCTION, "LAB_DAILY_BUDGET_USD": "-3"})
    assert "LAB_DAILY_BUDGET_USD must be a non-negative number" in result.stderr
