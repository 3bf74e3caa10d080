"""A learner's progress through a module, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max

from courses.models import Lesson, LessonProgress, Module


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
    # quiz and lab are reverse one-to-ones: joined, not one query each.
    return list(
        Lesson.objects.filter(module=module)
        .select_related("module", "quiz", "lab")
        .defer("body_markdown", "body_html", "key_terms_html")
        .order_by("order")
    )


def module_progress(
    user: AbstractBaseUser, module: Module, lessons: list[Lesson] | None = None
) -> ModuleProgress:
    """Four queries (three when `lessons` is given), however much content there is."""
    from labs.models import Message
    from quizzes.models import Attempt, Quiz

    lessons = lessons if lessons is not None else lessons_of(module)
    read = set(
        LessonProgress.objects.filter(user=user, lesson__module=module).values_list(
            "lesson_id", flat=True
        )
    )
    best = {
        row["quiz_id"]: row
        for row in Attempt.objects.filter(
            user=user, quiz__module=module, submitted_at__isnull=False, voided=False
        )
        .values("quiz_id", "quiz__kind")
        .annotate(best=Max("score"), total=Max("total"))
    }
    # A lab counts once it has given the learner a reply with a calculation: sending a message
    # (or a greeting answered with a welcome) is not yet using the lab.
    labs_used = set(
        Message.objects.filter(
            conversation__user=user,
            conversation__lab__lesson__module=module,
            conversation__is_trial=False,
            role=Message.Role.ASSISTANT,
            status__in=(Message.Status.DONE, Message.Status.STOPPED),
            calculations__is_error=False,
        )
        .order_by()
        .values_list("conversation__lab_id", flat=True)
        .distinct()
    )
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
