"""A learner corrects a figure the tutor read, in the real browser, and sees the card's new cost
in place; the lab page fits a phone and a desktop without scrolling sideways."""

import pytest

from labs.models import Calculation
from tests.conftest import make_user
from tests.e2e.test_lab_browser import LAB, log_in, record_failures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WIDER = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
    .slice(0, 8);
}"""


def fits_the_width(page) -> bool:
    fits = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits, page.evaluate(WIDER)  # names what sticks out
    return fits


@pytest.mark.parametrize("width", [390, 1280])
def test_changing_a_figure_in_what_i_understood_shows_the_new_cost(
    page, course, artifacts_dir, width
):
    page.set_viewport_size({"width": width, "height": 900})
    make_user(f"reader{width}")
    log_in(page, f"reader{width}")
    failures = record_failures(page)
    page.goto(LAB)
    page.click("text=Put it in the message box")
    page.click("#lab-form button[type=submit]")
    page.locator(".bubble.assistant.status-done").last.wait_for()
    assert fits_the_width(page)

    calculation = Calculation.objects.filter(tool="workload_cost").first()
    assert calculation is not None
    card = page.locator(f"#calculation-{calculation.pk}")
    understood = card.locator("details.understood")
    if not understood.evaluate("d => d.open"):
        understood.locator("summary").click()
    per_day = card.locator("table.results tr:has(th:text-is('Per day')) td")
    before = per_day.inner_text()
    read = card.locator("input[name=output_tokens]").input_value()

    page.evaluate("window.stillHere = true")  # gone if the page reloads
    card.locator("input[name=output_tokens]").fill("50")
    card.locator("button:has-text('Recalculate')").click()
    page.locator(f"#calculation-{calculation.pk} .calc-edited").wait_for()
    card = page.locator(f"#calculation-{calculation.pk}")
    after = card.locator("table.results tr:has(th:text-is('Per day')) td").inner_text()
    assert after != before
    assert f"Output tokens {int(read):,} → 50" in card.locator(".calc-edited").inner_text()
    assert page.evaluate("window.stillHere === true")  # swapped in place, no page load
    assert fits_the_width(page)
    page.screenshot(path=artifacts_dir / f"lab-understood-{width}.png", full_page=True)
    card.screenshot(path=artifacts_dir / f"lab-understood-card-{width}.png")
    calculation.refresh_from_db()
    assert calculation.input["output_tokens"] == 50
    assert calculation.output["per_day_usd"] != calculation.original_input.get("per_day_usd")

    card.locator("button:has-text('Back to what I read')").click()
    page.locator(f"#calculation-{calculation.pk}:not(:has(.calc-edited))").wait_for()
    restored = page.locator(
        f"#calculation-{calculation.pk} table.results tr:has(th:text-is('Per day')) td"
    )
    assert restored.inner_text() == before
    assert failures == []


def test_a_refused_figure_is_shown_beside_its_field_in_place(page, course):
    make_user("typo")
    log_in(page, "typo")
    page.goto(LAB)
    page.click("text=Put it in the message box")
    page.click("#lab-form button[type=submit]")
    page.locator(".bubble.assistant.status-done").last.wait_for()
    calculation = Calculation.objects.filter(tool="workload_cost").first()
    card = page.locator(f"#calculation-{calculation.pk}")
    # A model the price table does not know (as a hand-edited request would send).
    card.locator("select[name=model]").evaluate(
        "s => { s.add(new Option('claude-nonsense-9')); s.value = 'claude-nonsense-9'; }"
    )
    card.locator("button:has-text('Recalculate')").click()
    error = page.locator(f"#calculation-{calculation.pk} .has-error .error")
    error.wait_for()
    assert "unknown model 'claude-nonsense-9'" in error.inner_text()
    assert page.locator(f"#calculation-{calculation.pk} select[name=model]").input_value() == (
        "claude-nonsense-9"
    )
