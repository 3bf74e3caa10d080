"""The daily re-render of texts whose status wording a retirement date moved."""

import datetime as dt

import pytest
from django.conf import settings

from authoring.impact import rerender_course
from authoring.models import StatusRender
from authoring.pricing import current_price_table
from authoring.statuses import rerender_statuses
from authoring.tasks import rerender_statuses as rerender_task
from courses.models import Lesson

pytestmark = pytest.mark.django_db

EVE, TODAY = dt.date(2026, 11, 29), dt.date(2026, 12, 1)


@pytest.fixture
def course_on_the_eve(course):
    """The course as stored on 2026-11-29, with that day's run recorded."""
    rerender_course(current_price_table(on=EVE))
    assert rerender_statuses(EVE).changes == []
    return course


def test_the_task_stores_again_only_the_texts_whose_status_wording_moved(course_on_the_eve):
    lesson_1 = Lesson.objects.get(slug="token-economics")
    assert "retires on 2026-11-30" in lesson_1.body_html
    # A lesson without status wording is not rendered at all: a marker in it survives.
    Lesson.objects.filter(slug="production-controls").update(body_html="<p>untouched</p>")

    record = rerender_statuses(TODAY)

    assert record.since == EVE
    assert record.changes == [
        "Claude Sonnet 4.5: deprecated → retired (retirement date 2026-11-30)"
    ]
    assert "Lesson 1 (token-economics)" in record.written
    assert not any("production-controls" in where for where in record.written)
    lesson_1.refresh_from_db()
    assert "retired on 2026-11-30" in lesson_1.body_html
    assert "deprecated 2026-11-30" not in lesson_1.body_html
    assert Lesson.objects.get(slug="production-controls").body_html == "<p>untouched</p>"
    moved = {(e["lesson"], e["before"], e["after"]) for e in record.effects}
    assert ("Lesson 1: Token economics", "retires on 2026-11-30", "retired on 2026-11-30") in moved


def test_a_second_run_on_the_same_date_does_nothing(course_on_the_eve):
    assert rerender_statuses(TODAY) is not None
    Lesson.objects.filter(slug="token-economics").update(body_html="<p>edited since</p>")
    assert rerender_statuses(TODAY) is None
    assert StatusRender.objects.filter(on=TODAY).count() == 1
    assert Lesson.objects.get(slug="token-economics").body_html == "<p>edited since</p>"


def test_the_status_moves_on_the_retirement_date_and_a_quiet_day_after_renders_nothing(
    course_on_the_eve,
):
    Lesson.objects.filter(slug="token-economics").update(body_html="<p>kept</p>")
    record = rerender_statuses(dt.date(2026, 11, 30))
    assert record is not None
    # 2026-11-30 is the retirement date itself: the status moves that day, not the next.
    assert record.changes and "Lesson 1 (token-economics)" in record.written
    quiet = rerender_statuses(TODAY)
    assert quiet.changes == [] and quiet.written == []


def test_beat_runs_the_task_and_the_task_uses_todays_date(course):
    entry = settings.CELERY_BEAT_SCHEDULE["rerender-statuses"]
    assert entry["task"] == rerender_task.name == "authoring.rerender_statuses"
    rerender_task.apply()
    assert StatusRender.objects.filter(on=dt.date.today()).exists()


def test_the_price_page_lists_the_status_change_and_the_texts_it_moved(author, course_on_the_eve):
    rerender_statuses(TODAY)
    html = author.get("/author/prices/").content.decode()
    assert "Statuses the calendar changed" in html
    assert "Claude Sonnet 4.5: deprecated → retired (retirement date 2026-11-30)" in html
    assert (
        '<td class="num">retires on 2026-11-30</td><td class="num">retired on 2026-11-30</td>'
        in html
    )
    # The table's status column says what learners read today, and what the table states.
    assert "stated: deprecated" in html
