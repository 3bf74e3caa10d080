from django.conf import settings
from django.db import models


class Quiz(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson quiz"
        TEST = "test", "Module test"

    module = models.ForeignKey("courses.Module", on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.OneToOneField(
        "courses.Lesson", on_delete=models.CASCADE, null=True, blank=True, related_name="quiz"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="%")

    class Meta:
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(
                fields=["module"], condition=models.Q(kind="test"), name="one_test_per_module"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(help_text="Stable id from the content files")
    order = models.PositiveSmallIntegerField()
    # A module-test item's slot (1-15): an attempt draws one item per slot, and the items of a
    # slot test the same objective. Lesson-quiz questions have none.
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.CASCADE, related_name="test_questions", null=True
    )
    stem_markdown = models.TextField()
    stem_html = models.TextField(editable=False)
    is_active = models.BooleanField(default=True)
    # A scenario item's template (quizzes/scenarios.py): {"kind": ..., "params": {...}}. Its
    # numbers are drawn afresh for every attempt. Empty for an item with fixed text.
    scenario = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["quiz", "order"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key"], name="question_key_per_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.key}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField()
    text_markdown = models.TextField()
    text_html = models.TextField(editable=False)
    is_correct = models.BooleanField(default=False)
    feedback_markdown = models.TextField()
    feedback_html = models.TextField(editable=False)
    # A scenario option's computation: "key" for the right answer, otherwise the named mistake
    # it reproduces (quizzes/scenarios.py). Empty for an option with fixed text.
    computes = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_order_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question.key}#{self.order}"


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(null=True)
    # The module-test items this attempt drew (one per slot) with their per-attempt option
    # order: {question_id: [choice_id, ...]}. Its keys are the attempt's questions.
    choice_order = models.JSONField(default=dict, blank=True)
    # An admin's reset voids an attempt: it stays on record but no longer counts.
    voided = models.BooleanField(default=False)
    # What each scenario item of a module-test attempt drew, fixed at the start:
    # {question_id: Draw.as_data()}. Its pages, grading and review read it, never the live table.
    draws = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["quiz", "user", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int | None:
        if self.score is None or not self.total:
            return None
        return round(100 * self.score / self.total)


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="answers")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now=True)
    # A lesson-quiz scenario item's draw as the learner answered it (Draw.as_data()); a test
    # attempt keeps its draws on the attempt.
    drawn = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question.key}"


class RetakeGrant(models.Model):
    """An admin lets a learner retake the module test now (skipping the cooldown), or resets
    their attempts (voids them) — always with a recorded reason."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Grant an extra attempt now"
        RESET = "reset", "Reset (void) the learner's attempts"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retake_grants"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="retake_grants")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GRANT)
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} ({self.created_at:%Y-%m-%d})"


class Regrade(models.Model):
    """Staff re-scored a test's submitted attempts after a key changed (an item edit or a
    price-table publish), with the reason the learners are shown."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="regrades")
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Regrade of {self.quiz} ({self.created_at:%Y-%m-%d})"


class RegradeChange(models.Model):
    """One attempt whose score a regrade changed: the note on its result page."""

    regrade = models.ForeignKey(Regrade, on_delete=models.CASCADE, related_name="changes")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    old_score = models.PositiveSmallIntegerField()
    new_score = models.PositiveSmallIntegerField()
    old_passed = models.BooleanField(null=True)
    new_passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["regrade__created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.old_score} -> {self.new_score}"
