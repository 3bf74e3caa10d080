"""The labs' golden evaluation: conversations written by people, graded as a learner would.

Each case (content/modules/*/labs/evals/<lab>.yaml, format in that folder's README) is a list of
learner messages and what a good reply to the last one must contain: figures with a tolerance,
concepts, a lesson link, a question asked back or a refusal, and what it must not contain. A case
scores one of:

- right: everything expected is there and nothing forbidden;
- asked: the reply asked a question back where an answer was possible (not wrong, not right);
- wrong: anything else; **confidently wrong** when the wrong reply carried calculation cards,
  since cards look authoritative (counted apart: the number that must stay at zero).

`run_evaluation(engine=...)` runs every case through `labs.conversation.run_turn`, the same code
the worker runs, so the offline tutor and Claude are measured on the same cases.
"""

from __future__ import annotations

import contextlib
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

OUTCOMES = ("answer", "ask", "refuse")
DEFAULT_TOLERANCE = Decimal("0.005")
LESSON_URL = "/modules/{module}/lessons/{lesson}/"
MODULE_SLUG = "cost-optimization"

RIGHT, ASKED, WRONG = "right", "asked", "wrong"


class EvalFileError(ValueError):
    """A golden file that does not follow the format; the message names file and case."""


@dataclass(frozen=True)
class Figure:
    what: str
    value: Decimal
    unit: str  # usd | tokens
    tolerance: Decimal = DEFAULT_TOLERANCE

    def matches(self, found: Decimal) -> bool:
        if self.value == 0:
            return found == 0
        return abs(found - self.value) <= abs(self.value) * self.tolerance


@dataclass(frozen=True)
class Case:
    id: str
    lab: str
    style: str
    turns: tuple[str, ...]
    outcome: str
    figures: tuple[Figure, ...] = ()
    concepts: tuple[tuple[str, ...], ...] = ()
    lesson: str = ""
    forbidden_figures: tuple[Figure, ...] = ()
    forbidden_text: tuple[str, ...] = ()
    notes: str = ""
    source: str = ""


@dataclass
class Result:
    case: Case
    verdict: str
    confidently_wrong: bool
    reasons: list[str]
    reply: str
    calculations: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "lab": self.case.lab,
            "style": self.case.style,
            "verdict": self.verdict,
            "confidently_wrong": self.confidently_wrong,
            "reasons": self.reasons,
            "calculations": self.calculations,
            "seconds": round(self.seconds, 4),
            "turns": list(self.case.turns),
            "reply": self.reply,
        }


@dataclass
class LabScore:
    lab: str
    results: list[Result] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.results if r.verdict == verdict)

    @property
    def confidently_wrong(self) -> int:
        return sum(1 for r in self.results if r.confidently_wrong)

    @property
    def pass_rate(self) -> Decimal:
        if not self.results:
            return Decimal(0)
        return (Decimal(self.count(RIGHT)) / len(self.results)).quantize(Decimal("0.001"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "lab": self.lab,
            "total": len(self.results),
            "right": self.count(RIGHT),
            "asked": self.count(ASKED),
            "wrong": self.count(WRONG),
            "confidently_wrong": self.confidently_wrong,
            "pass_rate": str(self.pass_rate),
        }


# -- reading the golden files -------------------------------------------------------------------
def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise EvalFileError(f"{where}: not a number: {value!r}") from None
    if not number.is_finite():
        raise EvalFileError(f"{where}: not a finite number: {value!r}")
    return number


def _figures(raw: Any, where: str) -> tuple[Figure, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        raise EvalFileError(f"{where}: expected a list")
    out = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise EvalFileError(f"{here}: expected a mapping")
        units = [u for u in ("usd", "tokens") if u in item]
        if len(units) != 1:
            raise EvalFileError(f"{here}: give exactly one of usd or tokens")
        tolerance = item.get("tolerance")
        out.append(
            Figure(
                what=str(item.get("what", "")),
                value=_decimal(item[units[0]], f"{here}.{units[0]}"),
                unit=units[0],
                tolerance=_decimal(tolerance, f"{here}.tolerance")
                if tolerance is not None
                else DEFAULT_TOLERANCE,
            )
        )
    return tuple(out)


def _concepts(raw: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        raise EvalFileError(f"{where}: expected a list of lists of alternatives")
    out = []
    for i, item in enumerate(raw):
        alternatives = [item] if isinstance(item, str) else item
        if not isinstance(alternatives, list) or not all(
            isinstance(a, str) and a.strip() for a in alternatives
        ):
            raise EvalFileError(f"{where}[{i}]: expected a list of phrases")
        out.append(tuple(alternatives))
    return tuple(out)


def read_cases(path: Path) -> list[Case]:
    """The cases of one golden file; raises EvalFileError naming the file and the case."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalFileError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise EvalFileError(f"{path.name}: expected a mapping with lab and a list of cases")
    lab = data.get("lab") or path.stem
    cases = []
    for i, raw in enumerate(data["cases"]):
        where = f"{path.name}: cases[{i}]"
        if not isinstance(raw, dict) or not raw.get("id"):
            raise EvalFileError(f"{where}: expected a mapping with an id")
        where = f"{path.name}: {raw['id']}"
        turns = raw.get("turns")
        if isinstance(turns, str):
            turns = [turns]
        if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise EvalFileError(f"{where}: turns: expected one or more messages")
        expect = raw.get("expect") or {}
        must_not = raw.get("must_not") or {}
        outcome = expect.get("outcome", "answer")
        if outcome not in OUTCOMES:
            raise EvalFileError(f"{where}: expect.outcome: expected one of {', '.join(OUTCOMES)}")
        forbidden = must_not.get("contain") or []
        if not isinstance(forbidden, list):
            raise EvalFileError(f"{where}: must_not.contain: expected a list")
        cases.append(
            Case(
                id=str(raw["id"]),
                lab=str(lab),
                style=str(raw.get("style", "plain")),
                turns=tuple(t.strip() for t in turns),
                outcome=outcome,
                figures=_figures(expect.get("figures"), f"{where}: expect.figures"),
                concepts=_concepts(expect.get("concepts"), f"{where}: expect.concepts"),
                lesson=str(expect.get("lesson") or ""),
                forbidden_figures=_figures(must_not.get("figures"), f"{where}: must_not.figures"),
                forbidden_text=tuple(str(t) for t in forbidden),
                notes=str(raw.get("notes") or ""),
                source=path.name,
            )
        )
    return cases


def eval_files(content_dir: Path, *, holdout: bool = False) -> list[Path]:
    """The golden files, or with `holdout` the held-out ones (evals/holdout/): cases written by
    a new user after the tutor was built, measured and reported, not tuned to case by case."""
    pattern = "modules/*/labs/evals/holdout/*.yaml" if holdout else "modules/*/labs/evals/*.yaml"
    return sorted(content_dir.glob(pattern))


def load_cases(content_dir: Path, lab: str | None = None, *, holdout: bool = False) -> list[Case]:
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in eval_files(content_dir, holdout=holdout):
        for case in read_cases(path):
            if case.id in seen:
                raise EvalFileError(f"{path.name}: {case.id}: id also used in {seen[case.id]}")
            seen[case.id] = path.name
            if lab is None or case.lab == lab:
                cases.append(case)
    return cases


# -- reading a reply ----------------------------------------------------------------------------
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000, "mtok": 1_000_000}
_MONEY = re.compile(
    r"(?:US)?\$\s?(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s?(?P<s>k|m|million|thousand)\b)?", re.I
)
_NUMBER = re.compile(
    r"(?<![\w.$])(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s?(?P<s>k|m|million|thousand)\b)?", re.I
)


def _scaled(match: re.Match[str]) -> Decimal | None:
    try:
        number = Decimal(match["n"].replace(",", ""))
    except InvalidOperation:
        return None
    scale = (match["s"] or "").lower()
    return number * _SCALE.get(scale, 1)


def money_in(text: str) -> list[Decimal]:
    """Every dollar amount written in `text` ($1,234.56, $0.0042, $1.2k, $3 million)."""
    return [n for m in _MONEY.finditer(text) if (n := _scaled(m)) is not None]


def numbers_in(text: str) -> list[Decimal]:
    """Every plain number written in `text` (token counts: 12,345, 1.2M, 900)."""
    return [n for m in _NUMBER.finditer(text) if (n := _scaled(m)) is not None]


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.replace("`", "").replace("*", "").lower().split())


def _card_money(calculations: Iterable[Any]) -> list[Decimal]:
    """Dollar figures the cards show: every `_usd` value in the calculator's answers."""
    found: list[Decimal] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key.endswith("_usd") and isinstance(value, str):
            with contextlib.suppress(InvalidOperation):
                found.append(Decimal(value))

    for call in calculations:
        if not getattr(call, "is_error", False):
            walk(getattr(call, "output", {}))
    return found


_ASK = re.compile(r"\?\s*(?:\*\*)?\s*$", re.M)
_REFUSE = re.compile(
    r"\b(?:can(?:'|no)t|cannot|won't|will not|not able to|unable to)\b.{0,80}\b(?:help|answer|"
    r"give|share|tell|do that|write|assist)|\boutside (?:what|the scope)|\bonly (?:help|answer)\b|"
    r"\bnot something I\b|\bI (?:don't|do not) (?:give|answer|share)",
    re.I,
)
_ASSUMED = re.compile(r"\bassum|\bI (?:used|took|read it as|counted)|\bdefault", re.I)


@dataclass
class Reading:
    text: str
    money: list[Decimal]
    card_money: list[Decimal]
    numbers: list[Decimal]
    asked: bool
    refused: bool
    calculations: int


def read_reply(text: str, calculations: Sequence[Any], asked_follow_up: bool = False) -> Reading:
    normal = _normal(text)
    money = money_in(text)
    asked = asked_follow_up or bool(_ASK.search(text.strip()[-400:]))
    refused = bool(_REFUSE.search(normal)) and not money
    return Reading(
        text=normal,
        money=money,
        card_money=_card_money(calculations),
        numbers=numbers_in(text),
        asked=asked,
        refused=refused,
        calculations=sum(1 for c in calculations if not getattr(c, "is_error", False)),
    )


def _has_figure(figure: Figure, reading: Reading, *, cards: bool) -> bool:
    if figure.unit == "usd":
        pool = reading.money + (reading.card_money if cards else [])
    else:
        pool = reading.numbers
    return any(figure.matches(found) for found in pool)


def grade(case: Case, reading: Reading) -> tuple[str, list[str]]:
    """(verdict, reasons) for one reply. Reasons say what was missing or forbidden."""
    reasons: list[str] = []
    for figure in case.forbidden_figures:
        # A forbidden figure counts only in the prose: cards show many intermediate figures.
        if (figure.unit == "usd" and any(figure.matches(m) for m in reading.money)) or (
            figure.unit == "tokens" and any(figure.matches(n) for n in reading.numbers)
        ):
            reasons.append(f"states a forbidden figure: {figure.what} ({figure.value})")
    for phrase in case.forbidden_text:
        if _normal(phrase) in reading.text:
            reasons.append(f"contains {phrase!r}")
    if reasons:
        return WRONG, reasons

    if case.outcome == "refuse":
        if reading.refused or (reading.asked and not reading.money and not reading.calculations):
            return RIGHT, []
        return WRONG, ["did not refuse"]

    if case.outcome == "ask":
        if reading.asked:
            return RIGHT, []
        if _ASSUMED.search(reading.text):
            return RIGHT, ["answered, stating its assumption"]
        return WRONG, ["priced without the missing figure and without stating an assumption"]

    missing = []
    for figure in case.figures:
        if not _has_figure(figure, reading, cards=True):
            missing.append(f"missing figure: {figure.what} ({figure.unit} {figure.value})")
    for alternatives in case.concepts:
        if not any(_normal(a) in reading.text for a in alternatives):
            missing.append(f"missing concept: {' / '.join(alternatives)}")
    if case.lesson:
        url = LESSON_URL.format(module=MODULE_SLUG, lesson=case.lesson)
        if url not in reading.text:
            missing.append(f"no link to the lesson {case.lesson}")
    if not missing:
        return RIGHT, []
    if reading.asked and not reading.money:
        return ASKED, missing
    return WRONG, missing


# -- running ------------------------------------------------------------------------------------
AskFn = Callable[[str, list[Any], str], Any]


def run_case(case: Case, ask: AskFn) -> Result:
    """Play the case's turns through `ask(lab, history, message)` and grade the last reply."""
    from labs.tutor import Turn

    history: list[Turn] = []
    started = time.perf_counter()
    reply: Any = None
    for message in case.turns:
        reply = ask(case.lab, list(history), message)
        history += [Turn("user", message), Turn("assistant", reply.text)]
    seconds = (time.perf_counter() - started) / max(len(case.turns), 1)
    calculations = list(getattr(reply, "calculations", []))
    reading = read_reply(reply.text, calculations, getattr(reply, "asked_follow_up", False))
    verdict, reasons = grade(case, reading)
    return Result(
        case=case,
        verdict=verdict,
        confidently_wrong=verdict == WRONG and reading.calculations > 0,
        reasons=reasons,
        reply=reply.text,
        calculations=reading.calculations,
        seconds=seconds,
    )


def score(results: Iterable[Result]) -> dict[str, LabScore]:
    labs: dict[str, LabScore] = {}
    for result in results:
        labs.setdefault(result.case.lab, LabScore(result.case.lab)).results.append(result)
    return labs


def offline_ask(table: Any = None) -> AskFn:
    """Ask the offline tutor directly (no database): what `make test` measures."""
    from labs.tutor import answer

    def ask(lab: str, history: list[Any], message: str) -> Any:
        return answer(lab, message, history, table)

    return ask


def engine_ask(offline: bool) -> AskFn:
    """Ask a lab through `run_turn`, as the worker does: the offline tutor or Claude."""
    from labs.conversation import run_turn
    from labs.models import Lab

    labs = {lab.slug: lab for lab in Lab.objects.all()}

    def ask(lab: str, history: list[Any], message: str) -> Any:
        if lab not in labs:
            raise EvalFileError(f"no lab {lab!r} in the database (run sync_content)")
        return run_turn(labs[lab], history, message, offline=offline or None)

    return ask
