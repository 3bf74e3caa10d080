"""Living numbers compute and never read: the shortcodes and calc blocks an instructor writes go
through the calculator's typed command layer, which has no file, no stdin and a bound on every
number. Each exploit is refused in the preview, at publish and at sync, with a message naming the
problem; none is a 500 or a long computation."""

import io
import os
import shutil
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError as DjangoCommandError
from django.urls import reverse

from authoring.models import Draft, Revision
from courses.models import Lesson, Module
from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import CalculatorError, load_price_table
from labs.calculator.cli import run_command
from labs.calculator.command_line import run_command_line
from labs.calculator.params import MAX_TOKENS, MAX_TURNS
from labs.calculator.tools import TOOLS, call_tool
from tests.authoring.conftest import HTMX, lesson_form_data

TABLE = load_price_table()
MODULE = "modules/07-cost-optimization"

# (shortcode body, a fragment of the refusal)
EXPLOITS = [
    ("calc audit --file /proc/self/environ | rewrite", "cannot read files"),
    ("calc audit --file=/etc/passwd | rewrite", "cannot read files"),
    ("calc plan --file /etc/hostname | workloads", "cannot read files"),
    ("calc audit | rewrite", "missing required --text"),
    (
        "calc cost --model claude-sonnet-5-5 --input 1e400 --output 1 | total_usd",
        "--input: must be at most 10,000,000",
    ),
    ("calc cost --model claude-sonnet-5-5 --input nan --output 1 | total_usd", "--input"),
    ("calc cost --model claude-sonnet-5-5 --input inf --output 1 | total_usd", "--input"),
    ("calc cost --model claude-sonnet-5-5 --input ² --output 1 | total_usd", "not a number"),
    (
        "calc workload --model claude-sonnet-5-5 --requests 1e400 --per day --output 1"
        " | per_day_usd",
        "--requests: must be at most",
    ),
    (
        "calc history --turns 1000000 --turn-tokens 500 | full_replay_total_tokens",
        "--turns: must be at most 1,000",
    ),
    ("calc models --colour red | models", "unknown option '--colour'"),
    ("calc frobnicate | x", "unknown command 'frobnicate'"),
]


@pytest.fixture(autouse=True)
def no_stdin(monkeypatch):
    """Reading stdin would block a request thread under a terminal; here it fails the test."""

    class Trap(io.StringIO):
        def read(self, *args):
            raise AssertionError("a living number read stdin")

    monkeypatch.setattr(sys, "stdin", Trap())


@pytest.mark.parametrize(("shortcode", "message"), EXPLOITS)
def test_a_shortcode_that_would_read_or_run_away_is_refused_with_the_reason(shortcode, message):
    started = time.monotonic()
    with pytest.raises(LivingNumberError) as caught:
        render_markdown(f"Value: {{{{ {shortcode} }}}}.", table=TABLE)
    assert message in str(caught.value)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("shortcode", [s for s, _ in EXPLOITS[:4]])
def test_a_calc_block_cannot_read_files_either(shortcode):
    command = shortcode.removeprefix("calc ").split(" | ")[0]
    with pytest.raises(LivingNumberError, match=r"cannot read files|missing required"):
        render_markdown(f"```calc\n{command}\n```\n", table=TABLE)


def test_a_file_the_server_can_read_never_reaches_the_page(tmp_path):
    secret = tmp_path / "secrets.env"
    secret.write_text("SECRET_KEY=s3cr3t-value-on-the-server\n")
    for text in (
        f"{{{{ calc audit --file {secret} | rewrite }}}}",
        f"```calc\naudit --file {secret}\n```\n",
        f"{{{{ calc audit --text x --file={secret} | rewrite }}}}",
    ):
        with pytest.raises(LivingNumberError) as caught:
            render_markdown(text, table=TABLE)
        assert "s3cr3t" not in str(caught.value)


def test_the_terminal_keeps_file_input(tmp_path):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Please kindly summarize the document. Please be thorough.")
    answer = run_command(["audit", "--file", str(prompt)])
    assert answer["command"] == "audit"
    assert answer["tokens_estimate"] > 0


def test_the_terminal_refuses_huge_numbers_too():
    with pytest.raises(CalculatorError, match="--input: must be at most"):
        run_command(["cost", "--model", "claude-sonnet-5-5", "--input", "1e400", "--output", "1"])


@pytest.mark.parametrize(
    ("tool", "tool_input", "message"),
    [
        ("history_growth", {"turns": 1_000_000, "turn_tokens": 500}, "turns: must be at most"),
        (
            "estimate_cost",
            {"model": "claude-sonnet-5-5", "input_tokens": 10**400, "output_tokens": 1},
            "input_tokens: must be at most",
        ),
        (
            "audit_prompt",
            {"prompt": "word " * 30_000},
            "prompt: at most 100,000 characters",
        ),
        ("compare_models", {"models": ["claude-sonnet-5-5"] * 50, "requests": 1, "per": "day",
                            "output_tokens": 1}, "at most 12 models"),
    ],
)  # fmt: skip
def test_claudes_tools_have_the_same_bounds(tool, tool_input, message):
    started = time.monotonic()
    with pytest.raises(CalculatorError, match=message):
        call_tool(tool, tool_input, TABLE)
    assert time.monotonic() - started < 1


def test_the_tool_schemas_tell_claude_each_bound():
    history = next(t for t in TOOLS if t["name"] == "history_growth")
    assert history["input_schema"]["properties"]["turns"]["maximum"] == MAX_TURNS
    cost = next(t for t in TOOLS if t["name"] == "estimate_cost")
    assert cost["input_schema"]["properties"]["input_tokens"]["maximum"] == MAX_TOKENS


def test_the_largest_allowed_history_answers_quickly():
    started = time.monotonic()
    answer = run_command_line(f"history --turns {MAX_TURNS} --turn-tokens 500 --window 4", TABLE)
    assert answer["turns"] == MAX_TURNS
    assert time.monotonic() - started < 2


def test_the_course_content_still_renders_through_the_typed_layer(db):
    call_command("sync_content", verbosity=0)
    assert Lesson.objects.count() == 4
    assert "living-number" in Lesson.objects.get(slug="token-economics").body_html


# -- through the instructor's views ------------------------------------------------------------
@pytest.fixture
def author(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def lesson(course: object) -> Lesson:
    return Lesson.objects.get(slug="token-economics")


@pytest.mark.django_db
@pytest.mark.parametrize(("shortcode", "message"), EXPLOITS[:6])
def test_the_live_preview_shows_the_refusal_not_the_file(author, lesson, shortcode, message):
    response = author.post(
        reverse("authoring:lesson_preview", args=[lesson.pk]),
        lesson_form_data(lesson, body_markdown=f"Secret: {{{{ {shortcode} }}}}"),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A living number can\u2019t be computed" in html
    assert message.replace("'", "&#x27;") in html or message in html
    assert "root:" not in html and "PATH=" not in html
    assert os.environ.get("SECRET_KEY", "not-set-anywhere") not in html


@pytest.mark.django_db
def test_publishing_the_exploit_is_refused_and_learners_never_see_it(author, lesson):
    before = lesson.body_html
    response = author.post(
        reverse("authoring:lesson_publish", args=[lesson.pk]),
        lesson_form_data(
            lesson, body_markdown="{{ calc audit --file /proc/self/environ | rewrite }}"
        ),
    )
    assert response.status_code == 422
    assert "cannot read files" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.body_html == before
    assert not Revision.objects.exists()
    assert Draft.objects.count() == 1  # the instructor's text is kept as a draft, not lost


@pytest.mark.django_db
@pytest.mark.parametrize(("shortcode", "message"), EXPLOITS[:6])
def test_sync_refuses_content_with_the_exploit_naming_the_file(tmp_path, shortcode, message):
    content = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, content)
    lesson = content / MODULE / "lessons" / "01-token-economics.md"
    lesson.write_text(lesson.read_text() + f"\n\nLeak: {{{{ {shortcode} }}}}\n")
    with pytest.raises(DjangoCommandError) as caught:
        call_command("sync_content", path=str(content), verbosity=0)
    assert "01-token-economics.md" in str(caught.value)
    assert message in str(caught.value)
    assert not Module.objects.exists()
