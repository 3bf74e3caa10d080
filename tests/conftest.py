"""Personas and service fixtures shared by every test."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PASSWORD = "a-Long-test-passphrase-42"


def need_service(available: bool, reason: str) -> None:
    """Skip on a developer's machine without the service; fail in CI (REQUIRE_SERVICES=1)."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def make_user(username: str, **extra: object) -> "User":
    from django.contrib.auth.models import User

    return User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, **extra
    )


@pytest.fixture
def learner(db: None) -> "User":
    return make_user("lena")


@pytest.fixture
def other_learner(db: None) -> "User":
    return make_user("omar")


@pytest.fixture
def instructor(db: None) -> "User":
    from accounts.roles import make_instructor

    user = make_user("ines")
    make_instructor(user)
    return user


@pytest.fixture
def admin_user(db: None) -> "User":
    return make_user("ada", is_staff=True, is_superuser=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, for this test only."""
    binary = shutil.which("redis-server")
    need_service(binary is not None, "redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    need_service(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def course_sources() -> list:
    """The real course content, read and validated once per test session."""
    from django.conf import settings

    from courses.content import load_course

    return load_course(settings.CONTENT_DIR)


@pytest.fixture
def course(db: None, course_sources: list) -> object:
    """Module 7 loaded into the test database; returns the Module."""
    from django.conf import settings

    from authoring.concepts import sync_concepts
    from courses.content import SyncReport, sync_course
    from courses.models import Module

    if not Module.objects.filter(slug="cost-optimization").exists():
        sync_course(course_sources)
        # The concept base the offline tutor answers from in a lab turn (labs.concept_base).
        sync_concepts(settings.CONTENT_DIR, SyncReport())
    return Module.objects.get(slug="cost-optimization")


@pytest.fixture
def lab(course: object) -> object:
    """The cost estimator lab of the loaded course."""
    from labs.models import Lab

    return Lab.objects.get(slug="cost-estimator")


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Throttle and retry counts live in the cache; one test's must not count in the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
