"""The progress query (one SQL UNION ALL, courses/progress.py) on PostgreSQL, which types a
union's columns strictly: untyped nulls beside the attempt columns failed there with
"UNION types smallint and text cannot be matched", on every learner page."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.integration.test_lab_pipeline import prepare
from tests.integration.test_postgres_restart import postgres  # noqa: F401 - the fixture
from tests.integration.test_worker_round_trip import service_env

pytestmark = pytest.mark.services

HISTORY = """
import json
from django.contrib.auth.models import User
from django.utils import timezone
from courses.models import Lesson, LessonProgress, Module
from courses.progress import module_progress
from labs.models import Calculation, Conversation, Lab, Message
from quizzes.models import Attempt, Quiz
user = User.objects.create_user("pg-progress")
module = Module.objects.get(slug="cost-optimization")
lesson = Lesson.objects.get(slug="token-economics")
LessonProgress.objects.create(user=user, lesson=lesson)
Attempt.objects.create(user=user, quiz=lesson.quiz, submitted_at=timezone.now(), score=2, total=3)
Attempt.objects.create(user=user, quiz=Quiz.objects.get(kind="test"),
                       submitted_at=timezone.now(), score=12, total=15)
conversation = Conversation.objects.create(user=user, lab=lesson.lab, title="t")
reply = Message.objects.create(conversation=conversation, role="assistant", status="done")
Calculation.objects.create(message=reply, order=1, tool="t", input={}, output={})
progress = module_progress(user, module)
status = progress.status_for(lesson)
print(json.dumps({"read": status.read, "best": status.quiz_best, "total": status.quiz_total,
                  "count": status.quiz_count, "lab": status.lab_used,
                  "test": progress.test_best_percent, "passed": progress.test_passed}))
"""


def test_progress_reads_a_learners_history_on_postgresql(tmp_path, postgres):  # noqa: F811
    env = service_env(tmp_path, DATABASE_URL=postgres["url"])
    prepare(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", HISTORY],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "read": True, "best": 2, "total": 3, "count": 1, "lab": True, "test": 80, "passed": True,
    }  # fmt: skip
