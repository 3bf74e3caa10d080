"""The labs read the price table on today's date: a model past its retirement date is retired."""

import datetime as dt

import pytest

from authoring.pricing import current_price_table
from labs.models import Message
from labs.tutor.engines import answer
from tests.labs.conftest import LAB_URL

pytestmark = pytest.mark.django_db

QUESTION = (
    "What does Sonnet 4.5 cost at 10,000 requests a day with 2,000 input and 500 output tokens?"
)


def test_the_cost_estimator_names_sonnet_45_as_retired_and_prices_todays_sonnet(
    client, learner, lab, django_capture_on_commit_callbacks
):
    # Through the real view and worker, on the real date: 2026-11-30 has passed for good.
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LAB_URL + "send/", {"text": QUESTION})
    reply = Message.objects.get(role="assistant")
    assert reply.status == "done", reply.error_detail
    assert "Sonnet 4.5 is retired" in reply.text
    assert "Sonnet 5.5" in reply.text
    assert "deprecated" not in reply.text


def test_the_tutor_priced_sonnet_45_as_deprecated_the_day_before_its_retirement(lab):
    eve = answer("cost-estimator", QUESTION, [], current_price_table(on=dt.date(2026, 11, 29)))
    today = answer("cost-estimator", QUESTION, [], current_price_table(on=dt.date(2026, 12, 1)))
    assert "is retired" not in eve.text and "Sonnet 4.5" in eve.text
    assert "Sonnet 4.5 is retired" in today.text
