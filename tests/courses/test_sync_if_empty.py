"""`sync_content --if-empty` (what the README's make targets run first) loads a fresh database
and leaves a loaded one alone, even one with edits published in the app and not exported."""

import pytest
from django.core.management import call_command

from courses.models import Lesson, Module

pytestmark = pytest.mark.django_db


def test_if_empty_loads_the_course_into_an_empty_database():
    assert not Module.objects.exists()
    call_command("sync_content", if_empty=True)
    assert Lesson.objects.count() == 4


def test_if_empty_leaves_a_loaded_course_as_it_is(course):
    lesson = course.lessons.get(slug="token-economics")
    Lesson.objects.filter(pk=lesson.pk).update(title="Edited in the app")
    call_command("sync_content", if_empty=True)
    lesson.refresh_from_db()
    assert lesson.title == "Edited in the app"
