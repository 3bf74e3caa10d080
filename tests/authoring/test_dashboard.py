import pytest
from django.urls import reverse

from authoring.files import export_to_files
from courses.models import Lesson
from tests.authoring.conftest import lesson_form_data

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_everything_with_its_draft_and_published_state(
    author, course, tmp_path
):
    page = author.get(reverse("authoring:dashboard")).content.decode()
    for name in ("L1 Token economics", "Token economics quiz", "Cost estimator",
                 "Module test: Module 7 test", "The price table"):  # fmt: skip
        assert name in page
    assert "Draft by" not in page

    lesson = Lesson.objects.get(slug="token-economics")
    author.post(reverse("authoring:lesson", args=[lesson.pk]), lesson_form_data(lesson, title="X"))
    assert "Draft by ines" in author.get(reverse("authoring:dashboard")).content.decode()

    author.post(reverse("authoring:lesson_publish", args=[lesson.pk]), {"confirm": "yes"})
    page = author.get(reverse("authoring:dashboard")).content.decode()
    assert "Draft by ines" not in page
    assert "v2 published, not in content/ yet" in page

    export_to_files(tmp_path / "content")
    page = author.get(reverse("authoring:dashboard")).content.decode()
    assert "not in content/ yet" not in page
    assert '<span class="badge good">v2</span>' in page


def test_the_dashboard_works_before_any_content_is_loaded(author):
    page = author.get(reverse("authoring:dashboard")).content.decode()
    assert "No course is loaded yet" in page
