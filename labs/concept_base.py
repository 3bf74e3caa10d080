"""The published concept base, read from the database, as the offline tutor answers from it.

Building the BM25 index takes a few milliseconds for the whole base, too slow to repeat on every
answer, so each process keeps the index it built and rebuilds it only when the table's version
moves: the count of rows and the newest `updated_at`. Every publish and every sync saves the
rows it changes, which bumps that version in the database, so all processes (the web server and
every worker) see the change on their next answer; checking costs one small aggregate query.
Living numbers are filled in at answer time from the price table the turn uses, so a price
change needs no rebuild.
"""

from functools import lru_cache

from django.db.models import Count, Max

from labs.models import Concept as ConceptRow
from labs.tutor.concepts import Concept, ConceptBase


def concept_from_row(row: ConceptRow) -> Concept:
    return Concept(
        slug=row.slug,
        lesson=row.lesson.slug,
        section=row.section,
        title=row.title,
        questions=tuple(row.questions),
        keywords=tuple(row.keywords),
        answer=row.answer,
        module=row.lesson.module.slug,
        also=tuple(row.also),
    )


def published_concepts() -> list[Concept]:
    rows = ConceptRow.objects.select_related("lesson__module")
    return [concept_from_row(row) for row in rows]


def concept_base_version() -> tuple[int, str]:
    stamp = ConceptRow.objects.aggregate(count=Count("pk"), newest=Max("updated_at"))
    return stamp["count"], str(stamp["newest"])


@lru_cache(maxsize=2)
def _base_at(version: tuple[int, str]) -> ConceptBase:
    return ConceptBase(published_concepts())


def published_concept_base() -> ConceptBase:
    """The index of the published concepts, rebuilt only when a publish or sync changed them."""
    return _base_at(concept_base_version())
