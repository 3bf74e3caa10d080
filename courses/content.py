"""Course content: read and validate `content/`, then load it into the database.

`load_course(content_dir)` reads every file into plain dataclasses and validates them, rendering
all Markdown (living numbers included) on the way, so that a bad file fails before anything is
written; errors name the file, the field and what is wrong. `sync_course(source)` then upserts by
slug in one transaction and touches only rows whose values changed, so a re-run on unchanged files
writes nothing.
"""

import html
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from string import ascii_uppercase
from typing import Any

import yaml
from django.db import transaction
from django.utils.html import strip_tags

from courses.cues import Item, cue_problems
from courses.rendering import LivingNumberError, render_markdown
from labs.calculator import PriceTable, todays_price_table

LAB_ENGINES = ("cost-estimator", "caching-strategist", "prompt-auditor", "architecture-advisor")
MIN_TEST_QUESTIONS_PER_LESSON = 3
# A module test has this many slots; an attempt draws one item from each, so every slot needs at
# least two items (testing the same objective) for a retake to meet questions it has not seen.
TEST_SLOTS = 15
MIN_ITEMS_PER_SLOT = 2
# The fields each file may hold (content/README.md documents them). Anything else is refused: a
# misspelt `pass_mrak` or `corect` silently ignored would publish something other than what the
# author wrote.
MODULE_KEYS = {"number", "slug", "title", "summary", "pass_mark", "lessons"}
LESSON_KEYS = {"title", "slug", "minutes", "guiding_question", "objectives", "key_terms"}
KEY_TERM_KEYS = {"term", "definition"}
QUIZ_KEYS = {"lesson", "title", "questions"}
TEST_KEYS = {"title", "pass_mark", "questions"}
QUESTION_KEYS = {"key", "stem", "options", "scenario"}
TEST_QUESTION_KEYS = QUESTION_KEYS | {"lesson", "slot"}
OPTION_KEYS = {"text", "correct", "feedback", "computes"}
LAB_KEYS = {"slug", "lesson", "title", "engine", "task", "try_asking", "greeting", "system_prompt"}


class ContentError(ValueError):
    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path, self.field, self.message = str(path), field, message
        where = f"{self.path}: {field}: " if field else f"{self.path}: "
        super().__init__(where + message)


@dataclass
class ChoiceSource:
    text_markdown: str
    text_html: str
    is_correct: bool
    feedback_markdown: str
    feedback_html: str
    computes: str = ""


@dataclass
class QuestionSource:
    key: str
    stem_markdown: str
    stem_html: str
    choices: list[ChoiceSource]
    lesson: str | None = None
    slot: int | None = None
    # A scenario item's template (quizzes/scenarios.py); empty for fixed text.
    scenario: dict = field(default_factory=dict)
    # For the cue checks: a scenario item's options as one trial draw shows them.
    sample_options: list[str] | None = None


@dataclass
class QuizSource:
    path: Path
    title: str
    questions: list[QuestionSource]
    lesson: str | None = None
    pass_mark: int = 80


@dataclass
class LessonSource:
    path: Path
    slug: str
    order: int
    title: str
    minutes: int
    guiding_question: str
    objectives: list[str]
    key_terms: list[dict[str, str]]
    body_markdown: str
    body_html: str
    key_terms_html: str


@dataclass
class LabSource:
    path: Path
    slug: str
    lesson: str
    title: str
    engine: str
    task_markdown: str
    task_html: str
    try_asking: str
    greeting_markdown: str
    greeting_html: str
    system_prompt: str


@dataclass
class ModuleSource:
    path: Path
    slug: str
    number: int
    title: str
    summary: str
    pass_mark: int
    lessons: list[LessonSource] = field(default_factory=list)
    quizzes: list[QuizSource] = field(default_factory=list)
    labs: list[LabSource] = field(default_factory=list)
    test: QuizSource | None = None


# --- reading helpers -------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A content file's text; one that is not UTF-8 is a ContentError naming it and the byte."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            path,
            "",
            f"is not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x}): "
            "save it as UTF-8",
        ) from None


def _check_keys(data: Any, allowed: set[str], path: Path, where: str = "") -> None:
    if isinstance(data, dict):
        unknown = sorted(str(key) for key in data if key not in allowed)
        if unknown:
            raise ContentError(
                path, f"{where}{unknown[0]}",
                f"is not a field here (allowed: {', '.join(sorted(allowed))})",
            )  # fmt: skip


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        raise ContentError(path, "", f"not valid YAML: {exc}") from None


def _split_front_matter(path: Path) -> tuple[dict, str]:
    text = read_text(path)
    if not text.startswith("---\n"):
        raise ContentError(path, "", "must start with YAML front matter between '---' lines")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise ContentError(path, "", "the front matter has no closing '---' line")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise ContentError(path, "front matter", f"not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ContentError(path, "front matter", "must be a mapping of fields")
    return meta, body.lstrip("\n")


def _req(data: Any, key: str, path: Path, kind: type | tuple = str, where: str = "") -> Any:
    name = f"{where}{key}"
    if not isinstance(data, dict) or key not in data or data[key] in (None, ""):
        raise ContentError(path, name, "is missing")
    value = data[key]
    if kind is str and isinstance(value, str) and not value.strip():
        raise ContentError(path, name, "is empty")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise ContentError(path, name, f"must be {expected}, got {type(value).__name__}")
    return value.strip() if isinstance(value, str) else value


class _Renderer:
    def __init__(self, table: PriceTable) -> None:
        self.table = table

    def __call__(self, text: str, path: Path, field_name: str) -> str:
        try:
            return render_markdown(text, table=self.table)
        except LivingNumberError as exc:
            raise ContentError(path, field_name, str(exc)) from None


def shown_text(option_html: str) -> str:
    """What a learner reads of a rendered option: its text without tags (a living number's
    title, the command behind it, is not shown), whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(option_html))).strip()


def identical_options(options_html: list[str]) -> list[str]:
    """Sentences naming each pair of a question's options that read the same, by their letters
    in the file's (and the editor's) order: 'options A and C both read "$14.00"'. A learner could
    not tell them apart, and when one is right and one wrong the question cannot be answered."""
    problems = []
    first_seen: dict[str, int] = {}
    for i, option in enumerate(options_html):
        text = shown_text(option)
        if text in first_seen:
            a, b = (ascii_uppercase[n] if n < 26 else str(n + 1) for n in (first_seen[text], i))
            problems.append(f'options {a} and {b} both read "{text}"')
        else:
            first_seen[text] = i
    return problems


# --- reading each kind of file ----------------------------------------------------------------


def glossary_markdown(terms: list[dict[str, str]]) -> str:
    """Key terms as a Markdown definition list (rendered into Lesson.key_terms_html)."""
    return "\n\n".join(f"{t['term'].strip()}\n:   {t['definition'].strip()}" for t in terms)


def _read_lesson(path: Path, order: int, render: _Renderer) -> LessonSource:
    meta, body = _split_front_matter(path)
    _check_keys(meta, LESSON_KEYS, path)
    minutes = meta.get("minutes", 20)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 240:
        raise ContentError(path, "minutes", "must be a whole number of minutes from 1 to 240")
    objectives = _req(meta, "objectives", path, list)
    if not all(isinstance(o, str) and o.strip() for o in objectives):
        raise ContentError(path, "objectives", "must be a list of non-empty sentences")
    terms = _req(meta, "key_terms", path, list)
    for i, term in enumerate(terms):
        _check_keys(term, KEY_TERM_KEYS, path, f"key_terms[{i}].")
        _req(term, "term", path, str, f"key_terms[{i}].")
        _req(term, "definition", path, str, f"key_terms[{i}].")
    if not body.strip():
        raise ContentError(path, "body", "the lesson has no text")
    glossary = glossary_markdown(terms)
    return LessonSource(
        path=path,
        slug=_req(meta, "slug", path),
        order=order,
        title=_req(meta, "title", path),
        minutes=minutes,
        guiding_question=_req(meta, "guiding_question", path),
        objectives=[o.strip() for o in objectives],
        key_terms=[
            {"term": t["term"].strip(), "definition": t["definition"].strip()} for t in terms
        ],
        body_markdown=body,
        body_html=render(body, path, "body"),
        key_terms_html=render(glossary, path, "key_terms"),
    )


def _read_questions(
    data: Any, path: Path, render: _Renderer, *, test: bool
) -> list[QuestionSource]:
    questions = _req(data, "questions", path, list)
    seen: set[str] = set()
    result = []
    for i, q in enumerate(questions):
        where = f"questions[{i}]."
        key = _req(q, "key", path, str, where)
        where = f"questions[{i}] ({key})."
        _check_keys(q, TEST_QUESTION_KEYS if test else QUESTION_KEYS, path, where)
        if key in seen:
            raise ContentError(path, where + "key", f"{key!r} is used twice")
        seen.add(key)
        options = _req(q, "options", path, list, where)
        if not 2 <= len(options) <= 6:
            raise ContentError(path, where + "options", f"needs 2 to 6 options, has {len(options)}")
        correct = [o for o in options if isinstance(o, dict) and o.get("correct") is True]
        if len(correct) != 1:
            raise ContentError(
                path, where + "options", f"needs exactly one correct option, has {len(correct)}"
            )
        choices = []
        for j, option in enumerate(options):
            owhere = f"{where}options[{j}]."
            _check_keys(option, OPTION_KEYS, path, owhere)
            text = _req(option, "text", path, (str, int, float), owhere)
            feedback = _req(option, "feedback", path, str, owhere)
            computes = option.get("computes", "")
            if not isinstance(computes, str):
                raise ContentError(path, owhere + "computes", "must be the name of a computation")
            choices.append(
                ChoiceSource(
                    text_markdown=str(text),
                    text_html=render(str(text), path, owhere + "text"),
                    is_correct=option.get("correct") is True,
                    feedback_markdown=feedback,
                    feedback_html=render(feedback, path, owhere + "feedback"),
                    computes=computes,
                )
            )
        stem = _req(q, "stem", path, str, where)
        scenario, sample = _read_scenario(q, choices, stem, path, where, render.table)
        if sample is None and (same := identical_options([c.text_html for c in choices])):
            raise ContentError(
                path,
                where + "options",
                f"{'; '.join(same)} under this price table: make them differ",
            )
        slot = None
        if test:
            slot = _req(q, "slot", path, int, where)
            if not 1 <= slot <= TEST_SLOTS:
                raise ContentError(
                    path, where + "slot", f"is {slot}; a slot is a number from 1 to {TEST_SLOTS}"
                )
        result.append(
            QuestionSource(
                key=key,
                stem_markdown=stem,
                stem_html=render(stem, path, where + "stem"),
                choices=choices,
                lesson=_req(q, "lesson", path, str, where) if test else None,
                slot=slot,
                scenario=scenario,
                sample_options=sample,
            )
        )
    if not result:
        raise ContentError(path, "questions", "has no questions")
    if cues := cue_problems(cue_items(result), test=test):
        raise ContentError(
            path, "questions", "give the answers away to a learner who does not read them:\n- "
            + "\n- ".join(cues),
        )  # fmt: skip
    return result


def _read_scenario(
    q: dict, choices: list[ChoiceSource], stem: str, path: Path, where: str, table: PriceTable
) -> tuple[dict, list[str] | None]:
    """A scenario item's template, checked by drawing it (quizzes/scenarios.py), and its options
    as a trial draw shows them; ({}, None) for a fixed item. Raises ContentError."""
    from quizzes.scenarios import KEY, draw_values_and_amounts, option_text, spec_problems

    spec = q.get("scenario")
    if spec is None:
        if named := [c.computes for c in choices if c.computes]:
            raise ContentError(
                path, where + "options", f"computes {named[0]!r} needs a scenario on the item"
            )
        return {}, None
    texts = [stem] + [c.text_markdown for c in choices] + [c.feedback_markdown for c in choices]
    computes = [c.computes for c in choices]
    if problems := spec_problems(spec, computes, texts, table):
        raise ContentError(path, where + "scenario", "; ".join(problems))
    right = next(c for c in choices if c.is_correct)
    if right.computes != KEY:
        raise ContentError(
            path,
            where + "options",
            f"the correct option must compute {KEY!r}, not {right.computes!r}",
        )
    _, outcomes = draw_values_and_amounts(spec, computes, table, random.Random(0))
    sample = [
        shown_text(option_text(c.text_html, o)) for c, o in zip(choices, outcomes, strict=True)
    ]
    return dict(spec), sample


def cue_items(questions: list[QuestionSource]) -> list[Item]:
    """Questions as the test-wise cue checks read them: options as shown, living numbers in
    (a scenario item's from a trial draw)."""
    return [
        Item(
            label=q.key,
            options=q.sample_options or [shown_text(c.text_html) for c in q.choices],
            feedback=[c.feedback_markdown for c in q.choices],
            correct=next(i for i, c in enumerate(q.choices) if c.is_correct),
        )
        for q in questions
    ]


def _read_lab(path: Path, render: _Renderer) -> LabSource:
    data = _read_yaml(path)
    _check_keys(data, LAB_KEYS, path)
    engine = _req(data, "engine", path)
    if engine not in LAB_ENGINES:
        raise ContentError(path, "engine", f"{engine!r} is not one of {', '.join(LAB_ENGINES)}")
    task = _req(data, "task", path)
    greeting = _req(data, "greeting", path)
    return LabSource(
        path=path,
        slug=_req(data, "slug", path),
        lesson=_req(data, "lesson", path),
        title=_req(data, "title", path),
        engine=engine,
        task_markdown=task,
        task_html=render(task, path, "task"),
        try_asking=_req(data, "try_asking", path),
        greeting_markdown=greeting,
        greeting_html=render(greeting, path, "greeting"),
        system_prompt=_req(data, "system_prompt", path),
    )


def load_module(module_dir: Path, table: PriceTable | None = None) -> ModuleSource:
    """Read and validate one module folder. Raises ContentError."""
    render = _Renderer(table or todays_price_table())
    path = module_dir / "module.yaml"
    if not path.exists():
        raise ContentError(path, "", "file is missing")
    data = _read_yaml(path)
    _check_keys(data, MODULE_KEYS, path)
    pass_mark = _req(data, "pass_mark", path, int)
    if not 1 <= pass_mark <= 100:
        raise ContentError(path, "pass_mark", "must be a percentage from 1 to 100")
    order = _req(data, "lessons", path, list)
    module = ModuleSource(
        path=path,
        slug=_req(data, "slug", path),
        number=_req(data, "number", path, int),
        title=_req(data, "title", path),
        summary=_req(data, "summary", path),
        pass_mark=pass_mark,
    )
    lesson_files = {}
    for lesson_path in sorted((module_dir / "lessons").glob("*.md")):
        meta, _ = _split_front_matter(lesson_path)
        slug = _req(meta, "slug", lesson_path)
        if slug not in order:
            raise ContentError(lesson_path, "slug", f"{slug!r} is not in module.yaml's lessons")
        lesson_files[slug] = lesson_path
    for position, slug in enumerate(order, start=1):
        if slug not in lesson_files:
            raise ContentError(path, "lessons", f"no lesson file has slug {slug!r}")
        module.lessons.append(_read_lesson(lesson_files[slug], position, render))

    for quiz_path in sorted((module_dir / "quizzes").glob("*.yaml")):
        data = _read_yaml(quiz_path)
        _check_keys(data, QUIZ_KEYS, quiz_path)
        lesson = _req(data, "lesson", quiz_path)
        if lesson not in order:
            raise ContentError(quiz_path, "lesson", f"{lesson!r} is not a lesson of this module")
        module.quizzes.append(
            QuizSource(
                path=quiz_path,
                title=_req(data, "title", quiz_path),
                lesson=lesson,
                questions=_read_questions(data, quiz_path, render, test=False),
            )
        )
    for lab_path in sorted((module_dir / "labs").glob("*.yaml")):
        lab = _read_lab(lab_path, render)
        if lab.lesson not in order:
            raise ContentError(lab_path, "lesson", f"{lab.lesson!r} is not a lesson of this module")
        module.labs.append(lab)
    _check_one_each(module, order, path)

    test_path = module_dir / "test.yaml"
    if test_path.exists():
        data = _read_yaml(test_path)
        _check_keys(data, TEST_KEYS, test_path)
        questions = _read_questions(data, test_path, render, test=True)
        for i, q in enumerate(questions):
            if q.lesson not in order:
                raise ContentError(
                    test_path, f"questions[{i}] ({q.key}).lesson", f"{q.lesson!r} is not a lesson"
                )
        if problems := pool_problems([(q.key, q.slot, q.lesson) for q in questions], order):
            raise ContentError(test_path, "questions", "; ".join(problems))
        module.test = QuizSource(
            path=test_path,
            title=_req(data, "title", test_path),
            questions=questions,
            pass_mark=_req(data, "pass_mark", test_path, int),
        )
    return module


def pool_problems(items: list[tuple[str, int | None, str | None]], lessons: list[str]) -> list[str]:
    """What is wrong with a module test's pools, each a sentence naming the slot or lesson.

    `items` are (key, slot, lesson) triples. Every slot from 1 to TEST_SLOTS needs at least
    MIN_ITEMS_PER_SLOT items, all on one lesson (they test the same objective), and each lesson
    needs MIN_TEST_QUESTIONS_PER_LESSON slots, since an attempt shows one item per slot."""
    problems = []
    pools: dict[int, list[tuple[str, str | None]]] = {}
    for key, slot, lesson in items:
        if slot is None or not 1 <= slot <= TEST_SLOTS:
            problems.append(f"{key} has slot {slot}; a slot is a number from 1 to {TEST_SLOTS}")
            continue
        pools.setdefault(slot, []).append((key, lesson))
    for slot in range(1, TEST_SLOTS + 1):
        pool = pools.get(slot, [])
        if len(pool) < MIN_ITEMS_PER_SLOT:
            which = f" ({', '.join(key for key, _ in pool)})" if pool else ""
            problems.append(
                f"slot {slot} has {len(pool)} item{'s' if len(pool) != 1 else ''}{which}; "
                f"each slot needs at least {MIN_ITEMS_PER_SLOT} testing the same objective"
            )
        pool_lessons = sorted({lesson or "no lesson" for _, lesson in pool})
        if len(pool_lessons) > 1:
            problems.append(
                f"slot {slot} mixes lessons ({', '.join(pool_lessons)}); the items of a slot "
                "test one objective, from one lesson"
            )
    for slug in lessons:
        slots = sorted({s for s, pool in pools.items() if any(ls == slug for _, ls in pool)})
        if len(slots) < MIN_TEST_QUESTIONS_PER_LESSON:
            problems.append(
                f"lesson {slug!r} has {len(slots)} slot{'s' if len(slots) != 1 else ''}; "
                f"the test needs at least {MIN_TEST_QUESTIONS_PER_LESSON} per lesson"
            )
    return problems


def _check_one_each(module: ModuleSource, order: list[str], path: Path) -> None:
    for kind, items in (("quiz", module.quizzes), ("lab", module.labs)):
        lessons = [item.lesson for item in items]
        for slug in set(lessons):
            if lessons.count(slug) > 1:
                raise ContentError(path.parent, kind + "s", f"lesson {slug!r} has two {kind}s")


def load_course(content_dir: Path, table: PriceTable | None = None) -> list[ModuleSource]:
    modules_dir = content_dir / "modules"
    folders = sorted(p for p in modules_dir.glob("*") if p.is_dir()) if modules_dir.exists() else []
    if not folders:
        raise ContentError(modules_dir, "", "no module folders found")
    table = table or todays_price_table()
    return [load_module(folder, table) for folder in folders]


# --- writing to the database ----------------------------------------------------------------


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    # The rows created or changed (a quiz whose questions left it included), so that callers
    # can tell which objects the files overwrote.
    changed_objects: list[Any] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


def _upsert(model: type, lookup: dict, values: dict, report: SyncReport, label: str) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.created.append(label)
        report.changed_objects.append(obj)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.updated.append(f"{label} ({', '.join(changed)})")
        report.changed_objects.append(obj)
    return obj


def check_tests_kept(modules: list[ModuleSource]) -> None:
    """Refuse a module whose test.yaml is gone while the database holds its test.

    Deleting the file is almost always a slip (every module has a test). The sync stops and
    writes nothing: learners' recorded attempts keep pointing at an unchanged test, and the
    database and content/ never silently disagree about whether the module has one.
    """
    from quizzes.models import Attempt, Quiz

    for source in modules:
        if source.test is not None:
            continue
        test = Quiz.objects.filter(module__slug=source.slug, kind=Quiz.Kind.TEST).first()
        if test is not None:
            attempts = Attempt.objects.filter(quiz=test).count()
            raise ContentError(
                source.path.parent / "test.yaml", "",
                f"is missing, but the database has this module's test ({test.title!r}, "
                f"{attempts} attempt{'s' if attempts != 1 else ''} recorded). Restore the file "
                "(`git checkout` it, or `manage.py export_content` writes it back); nothing "
                "was synced and the test is unchanged.",
            )  # fmt: skip


def sync_course(modules: list[ModuleSource]) -> SyncReport:
    """Upsert validated sources by slug in one transaction. Unchanged rows are not written."""
    from courses.models import Lesson, Module
    from labs.models import Lab
    from quizzes.models import Quiz

    check_tests_kept(modules)
    report = SyncReport()
    with transaction.atomic():
        for source in modules:
            module = _upsert(
                Module,
                {"slug": source.slug},
                {"number": source.number, "title": source.title, "summary": source.summary,
                 "pass_mark": source.pass_mark},
                report, f"module {source.slug}",
            )  # fmt: skip
            lessons = {}
            for ls in source.lessons:
                lessons[ls.slug] = _upsert(
                    Lesson,
                    {"module": module, "slug": ls.slug},
                    {"order": ls.order, "title": ls.title, "minutes": ls.minutes,
                     "guiding_question": ls.guiding_question, "objectives": ls.objectives,
                     "key_terms": ls.key_terms, "body_markdown": ls.body_markdown,
                     "body_html": ls.body_html, "key_terms_html": ls.key_terms_html},
                    report, f"lesson {ls.slug}",
                )  # fmt: skip
            for qs in source.quizzes:
                quiz = _upsert(
                    Quiz,
                    {"module": module, "lesson": lessons[qs.lesson], "kind": Quiz.Kind.LESSON},
                    {"title": qs.title, "pass_mark": qs.pass_mark},
                    report, f"quiz {qs.lesson}",
                )  # fmt: skip
                _sync_questions(quiz, qs, lessons, report)
            if source.test:
                quiz = _upsert(
                    Quiz,
                    {"module": module, "kind": Quiz.Kind.TEST},
                    {"title": source.test.title, "pass_mark": source.test.pass_mark,
                     "lesson": None},
                    report, f"test {source.slug}",
                )  # fmt: skip
                _sync_questions(quiz, source.test, lessons, report)
            for lab in source.labs:
                _upsert(
                    Lab,
                    {"slug": lab.slug},
                    {"lesson": lessons[lab.lesson], "title": lab.title, "engine": lab.engine,
                     "task_markdown": lab.task_markdown, "task_html": lab.task_html,
                     "try_asking": lab.try_asking, "greeting_markdown": lab.greeting_markdown,
                     "greeting_html": lab.greeting_html, "system_prompt": lab.system_prompt},
                    report, f"lab {lab.slug}",
                )  # fmt: skip
    return report


def _sync_questions(quiz: Any, source: QuizSource, lessons: dict, report: SyncReport) -> None:
    from quizzes.models import Choice, Question

    keys = []
    for order, qs in enumerate(source.questions, start=1):
        keys.append(qs.key)
        _retire_if_right_option_moves(quiz, qs, report)
        question = _upsert(
            Question,
            {"quiz": quiz, "key": qs.key},
            {"order": order, "stem_markdown": qs.stem_markdown, "stem_html": qs.stem_html,
             "lesson": lessons[qs.lesson] if qs.lesson else quiz.lesson, "slot": qs.slot,
             "scenario": qs.scenario, "is_active": True},
            report, f"question {qs.key}",
        )  # fmt: skip
        for corder, cs in enumerate(qs.choices, start=1):
            _upsert(
                Choice,
                {"question": question, "order": corder},
                {"text_markdown": cs.text_markdown, "text_html": cs.text_html,
                 "is_correct": cs.is_correct, "feedback_markdown": cs.feedback_markdown,
                 "feedback_html": cs.feedback_html, "computes": cs.computes},
                report, f"choice {qs.key}#{corder}",
            )  # fmt: skip
        extra = question.choices.filter(order__gt=len(qs.choices))
        if extra.exists():
            # Answered choices are kept for the record; unanswered ones go.
            extra.filter(answers__isnull=True).delete()
            report.updated.append(f"question {qs.key} (fewer choices)")
            report.changed_objects.append(quiz)
    # Questions removed from the file stay in the database (learners' answers point at them)
    # but leave the quiz.
    gone = quiz.questions.filter(is_active=True).exclude(key__in=keys)
    for key in gone.values_list("key", flat=True):
        report.deactivated.append(f"question {key}")
        report.changed_objects.append(quiz)
    gone.update(is_active=False)


def _retire_if_right_option_moves(quiz: Any, source: QuestionSource, report: SyncReport) -> None:
    """An answered question whose file now marks a different position as right is retired and
    the file's version goes in as a new question under the same key, as the quiz editor does.

    Choices are matched by position, so updating in place would flip which row is right under
    learners' recorded answers: their attempt would show them choosing what is now a wrong
    option (or the right one they missed). The retired row keeps its options and answers, out of
    the quiz, under a key that names the row."""
    from quizzes.models import Answer, Question

    question = Question.objects.filter(quiz=quiz, key=source.key).first()
    if question is None or not Answer.objects.filter(question=question).exists():
        return
    right = list(question.choices.filter(is_correct=True).values_list("order", flat=True))
    new_right = [n for n, choice in enumerate(source.choices, start=1) if choice.is_correct]
    # A scenario option that now computes something else would change under its answers too.
    computes = list(question.choices.order_by("order").values_list("computes", flat=True))
    new_computes = [choice.computes for choice in source.choices]
    if right == new_right and computes[: len(new_computes)] == new_computes:
        return
    question.key = f"{source.key}-r{question.pk}"
    question.is_active = False
    question.save(update_fields=["key", "is_active"])
    report.deactivated.append(
        f"question {source.key} (answered, and the file moves its right option: the answered "
        f"version is kept as {question.key})"
    )
    report.changed_objects.append(quiz)
