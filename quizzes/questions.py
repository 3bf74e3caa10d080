"""A quiz's questions with their options, kept per content version.

The lesson quiz page and the module test's pages showed the same question and option rows to
every learner, read again (two queries and a hundred model instances on a result page) on each
request. They are content: they change when a quiz is published, synced or re-rendered after a
price change, all of which retire the content version (courses/navigation.py). Retired
questions are kept too, because old attempts show them. Callers only read what is returned.
"""

from courses.navigation import course_outline
from quizzes.models import Question, Quiz


def _all_questions(quiz: Quiz) -> dict[int, Question]:
    outline = course_outline()
    key = f"quiz-questions:{quiz.pk}"
    questions = outline.memo.get(key)
    if questions is None:
        lessons = outline.lessons_by_pk()
        rows = Question.objects.filter(quiz_id=quiz.pk).prefetch_related("choices")
        questions = {}
        for question in rows:
            # The outline's lesson, not a join that loads its whole text per question.
            if question.lesson_id in lessons:
                question.lesson = lessons[question.lesson_id]
            questions[question.pk] = question
        outline.memo[key] = questions
    return questions


def active_questions(quiz: Quiz) -> list[Question]:
    """The quiz's active questions in file order, each with its options."""
    return [q for q in _all_questions(quiz).values() if q.is_active]


def questions_in_slot_order(quiz: Quiz, ids: list[int]) -> list[Question]:
    """The given questions of the quiz in the order a test shows them (quizzes.pools.slot_order:
    by slot, those without one last, then file order)."""
    questions = _all_questions(quiz)
    chosen = [questions[pk] for pk in ids if pk in questions]
    return sorted(chosen, key=lambda q: (q.slot is None, q.slot or 0, q.order, q.pk))
