"""A learner's progress through a module, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from courses.models import Lesson, LessonProgress, Module
from courses.navigation import course_outline


@dataclass
class Step:
    kind: str  # lesson | quiz | lab | test
    label: str
    url: str
    done: bool
    detail: str = ""

    @property
    def required(self) -> bool:
        """Reading every lesson and passing the test complete the module; the lesson quizzes
        (practice) and the labs are there to learn with, and do not gate it."""
        return self.kind in ("lesson", "test")


@dataclass
class LessonStatus:
    lesson: Lesson
    read: bool
    quiz_best: int | None  # best score out of quiz_total, None when never completed
    quiz_total: int
    lab_used: bool
    quiz_count: int = 0  # finished attempts that count (not voided)

    @property
    def quiz_done(self) -> bool:
        return self.quiz_best is not None


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[LessonStatus]
    test_best_percent: int | None
    test_passed: bool
    steps: list[Step] = field(default_factory=list)

    @property
    def required_steps(self) -> list[Step]:
        return [step for step in self.steps if step.required]

    @property
    def done_count(self) -> int:
        """Required steps done: what the percentage and "n of m" mean."""
        return sum(step.done for step in self.required_steps)

    @property
    def percent(self) -> int:
        required = self.required_steps
        return round(100 * self.done_count / len(required)) if required else 0

    @property
    def practice_done(self) -> int:
        return sum(step.done for step in self.steps if not step.required)

    @property
    def practice_count(self) -> int:
        return sum(not step.required for step in self.steps)

    @property
    def complete(self) -> bool:
        """The module is complete once its test is passed and every lesson has been read."""
        return self.test_passed and all(status.read for status in self.lessons)

    @property
    def left(self) -> str:
        """What is left to complete the module, in words ("read lessons 2 and 3, pass the
        module test"); empty once complete."""
        unread = [str(status.lesson.order) for status in self.lessons if not status.read]
        parts = []
        if unread:
            numbers = (
                unread[0] if len(unread) == 1 else f"{', '.join(unread[:-1])} and {unread[-1]}"
            )
            parts.append(f"read lesson{'s' if len(unread) > 1 else ''} {numbers}")
        if not self.test_passed:
            parts.append("pass the module test")
        return ", ".join(parts)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    def status_for(self, lesson: Lesson) -> LessonStatus | None:
        return next((s for s in self.lessons if s.lesson.pk == lesson.pk), None)


def lessons_of(module: Module) -> list[Lesson]:
    """The module's lessons in order, each with its quiz and lab, from the cached outline (the
    bodies are not loaded)."""
    lessons = course_outline().lessons.get(module.pk)
    if lessons is None:  # a module this process's outline does not know yet
        return list(
            Lesson.objects.filter(module=module)
            .select_related("module", "quiz", "lab")
            .defer("body_markdown", "body_html", "key_terms_html")
            .order_by("order")
        )
    return lessons


# The three parts of a learner's history in a module, one UNION ALL: each part gives the same
# five columns (what the row is, its key, then best/total/count for attempts, null elsewhere).
# Written as SQL because building the same three querysets with the ORM (joins, grouping, the
# union) took a quarter of a quiz page's time, every page, for a query that runs in well
# under a millisecond. The tables are the models' own; the SQL is the same on SQLite and
# PostgreSQL (which needs every column typed alike across the union).
# tests/courses/test_progress.py holds what each part counts.
_HISTORY_SQL = """
SELECT 'read', p.lesson_id, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER)
  FROM {progress} p JOIN {lesson} l ON l.id = p.lesson_id
 WHERE p.user_id = %(user)s AND l.module_id = %(module)s
UNION ALL
SELECT q.kind, a.quiz_id, CAST(MAX(a.score) AS INTEGER), CAST(MAX(a.total) AS INTEGER),
       CAST(COUNT(a.id) AS INTEGER)
  FROM {attempt} a JOIN {quiz} q ON q.id = a.quiz_id
 WHERE a.user_id = %(user)s AND q.module_id = %(module)s
   AND a.submitted_at IS NOT NULL AND a.voided = %(false)s
 GROUP BY q.kind, a.quiz_id
UNION ALL
SELECT DISTINCT 'lab', c.lab_id, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER),
       CAST(NULL AS INTEGER)
  FROM {message} m
  JOIN {conversation} c ON c.id = m.conversation_id
  JOIN {calculation} k ON k.message_id = m.id
  JOIN {lab} b ON b.id = c.lab_id
  JOIN {lesson} l ON l.id = b.lesson_id
 WHERE c.user_id = %(user)s AND l.module_id = %(module)s AND c.is_trial = %(false)s
   AND m.role = %(assistant)s AND m.status IN (%(done)s, %(stopped)s) AND k.is_error = %(false)s
"""


def _history_sql() -> str:
    from labs.models import Calculation, Conversation, Lab, Message
    from quizzes.models import Attempt, Quiz

    tables = {"progress": LessonProgress, "lesson": Lesson, "attempt": Attempt, "quiz": Quiz,
              "message": Message, "conversation": Conversation, "calculation": Calculation,
              "lab": Lab}  # fmt: skip
    return _HISTORY_SQL.format(
        **{name: connection.ops.quote_name(model._meta.db_table) for name, model in tables.items()}
    )


def _history(user: AbstractBaseUser, module: Module) -> tuple[set[int], dict[int, dict], set[int]]:
    """The lessons read, the best finished attempt per quiz (not voided) and the labs used, in
    one query.

    A lab counts once it has given the learner a reply with a calculation: sending a message
    (or a greeting answered with a welcome) is not yet using the lab."""
    from labs.models import Message

    read_ids: set[int] = set()
    best: dict[int, dict] = {}
    labs_used: set[int] = set()
    params = {"user": user.pk, "module": module.pk, "false": False,
              "assistant": Message.Role.ASSISTANT.value, "done": Message.Status.DONE.value,
              "stopped": Message.Status.STOPPED.value}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_history_sql(), params)
        rows = cursor.fetchall()
    for part, key, best_score, total, count in rows:
        if part == "read":
            read_ids.add(key)
        elif part == "lab":
            labs_used.add(key)
        else:  # a quiz kind: lesson or test
            best[key] = {"quiz__kind": part, "best": best_score, "total": total, "count": count}
    return read_ids, best, labs_used


def module_progress(
    user: AbstractBaseUser, module: Module, lessons: list[Lesson] | None = None
) -> ModuleProgress:
    """One query (with the outline cached), however much content and history there is."""
    lessons = lessons if lessons is not None else lessons_of(module)
    read, best, labs_used = _history(user, module)
    statuses: list[LessonStatus] = []
    steps: list[Step] = []
    for lesson in lessons:
        quiz = getattr(lesson, "quiz", None)
        lab = getattr(lesson, "lab", None)
        row = best.get(quiz.pk) if quiz else None
        status = LessonStatus(
            lesson=lesson,
            read=lesson.pk in read,
            quiz_best=row["best"] if row else None,
            quiz_total=row["total"] if row else 0,
            lab_used=bool(lab and lab.pk in labs_used),
            quiz_count=row["count"] if row else 0,
        )
        statuses.append(status)
        url = lesson.get_absolute_url()
        steps.append(Step("lesson", f"L{lesson.order} {lesson.title}", url, status.read))
        if quiz:
            detail = f"best {status.quiz_best}/{status.quiz_total}" if status.quiz_done else ""
            steps.append(
                Step("quiz", f"L{lesson.order} practice quiz", url + "quiz/", status.quiz_done,
                     detail)
            )  # fmt: skip
        if lab:
            steps.append(
                Step("lab", f"L{lesson.order} lab: {lab.title}", url + "lab/", status.lab_used)
            )
    from quizzes.models import Quiz

    test_row = next((r for r in best.values() if r["quiz__kind"] == Quiz.Kind.TEST), None)
    test_percent = (
        round(100 * test_row["best"] / test_row["total"])
        if test_row and test_row["total"]
        else None
    )
    passed = test_percent is not None and test_percent >= module.pass_mark
    steps.append(
        Step("test", "Module test", module.get_absolute_url() + "test/", passed,
             f"best {test_percent}%" if test_percent is not None else "")
    )  # fmt: skip
    return ModuleProgress(module, statuses, test_percent, passed, steps)
