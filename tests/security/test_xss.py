"""Everything a person or a model wrote is shown inert."""

import re

import pytest

from courses.rendering import render_markdown, render_untrusted_markdown
from labs.models import Message
from tests.labs.conftest import LAB_URL, make_conversation

pytestmark = pytest.mark.django_db

SCRIPT = (
    '<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>'
)


def assert_inert(html: str) -> None:
    """No live tag carries the payload (escaped text is fine: it shows, it does not run)."""
    assert "<script>alert" not in html
    assert not re.search(r"<[^>]*\bonerror=", html)
    assert not re.search(r"<a[^>]*href=\"javascript:", html)


def test_a_lab_message_with_script_is_shown_as_text(client, learner, lab):
    conversation = make_conversation(learner, lab)
    Message.objects.create(conversation=conversation, role="user", text=SCRIPT)
    client.force_login(learner)
    html = client.get(f"{LAB_URL}c/{conversation.pk}/").content.decode()
    assert_inert(html)
    assert "&lt;script&gt;" in html


def test_a_model_reply_with_script_is_sanitized():
    html = render_untrusted_markdown(f"Here you go.\n\n{SCRIPT}\n\n**bold**")
    assert_inert(html)
    assert "<strong>bold</strong>" in html


def test_lesson_markdown_with_script_is_sanitized():
    html = render_markdown(f"# Title\n\n{SCRIPT}\n")
    assert_inert(html)


def test_a_username_with_markup_is_escaped(client, db):
    from django.contrib.auth.models import User

    user = User.objects.create_user(username="<b>eve</b>", password="x-long-password-1")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "<b>eve</b>" not in html
    assert "&lt;b&gt;eve&lt;/b&gt;" in html


def test_every_page_sends_a_content_security_policy(client, learner, course):
    client.force_login(learner)
    for url in ["/", "/modules/cost-optimization/", LAB_URL, "/accounts/password/"]:
        csp = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in csp
        assert "'unsafe-inline'" not in csp


FAKE_UI = (
    '<div class="banner notice" id="cost-meter" title="Official notice">Your account is '
    'suspended: <a class="button" href="https://example.com/pay">pay here</a></div>\n\n'
    '<img src="https://example.com/fake-banner.png" alt="site banner">'
)


def test_a_model_reply_cannot_dress_itself_as_site_ui(client, learner, lab, settings, monkeypatch):
    """A reply keeps its text and links but no class, id, title or image: it cannot pose as a
    banner or button, nor take over an element the page addresses by id."""
    from tests.labs.fake_claude import FakeClaude, text_reply
    from tests.labs.test_claude import ask

    settings.ANTHROPIC_API_KEY = "sk-ant-test-key"
    settings.LABS_OFFLINE = False
    FakeClaude([text_reply(FAKE_UI, chunks=1)]).install(monkeypatch)
    message = ask(learner, lab, "Hello")
    assert message.status == "done"
    assert 'href="https://example.com/pay"' in message.html
    for attribute in ("class=", "id=", "title=", "<img"):
        assert attribute not in message.html, attribute
    client.force_login(learner)
    page = client.get(f"{LAB_URL}c/{message.conversation_id}/").content.decode()
    assert page.count('id="cost-meter"') == 1  # the page's own meter, not the reply's


def test_authored_lesson_markdown_keeps_its_classes_and_ids():
    html = render_markdown('## Costs\n\n<div class="callout" id="note">Read this.</div>\n')
    assert 'class="callout"' in html
    assert 'id="note"' in html
    assert 'id="costs"' in html  # heading anchors still work
