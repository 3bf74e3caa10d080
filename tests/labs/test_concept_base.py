"""The concept base the offline tutor answers from: the published rows in a lab turn, indexed
once per version; the files where no database is used."""

import pytest

from labs.concept_base import published_concept_base
from labs.evals import offline_ask
from labs.models import Concept

QUESTION = "how does prompt caching work"


@pytest.mark.django_db
def test_the_index_is_built_once_and_reused_until_a_saved_concept_bumps_the_version(
    course, django_assert_max_num_queries
):
    first = published_concept_base()
    assert len(first.concepts) == Concept.objects.count() >= 64
    with django_assert_max_num_queries(1):  # the version check only: no rows read, no build
        assert published_concept_base() is first
    concept = Concept.objects.get(slug="what-prompt-caching-stores")
    concept.answer = "Edited."
    concept.save()
    rebuilt = published_concept_base()
    assert rebuilt is not first
    assert next(c for c in rebuilt.concepts if c.slug == concept.slug).answer == "Edited."
    concept.delete()
    assert concept.slug not in {c.slug for c in published_concept_base().concepts}


def test_the_offline_evaluation_reads_the_concept_files_without_a_database():
    # No django_db mark: any query would fail this test.
    reply = offline_ask()("caching-strategist", [], QUESTION)
    assert reply.kind == "concept"
    assert "What does prompt caching actually store" in reply.text


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_table_of_a_site_that_already_holds_the_course(course_sources):
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from courses.content import sync_course
    from labs.tutor.concepts import load_concepts

    before = [("labs", "0007_concepts")]
    MigrationExecutor(connection).migrate(before)
    sync_course(course_sources)  # the course as an older release loaded it: no concepts
    assert not Concept.objects.exists()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    files = load_concepts(settings.CONTENT_DIR)
    assert Concept.objects.count() == len(files)
    assert published_concept_base().find(QUESTION).concept.slug == "what-prompt-caching-stores"
