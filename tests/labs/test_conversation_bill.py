"""A lab conversation's own Claude bill, against the simulated API (issue 18).

Ten turns of each lab's script go through the real worker path and the real SDK to the
simulated API (labs/testing/conversation_bill.py); `bench/conversation_bill.py` prints the table.
"""

from decimal import Decimal

import pytest
from django.db.models import Sum

from authoring.pricing import current_price_table
from labs.models import ApiCall
from labs.testing import conversation_bill as bill
from labs.testing.lab_scripts import SCRIPTS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lab_slug", sorted(SCRIPTS))
def test_ten_turns_cost_at_most_a_fifth_of_a_naive_client_with_most_of_the_prompt_cached(
    course, learner, lab_slug
):
    table = current_price_table()
    app = bill.run_conversation(lab_slug, learner, table, shaping="app")
    naive = bill.run_conversation(lab_slug, learner, table, shaping="naive")
    assert {c.turn for c in app.calls} == set(range(1, 11))
    assert app.total_usd <= bill.GOAL_RATIO * naive.total_usd, (app.total_usd, naive.total_usd)
    assert app.hit_rate > bill.GOAL_HIT_RATE
    assert naive.hit_rate == 0


def test_the_logged_cost_of_every_call_is_exactly_what_the_simulated_bill_says(course, learner):
    app = bill.run_conversation("cost-estimator", learner, current_price_table())
    logged = ApiCall.objects.filter(message__conversation_id=app.conversation_id)
    assert logged.count() == len(app.calls)
    assert logged.aggregate(total=Sum("cost_usd"))["total"] == app.total_usd
    assert (
        sum(c.usage.cache_read_tokens for c in app.calls)
        == logged.aggregate(total=Sum("cache_read_tokens"))["total"]
    )
    assert app.total_usd > Decimal(0)


def test_the_naive_client_replays_every_earlier_message_without_breakpoints(course, learner):
    naive = bill.run_conversation("caching-strategist", learner, current_price_table(),
                                  shaping="naive")  # fmt: skip
    prompts = [c.usage.prompt_tokens for c in naive.calls if c.purpose == "reply"]
    assert prompts == sorted(prompts)  # the prompt only grows: nothing is dropped or summarized
    assert all(c.usage.cache_write_5m_tokens == 0 for c in naive.calls)
