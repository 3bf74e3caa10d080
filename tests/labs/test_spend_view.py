from decimal import Decimal

import pytest

from labs.models import ApiCall
from tests.labs.conftest import make_conversation

pytestmark = pytest.mark.django_db


def test_the_spend_page_is_for_staff_only(client, learner, instructor):
    assert client.get("/labs/spend/").status_code == 302
    client.force_login(learner)
    assert client.get("/labs/spend/").status_code == 403
    client.force_login(instructor)
    assert client.get("/labs/spend/").status_code == 403


def test_the_spend_page_totals_cost_savings_and_hit_rate(client, admin_user, learner, lab):
    conversation = make_conversation(learner, lab, "q")
    reply = conversation.messages.get(role="assistant")
    ApiCall.objects.create(message=reply, user=learner, lab=lab, model="claude-haiku-5-5",
                           input_tokens=100, cache_read_tokens=300, output_tokens=50,
                           cost_usd=Decimal("0.001"),
                           uncached_cost_usd=Decimal("0.004"))  # fmt: skip
    client.force_login(admin_user)
    html = client.get("/labs/spend/?days=7").content.decode()
    # Money by the one rule lessons and cards follow: no zeros padded on past the cents.
    assert "$0.001<" in html  # spend
    assert "$0.003<" in html  # saved by caching
    assert "75.0%" in html  # 300 of 400 prompt tokens read from cache
    assert learner.username in html and lab.title in html


def test_the_spend_page_query_count_does_not_grow_with_data(
    client, admin_user, learner, lab, django_assert_max_num_queries
):
    for _ in range(30):
        ApiCall.objects.create(
            user=learner, lab=lab, model="claude-haiku-5-5", cost_usd=Decimal("0.01")
        )
    client.force_login(admin_user)
    with django_assert_max_num_queries(10):
        assert client.get("/labs/spend/").status_code == 200


def test_a_bad_period_is_a_400_naming_it(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/labs/spend/?days=abc")
    assert response.status_code == 400
    assert "“days” must be a whole number" in response.content.decode()


def test_without_an_api_key_the_spend_page_says_the_offline_tutor_answers_and_why(
    client, admin_user, settings
):
    settings.ANTHROPIC_API_KEY = ""
    client.force_login(admin_user)
    html = client.get("/labs/spend/").content.decode()
    assert "Who answers the labs now: the offline tutor" in html
    assert "No Claude API key is configured" in html
    assert "the figures below stay at zero" in html
    assert "$0.50 of Claude a day" in html  # the per-learner budget in force
    assert "$25.00 a day" in html  # the site's


def test_with_a_key_the_spend_page_names_the_model_that_answers(client, admin_user, settings):
    settings.ANTHROPIC_API_KEY = "sk-test"
    settings.LABS_OFFLINE = False
    settings.LAB_MODEL = "claude-haiku-5-5"
    settings.LAB_DAILY_BUDGET_USD = Decimal("0.75")
    client.force_login(admin_user)
    html = client.get("/labs/spend/").content.decode()
    assert "Who answers the labs now: Claude (claude-haiku-5-5)" in html
    assert "$0.75 of Claude a day" in html


def test_offline_mode_and_an_exhausted_site_budget_are_named_as_the_reason(
    client, admin_user, learner, lab, settings
):
    settings.ANTHROPIC_API_KEY = "sk-test"
    settings.LABS_OFFLINE = True
    client.force_login(admin_user)
    html = client.get("/labs/spend/").content.decode()
    assert "Labs are set to offline mode" in html
    settings.LABS_OFFLINE = False
    settings.SITE_DAILY_BUDGET_USD = Decimal("0.01")
    ApiCall.objects.create(user=learner, lab=lab, model="claude-haiku-5-5",
                           cost_usd=Decimal("0.60"))  # fmt: skip
    html = client.get("/labs/spend/").content.decode()
    assert "Who answers the labs now: the offline tutor" in html
    assert "reaches its daily Claude budget" in html
    assert "1 learner reached it today" in html
