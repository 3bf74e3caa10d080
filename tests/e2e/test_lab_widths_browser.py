"""Every lab's longest kind of reply fits a phone and a desktop: no page scrolls sideways, long
prompts and ids wrap or scroll inside their own box (issue 13 and 17: the prompt auditor's
one-line rewrite once made the page 2,831 px wide)."""

import pytest

from tests.conftest import make_user
from tests.e2e.test_lab_browser import log_in, record_failures
from tests.e2e.test_understood_browser import fits_the_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSONS = "/modules/cost-optimization/lessons/{}/lab/"
LONG_PROMPT = (
    'Audit this prompt: "You are a world-class, brilliant, extremely helpful assistant. '
    + "Please always make sure to answer thoroughly and in great detail. " * 12
    + "Reference: https://example.com/"
    + "a" * 180
    + '" It runs 40,000 times a day on Sonnet 5.5.'
)
MESSAGES = {
    "token-economics": "sonnet 5.5, 25k calls/day, ~1,200 in / 300 out. daily + monthly cost, "
    "and compare haiku 5.5 and opus 5.5?",
    "prompt-caching": "haiku 5.5, 4k-token system prompt, 200k requests a day, 5m vs 1h ttl?",
    "model-selection": LONG_PROMPT,
    "production-controls": "nightly job: 200k docs, ~3k tokens each, summaries of ~300 on "
    "sonnet 5.5, nobody reads them before tomorrow. plan it?",
}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lesson", list(MESSAGES))
def test_a_long_lab_reply_fits_the_width(page, course, artifacts_dir, lesson, width):
    page.set_viewport_size({"width": width, "height": 900})
    make_user(f"w{width}{lesson[:4]}")
    log_in(page, f"w{width}{lesson[:4]}")
    failures = record_failures(page)
    page.goto(LESSONS.format(lesson))
    page.fill("#lab-text", MESSAGES[lesson])
    page.click("#lab-form button[type=submit]")
    page.locator(".bubble.assistant.status-done").last.wait_for()
    assert fits_the_width(page)
    page.screenshot(path=artifacts_dir / f"lab-width-{lesson}-{width}.png", full_page=True)
    assert failures == []
