"""Status and retirement shortcodes follow the date the table is read on."""

import datetime as dt

import pytest
from django.conf import settings

from authoring.files import sync_from_files
from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import load_price_table

EVE, TODAY = dt.date(2026, 11, 29), dt.date(2026, 12, 1)
SONNET_45 = "claude-sonnet-4-5-20250929"
LESSON = "/modules/cost-optimization/lessons/token-economics/"


def shown(text: str, on: dt.date) -> str:
    return render_markdown(text, table=load_price_table().on(on))


def test_the_status_shortcode_reads_deprecated_before_the_retirement_date_and_retired_after():
    assert ">deprecated<" in shown(f"{{{{ model {SONNET_45} status }}}}", EVE)
    assert ">retired<" in shown(f"{{{{ model {SONNET_45} status }}}}", TODAY)


def test_the_retirement_shortcode_says_retires_on_before_the_date_and_retired_on_from_it():
    text = "Sonnet 4.5 {{ model claude-sonnet-4-5 retirement }}."
    assert ">retires on 2026-11-30<" in shown(text, EVE)
    assert ">retired on 2026-11-30<" in shown(text, dt.date(2026, 11, 30))
    assert ">2026-11-30<" in shown("{{ model claude-sonnet-4-5 retires }}", EVE)


def test_a_retired_model_without_a_date_reads_as_retired_and_a_current_one_is_refused_by_name():
    assert ">retired (the date is not in the price table)<" in shown(
        "{{ model claude-opus-4-1 retirement }}", TODAY
    )
    with pytest.raises(LivingNumberError, match=r"no retirement date.*status"):
        shown("{{ model claude-sonnet-5-5 retirement }}", TODAY)


@pytest.mark.django_db
def test_the_synced_lesson_says_sonnet_45_retired_and_its_models_table_leaves_it_out(
    client, learner
):
    # The real sync, on the real date: 2026-11-30 has passed, and stays passed.
    sync_from_files(settings.CONTENT_DIR)
    client.force_login(learner)
    html = client.get(LESSON).content.decode()
    assert "Sonnet 4.5 <span" in html
    assert ">retired on 2026-11-30</span>" in html
    assert "retires on" not in html
    assert "deprecated 2026-11-30" not in html  # the models table's status cell
