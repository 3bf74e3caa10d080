"""Every URL, every role: anonymous, learner, another learner's objects, instructor, admin.

A new URL that is not classified here fails `test_every_url_is_in_the_matrix`.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from labs.models import Calculation, Conversation, Message
from quizzes.models import Attempt, Quiz

pytestmark = pytest.mark.django_db

PUBLIC = {
    "courses:dashboard", "accounts:signup", "accounts:login", "accounts:logout", "healthz",
    "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete", "favicon",
}  # fmt: skip
# Learners' own pages: login required.
LEARNER = {
    "courses:module", "courses:lesson", "courses:lesson_complete", "quizzes:quiz",
    "quizzes:quiz_answer", "quizzes:quiz_retake", "quizzes:test", "quizzes:test_start",
    "labs:lab", "labs:send", "accounts:password_change",
}  # fmt: skip
# Objects that belong to one learner: another learner gets 404.
OWNED = {
    "quizzes:attempt", "quizzes:question", "quizzes:answer", "quizzes:review", "quizzes:submit",
    "quizzes:result", "labs:conversation", "labs:message", "labs:stream", "labs:stop", "labs:retry",
    "labs:recalculate", "labs:restore",
}  # fmt: skip
STAFF = {
    "quizzes:reports", "quizzes:report_attempts", "quizzes:export_attempts",
    "quizzes:export_answers", "quizzes:report_learner", "quizzes:report_grant", "labs:spend",
    "quizzes:regrade",
}  # fmt: skip
INSTRUCTOR_PREFIXES = ("authoring:",)
INSTRUCTOR = {"quizzes:report_questions", "labs:evaluations"}


def all_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return names


def classify(name: str) -> str:
    if name in PUBLIC:
        return "public"
    if name in LEARNER:
        return "learner"
    if name in OWNED:
        return "owned"
    if name in STAFF:
        return "staff"
    if name in INSTRUCTOR or name.startswith(INSTRUCTOR_PREFIXES):
        return "instructor"
    return "unclassified"


def test_every_url_is_in_the_matrix():
    assert {n for n in all_url_names() if classify(n) == "unclassified"} == set()


@pytest.fixture
def world(course, learner, other_learner, instructor, admin_user):
    """Concrete URLs for every pattern, with owned objects belonging to `other_learner`."""
    from django.urls import reverse

    test = Quiz.objects.get(kind="test")
    attempt = Attempt.objects.create(user=other_learner, quiz=test, total=15)
    lab_obj = course.lessons.get(slug="token-economics").lab
    conversation = Conversation.objects.create(user=other_learner, lab=lab_obj, title="theirs")
    reply = Message.objects.create(conversation=conversation, role="assistant", status="failed")
    calculation = Calculation.objects.create(
        message=reply, order=1, tool="workload_cost", output={"command": "workload"},
        input={"model": "claude-haiku-5-5", "requests": 1, "per": "day", "output_tokens": 1},
    )  # fmt: skip
    lesson = course.lessons.get(slug="token-economics")
    quiz = lesson.quiz
    values = {
        "module": "cost-optimization", "lesson": "token-economics", "number": 1, "key": "te-q1",
        "slug": "cost-estimator", "model_id": "claude-haiku-5-5", "kind": "lesson",
        "object_id": lesson.pk, "conversation": conversation.pk, "uidb64": "MQ", "token": "x-y",
    }  # fmt: skip
    per_name_pk = {
        "quizzes": attempt.pk, "labs": reply.pk, "report": other_learner.pk,
        "labs:calculation": calculation.pk,
        "authoring:lesson": lesson.pk, "authoring:quiz": quiz.pk, "authoring:question": quiz.pk,
    }  # fmt: skip
    urls = {}
    for name in all_url_names():
        pattern = _pattern(name)
        kwargs = {}
        for key in pattern.converters if pattern else {}:
            if key != "pk":
                kwargs[key] = values[key]
            elif name.startswith("quizzes:report"):
                kwargs["pk"] = per_name_pk["report"]
            elif name.startswith("quizzes:"):
                kwargs["pk"] = per_name_pk["quizzes"]
            elif name in ("labs:recalculate", "labs:restore"):
                kwargs["pk"] = per_name_pk["labs:calculation"]
            elif name.startswith("labs:"):
                kwargs["pk"] = per_name_pk["labs"]
            elif name.startswith("authoring:lesson"):
                kwargs["pk"] = per_name_pk["authoring:lesson"]
            else:
                kwargs["pk"] = per_name_pk["authoring:quiz"]
        urls[name] = reverse(name, kwargs=kwargs)
    return urls


def _pattern(name: str):
    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver) and p.namespace == (namespace or None):
            for q in p.url_patterns:
                if isinstance(q, URLPattern) and q.name == short:
                    return q.pattern
        if not namespace and isinstance(p, URLPattern) and p.name == short:
            return p.pattern
    return None


def fetch(client: Client, url: str) -> list[int]:
    return [client.get(url).status_code, client.post(url).status_code]


def as_user(client: Client, user, world: dict):
    """(name, url) pairs, logging `user` in again before each: logout is one of the URLs."""
    for name, url in world.items():
        client.force_login(user)
        yield name, url


def test_anonymous_visitors_reach_only_public_pages(client, world):
    for name, url in world.items():
        kind = classify(name)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if kind == "public":
                assert response.status_code < 500, (name, method)
                assert not (response.status_code == 302 and "/accounts/login/" in response.url
                            and name != "accounts:logout"), (name, method)  # fmt: skip
            else:
                assert response.status_code == 302, (name, method, response.status_code)
                assert response.url.startswith("/accounts/login/"), (name, method)


def test_a_learner_gets_403_on_staff_and_instructor_pages_and_404_on_others_objects(
    client, learner, world
):
    for name, url in as_user(client, learner, world):
        kind = classify(name)
        statuses = fetch(client, url)
        if kind in ("staff", "instructor"):
            assert statuses == [403, 403], (name, statuses)
        elif kind == "owned":
            assert all(s in (404, 405) for s in statuses), (name, statuses)
            assert 404 in statuses, (name, statuses)
        else:
            assert all(s < 500 and s != 403 for s in statuses), (name, statuses)


def test_an_instructor_reaches_authoring_and_question_stats_but_not_staff_reports(
    client, instructor, world
):
    for name, url in as_user(client, instructor, world):
        kind = classify(name)
        status = client.get(url).status_code
        if kind == "staff":
            assert status == 403, name
        elif kind == "instructor":
            assert status not in (302, 403) and status < 500, (name, status)


def test_an_admin_reaches_every_staff_and_instructor_page(client, admin_user, world):
    for name, url in as_user(client, admin_user, world):
        if classify(name) in ("staff", "instructor"):
            status = client.get(url).status_code
            assert status not in (302, 403) and status < 500, (name, status)


def test_every_post_without_a_csrf_token_is_refused(admin_user, world):
    strict = Client(enforce_csrf_checks=True)
    for name, url in as_user(strict, admin_user, world):
        assert strict.post(url).status_code == 403, name


def test_the_admin_site_is_for_staff_only(client, learner):
    assert client.get("/admin/").status_code == 302
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response.url


def test_head_answers_like_get_on_every_page_and_sends_no_body(client, admin_user, world):
    """Load balancers and link checkers send HEAD: every page that answers GET answers it."""
    for name, url in as_user(client, admin_user, world):
        get = client.get(url)
        if get.status_code == 405:
            continue  # a POST-only URL
        client.force_login(admin_user)
        head = client.head(url)
        assert head.status_code == get.status_code, (name, get.status_code, head.status_code)
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", name


def test_put_and_delete_are_refused_on_every_url(client, admin_user, world):
    for name, url in as_user(client, admin_user, world):
        if name == "accounts:login":
            client.logout()  # a signed-in visitor is sent on before the method is looked at
        for method in ("put", "delete"):
            status = getattr(client, method)(url).status_code
            assert status == 405, (name, method, status)


def test_authoring_pages_refuse_put_and_delete_even_for_their_instructors(
    client, instructor, world
):
    for name, url in as_user(client, instructor, world):
        if classify(name) == "instructor":
            for method in ("put", "delete"):
                assert getattr(client, method)(url).status_code == 405, (name, method)
