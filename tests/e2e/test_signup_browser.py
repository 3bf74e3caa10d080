"""A new user signs up and logs in through the real browser."""

import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_user_signs_up_logs_out_and_logs_back_in(page, artifacts_dir):
    page.goto("/accounts/signup/")
    page.fill("#id_username", "browser_bea")
    page.fill("#id_email", "bea@example.com")
    page.fill("#id_password1", "strong-browser-pass-31")
    page.fill("#id_password2", "strong-browser-pass-31")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "Welcome, browser_bea" in page.content()
    page.screenshot(path=artifacts_dir / "signup-done.png", full_page=True)
    assert User.objects.filter(username="browser_bea", email="bea@example.com").exists()

    page.click("summary:has-text('browser_bea')")
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/accounts/login/")

    page.fill("#id_username", "browser_bea")
    page.fill("#id_password", "strong-browser-pass-31")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("summary", has_text="browser_bea").is_visible()
