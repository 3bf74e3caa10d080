"""Money reads the same everywhere: one rule (`format_usd`) for living numbers in lessons, the
calculation cards, the lab's cost meter and the staff spend page, so a learner never sees
"$0.004000" on one line and "$0.02" on the next."""

import re
from decimal import Decimal

import pytest

from courses.rendering import render_markdown
from labs.models import ApiCall
from tests.labs.conftest import make_conversation

pytestmark = pytest.mark.django_db

LESSONS = [
    "/modules/cost-optimization/lessons/token-economics/",
    "/modules/cost-optimization/lessons/prompt-caching/",
    "/modules/cost-optimization/lessons/model-selection/",
    "/modules/cost-optimization/lessons/production-controls/",
]
MONEY = re.compile(r"\$\d[\d,]*\.(\d+)")


def padded(html: str) -> list[str]:
    """Amounts shown with zeros past the cents, such as "$0.005000" or "$0.0000900"."""
    return sorted({m[0] for m in MONEY.finditer(html) if len(m[1]) > 2 and m[1].endswith("0")})


def test_a_living_number_under_a_cent_shows_its_digits_without_padding():
    # Haiku 5.5: 1,000 x $0.10 + 100 x $0.50 per million = $0.00015.
    html = render_markdown(
        "{{ calc cost --model claude-haiku-5-5 --input 1000 --output 100 | total_usd }}"
    )
    assert "$0.00015<" in html
    assert "$0.000150" not in html


def test_a_calculation_card_and_a_living_number_share_one_rule():
    command = "cost --model claude-haiku-5-5 --input 1000 --output 100"
    card = render_markdown(f"```calc\n{command}\n```\n")
    inline = render_markdown(f"{{{{ calc {command} | total_usd }}}}")
    assert "$0.00015" in card and "$0.00015" in inline
    assert padded(card) == [] and padded(inline) == []


@pytest.mark.parametrize("url", LESSONS, ids=lambda u: u.split("/")[-2])
def test_no_lesson_pads_an_amount_with_zeros(client, learner, course, url):
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    assert padded(response.content.decode()) == []


def test_the_lab_cost_meter_shows_money_by_the_same_rule(client, learner, lab):
    conversation = make_conversation(learner, lab, "q")
    reply = conversation.messages.get(role="assistant")
    ApiCall.objects.create(message=reply, user=learner, lab=lab, model="claude-haiku-5-5",
                           input_tokens=100, output_tokens=50, cost_usd=Decimal("0.004"),
                           uncached_cost_usd=Decimal("0.0205"))  # fmt: skip
    client.force_login(learner)
    html = client.get(
        f"/modules/cost-optimization/lessons/token-economics/lab/c/{conversation.pk}/"
    ).content.decode()
    assert "$0.004</strong> in Claude calls" in html
    assert "caching saved <strong>$0.0165</strong>" in html
    assert padded(html) == []
