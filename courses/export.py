"""Write the database back to `content/` in the format `sync_content` reads.

Instructors edit in the app; exporting makes those edits reviewable in git. Export then sync is a
no-op: every field sync compares is written out exactly.
"""

from pathlib import Path
from typing import Any

import yaml

from courses.models import Lesson, Module


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line text as a literal block: readable diffs in review.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _questions(quiz: Any, *, test: bool) -> list[dict]:
    result = []
    for question in quiz.questions.filter(is_active=True).prefetch_related("choices"):
        item: dict[str, Any] = {"key": question.key}
        if test:
            item["lesson"] = question.lesson.slug
        item["stem"] = question.stem_markdown
        item["options"] = []
        for choice in question.choices.all():
            option: dict[str, Any] = {"text": choice.text_markdown}
            if choice.is_correct:
                option["correct"] = True
            option["feedback"] = choice.feedback_markdown
            item["options"].append(option)
        result.append(item)
    return result


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        written.append(path)


def export_course(content_dir: Path) -> list[Path]:
    """Write every module; return the files whose text changed."""
    written: list[Path] = []
    for module in Module.objects.all():
        folder = content_dir / "modules" / f"{module.number:02d}-{module.slug}"
        lessons = list(
            Lesson.objects.filter(module=module).select_related("quiz", "lab").order_by("order")
        )
        _write(
            folder / "module.yaml",
            dump_yaml({
                "number": module.number, "slug": module.slug, "title": module.title,
                "summary": module.summary, "pass_mark": module.pass_mark,
                "lessons": [lesson.slug for lesson in lessons],
            }),
            written,
        )  # fmt: skip
        for lesson in lessons:
            target = folder / "lessons" / f"{lesson.order:02d}-{lesson.slug}.md"
            for stale in (folder / "lessons").glob(f"*-{lesson.slug}.md"):
                if stale != target:
                    stale.unlink()
            meta = {
                "title": lesson.title, "slug": lesson.slug, "minutes": lesson.minutes,
                "guiding_question": lesson.guiding_question, "objectives": lesson.objectives,
                "key_terms": lesson.key_terms,
            }  # fmt: skip
            _write(target, f"---\n{dump_yaml(meta)}---\n{lesson.body_markdown}", written)
            quiz = getattr(lesson, "quiz", None)
            if quiz:
                _write(
                    folder / "quizzes" / f"{lesson.slug}.yaml",
                    dump_yaml({"lesson": lesson.slug, "title": quiz.title,
                               "questions": _questions(quiz, test=False)}),
                    written,
                )  # fmt: skip
            lab = getattr(lesson, "lab", None)
            if lab:
                _write(
                    folder / "labs" / f"{lab.slug}.yaml",
                    dump_yaml({
                        "slug": lab.slug, "lesson": lesson.slug, "title": lab.title,
                        "engine": lab.engine, "task": lab.task_markdown,
                        "try_asking": lab.try_asking, "greeting": lab.greeting_markdown,
                        "system_prompt": lab.system_prompt,
                    }),
                    written,
                )  # fmt: skip
        test = module.quizzes.filter(kind="test").first()
        if test:
            _write(
                folder / "test.yaml",
                dump_yaml({"title": test.title, "pass_mark": test.pass_mark,
                           "questions": _questions(test, test=True)}),
                written,
            )  # fmt: skip
    return written
