"""Write the database back to `content/` in the format `sync_content` reads.

Instructors edit in the app; exporting makes those edits reviewable in git. Export then sync is a
no-op: every field sync compares is written out exactly.
"""

from pathlib import Path
from typing import Any

import yaml

from courses.models import Lesson, Module


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key, as the hand-written files have them.
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        # Multi-line text as a literal block ("|", one final newline, which loading strips
        # again): readable diffs in review.
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", value.rstrip("\n") + "\n", style="|"
        )
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    # No wrapping: one sentence stays on one line, as in the hand-written files.
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**9)


def _questions(quiz: Any, *, test: bool) -> list[dict]:
    result = []
    for question in quiz.questions.filter(is_active=True).prefetch_related("choices"):
        item: dict[str, Any] = {"key": question.key}
        if test:
            item["lesson"] = question.lesson.slug
            item["slot"] = question.slot
        if question.scenario:
            item["scenario"] = question.scenario
        item["stem"] = question.stem_markdown
        item["options"] = []
        for choice in question.choices.all():
            option: dict[str, Any] = {"text": choice.text_markdown}
            if choice.computes:
                option["computes"] = choice.computes
            if choice.is_correct:
                option["correct"] = True
            option["feedback"] = choice.feedback_markdown
            item["options"].append(option)
        result.append(item)
    return result


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_stripped(item) for item in value]
    if isinstance(value, dict):
        return {key: _stripped(item) for key, item in value.items()}
    return value


def _meaning(path: Path, text: str) -> Any:
    """What sync_content reads from a file: its data, with text stripped as loading does."""
    if path.suffix == ".md":
        head, _, body = text.removeprefix("---\n").partition("\n---\n")
        return _stripped(yaml.safe_load(head)), body.lstrip("\n")
    return _stripped(yaml.safe_load(text))


def _same_content(path: Path, text: str) -> bool:
    old = path.read_text(encoding="utf-8")
    if old == text:
        return True
    try:
        return _meaning(path, old) == _meaning(path, text)
    except yaml.YAMLError:
        return False


def _write(path: Path, text: str, written: list[Path]) -> None:
    # A file that already says the same thing keeps its hand-written layout: only files whose
    # content changed show up in review.
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or not _same_content(path, text):
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
            _write(target, f"---\n{dump_yaml(meta)}---\n\n{lesson.body_markdown}", written)
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
