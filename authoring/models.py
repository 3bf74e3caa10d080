"""Drafts and published history of what instructors edit in the app.

Learners always read the live rows (courses.Lesson, quizzes.Quiz/Question/Choice, labs.Lab); an
instructor's edit is a `Draft` until it is published. Publishing copies the draft into the live
rows and records a `Revision`: the full snapshot of the edited fields, who and when. The price
table has no live row of its own: its revisions *are* the table (see authoring/pricing.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    LESSON = "lesson", "Lesson"
    QUIZ = "quiz", "Quiz"
    LAB = "lab", "Lab"
    PRICES = "prices", "Price table"
    CONCEPT = "concept", "Concept"


# The price table is one object: its drafts and revisions use this object id.
PRICES_ID = 0


class Draft(models.Model):
    """Unpublished edits to one object: the same shape as a revision's snapshot.

    One draft per object, shared by the instructors (the last to save wins)."""

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    data = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_draft_per_object")
        ]

    def __str__(self) -> str:
        return f"draft of {self.kind} {self.object_id}"


class Revision(models.Model):
    """One published version of an object, numbered from 1 per object."""

    class Source(models.TextChoices):
        APP = "app", "Published in the app"
        FILES = "files", "Loaded from content/"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    data = models.JSONField(help_text="Every edited field, as the editor holds them")
    source = models.CharField(max_length=10, choices=Source.choices)
    note = models.TextField(blank=True)
    # Price table revisions: the living numbers the change moved, for the instructor to check.
    effects = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # True once content/ holds this version: it came from sync_content, or export_content ran
    # after it. sync_content refuses to overwrite an object with a revision not in the files.
    in_files = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "object_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "number"], name="revision_number_per_object"
            )
        ]
        indexes = [models.Index(fields=["in_files", "kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} v{self.number}"


class StatusRender(models.Model):
    """One day's re-render of the texts whose status wording the calendar moved.

    A model's status follows its dates (labs.calculator.PriceTable.on), while lesson, quiz and
    lab HTML is rendered once and stored: the daily task (authoring.tasks.rerender_statuses)
    re-renders what a date changed and records it here, for the price page to report."""

    # The date the texts were re-rendered for; unique, so a duplicate run claims nothing.
    on = models.DateField(unique=True)
    # The date they were read on before (the previous run); null: the statuses as stated.
    since = models.DateField(null=True, blank=True)
    changes = models.JSONField(default=list, help_text='"Claude Sonnet 4.5: deprecated → retired"')
    # The living numbers that moved, in the shape of Revision.effects.
    effects = models.JSONField(default=list, blank=True)
    written = models.JSONField(default=list, blank=True, help_text="The texts stored again")
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"statuses on {self.on}"
