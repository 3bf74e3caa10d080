from django.contrib import admin
from django.http import HttpRequest

from labs.models import ApiCall, Calculation, Conversation, EvalRun, Lab, Message


class LogAdmin(admin.ModelAdmin):
    """A record of what happened (a Claude call and its cost, a conversation, a published
    revision, an evaluation run): staff read it here, but an edit or a deletion would falsify
    spend reports, history and support, so the admin offers no Add, Change or Delete."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "engine", "lesson"]
    search_fields = ["title", "slug"]


class MessageInline(admin.TabularInline):
    model = Message
    fields = ["role", "status", "engine", "text", "error", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Conversation)
class ConversationAdmin(LogAdmin):
    """Staff read learners' lab conversations here, for support."""

    list_display = ["__str__", "user", "lab", "created_at", "updated_at"]
    list_filter = ["lab"]
    search_fields = ["title", "user__username", "user__email"]
    list_select_related = ["user", "lab"]
    inlines = [MessageInline]
    readonly_fields = ["user", "lab", "created_at", "updated_at"]


class CalculationInline(admin.TabularInline):
    model = Calculation
    fields = ["order", "tool", "input", "output", "is_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Message)
class MessageAdmin(LogAdmin):
    list_display = ["pk", "conversation", "role", "status", "engine", "attempts", "created_at"]
    list_filter = ["status", "role", "engine", "conversation__lab"]
    search_fields = ["text", "error", "error_detail", "conversation__user__username"]
    list_select_related = ["conversation"]
    readonly_fields = [
        "conversation", "role", "engine", "created_at", "updated_at", "started_at", "finished_at",
        "attempts", "error_detail",
    ]  # fmt: skip
    inlines = [CalculationInline]


@admin.register(ApiCall)
class ApiCallAdmin(LogAdmin):
    list_display = [
        "created_at", "model", "purpose", "user", "lab", "input_tokens", "cache_read_tokens",
        "cache_write_5m_tokens", "output_tokens", "cost_usd",
    ]  # fmt: skip
    list_filter = ["model", "purpose", "lab"]
    search_fields = ["user__username", "request_id"]
    list_select_related = ["user", "lab"]
    date_hierarchy = "created_at"


@admin.register(EvalRun)
class EvalRunAdmin(LogAdmin):
    list_display = ["created_at", "lab", "engine", "model", "right", "asked", "wrong", "total"]
    list_filter = ["lab", "engine"]
    date_hierarchy = "created_at"
