"""An instructor edits a lesson in the real browser: the live preview follows the typing, the
publish reaches learners, and learners saw nothing before it."""

import pytest
from django.urls import reverse

from accounts.roles import make_instructor
from courses.models import Lesson
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = "Checked by the authoring browser test"


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_an_instructor_edits_previews_and_publishes_a_lesson(
    page, browser, live_server, course, artifacts_dir
):
    make_instructor(make_user("ines_browser"))
    make_user("lena_browser")
    lesson = Lesson.objects.get(slug="token-economics")
    log_in(page, "ines_browser")
    page.click("nav >> text=Author")
    page.click("text=L1 Token economics")
    page.wait_for_url(f"**{reverse('authoring:lesson', args=[lesson.pk])}")

    page.evaluate("window.stillHere = true")  # gone if the page reloads
    body = page.locator("#id_body_markdown")
    body.fill(
        body.input_value()
        + f"\n\n{MARKER}: Sonnet 5.5 output costs {{{{ price claude-sonnet-5-5 output }}}}.\n"
    )
    preview = page.locator("#preview")
    preview.get_by_text(MARKER).wait_for()  # the live preview, without saving
    preview.get_by_text(MARKER).scroll_into_view_if_needed()
    assert "output costs $10.00" in preview.inner_text()
    assert preview.locator(".living-number", has_text="$10.00").count() >= 1
    assert page.evaluate("window.stillHere === true")
    page.screenshot(path=artifacts_dir / "authoring-live-preview.png", full_page=False)

    # Learners see nothing of it before publishing.
    learner_context = browser.new_context(base_url=live_server.url)
    learner_page = learner_context.new_page()
    log_in(learner_page, "lena_browser")
    learner_page.goto(lesson.get_absolute_url())
    assert MARKER not in learner_page.content()

    page.click("button:has-text('Save and publish')")
    # A confirmation step first: the draft is saved, learners still see nothing.
    page.get_by_role("heading", name="Publish lesson 1").wait_for()
    page.get_by_text("saved by ines_browser just now").wait_for()
    page.screenshot(path=artifacts_dir / "authoring-confirm-publish.png", full_page=False)
    learner_page.reload()
    assert MARKER not in learner_page.content()
    page.fill("#id_note", "Adds the Sonnet output price")
    page.click("button:has-text('Publish now')")
    page.get_by_text("Published version 2").wait_for()
    page.screenshot(path=artifacts_dir / "authoring-published.png", full_page=False)

    learner_page.goto(lesson.get_absolute_url())
    learner_page.get_by_text(MARKER).wait_for()
    learner_page.get_by_text(MARKER).scroll_into_view_if_needed()
    assert "output costs $10.00" in learner_page.locator(".prose").first.inner_text()
    learner_page.screenshot(path=artifacts_dir / "authoring-learner-sees-it.png", full_page=False)
    learner_context.close()

    page.goto(reverse("authoring:history", args=["lesson", lesson.pk]))
    assert "Adds the Sonnet output price" in page.locator("table").inner_text()
