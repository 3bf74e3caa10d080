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


def test_the_preview_follows_the_editor_scroll_position(page, course, artifacts_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    make_instructor(make_user("ines_scroll"))
    lesson = Lesson.objects.get(slug="model-selection")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "ines_scroll")
    page.goto(reverse("authoring:lesson", args=[lesson.pk]))
    editor = page.locator("#id_body_markdown")
    pane = page.locator("#preview-pane")
    editor.scroll_into_view_if_needed()
    assert pane.evaluate("p => p.scrollTop") == 0

    def pane_after(share: float) -> float:
        editor.evaluate(
            "(e, share) => { e.scrollTop = share * (e.scrollHeight - e.clientHeight); }", share
        )
        page.wait_for_timeout(200)
        return pane.evaluate("p => p.scrollTop / (p.scrollHeight - p.clientHeight)")

    middle = pane_after(0.5)
    end = pane_after(1.0)
    back = pane_after(0.0)
    assert 0.3 < middle < 0.8
    assert end > 0.85  # the end of the text shows the end of the lesson text
    assert back < 0.1
    # At the end of the Markdown, the preview shows the lesson text's last section.
    pane_after(1.0)
    last = page.locator("#preview .prose h2").last
    box, view = last.bounding_box(), pane.bounding_box()
    assert box["y"] < view["y"] + view["height"]
    page.screenshot(path=artifacts_dir / "authoring-preview-follows.png")
    assert errors == []  # and the CSP let the script run


def test_an_instructor_tries_a_question_and_previews_a_concept_in_the_browser(
    page, live_server, course, artifacts_dir
):
    from labs.models import Concept

    make_instructor(make_user("ines_concepts"))
    concept = Concept.objects.get(slug="what-prompt-caching-stores")
    log_in(page, "ines_concepts")
    page.goto(reverse("authoring:concept", args=[concept.pk]))
    page.evaluate("window.stillHere = true")  # gone if the page reloads

    # Unsaved keywords count in the try-it box (htmx sends the editor's fields along).
    page.fill("#id_keywords", page.input_value("#id_keywords") + ", purple elephant")
    page.fill("#try-question", "purple elephant")
    page.click("button:has-text('Find the concept')")
    tried = page.locator("#tried")
    tried.get_by_text("this concept").wait_for()
    assert concept.title in tried.inner_text() and "Runner-up" in tried.inner_text()

    page.fill("#id_answer", "Kept warm for five minutes. Checked in the browser.")
    page.locator("#preview").get_by_text("Checked in the browser.").wait_for()
    assert "Read more in" in page.locator("#preview").inner_text()
    assert page.evaluate("window.stillHere === true")
    page.screenshot(path=artifacts_dir / "authoring-concept-editor.png", full_page=True)
