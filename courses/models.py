from django.conf import settings
from django.db import models
from django.urls import reverse


class Module(models.Model):
    slug = models.SlugField(unique=True)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Module test pass mark, %")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Module {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        # Kept on the instance, as for lessons: every page links the module more than once.
        cached = self.__dict__.get("_url")
        if cached is None or cached[0] != self.slug:
            cached = self.__dict__["_url"] = (
                self.slug,
                reverse("courses:module", args=[self.slug]),
            )
        return cached[1]


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField()
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(default=20)
    guiding_question = models.TextField()
    objectives = models.JSONField(default=list)
    key_terms = models.JSONField(default=list, help_text="[{term, definition}]")
    body_markdown = models.TextField(help_text="The source, with living-number shortcodes")
    # Rendered once, at sync or save: sanitized HTML with the calculator's figures filled in.
    body_html = models.TextField(editable=False)
    key_terms_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_per_module")
        ]

    def __str__(self) -> str:
        return f"L{self.order} {self.title}"

    def get_absolute_url(self) -> str:
        # Kept on the instance: a page links each lesson of the cached course outline several
        # times (navigation, steps, next and previous), and reverse() is not free.
        key = (self.module.slug, self.slug)
        cached = self.__dict__.get("_url")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_url"] = (key, reverse("courses:lesson", args=list(key)))
        return cached[1]


class LessonProgress(models.Model):
    """A learner has read a lesson (opened it to the end, or marked it done)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lesson progress"
        verbose_name_plural = "lesson progress"  # Django's default says "lesson progresss"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.lesson}"
