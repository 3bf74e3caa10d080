"""The course's outline (modules, their lessons, each lesson's quiz and lab), cached per content
version.

Every learner page shows it, the same for every learner, and it changes only when an instructor
publishes or content is synced: reading it from the database on each page cost two or three
queries and the time to build a dozen model instances. It is kept in each process, under a
version token that lives in the shared cache (file cache or Redis), so a change made by one
process is seen by every other at its next request.

The token changes whenever a module, lesson, quiz or lab is saved or deleted, once at once and
once more when the transaction commits: a page that read the token between the save and the
commit may have cached the old rows under the new token, and the second change retires them.

The outline's lessons leave out the bodies (`body_html` and the rest), and re-rendering after a
price change writes lesson and lab texts with `update()`, which sends no signal: a page that
shows a lesson's or a lab's text reads that row itself. Nothing may change the instances handed
out here; every request in the process shares them.
"""

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.http import Http404

from courses.models import Lesson, Module

if TYPE_CHECKING:
    from quizzes.models import Quiz

VERSION_KEY = "courses:content-version"


@dataclass(frozen=True)
class Outline:
    modules: list[Module]
    lessons: dict[int, list[Lesson]]  # by module pk, in lesson order
    tests: dict[int, "Quiz"]  # by module pk, for the modules that have a test
    # Other content kept for this version, filled as pages ask (quizzes/questions.py).
    memo: dict[str, object] = field(default_factory=dict)

    def module(self, slug: str) -> Module:
        module = next((m for m in self.modules if m.slug == slug), None)
        if module is None:
            raise Http404("No such module.")
        return module

    def test(self, module: Module) -> "Quiz":
        quiz = self.tests.get(module.pk)
        if quiz is None:
            raise Http404("This module has no test.")
        return quiz

    def lessons_by_pk(self) -> dict[int, Lesson]:
        return {lesson.pk: lesson for lessons in self.lessons.values() for lesson in lessons}

    def lesson(self, module: Module, slug: str) -> Lesson:
        lesson = next((item for item in self.lessons[module.pk] if item.slug == slug), None)
        if lesson is None:
            raise Http404("No such lesson.")
        return lesson


log = logging.getLogger(__name__)
_current: tuple[str, Outline] | None = None


def content_version() -> str:
    """The shared token of the content's version; "" (nothing reused) while the cache is down,
    so a Redis outage slows pages instead of breaking them, and a sync still runs."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # add, not set: two processes starting at once agree on one token.
            cache.add(VERSION_KEY, uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY) or ""
    except Exception:  # the cache backend's own connection errors differ by backend
        log.warning("cache unavailable: the course outline is read from the database")
        return ""
    return version


def course_outline() -> Outline:
    """The outline for the current content version: no query unless the content changed."""
    global _current
    version = content_version()
    current = _current
    if current is not None and current[0] == version and version:
        return current[1]
    from quizzes.models import Quiz

    modules = list(Module.objects.order_by("number"))
    lessons: dict[int, list[Lesson]] = {module.pk: [] for module in modules}
    by_pk = {module.pk: module for module in modules}
    # quiz and lab are reverse one-to-ones: joined, not one query each.
    for lesson in (
        Lesson.objects.select_related("quiz", "lab")
        .defer("body_markdown", "body_html", "key_terms_html")
        .order_by("module__number", "order")
    ):
        lesson.module = by_pk[lesson.module_id]
        # The reverse relations too, so that quiz.module or lab.lesson.module costs no query.
        if quiz := getattr(lesson, "quiz", None):
            quiz.module, quiz.lesson = lesson.module, lesson
        if lab := getattr(lesson, "lab", None):
            lab.lesson = lesson
        lessons[lesson.module_id].append(lesson)
    tests = {}
    for quiz in Quiz.objects.filter(kind=Quiz.Kind.TEST).order_by("pk"):
        quiz.module = by_pk[quiz.module_id]
        tests.setdefault(quiz.module_id, quiz)
    outline = Outline(modules, lessons, tests)
    _current = (version, outline)
    return outline


def _retire_version() -> None:
    try:
        cache.set(VERSION_KEY, uuid4().hex, timeout=None)
    except Exception:
        # Nothing is reused while the cache is down (content_version is ""), and a cache that
        # comes back empty starts a new token: no stale outline either way.
        log.warning("cache unavailable: the content version was not retired")


def content_changed(**kwargs: object) -> None:
    """Signal receiver for every model the outline is built from."""
    _retire_version()
    transaction.on_commit(_retire_version)
