"""Rules the lesson text can be checked against mechanically: the example code is sound, ratios
come from the calculator, and facts the reference marks [UNCONFIRMED] are labelled where shown."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

PYTHON_FENCE = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
# A hand-written ratio: "40x", "1.25 x", "60" + a multiplication sign, "5 times".
HAND_RATIO = re.compile(r"\b\d+(?:\.\d+)?\s*(?:x|\u00d7|times)\b", re.I)
LIVING_PRICE = re.compile(r"\{\{\s*(?:price|calc)\b")


def lesson_paths() -> list[Path]:
    paths = sorted((Path(settings.CONTENT_DIR) / "modules").glob("*/lessons/*.md"))
    assert len(paths) >= 4
    return paths


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def code_blocks(text: str) -> list[str]:
    return PYTHON_FENCE.findall(text)


def prose_paragraphs(text: str) -> list[str]:
    """Paragraphs outside code fences, a callout's indented body joined to its title."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return [p for p in re.split(r"\n\s*\n", prose) if p.strip()]


def ratio_offences(text: str) -> list[str]:
    return [
        " ".join(p.split())[:160]
        for p in prose_paragraphs(text)
        if LIVING_PRICE.search(p) and HAND_RATIO.search(LIVING_PRICE.sub("", strip_shortcodes(p)))
    ]


def strip_shortcodes(paragraph: str) -> str:
    return re.sub(r"\{\{.*?\}\}", "{{}}", paragraph, flags=re.S)


def float_money(code: str) -> list[str]:
    """Annotations that hold money as float: `list[float]`, `-> float`, `cost: float`."""
    found = []
    for node in ast.walk(ast.parse(code)):
        annotations = []
        if isinstance(node, ast.FunctionDef):
            annotations = [a.annotation for a in node.args.args if a.annotation] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        for annotation in annotations:
            if annotation is not None and "float" in ast.unparse(annotation):
                found.append(ast.unparse(annotation))
    return found


def count_tokens_with_max_tokens(code: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "count_tokens"
        and any(k.arg == "max_tokens" for k in node.keywords)
    ]


def test_the_rules_catch_what_they_are_for():
    assert ratio_offences("Opus costs {{ price claude-opus-5-5 output }}, 40x Haiku.\n")
    assert not ratio_offences("Writes cost 1.25x the input price.\n")
    assert not ratio_offences("{{ calc cost --model m --input 2000 --output 5 | total_usd }}\n")
    assert float_money("def f(costs: list[float]) -> None:\n    pass\n") == ["list[float]"]
    assert count_tokens_with_max_tokens("c.messages.count_tokens(model='m', max_tokens=5)\n")


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_every_python_example_in_a_lesson_parses(path):
    for code in code_blocks(body(path)):
        ast.parse(code)


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_lesson_code_never_holds_money_as_float(path):
    found = [f for code in code_blocks(body(path)) for f in float_money(code)]
    assert found == []


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_count_tokens_examples_never_pass_max_tokens(path):
    """`count_tokens` measures the prompt; it takes no `max_tokens` (the SDK refuses it)."""
    found = [n for code in code_blocks(body(path)) for n in count_tokens_with_max_tokens(code)]
    assert found == []


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_no_hand_written_ratio_sits_beside_a_living_price(path):
    """A ratio between figures the table holds is computed by the calculator, or it goes stale
    (and has gone wrong) when a price changes."""
    assert ratio_offences(body(path)) == []


def test_one_complete_cost_function_is_taught_in_lesson_one_and_reused():
    paths = lesson_paths()
    defining = [p.stem for p in paths if "def call_cost(" in body(p)]
    assert defining == ["01-token-economics"]
    (definition,) = [code for code in code_blocks(body(paths[0])) if "def call_cost(" in code]
    for needed in (
        "Decimal",
        "ephemeral_5m_input_tokens",
        "ephemeral_1h_input_tokens",
        "cache_read_input_tokens",
        "service_tier",
        "above_prompt_tokens",
    ):
        assert needed in definition, needed
    assert "call_cost" in body(paths[2]) and "call_cost" in body(paths[3])


def test_the_lesson_three_logger_records_both_write_lifetimes_and_the_service_tier():
    (logger,) = [c for c in code_blocks(body(lesson_paths()[2])) if "def call_and_log(" in c]
    for needed in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens", "service_tier"):
        assert needed in logger, needed


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_unconfirmed_facts_are_labelled_where_a_lesson_shows_them(path):
    """API-FACTS.md marks Sonnet 5.5's cut read price and the 1-hour-before-5-minute ordering
    rule [UNCONFIRMED]; a paragraph (or table row) that shows either says so."""
    unlabelled = []
    for paragraph in prose_paragraphs(body(path)):
        units = paragraph.splitlines() if paragraph.lstrip().startswith("|") else [paragraph]
        for unit in units:
            shows_read_price = "claude-sonnet-5-5 cache_read" in unit or (
                "claude-sonnet-5-5" in unit and "--cache-read" in unit
            )
            flat = " ".join(unit.split()).lower()
            shows_ordering = "1-hour" in flat and "before the 5-minute" in flat
            if (shows_read_price or shows_ordering) and "[UNCONFIRMED]" not in unit:
                unlabelled.append(" ".join(unit.split())[:160])
    assert unlabelled == []


def test_the_batch_table_promises_no_deadline_shorter_than_24_hours():
    text = body(lesson_paths()[3]).lower()
    assert "by the morning" not in text
    assert "expire" in text


# A status the price table decides, and the output-to-input ratio of its rows, written by hand.
HAND_STATUS = re.compile(r"\b(?:legacy|deprecated)\b", re.I)
HAND_OUTPUT_RATIO = re.compile(r"\b(?:five|5)\s*(?:times|x|\u00d7)\b|\bfivefold\b", re.I)
MONTHS = "January February March April May June July August September October November December"


def table_dates() -> set[str]:
    """Every date the price table holds, as a lesson could write it by hand."""
    from labs.calculator import load_price_table

    forms: set[str] = set()
    for model in load_price_table().to_data()["models"]:
        for key in ("released", "retired", "price_date"):
            if model.get(key):
                year, month, day = (int(x) for x in str(model[key]).split("-"))
                name = MONTHS.split()[month - 1]
                forms |= {str(model[key]), f"{day} {name} {year}", f"{name} {day}, {year}"}
                if key != "price_date" or day != 22:  # the check date (2026-11-22) is no event
                    forms.add(f"{name} {year}")
    return forms


def hand_written_facts(text: str, dates: set[str]) -> list[str]:
    found = []
    for paragraph in prose_paragraphs(text):
        flat = " ".join(strip_shortcodes(paragraph).split())
        # "5 February 2026" is another event's day, not the table's "February 2026".
        undated = re.sub(rf"\b\d{{1,2}} (?:{MONTHS.replace(' ', '|')}) \d{{4}}", "", flat)
        hits = [d for d in dates if d in (undated if d[:1].isalpha() and "," not in d else flat)]
        hits += HAND_STATUS.findall(flat) + HAND_OUTPUT_RATIO.findall(flat)
        if hits:
            found.append(f"{hits}: {flat[:120]}")
    return found


def test_the_hand_written_fact_rule_catches_what_it_is_for():
    dates = table_dates()
    assert hand_written_facts("The cut came in October 2026.\n", dates)
    assert hand_written_facts("Claude 3 launched on 4 March 2024.\n", dates)
    assert hand_written_facts("Haiku 4.5 is marked legacy.\n", dates)
    assert hand_written_facts("Output costs five times input.\n", dates)
    assert not hand_written_facts("Isolated per workspace since 5 February 2026.\n", dates)
    assert not hand_written_facts(
        "The cut came on {{ model claude-sonnet-5-5 price_date }}; Haiku 4.5 is "
        "{{ model claude-haiku-4-5 status }}.\n",
        dates,
    )


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_no_date_status_or_output_ratio_the_table_holds_is_written_by_hand(path):
    """A date, a status or the output-to-input ratio that `pricing.yaml` holds is a shortcode or
    calculator output in a lesson: written by hand, it goes stale when the table or the calendar
    moves (Sonnet 4.5's "deprecated" did)."""
    assert hand_written_facts(body(path), table_dates()) == []


# A multiplier the price table implies, written by hand: "1.25x", "0.1x", "a tenth", "nine-tenths"
# of input, or the batch discount as "half price" / "50%". (Arithmetic such as "100,000 x 2,000"
# is not a multiplier; "three-quarters of a word" is no price.)
HAND_MULTIPLIER = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?\s*(?:x|\u00d7)(?!\w)(?!\s*\d)", re.I)
HAND_FRACTION = re.compile(
    r"\b(?:a|one|nine)[- ](?:quarter|tenth|twentieth|fortieth)s?\b|\bnine-tenths\b", re.I
)
HAND_BATCH_DISCOUNT = re.compile(r"\bhal(?:f|ves|ved)\b|\b50\s*%", re.I)


def hand_written_multipliers(text: str) -> list[str]:
    found = []
    for paragraph in prose_paragraphs(text):
        flat = " ".join(strip_shortcodes(paragraph).split())
        hits = HAND_MULTIPLIER.findall(flat) + HAND_FRACTION.findall(flat)
        if "batch" in flat.lower():
            hits += HAND_BATCH_DISCOUNT.findall(flat)
        if hits:
            found.append(f"{hits}: {flat[:120]}")
    return found


def test_the_hand_written_multiplier_rule_catches_what_it_is_for():
    assert hand_written_multipliers("A 5-minute write costs 1.25x input.\n")
    assert hand_written_multipliers("| Cache write, 1-hour lifetime | 2x |\n")
    assert hand_written_multipliers("Opus 5.5 reads at a twentieth of its input price.\n")
    assert hand_written_multipliers("Each hit saves nine-tenths.\n")
    assert hand_written_multipliers("The Message Batches API bills at half price.\n")
    assert hand_written_multipliers("Batch: 50% off every token.\n")
    assert not hand_written_multipliers(
        "Writes cost {{ model claude-sonnet-4-6 cache_write_5m_multiplier }} input; a batch takes "
        "{{ model claude-sonnet-5-5 batch_saving_pct }} off.\n"
    )
    assert not hand_written_multipliers("A prompt sent 100,000 x 2,000 times.\n")
    assert not hand_written_multipliers("About three-quarters of a word per token.\n")
    assert not hand_written_multipliers("```python\ndollars *= 2  # 2x\n```\n")


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda p: p.stem)
def test_no_multiplier_the_price_table_implies_is_written_by_hand(path):
    """Cache write and read multipliers, the batch discount and the output-to-input ratio come
    from ratio shortcodes (`{{ model M cache_read_multiplier }}`), so they follow the table: the
    read multiplier has already moved from one model to the next (0.1x, 0.05x, 0.025x)."""
    assert hand_written_multipliers(body(path)) == []
