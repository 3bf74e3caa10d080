"""Every authoring URL: anonymous visitors go to the login page, learners get 403."""

import pytest
from django.urls import reverse

from authoring.urls import urlpatterns

pytestmark = pytest.mark.django_db


def example_urls(course: object) -> list[str]:
    from courses.models import Lesson
    from labs.models import Concept, Lab

    lesson = Lesson.objects.get(slug="token-economics")
    quiz = lesson.quiz
    lab = Lab.objects.get(slug="cost-estimator")
    args = {
        "dashboard": [], "prices": [], "prices_publish": [], "prices_discard": [],
        "price_model": ["claude-sonnet-5-5"], "price_change": [1],
        "history": ["lesson", lesson.pk], "revision": ["lesson", lesson.pk, 1],
        "restore": ["lesson", lesson.pk, 1],
        "question": [quiz.pk, "te-q1"], "question_move": [quiz.pk, "te-q1"],
        "question_remove": [quiz.pk, "te-q1"], "concepts": [lesson.pk],
    }  # fmt: skip
    concept = Concept.objects.filter(lesson=lesson).first()
    urls = []
    for pattern in urlpatterns:
        name = pattern.name
        if name in args:
            urls.append(reverse(f"authoring:{name}", args=args[name]))
        elif name.startswith("lesson"):
            urls.append(reverse(f"authoring:{name}", args=[lesson.pk]))
        elif name.startswith("quiz"):
            urls.append(reverse(f"authoring:{name}", args=[quiz.pk]))
        elif name.startswith("concept"):
            urls.append(reverse(f"authoring:{name}", args=[concept.pk]))
        elif name.startswith("lab"):
            urls.append(reverse(f"authoring:{name}", args=[lab.slug]))
        else:
            raise AssertionError(f"no example arguments for authoring:{name}")
    return urls


def test_every_authoring_url_sends_anonymous_visitors_to_login(client, course):
    urls = example_urls(course)
    assert len(urls) == len(urlpatterns) >= 25
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url


def test_every_authoring_url_is_forbidden_to_learners(learner_client, course):
    for url in example_urls(course):
        assert learner_client.get(url).status_code == 403, url
        assert learner_client.post(url).status_code == 403, url


def test_instructors_and_admins_may_open_the_dashboard(client, instructor, admin_user, course):
    for user in (instructor, admin_user):
        client.force_login(user)
        response = client.get(reverse("authoring:dashboard"))
        assert response.status_code == 200
        assert b"Token economics" in response.content
        assert b"The price table" in response.content


def test_the_nav_shows_the_author_link_to_instructors_only(client, learner, instructor, course):
    client.force_login(learner)
    assert b'href="/author/"' not in client.get("/").content
    client.force_login(instructor)
    assert b'href="/author/"' in client.get("/").content
