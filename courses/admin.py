from django.contrib import admin

from courses.models import Lesson, LessonProgress, Module


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "slug", "pass_mark", "updated_at"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "slug", "module", "minutes", "updated_at"]
    list_filter = ["module"]
    search_fields = ["title", "body_markdown"]


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "read_at"]
    list_filter = ["lesson"]
    search_fields = ["user__username"]
    list_select_related = ["user", "lesson"]
