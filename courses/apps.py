from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        from courses.navigation import content_changed

        # The content cached per version (courses/navigation.py) comes from these: any write
        # retires it.
        models = ("courses.Module", "courses.Lesson", "quizzes.Quiz", "quizzes.Question",
                  "quizzes.Choice", "labs.Lab")  # fmt: skip
        for model in models:
            post_save.connect(content_changed, sender=model, dispatch_uid=f"outline-{model}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"outline-{model}-d")
