"""The lesson outline in the real browser: beside the text and sticky at desktop, a closed
<details> above the text on a phone; its links land on their headings."""

import pytest

from tests.conftest import make_user
from tests.e2e.test_lab_browser import log_in, record_failures
from tests.e2e.test_understood_browser import fits_the_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON = "/modules/cost-optimization/lessons/model-selection/"


def test_at_desktop_the_outline_stays_beside_the_text_and_its_links_reach_their_headings(
    page, course, artifacts_dir
):
    page.set_viewport_size({"width": 1280, "height": 900})
    make_user("outliner")
    log_in(page, "outliner")
    failures = record_failures(page)
    page.goto(LESSON)
    outline = page.locator(".outline-desktop")
    assert outline.is_visible()
    assert not page.locator(".outline-phone").is_visible()
    prose = page.locator(".lesson > div.prose").bounding_box()
    box = outline.bounding_box()
    assert box["x"] >= prose["x"] + prose["width"]  # in the right-hand column
    page.screenshot(path=artifacts_dir / "lesson-outline-1280.png")
    outline.get_by_role("link", name="Measure first").click()
    page.wait_for_url("**#measure-first")
    heading = page.locator("#measure-first").bounding_box()
    assert 0 <= heading["y"] < 300  # scrolled to, and not hidden under the sticky header
    assert outline.bounding_box()["y"] < 200  # still on screen far down the page (sticky)
    assert outline.is_visible()
    assert fits_the_width(page)
    page.screenshot(path=artifacts_dir / "lesson-outline-1280-scrolled.png")
    assert failures == []


def test_on_a_phone_the_outline_is_closed_above_the_text_and_opens_with_a_tap(
    page, course, artifacts_dir
):
    page.set_viewport_size({"width": 390, "height": 844})
    make_user("phoneoutliner")
    log_in(page, "phoneoutliner")
    page.goto(LESSON)
    assert not page.locator(".outline-desktop").is_visible()
    phone = page.locator(".outline-phone")
    assert phone.is_visible()
    link = phone.get_by_role("link", name="Measure first")
    assert not link.is_visible()  # closed
    assert phone.bounding_box()["y"] < page.locator(".lesson > div.prose").bounding_box()["y"]
    page.screenshot(path=artifacts_dir / "lesson-outline-390-closed.png")
    phone.locator("summary").click()
    assert link.is_visible()
    assert fits_the_width(page)
    page.screenshot(path=artifacts_dir / "lesson-outline-390-open.png")
    link.click()
    page.wait_for_url("**#measure-first")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= page.locator("#measure-first").bounding_box()["y"] < 300
