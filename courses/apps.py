from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        from courses.navigation import content_changed

        # The cached course outline is built from these; any write retires it.
        for model in ("courses.Module", "courses.Lesson", "quizzes.Quiz", "labs.Lab"):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"outline-{model}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"outline-{model}-d")
