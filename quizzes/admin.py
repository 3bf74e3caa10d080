"""Quizzes in the Django admin.

Questions and choices come from the content files (rendered to HTML at sync), and scores from
grading: the admin lists, filters and searches them, but changes neither. The one thing an
admin does here is record a retake grant or reset, with a reason, which is applied as it is
saved.
"""

from django.contrib import admin
from django.http import HttpRequest

from quizzes.models import Answer, Attempt, Choice, Question, Quiz, RetakeGrant
from quizzes.retakes import grant_retake


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["order", "text_markdown", "is_correct", "feedback_markdown"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "module", "kind", "lesson", "pass_mark", "question_count"]
    list_filter = ["module", "kind"]
    search_fields = ["title", "lesson__title"]
    list_select_related = ["module", "lesson"]
    readonly_fields = ["module", "lesson", "kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # quizzes come from the content files

    @admin.display(description="Questions")
    def question_count(self, obj: Quiz) -> int:
        return obj.questions.filter(is_active=True).count()


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["key", "quiz", "order", "lesson", "is_active"]
    list_filter = ["quiz", "is_active", "lesson"]
    search_fields = ["key", "stem_markdown"]
    list_select_related = ["quiz", "lesson"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "question", "order", "is_correct"]
    list_filter = ["is_correct", "question__quiz"]
    search_fields = ["question__key", "text_markdown"]
    list_select_related = ["question"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "is_correct", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["user", "quiz", "started_at", "submitted_at", "score", "total", "passed",
                    "voided"]  # fmt: skip
    list_filter = ["quiz__kind", "quiz", "passed", "voided", "submitted_at"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "started_at"
    list_select_related = ["user", "quiz"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "question", "choice", "is_correct", "answered_at"]
    list_filter = ["is_correct", "question__quiz"]
    search_fields = ["attempt__user__username", "question__key"]
    list_select_related = ["attempt__user", "attempt__quiz", "question", "choice__question"]
    raw_id_fields = ["attempt"]


@admin.register(RetakeGrant)
class RetakeGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "kind", "reason", "granted_by", "created_at", "used_at"]
    list_filter = ["kind", "quiz", "created_at"]
    search_fields = ["user__username", "user__email", "reason"]
    list_select_related = ["user", "quiz", "granted_by"]
    fields = ["user", "quiz", "kind", "reason"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: RetakeGrant | None = None) -> list:
        # A recorded grant is history: it can be read, not rewritten.
        return (
            ["user", "quiz", "kind", "reason", "granted_by", "created_at", "used_at"] if obj else []
        )

    def get_fields(self, request: HttpRequest, obj: RetakeGrant | None = None) -> list:
        return self.get_readonly_fields(request, obj) or self.fields

    def formfield_for_foreignkey(
        self, db_field: object, request: HttpRequest, **kwargs: object
    ) -> object:
        if db_field.name == "quiz":
            kwargs["queryset"] = Quiz.objects.filter(kind=Quiz.Kind.TEST)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: RetakeGrant, form: object, change: bool
    ) -> None:
        if change:
            return
        # Through grant_retake, so a reset voids the attempts exactly as the report page does.
        saved = grant_retake(obj.user, obj.quiz, obj.kind, obj.reason, request.user)
        obj.pk = saved.pk
        obj.created_at, obj.used_at = saved.created_at, saved.used_at
        obj.granted_by = saved.granted_by
