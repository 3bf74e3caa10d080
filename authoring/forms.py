"""Editor forms. They turn what the browser sends into draft data and back; the rules about
what may be published live in lessons.py, quizzes.py, labs.py and pricing.py."""

from typing import Any

import yaml
from django import forms
from django.http import QueryDict

from authoring.concepts import MAX_QUESTIONS
from authoring.quizzes import MAX_OPTIONS, letter
from config.params import BadParameter, IsoDateField, WholeNumberField, parse_id, parse_int
from courses.content import TEST_SLOTS
from labs.calculator.pricing import PRICE_FIELDS, STATUSES

LIVING_NUMBERS_HELP = (
    "Markdown. Living numbers: <code>{{ price MODEL FIELD }}</code>, "
    "<code>{{ calc COMMAND ARGS | FIELD }}</code> and <code>```calc</code> blocks are filled in "
    "from the price table (see content/README.md)."
)


def _live_preview(form: forms.Form, url: str | None, target: str, names: list[str]) -> None:
    """Typing in these fields posts the whole form to `url` and swaps the preview (htmx)."""
    if not url:
        return
    for name in names:
        form.fields[name].widget.attrs.update({
            "hx-post": url,
            "hx-trigger": "input changed delay:400ms",
            "hx-target": target,
            "hx-swap": "outerHTML",
            "hx-include": "closest form",
            "hx-sync": "closest form:replace",
        })  # fmt: skip


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def parse_key_terms(text: str, *, strict: bool = True) -> list[dict[str, str]]:
    terms = []
    for number, line in enumerate(lines(text), start=1):
        term, colon, definition = line.partition(":")
        if not colon or not term.strip() or not definition.strip():
            if strict:
                raise forms.ValidationError(
                    f"Line {number} ({line[:40]}): write it as “Term: definition”."
                )
            continue
        terms.append({"term": term.strip(), "definition": definition.strip()})
    return terms


class LessonForm(forms.Form):
    title = forms.CharField(max_length=200)
    minutes = WholeNumberField(min_value=1, max_value=240, label="Minutes to read")
    guiding_question = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), help_text="One objective per line."
    )
    key_terms = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="One per line: <code>Term: definition</code>.",
    )
    body_markdown = forms.CharField(
        label="Lesson text",
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 28,
                "class": "editor-text",
                "spellcheck": "true",
                # static/js/preview-scroll.js: the preview pane follows this box's scrolling.
                "data-preview-pane": "preview-pane",
                "data-preview-text": ".prose",
            }
        ),
        help_text=LIVING_NUMBERS_HELP,
    )

    def __init__(self, *args: Any, preview_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _live_preview(self, preview_url, "#preview", list(self.fields))

    def clean_objectives(self) -> list[str]:
        return lines(self.cleaned_data["objectives"])

    def clean_key_terms(self) -> list[dict[str, str]]:
        return parse_key_terms(self.cleaned_data["key_terms"])

    def to_data(self) -> dict:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_from(data: dict) -> dict:
        return {
            **data,
            "objectives": "\n".join(data.get("objectives", [])),
            "key_terms": "\n".join(f"{t['term']}: {t['definition']}" for t in data["key_terms"]),
        }

    @staticmethod
    def lenient_data(post: QueryDict) -> dict:
        """What a half-typed form holds, for the live preview (never saved)."""
        try:
            minutes = parse_int(post.get("minutes", ""), "minutes", maximum=10_000)
        except BadParameter:
            minutes = 0  # half-typed: the preview shows no reading time yet
        return {
            "title": post.get("title", ""),
            "minutes": minutes,
            "guiding_question": post.get("guiding_question", ""),
            "objectives": lines(post.get("objectives", "")),
            "key_terms": parse_key_terms(post.get("key_terms", ""), strict=False),
            "body_markdown": post.get("body_markdown", ""),
        }


class LabForm(forms.Form):
    title = forms.CharField(max_length=200)
    task = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the learner should do. " + LIVING_NUMBERS_HELP,
    )
    try_asking = forms.CharField(
        label="Try asking", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A message the learner can send with one click.",
    )  # fmt: skip
    greeting = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The assistant's first message (Markdown).",
    )
    system_prompt = forms.CharField(
        label="System prompt",
        widget=forms.Textarea(attrs={"rows": 14, "class": "editor-text"}),
        help_text="What Claude is told (the offline tutor does not read it). Never any module "
        "test content.",
    )

    def __init__(self, *args: Any, preview_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _live_preview(self, preview_url, "#preview", ["title", "task", "greeting"])

    @staticmethod
    def lenient_data(post: QueryDict) -> dict:
        return {name: post.get(name, "") for name in LabForm.base_fields}


class ConceptForm(forms.Form):
    """One concept of the concept base. The section is chosen from the lesson's headings, so
    the tutor's link always lands on a heading the page has."""

    slug = forms.SlugField(
        max_length=50, help_text="Lowercase words joined by dashes, unique in the concept base."
    )
    title = forms.CharField(max_length=200, help_text="Phrased as the question it answers.")
    section = forms.ChoiceField(label="Lesson section", choices=())
    questions = forms.CharField(
        label="Sample questions",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"One per line, at most {MAX_QUESTIONS}, typed the way engineers type them "
        "(terse, abbreviated, misspelt, or full sentences). The tutor finds the concept by them.",
    )
    keywords = forms.CharField(
        required=False, help_text="Separated by commas: the words that mark the topic."
    )
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "class": "editor-text"}),
        help_text="2 to 5 plain sentences in Markdown. Living numbers: "
        "<code>{{ price MODEL FIELD }}</code> and <code>{{ model MODEL FIELD }}</code>, filled "
        "in from the price table when the tutor answers.",
    )

    def __init__(
        self, *args: Any, sections: list[tuple[str, str]], preview_url: str | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Choose a heading"), *sections]
        _live_preview(self, preview_url, "#preview", ["title", "section", "answer"])

    def clean_questions(self) -> list[str]:
        questions = lines(self.cleaned_data["questions"])
        if len(questions) > MAX_QUESTIONS:
            raise forms.ValidationError(
                f"Keep to {MAX_QUESTIONS} sample questions; there are {len(questions)}."
            )
        return questions

    def clean_keywords(self) -> list[str]:
        return split_keywords(self.cleaned_data["keywords"])

    @staticmethod
    def initial_from(data: dict) -> dict:
        return {
            **data,
            "questions": "\n".join(data["questions"]),
            "keywords": ", ".join(data["keywords"]),
        }

    @staticmethod
    def lenient_data(post: QueryDict, also: list[str]) -> dict:
        """Draft data from whatever was posted, for previews and "try it"."""
        return {
            "slug": post.get("slug", ""), "section": post.get("section", ""), "also": also,
            "title": post.get("title", ""), "questions": lines(post.get("questions", "")),
            "keywords": split_keywords(post.get("keywords", "")), "answer": post.get("answer", ""),
        }  # fmt: skip


def split_keywords(text: str) -> list[str]:
    return [word.strip() for word in text.replace("\n", ",").split(",") if word.strip()]


class QuizForm(forms.Form):
    title = forms.CharField(max_length=200)
    pass_mark = WholeNumberField(min_value=1, max_value=100, label="Pass mark (%)")

    def __init__(self, *args: Any, test: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not test:
            del self.fields["pass_mark"]  # lesson quizzes are practice: no pass mark to edit


class QuestionForm(forms.Form):
    """A question's text (and lesson, on the module test); its options come from rows named
    option-N-id, option-N-text, option-N-feedback and option-N-remove, with `correct` = N."""

    stem = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 4}))
    lesson = forms.ChoiceField(label="Lesson it checks", choices=())
    slot = forms.IntegerField(
        label="Slot",
        min_value=1,
        max_value=TEST_SLOTS,
        help_text=f"1 to {TEST_SLOTS}. The items of a slot test the same objective; each attempt "
        "shows one of them, and a retake prefers one the learner has not seen.",
    )

    scenario = forms.CharField(
        label="Scenario (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="For a question whose numbers are drawn afresh on every attempt: YAML with the "
        "kind and each parameter's values or range, as in content/modules/*/test.yaml. The stem "
        "and options then use {name} placeholders, options {amount} (and {label}), and each "
        "option names what it computes: key for the right one, or the mistake it reproduces.",
    )

    def __init__(self, *args: Any, lessons: list[tuple[str, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lessons is None:
            del self.fields["lesson"]
            del self.fields["slot"]
        else:
            self.fields["lesson"].choices = [("", "Choose a lesson"), *lessons]

    def clean_scenario(self) -> dict:
        text = self.cleaned_data.get("scenario", "").strip()
        if not text:
            return {}
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            raise forms.ValidationError(f"The scenario is not valid YAML{where}.") from None
        if not isinstance(spec, dict):
            raise forms.ValidationError("The scenario must be a mapping: kind, then params.")
        return spec

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["options"] = parse_options(self.data)
        return cleaned


def option_rows(options: list[dict], answered_choices: dict[int, int] | None = None) -> list[dict]:
    """The option rows the form shows: the question's options, then blank rows up to six."""
    answered_choices = answered_choices or {}
    rows = []
    for i, option in enumerate(options):
        rows.append({
            "index": i, "letter": letter(i), "id": option.get("id") or "",
            "text": option.get("text", ""), "feedback": option.get("feedback", ""),
            "correct": bool(option.get("correct")), "remove": bool(option.get("remove")),
            "chosen": answered_choices.get(option.get("id"), 0),
        })  # fmt: skip
    for i in range(len(rows), max(MAX_OPTIONS, len(rows))):
        rows.append({
            "index": i, "letter": letter(i), "id": "", "text": "", "feedback": "", "computes": "",
            "correct": False, "remove": False, "chosen": 0,
        })  # fmt: skip
    return rows


# Far more rows than the editor ever shows; a bigger index is a tampered form, not an option.
MAX_ROW_INDEX = 99


def _row_indexes(data: QueryDict) -> list[int]:
    found = set()
    for name in data:
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "option":
            try:
                found.add(parse_int(parts[1], name, maximum=MAX_ROW_INDEX))
            except BadParameter as exc:
                raise forms.ValidationError(f"The form is not the editor's: {exc}") from None
    return sorted(found)


def _option_id(data: QueryDict, index: int) -> int | None:
    """The saved choice a row edits (none for a new row); a tampered id is a form error."""
    raw = data.get(f"option-{index}-id", "").strip()
    if not raw:
        return None
    try:
        return parse_id(raw, f"option {letter(index)} id")
    except BadParameter as exc:
        raise forms.ValidationError(f"The form is not the editor's: {exc}") from None


def parse_options(data: QueryDict) -> list[dict]:
    """The options a submitted question form holds, in order. A row left blank, or ticked
    "remove", is not an option. `correct` is a radio button; a tampered form that sends it
    twice marks two options right (and is refused for it)."""
    correct = set(data.getlist("correct"))
    options = []
    for i in _row_indexes(data):
        text = data.get(f"option-{i}-text", "").strip()
        feedback = data.get(f"option-{i}-feedback", "").strip()
        if data.get(f"option-{i}-remove") or (not text and not feedback):
            continue
        options.append((_position(data, i), i, {
            "id": _option_id(data, i),
            "text": text,
            "correct": str(i) in correct,
            "feedback": feedback,
            "computes": data.get(f"option-{i}-computes", "").strip(),
        }))  # fmt: skip
    # Reordering: each row says where it goes; ties keep the rows' order.
    return [option for _, _, option in sorted(options, key=lambda item: item[:2])]


def _position(data: QueryDict, index: int) -> int:
    raw = data.get(f"option-{index}-position", "").strip()
    if not raw:
        return index + 1
    try:
        return parse_int(raw, f"option {letter(index)} position", maximum=MAX_ROW_INDEX + 1)
    except BadParameter as exc:
        raise forms.ValidationError(str(exc)) from None


def _safe_row_indexes(data: QueryDict) -> list[int]:
    try:
        return _row_indexes(data)
    except forms.ValidationError:
        return list(range(MAX_OPTIONS))  # a tampered form: show the usual rows


def submitted_rows(data: QueryDict, answered_choices: dict[int, int]) -> list[dict]:
    """The rows exactly as submitted (removed ones ticked), to show the form again."""
    options = []
    correct = data.get("correct", "")
    for i in _safe_row_indexes(data):
        try:
            option_id = _option_id(data, i)
        except forms.ValidationError:
            option_id = None  # shown again as typed; the form error already says why
        options.append({
            "id": option_id,
            "text": data.get(f"option-{i}-text", ""),
            "feedback": data.get(f"option-{i}-feedback", ""),
            "computes": data.get(f"option-{i}-computes", ""),
            "correct": correct == str(i),
            "remove": bool(data.get(f"option-{i}-remove")),
        })  # fmt: skip
    return option_rows(options, answered_choices)


class PriceModelForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s) for s in STATUSES])
    input = forms.CharField(label="Input", max_length=20)
    output = forms.CharField(label="Output", max_length=20)
    cache_write_5m = forms.CharField(label="Cache write, 5 minutes", max_length=20)
    cache_write_1h = forms.CharField(label="Cache write, 1 hour", max_length=20)
    cache_read = forms.CharField(label="Cache read (hit)", max_length=20)
    batch_discount = forms.CharField(
        label="Batch multiplier", max_length=20, help_text="0.5 means batch costs half."
    )
    retired = IsoDateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the API stopped serving it (retired models only).",
    )  # fmt: skip
    # Required, but checked by authoring.pricing.change_model so the message names the model.
    source = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(attrs={"required": True}),
        help_text="Where the new figures come from (a URL).",
    )  # fmt: skip
    price_date = IsoDateField(
        required=False, label="Applies from",
        widget=forms.DateInput(attrs={"type": "date", "required": True}),
        help_text="The date the price applies from.",
    )  # fmt: skip

    @staticmethod
    def initial_from(model: dict) -> dict:
        return {
            "status": model["status"],
            **{kind: model["prices"][kind] for kind in PRICE_FIELDS},
            "batch_discount": model["batch_discount"],
            "retired": model.get("retired"),
        }

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "prices": {kind: data[kind] for kind in PRICE_FIELDS},
            "batch_discount": data["batch_discount"],
            "retired": data["retired"].isoformat() if data["retired"] else None,
            "source": data["source"],
            "price_date": data["price_date"].isoformat() if data["price_date"] else "",
        }
