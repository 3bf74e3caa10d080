"""The Django admin shows logs (Claude calls, conversations, revisions, evaluation runs, status
re-renders) read-only: listed and opened, never added, changed or deleted there."""

from decimal import Decimal

import pytest

from authoring.models import Revision, StatusRender
from labs.models import ApiCall, Calculation, EvalRun
from tests.labs.conftest import make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(learner, lab, course) -> dict[str, object]:
    conversation = make_conversation(learner, lab, "what does it cost?")
    reply = conversation.messages.get(role="assistant")
    return {
        "labs/apicall": ApiCall.objects.create(
            message=reply, user=learner, lab=lab, model="claude-haiku-5-5", input_tokens=10,
            cost_usd=Decimal("0.001"),
        ),
        "labs/conversation": conversation,
        "labs/message": reply,
        "labs/evalrun": EvalRun.objects.create(
            lab=lab.slug, engine="offline", fingerprint="f", total=2, right=1, asked=1, wrong=0,
            confidently_wrong=0,
        ),
        "authoring/revision": Revision.objects.create(
            kind="lesson", object_id=course.lessons.first().pk, number=99, data={}, source="app",
        ),
        "authoring/statusrender": StatusRender.objects.create(on="2026-12-01"),
    }  # fmt: skip


def test_logs_are_listed_and_opened_but_offer_no_add_change_or_delete(client, admin_user, logs):
    client.force_login(admin_user)
    for path, obj in logs.items():
        assert obj is not None, path
        listing = client.get(f"/admin/{path}/")
        assert listing.status_code == 200, path
        html = listing.content.decode()
        assert f'href="/admin/{path}/add/"' not in html, path
        assert 'name="action"' not in html, path  # no "delete selected" action either
        detail = client.get(f"/admin/{path}/{obj.pk}/change/")
        assert detail.status_code == 200, path
        assert 'name="_save"' not in detail.content.decode(), path  # a view, not a form
        assert client.get(f"/admin/{path}/add/").status_code == 403, path
        assert client.post(f"/admin/{path}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists(), path


def test_a_logged_cost_cannot_be_rewritten_in_the_admin(client, admin_user, logs):
    call = logs["labs/apicall"]
    client.force_login(admin_user)
    response = client.post(f"/admin/labs/apicall/{call.pk}/change/", {"cost_usd": "0"})
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.cost_usd == Decimal("0.001")


def test_calculations_are_shown_only_inside_their_message(client, admin_user, logs):
    client.force_login(admin_user)
    assert client.get("/admin/labs/calculation/").status_code == 404
    assert Calculation._meta.app_label == "labs"


def test_the_admin_index_says_lesson_progress_not_progresss(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert "Lesson progress<" in html
    assert "progresss" not in html.lower()
