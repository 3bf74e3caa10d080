"""Score reports: per quiz, per learner and per question, aggregated in the database.

Every function here runs a number of queries that depends on how many quizzes there are, never
on how many learners, attempts or answers: counts, means, pass rates and option picks are
GROUP BY queries; a median or a 27% cut-off is read with one ORDER BY ... LIMIT 1 or 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
)
from django.db.models.functions import NullIf
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import staff_users
from quizzes.models import Answer, Attempt, Choice, Question, Quiz
from quizzes.scenarios import option_method

# Below this many answers a question's figures are shown with a warning: a handful of learners
# can swing facility by tens of points and the 27% groups are a few people each.
MIN_SAMPLE = 30
GROUP_SHARE = 0.27


def percent_of(prefix: str = "") -> ExpressionWrapper:
    """An attempt's score as a percentage, in SQL (NULL when it has no total)."""
    return ExpressionWrapper(
        F(f"{prefix}score") * 100.0 / NullIf(F(f"{prefix}total"), 0), output_field=FloatField()
    )


@dataclass(frozen=True)
class ReportFilter:
    """Date range (on when an attempt started, inclusive, in the site's time zone), learner
    (part of a username or email address), and whether staff's own attempts count (off unless
    asked: an instructor trying the test is not a learner)."""

    date_from: date | None = None
    date_to: date | None = None
    learner: str = ""
    include_staff: bool = False

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.learner or self.include_staff)

    def q(self, prefix: str = "") -> Q:
        """Conditions on attempts, for a query that reaches them through `prefix`."""
        q = Q()
        if self.date_from:
            start = timezone.make_aware(datetime.combine(self.date_from, time.min))
            q &= Q(**{f"{prefix}started_at__gte": start})
        if self.date_to:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
            q &= Q(**{f"{prefix}started_at__lt": end})
        if self.learner:
            q &= Q(**{f"{prefix}user__username__icontains": self.learner}) | Q(
                **{f"{prefix}user__email__icontains": self.learner}
            )
        if not self.include_staff:
            # A subquery, not a join through groups, so no attempt is counted twice.
            q &= ~Q(**{f"{prefix}user__in": staff_users()})
        return q

    def counted_q(self, prefix: str = "") -> Q:
        """Attempts that count: submitted, not reset by an admin, within the filter."""
        return Q(**{f"{prefix}submitted_at__isnull": False, f"{prefix}voided": False}) & self.q(
            prefix
        )

    def attempts(self) -> QuerySet[Attempt]:
        return Attempt.objects.filter(self.q())

    def counted(self) -> QuerySet[Attempt]:
        return Attempt.objects.filter(self.counted_q())

    def query_string(self) -> str:
        params = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "learner": self.learner,
            "staff": "1" if self.include_staff else "",
        }
        return urlencode({k: v for k, v in params.items() if v})


def report_quizzes() -> list[Quiz]:
    """Lesson quizzes in lesson order, then each module's test."""
    return list(
        Quiz.objects.select_related("module", "lesson").order_by(
            "module__number", "kind", "lesson__order"
        )
    )


@dataclass
class QuizSummary:
    quiz: Quiz
    learners: int = 0
    attempts: int = 0
    mean: float | None = None
    median: float | None = None
    passed: int = 0
    learners_passed: int = 0

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.attempts if self.attempts else None

    @property
    def learner_pass_rate(self) -> float | None:
        return 100 * self.learners_passed / self.learners if self.learners else None


def median_percent(attempts: QuerySet[Attempt], count: int) -> float | None:
    """The median score percentage, reading one or two rows from an ordered query."""
    if count == 0:
        return None
    middle = list(
        attempts.annotate(pct=percent_of())
        .order_by("pct")
        .values_list("pct", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    values = [v for v in middle if v is not None]
    return sum(values) / len(values) if values else None


def quiz_summaries(report_filter: ReportFilter, quizzes: list[Quiz]) -> list[QuizSummary]:
    """One GROUP BY for counts, means and pass rates, plus one median query per quiz."""
    counted = report_filter.counted()
    rows = {
        row["quiz_id"]: row
        for row in counted.values("quiz_id")
        .annotate(
            n_learners=Count("user_id", distinct=True),
            n_attempts=Count("pk"),
            mean_pct=Avg(percent_of()),
            n_passed=Count("pk", filter=Q(passed=True)),
            n_learners_passed=Count("user_id", distinct=True, filter=Q(passed=True)),
        )
        .order_by()
    }
    summaries = []
    for quiz in quizzes:
        row = rows.get(quiz.pk)
        if row is None:
            summaries.append(QuizSummary(quiz))
            continue
        summaries.append(
            QuizSummary(
                quiz,
                learners=row["n_learners"],
                attempts=row["n_attempts"],
                mean=row["mean_pct"],
                median=median_percent(counted.filter(quiz=quiz), row["n_attempts"]),
                passed=row["n_passed"],
                learners_passed=row["n_learners_passed"],
            )
        )
    return summaries


def learner_rows(report_filter: ReportFilter) -> QuerySet:
    """Every learner with their counts, for a paginated table (one query per page)."""
    counted = report_filter.counted_q("attempts__")
    test = counted & Q(attempts__quiz__kind=Quiz.Kind.TEST)
    users = get_user_model().objects.all()
    if not report_filter.include_staff:
        users = users.exclude(pk__in=staff_users())
    if report_filter.learner:
        users = users.filter(
            Q(username__icontains=report_filter.learner) | Q(email__icontains=report_filter.learner)
        )
    users = users.annotate(
        attempt_count=Count("attempts", filter=counted),
        quizzes_done=Count(
            "attempts__quiz", distinct=True, filter=counted & Q(attempts__quiz__kind="lesson")
        ),
        test_attempts=Count("attempts", filter=test),
        test_best=Max(percent_of("attempts__"), filter=test),
        test_passes=Count("attempts", filter=test & Q(attempts__passed=True)),
        last_activity=Max("attempts__submitted_at", filter=counted),
    ).order_by("username")
    if report_filter.date_from or report_filter.date_to:
        users = users.filter(attempt_count__gt=0)
    return users


@dataclass
class OptionStat:
    letter: str
    text_html: str
    is_correct: bool
    picks: int
    share: float | None


def option_html(question: Question, choice: Choice) -> str:
    """How the statistics name an option: its text, or for a scenario item what it computes,
    since its text is a template ("{amount} a day") that reads the same for every option."""
    if question.scenario and choice.computes:
        return escape(option_method(question.scenario, choice.computes))
    return choice.text_html


@dataclass
class QuestionStat:
    question: Question
    answers: int
    right: int
    facility: float | None  # share of answers that were right, 0..1
    discrimination: float | None  # upper-group facility minus lower-group facility, -1..1
    options: list[OptionStat]
    # Module test: how many counted attempts drew this item from its slot's pool (answered or
    # left blank); None for a lesson quiz, whose every attempt shows every question.
    drawn: int | None = None

    @property
    def small_sample(self) -> bool:
        return self.answers < MIN_SAMPLE


@dataclass
class SlotStat:
    """A module-test slot's pool: its items' figures added up. Facility per slot says how hard
    the objective is; the items' facilities beside it show whether the pool is fair (items of
    one slot should be about as hard as each other, or a retake is luck)."""

    slot: int
    items: list[QuestionStat]

    @property
    def drawn(self) -> int:
        return sum(item.drawn or 0 for item in self.items)

    @property
    def answers(self) -> int:
        return sum(item.answers for item in self.items)

    @property
    def right(self) -> int:
        return sum(item.right for item in self.items)

    @property
    def facility(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def spread(self) -> float | None:
        """The gap between the easiest and the hardest item that has answers."""
        values = [item.facility for item in self.items if item.facility is not None]
        return max(values) - min(values) if len(values) > 1 else None


@dataclass
class QuizQuestionStats:
    quiz: Quiz
    attempts: int
    group_size: int  # attempts in each 27% group (more when scores tie at the cut-off)
    upper_cutoff: float | None
    lower_cutoff: float | None
    questions: list[QuestionStat] = field(default_factory=list)
    slots: list[SlotStat] = field(default_factory=list)  # module tests only
    # Set when the figures were left out because so few attempts could point at one learner.
    withheld: bool = False

    @property
    def small_sample(self) -> bool:
        return self.attempts < MIN_SAMPLE


def _cutoffs(attempts: QuerySet[Attempt], count: int) -> tuple[int, float | None, float | None]:
    """Score percentages that bound the top and bottom 27% of attempts.

    Ties at a cut-off join its group, the usual convention: groups can be a little larger than
    27%, and with every score equal both groups are everyone (discrimination 0).
    """
    size = math.ceil(GROUP_SHARE * count)
    if count < 2 or size < 1:
        return 0, None, None
    ranked = attempts.annotate(pct=percent_of()).exclude(pct=None)
    upper = ranked.order_by("-pct").values_list("pct", flat=True)[size - 1 : size]
    lower = ranked.order_by("pct").values_list("pct", flat=True)[size - 1 : size]
    upper_list, lower_list = list(upper), list(lower)
    if not upper_list or not lower_list:
        return 0, None, None
    return size, upper_list[0], lower_list[0]


def question_stats(
    report_filter: ReportFilter, quizzes: list[Quiz], *, withhold_small: bool = False
) -> list[QuizQuestionStats]:
    """Facility, discrimination and option picks for every question of `quizzes`.

    Discrimination ranks a quiz's attempts by their total score on that quiz (for the module
    test, the total test score) and compares the top and bottom 27%. Queries: three for the
    whole page plus three per quiz, and one more per module test (how often each item was
    drawn from its slot).

    With `withhold_small`, a quiz whose filtered sample is under MIN_SAMPLE keeps its questions
    but loses every per-question figure: a date range narrowed to one or two learners would
    otherwise show which option each of them picked.
    """
    if not quizzes:
        return []
    counted_q = report_filter.counted_q("attempt__")
    counts = dict(
        report_filter.counted()
        .filter(quiz__in=quizzes)
        .values("quiz_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("quiz_id", "n")
    )
    questions = list(
        Question.objects.filter(quiz__in=quizzes)
        .prefetch_related("choices")
        .order_by("quiz_id", "order", "pk")
    )
    picks = dict(
        Answer.objects.filter(counted_q, question__quiz__in=quizzes)
        .values("choice_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("choice_id", "n")
    )
    results = []
    for quiz in quizzes:
        count = counts.get(quiz.pk, 0)
        size, upper, lower = _cutoffs(report_filter.counted().filter(quiz=quiz), count)
        aggregates: dict[str, object] = {
            "answers": Count("pk"),
            "right": Count("pk", filter=Q(is_correct=True)),
        }
        if upper is not None and lower is not None:
            aggregates |= {
                "upper": Count("pk", filter=Q(pct__gte=upper)),
                "upper_right": Count("pk", filter=Q(pct__gte=upper, is_correct=True)),
                "lower": Count("pk", filter=Q(pct__lte=lower)),
                "lower_right": Count("pk", filter=Q(pct__lte=lower, is_correct=True)),
            }
        rows = {
            row["question_id"]: row
            for row in Answer.objects.filter(counted_q, attempt__quiz=quiz)
            .alias(pct=percent_of("attempt__"))
            .values("question_id")
            .annotate(**aggregates)
            .order_by()
        }
        stats = QuizQuestionStats(quiz, count, size, upper, lower)
        mine = [q for q in questions if q.quiz_id == quiz.pk]
        drawn = _times_drawn(report_filter, quiz, mine) if quiz.kind == Quiz.Kind.TEST else {}
        for question in mine:
            row = rows.get(question.pk, {})
            answers = row.get("answers", 0)
            choices = list(question.choices.all())
            options = [
                OptionStat(
                    letter=chr(ord("A") + i),
                    text_html=option_html(question, choice),
                    is_correct=choice.is_correct,
                    picks=picks.get(choice.pk, 0),
                    share=picks.get(choice.pk, 0) / answers if answers else None,
                )
                for i, choice in enumerate(choices)
            ]
            discrimination = None
            if row.get("upper") and row.get("lower"):
                discrimination = (
                    row["upper_right"] / row["upper"] - row["lower_right"] / row["lower"]
                )
            stats.questions.append(
                QuestionStat(
                    question=question,
                    answers=answers,
                    right=row.get("right", 0),
                    facility=row["right"] / answers if answers else None,
                    discrimination=discrimination,
                    options=options,
                    drawn=drawn.get(question.pk),
                )
            )
        if quiz.kind == Quiz.Kind.TEST:
            by_slot: dict[int, list[QuestionStat]] = {}
            for stat in stats.questions:
                if stat.question.slot is not None:
                    by_slot.setdefault(stat.question.slot, []).append(stat)
            stats.slots = [SlotStat(slot, items) for slot, items in sorted(by_slot.items())]
        if withhold_small and stats.small_sample:
            stats.withheld = True
            for stat in stats.questions:
                stat.right, stat.facility, stat.discrimination, stat.options = 0, None, None, []
                stat.drawn = None
            stats.slots = []
        if stats.questions:
            results.append(stats)
    return results


def _times_drawn(
    report_filter: ReportFilter, quiz: Quiz, questions: list[Question]
) -> dict[int, int]:
    """How many counted attempts drew each question: one query, whatever the attempts."""
    if not questions:
        return {}
    counts = (
        report_filter.counted()
        .filter(quiz=quiz)
        .aggregate(
            **{
                f"q{q.pk}": Count("pk", filter=Q(choice_order__has_key=str(q.pk)))
                for q in questions
            }
        )
    )
    return {q.pk: counts[f"q{q.pk}"] for q in questions}


@dataclass
class QuizAttempts:
    quiz: Quiz
    attempts: list[Attempt]

    @property
    def counted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.submitted_at and not a.voided]

    @property
    def best(self) -> Attempt | None:
        return max(self.counted, key=lambda a: a.score / a.total if a.total else 0, default=None)


def learner_attempts(user: object, quizzes: list[Quiz]) -> list[QuizAttempts]:
    """Each quiz with the learner's attempts on it, newest first (one query)."""
    attempts = list(Attempt.objects.filter(user=user).order_by("-started_at", "-pk"))
    return [QuizAttempts(quiz, [a for a in attempts if a.quiz_id == quiz.pk]) for quiz in quizzes]
