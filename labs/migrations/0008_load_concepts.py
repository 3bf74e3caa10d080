"""Fill the new concept table from content/ in a database that already holds the course.

Before this release the tutor read the concept files directly; a lab turn now reads the table.
`sync_content --if-empty` (what the make targets run) skips a database that holds a module, so
without this step an upgraded site would answer no idea question until someone ran a full sync.
A fresh database has no lessons yet: nothing to do, sync_content loads the concepts with them.
"""

from pathlib import Path

from django.conf import settings
from django.db import migrations


def load_concepts(apps: object, schema_editor: object) -> None:
    from labs.tutor.concepts import ConceptFileError
    from labs.tutor.concepts import load_concepts as read_concept_files

    Lesson = apps.get_model("courses", "Lesson")
    Concept = apps.get_model("labs", "Concept")
    if Concept.objects.exists() or not Lesson.objects.exists():
        return
    try:
        concepts = read_concept_files(Path(settings.CONTENT_DIR))
    except ConceptFileError:
        return  # sync_content reports the file; a migration must not fail on content
    order: dict[tuple[str, str], int] = {}
    for concept in concepts:
        key = (concept.module, concept.lesson)
        order[key] = order.get(key, 0) + 1
        lesson = Lesson.objects.filter(module__slug=concept.module, slug=concept.lesson).first()
        if lesson is None:
            continue
        Concept.objects.create(
            lesson=lesson, slug=concept.slug, order=order[key], section=concept.section,
            title=concept.title, questions=list(concept.questions),
            keywords=list(concept.keywords), answer=concept.answer, also=list(concept.also),
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("labs", "0007_concepts"), ("courses", "0001_initial")]

    operations = [migrations.RunPython(load_concepts, migrations.RunPython.noop)]
