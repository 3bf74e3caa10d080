import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_sends_a_nonce_csp_and_no_inline_scripts(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "object-src 'none'" in csp
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "htmx should be loaded"
    for tag in scripts:
        assert "src=" in tag, f"inline script found: {tag}"
        assert f'nonce="{nonce}"' in tag


def test_the_base_page_loads_vendored_htmx_and_sends_the_csrf_token(client, learner):
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "/static/vendor/htmx-2.0.4.min.js" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_the_navigation_shows_reports_only_to_admins(client, learner, admin_user):
    client.force_login(learner)
    assert b"/reports/" not in client.get("/").content
    client.force_login(admin_user)
    assert b"/reports/" in client.get("/").content


def test_every_page_links_an_icon_and_favicon_ico_finds_it(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_a_visitor_sent_to_log_in_is_told_why(client, db):
    response = client.get("/modules/cost-optimization/", follow=True)
    assert response.redirect_chain and "/accounts/login/" in response.redirect_chain[-1][0]
    assert "Log in to see that page" in response.content.decode()
    assert "Log in to see that page" not in client.get("/accounts/login/").content.decode()
