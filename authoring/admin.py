from django.contrib import admin

from authoring.models import Draft, Revision, StatusRender
from labs.admin import LogAdmin


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "author", "updated_at"]
    list_filter = ["kind"]


@admin.register(Revision)
class RevisionAdmin(LogAdmin):
    list_display = ["kind", "object_id", "number", "source", "author", "created_at", "in_files"]
    list_filter = ["kind", "source", "in_files"]
    readonly_fields = ["kind", "object_id", "number", "data", "source", "effects", "author",
                       "created_at"]  # fmt: skip


@admin.register(StatusRender)
class StatusRenderAdmin(LogAdmin):
    list_display = ["on", "since", "created_at"]
