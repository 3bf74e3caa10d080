"""Scenario items: a question whose numbers are drawn afresh for every attempt.

A scenario item is a template. Its `scenario` spec names a kind (below) and the range of each of
the kind's parameters; its stem and options use `{name}` placeholders. Each option names what it
`computes`: `key` for the right answer, or a named mistake (forgot the write premium, priced
output at the input rate, ...). Every amount comes from the calculator (labs/calculator), run on
the drawn values and the price table it is given; a mistake is the calculator run on the inputs
the mistaken learner would use (a model whose write price is its input price, a month where
the stem says a day), never arithmetic of our own on prices.

A draw whose options would read the same (two equal amounts) is drawn again: an item with two
identical options has two right answers. The attempt stores the drawn values and the amounts
(`Draw.as_data`), so its pages, its grading and its review never change with the price table;
only a staff regrade (quizzes/regrade.py) reads them again under a new table.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from labs.calculator import CalculatorError, PriceTable
from labs.calculator.caching import plan_cache
from labs.calculator.calls import Usage, cost_of_call
from labs.calculator.costs import PromptParts, Workload, cost_of_workload
from labs.calculator.formatting import format_usd
from labs.calculator.history import conversation_history
from labs.calculator.pricing import Model
from labs.calculator.routing import route_traffic

KEY = "key"
# How often a draw whose options collide is drawn again before the template is declared broken.
MAX_REDRAWS = 40
# Upper bound of any drawn count: the calculator's own limits are far above it, and a range
# this wide already means a typo.
MAX_VALUE = 10_000_000
# Two options' amounts differ by more than this share of the larger, or the draw is redrawn.
MIN_GAP = Decimal("0.02")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
TTL_WORDS = {"5m": "5-minute", "1h": "1-hour"}
TTL_CHOICES = {"5m": "A 5-minute cache", "1h": "A 1-hour cache"}


class ScenarioError(ValueError):
    """A template that cannot be drawn: bad kind, bad range, draws that always collide."""


@dataclass(frozen=True)
class Outcome:
    amount: Decimal
    label: str = ""


Values = Mapping[str, Any]
Computation = Callable[[Values, PriceTable], Outcome]


# -- mistaken inputs ----------------------------------------------------------------------------
def _priced(model: Model, **prices: Decimal) -> Model:
    """The model as a learner making a pricing mistake sees it: some of its prices replaced.
    Bands are dropped with it; scenario ranges keep prompts below every band."""
    return replace(model, prices=replace(model.prices, **prices), bands=())


def _no_write_premium(model: Model) -> Model:
    return _priced(model, cache_write_5m=model.prices.input, cache_write_1h=model.prices.input)


def _output_at_input(model: Model) -> Model:
    return _priced(model, output=model.prices.input)


# -- the kinds ----------------------------------------------------------------------------------
def _history_cost(v: Values, t: PriceTable, *, earlier_only: bool = False, last: bool = False,
                  model: Model | None = None) -> Outcome:  # fmt: skip
    # Each request of the conversation is priced on its own (a long replay can cross a price
    # band one request at a time, never as one summed prompt). Leaving out each request's new
    # turn bills request k for k-1 turns: the history of a conversation one turn shorter.
    model = model or t.get(v["model"])
    turns = v["turns"] - 1 if earlier_only else v["turns"]
    history = conversation_history(turns, v["turn_tokens"], model=model)
    if last:
        return Outcome(cost_of_call(model, Usage(input_tokens=history.per_turn[-1])).total_usd)
    return Outcome(history.as_dict()["full_usd"])


def _workload(v: Values, *, per: str = "day", cache: bool = True, user: str = "user",
              batch: bool = False) -> Workload:  # fmt: skip
    return Workload(
        requests=v["requests"],
        per=per,
        parts=PromptParts(system=v.get("prefix", v.get("system", 0)), user=v[user]),
        output_tokens=v["output"],
        cache_prefix_tokens=v.get("prefix", 0) if cache else 0,
        ttl=v.get("ttl", "5m"),
        batch=batch,
    )


def _cached_daily(v: Values, t: PriceTable, model: Model | None = None, **kw: Any) -> Outcome:
    cost = cost_of_workload(model or t.get(v["model"]), _workload(v, **kw))
    return Outcome(cost.per_day_usd)


def _cached_changing_part(v: Values, t: PriceTable) -> Outcome:
    # The changing user message sits inside the cached prefix, so no request ever finds the
    # prefix it wrote: every request writes the whole prompt and none reads.
    model = t.get(v["model"])
    write = (
        model.prices.cache_write_5m if v.get("ttl", "5m") == "5m" else model.prices.cache_write_1h
    )
    return _cached_daily(v, t, _priced(model, input=write), cache=False)


def _ttl_cost(v: Values, t: PriceTable, ttl: str, traffic: str = "poisson") -> Decimal:
    plan = plan_cache(t.get(v["model"]), v["prefix"], v["requests"], "day", ttl, traffic)
    return plan.with_cache_usd


def _ttl_choice(v: Values, t: PriceTable, *, right: bool, premium: bool = True) -> Outcome:
    costs = {ttl: _ttl_cost(v, t, ttl) for ttl in ("5m", "1h")}
    cheaper = min(costs, key=costs.__getitem__)
    ttl = cheaper if right else next(k for k in costs if k != cheaper)
    if not premium:
        # The right lifetime, its writes billed at the plain input price.
        model = _no_write_premium(t.get(v["model"]))
        plan = plan_cache(model, v["prefix"], v["requests"], "day", ttl, "poisson")
        return Outcome(plan.with_cache_usd, TTL_CHOICES[ttl])
    return Outcome(costs[ttl], TTL_CHOICES[ttl])


def _ttl_assumed_steady(v: Values, t: PriceTable) -> Outcome:
    # Steady traffic keeps a 5-minute entry warm all day: one write. Sparse arrivals do not.
    return Outcome(_ttl_cost(v, t, "5m", "steady"), TTL_CHOICES["5m"])


def _no_cache(v: Values, t: PriceTable) -> Outcome:
    plan = plan_cache(t.get(v["model"]), v["prefix"], v["requests"], "day", "5m", "poisson")
    return Outcome(plan.without_cache_usd, "No cache")


def _routing(v: Values, t: PriceTable, *, classifier: bool = True, everything_cheap: bool = False,
             pricing: Callable[[Model], Model] = lambda m: m) -> Outcome:  # fmt: skip
    cheap, strong = pricing(t.get(v["cheap_model"])), pricing(t.get(v["model"]))
    share = Decimal(v["simple_pct"]) / 100
    mix = {"cheap": Decimal(1)} if everything_cheap else {"cheap": share, "strong": 1 - share}
    models = {"cheap": cheap} if everything_cheap else {"cheap": cheap, "strong": strong}
    result = route_traffic(
        mix, models, strong, v["requests"], "day", v["input"], v["output"],
        classifier=cheap if classifier else None,
        classifier_input=v["classifier_input"] if classifier else 0,
        classifier_output=v["classifier_output"] if classifier else 0,
    )  # fmt: skip
    return Outcome(result.saving_usd)


def _monthly(v: Values, t: PriceTable, model: Model | None = None, *, per: str = "day",
             user: str = "user", batch: bool = False) -> Outcome:  # fmt: skip
    workload = _workload(v, per=per, cache=False, user=user, batch=batch)
    return Outcome(cost_of_workload(model or t.get(v["model"]), workload).per_month_usd)


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    params: tuple[str, ...]
    computes: dict[str, Computation]
    # The computations that apply the right method to the choice their label names (the key,
    # and for a choice question the same method on the other choice): a regrade follows the
    # choice a learner saw, since new prices can make the other choice the right one.
    honest: tuple[str, ...] = (KEY,)
    # What the key works out, for staff views that name an option by its method.
    key_means: str = "the right answer"

    def mistakes(self) -> list[str]:
        return [name for name in self.computes if name != KEY]


def option_method(spec: Mapping[str, Any] | None, computes: str) -> str:
    """A scenario option named by what it computes, for reports and exports, where no draw is
    in hand and the template's "{amount} a day" would say nothing: "key: the cost per day",
    "mistake: forgot the write premium"."""
    kind = KINDS.get((spec or {}).get("kind", ""))
    if computes == KEY:
        return f"key: {kind.key_means if kind else 'the right answer'}"
    return f"mistake: {computes.replace('-', ' ')}"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "history-input-cost",
            "Input cost of a whole conversation whose history is replayed on every turn.",
            ("model", "turns", "turn_tokens"),
            {
                KEY: lambda v, t: _history_cost(v, t),
                "only-the-last-request": lambda v, t: _history_cost(v, t, last=True),
                "left-out-the-new-turn": lambda v, t: _history_cost(v, t, earlier_only=True),
                "priced-input-at-the-output-rate": lambda v, t: _history_cost(
                    v, t, model=_priced(t.get(v["model"]), input=t.get(v["model"]).prices.output)
                ),
            },
            key_means="the input cost of the whole conversation",
        ),
        Kind(
            "cached-prefix-daily",
            "Daily cost of a workload that caches a stable prefix (steady traffic).",
            ("model", "requests", "prefix", "user", "output", "ttl"),
            {
                KEY: lambda v, t: _cached_daily(v, t),
                "forgot-the-write-premium": lambda v, t: _cached_daily(
                    v, t, _no_write_premium(t.get(v["model"]))
                ),
                "priced-output-at-the-input-rate": lambda v, t: _cached_daily(
                    v, t, _output_at_input(t.get(v["model"]))
                ),
                "cached-a-part-that-changes": _cached_changing_part,
                "no-caching": lambda v, t: _cached_daily(v, t, cache=False),
            },
            key_means="the cost per day with the prefix cached",
        ),
        Kind(
            "ttl-choice-sparse",
            "The cheaper cache lifetime for a prefix under sparse (Poisson) traffic, per day.",
            ("model", "requests", "prefix"),
            {
                KEY: lambda v, t: _ttl_choice(v, t, right=True),
                "the-dearer-ttl": lambda v, t: _ttl_choice(v, t, right=False),
                "forgot-the-write-premium": lambda v, t: _ttl_choice(
                    v, t, right=True, premium=False
                ),
                "assumed-steady-traffic": _ttl_assumed_steady,
                "no-caching": _no_cache,
            },
            honest=(KEY, "the-dearer-ttl"),
            key_means="the cheaper lifetime and its cost per day",
        ),
        Kind(
            "routing-net-saving",
            "Daily saving of routing simple requests to a cheap tier, net of the classifier.",
            (
                "model",
                "cheap_model",
                "requests",
                "simple_pct",
                "input",
                "output",
                "classifier_input",
                "classifier_output",
            ),
            {
                KEY: lambda v, t: _routing(v, t),
                "ignored-the-classifier-cost": lambda v, t: _routing(v, t, classifier=False),
                "priced-output-at-the-input-rate": lambda v, t: _routing(
                    v, t, pricing=_output_at_input
                ),
                "routed-everything-to-the-cheap-tier": lambda v, t: _routing(
                    v, t, everything_cheap=True
                ),
            },
            key_means="the saving per day net of the classifier",
        ),
        Kind(
            "spend-ceiling",
            "The monthly spend a per-user request limit and an input cap allow at most.",
            ("model", "requests", "system", "cap", "paste", "output"),
            {
                KEY: lambda v, t: _monthly(v, t, user="cap"),
                "per-day-read-as-per-month": lambda v, t: _monthly(v, t, per="month", user="cap"),
                "ignored-the-input-cap": lambda v, t: _monthly(v, t, user="paste"),
                "priced-output-at-the-input-rate": lambda v, t: _monthly(
                    v, t, _output_at_input(t.get(v["model"])), user="cap"
                ),
            },
            key_means="the worst-case spend per month",
        ),
        Kind(
            "batch-monthly",
            "Monthly cost of an overnight job sent through the Message Batches API.",
            ("model", "requests", "system", "user", "output"),
            {
                KEY: lambda v, t: _monthly(v, t, batch=True),
                "ignored-the-batch-discount": lambda v, t: _monthly(v, t),
                "per-day-read-as-per-month": lambda v, t: _monthly(v, t, per="month", batch=True),
                "priced-output-at-the-input-rate": lambda v, t: _monthly(
                    v, t, _output_at_input(t.get(v["model"])), batch=True
                ),
            },
            key_means="the cost per month at batch prices",
        ),
    )
}


# -- the spec -----------------------------------------------------------------------------------
def spec_problems(spec: Any, computes: list[str], texts: list[str], table: PriceTable) -> list[str]:
    """What is wrong with a template, each a sentence an author can act on (empty: it draws).

    `computes` are the options' computations in order (the right option's first is not
    assumed), `texts` the stem and option texts whose placeholders must be known."""
    if not isinstance(spec, Mapping):
        return ["scenario: must be a mapping with a kind and params"]
    kind = KINDS.get(spec.get("kind"))
    if kind is None:
        return [f"scenario.kind: {spec.get('kind')!r} is not one of {', '.join(KINDS)}"]
    params = spec.get("params")
    if not isinstance(params, Mapping):
        return ["scenario.params: give each parameter's values or range"]
    problems = []
    missing = [p for p in kind.params if p not in params]
    if missing:
        problems.append(f"scenario.params: {kind.name} needs {', '.join(missing)}")
    for name in params:
        if name not in kind.params:
            problems.append(f"scenario.params.{name}: {kind.name} has no such parameter")
            continue
        problems += [
            f"scenario.params.{name}: {p}" for p in _range_problems(name, params[name], table)
        ]
    for name in computes:
        if name not in kind.computes:
            problems.append(
                f"option computes {name!r}: {kind.name} computes {', '.join(kind.computes)}"
            )
    if computes.count(KEY) != 1:
        problems.append(f"exactly one option must compute {KEY!r} (the right answer)")
    if len(set(computes)) != len(computes):
        problems.append("two options compute the same thing, so they always read the same")
    known = set(kind.params) | {"amount", "label"}
    for text in texts:
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                problems.append(f"{{{name}}} is not a parameter of {kind.name}")
    if problems:
        return sorted(set(problems), key=problems.index)
    rng = random.Random(0)
    failures = 0
    for _ in range(10):
        try:
            draw_values_and_amounts(spec, computes, table, rng)
        except ScenarioError as exc:
            failures += 1
            last = str(exc)
    if failures:
        problems.append(f"{failures} of 10 trial draws fail: {last}")
    return problems


def _range_problems(name: str, values: Any, table: PriceTable) -> list[str]:
    if isinstance(values, list):
        if not values:
            return ["the list of values is empty"]
        if name in ("model", "cheap_model"):
            return [
                f"{m!r} is not a model in the price table" for m in values if not table.find(str(m))
            ]
        if name == "ttl":
            return [f"{m!r} is not a cache lifetime (5m, 1h)" for m in values if m not in TTL_WORDS]
        return [f"{m!r} is not a whole number" for m in values if not _is_int(m)]
    if isinstance(values, Mapping):
        if name in ("model", "cheap_model", "ttl"):
            return ["list the values (a range is for numbers)"]
        low, high, step = values.get("min"), values.get("max"), values.get("step", 1)
        if not all(_is_int(x) for x in (low, high, step)):
            return ["min, max and step must be whole numbers"]
        if step < 1:
            return [f"step is {step}; it must be at least 1"]
        if not 0 <= low <= high <= MAX_VALUE:
            return [f"min {low} and max {high} must satisfy 0 <= min <= max <= {MAX_VALUE:,}"]
        extra = set(values) - {"min", "max", "step"}
        return [f"unknown range field {sorted(extra)[0]!r}"] if extra else []
    return ["give a list of values or a range {min, max, step}"]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- drawing ------------------------------------------------------------------------------------
def draw_value(values: Any, rng: random.Random) -> Any:
    if isinstance(values, list):
        return rng.choice(values)
    return rng.randrange(values["min"], values["max"] + 1, values.get("step", 1))


def amounts_for(
    spec: Mapping[str, Any], computes: list[str], values: Values, table: PriceTable
) -> list[Outcome]:
    """Each option's outcome for these drawn values under `table`. Raises ScenarioError."""
    kind = KINDS[spec["kind"]]
    try:
        return [kind.computes[name](values, table) for name in computes]
    except (CalculatorError, KeyError, ArithmeticError) as exc:
        raise ScenarioError(
            f"the calculator refused the drawn values {dict(values)}: {exc}"
        ) from None


def option_text(template: str, outcome: Outcome) -> str:
    return template.replace("{amount}", format_usd(outcome.amount)).replace(
        "{label}", outcome.label
    )


def draw_values_and_amounts(
    spec: Mapping[str, Any], computes: list[str], table: PriceTable, rng: random.Random
) -> tuple[dict[str, Any], list[Outcome]]:
    """Fresh values and their outcomes, drawn again while two options would read the same."""
    problem = "no draw"
    for _ in range(MAX_REDRAWS):
        values = {name: draw_value(r, rng) for name, r in spec["params"].items()}
        try:
            outcomes = amounts_for(spec, computes, values, table)
        except ScenarioError as exc:
            problem = str(exc)
            continue
        shown = [(format_usd(o.amount), o.label) for o in outcomes]
        if len(set(shown)) == len(shown) and not _too_close(outcomes):
            return values, outcomes
        problem = f"two options read the same or nearly ({shown}) for {values}"
    raise ScenarioError(f"every one of {MAX_REDRAWS} draws failed; the last: {problem}")


def close_enough(a: Decimal, b: Decimal) -> bool:
    """Amounts within MIN_GAP of each other: a learner could not tell them apart once both
    are rounded to cents."""
    return abs(a - b) <= MIN_GAP * max(abs(a), abs(b))


def _too_close(outcomes: list[Outcome]) -> bool:
    amounts = [o.amount for o in outcomes]
    return any(close_enough(a, b) for i, a in enumerate(amounts) for b in amounts[i + 1 :])


@dataclass(frozen=True)
class Draw:
    """One attempt's draw of one item: the values and each option's outcome, by choice id."""

    values: dict[str, Any]
    outcomes: dict[int, Outcome]
    # The values as the stem shows them (a model's display name), fixed when drawn.
    shown: dict[str, str]

    def as_data(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "shown": self.shown,
            "amounts": {str(pk): str(o.amount) for pk, o in self.outcomes.items()},
            "labels": {str(pk): o.label for pk, o in self.outcomes.items() if o.label},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Draw:
        labels = data.get("labels", {})
        return cls(
            values=dict(data["values"]),
            shown=dict(data.get("shown", {})),
            outcomes={
                int(pk): Outcome(Decimal(amount), labels.get(pk, ""))
                for pk, amount in data["amounts"].items()
            },
        )


def draw(question: Any, table: PriceTable, rng: random.Random) -> Draw:
    """A fresh draw of a scenario question (choices prefetched). Raises ScenarioError."""
    choices = list(question.choices.all())
    values, outcomes = draw_values_and_amounts(
        question.scenario, [c.computes for c in choices], table, rng
    )
    by_choice = {c.pk: o for c, o in zip(choices, outcomes, strict=True)}
    return Draw(values, by_choice, shown_values(values, table))


def redo(question: Any, values: Values, table: PriceTable) -> Draw:
    """The same drawn values under another table (a regrade). Raises ScenarioError."""
    choices = list(question.choices.all())
    outcomes = amounts_for(question.scenario, [c.computes for c in choices], values, table)
    by_choice = {c.pk: o for c, o in zip(choices, outcomes, strict=True)}
    return Draw(dict(values), by_choice, shown_values(values, table))


# -- showing ------------------------------------------------------------------------------------
def format_param(name: str, value: Any, table: PriceTable | None = None) -> str:
    if name in ("model", "cheap_model"):
        model = table.find(str(value)) if table is not None else None
        return model.display_name if model else str(value)
    if name == "ttl":
        return TTL_WORDS.get(value, str(value))
    if _is_int(value):
        return f"{value:,}"
    return str(value)


def fill_html(template_html: str, shown: Mapping[str, str], outcome: Outcome | None = None) -> str:
    """Rendered (sanitized) HTML with its placeholders replaced by the escaped drawn values
    (`shown`, as `shown_values` wrote them) and the option's amount and label."""

    def sub(match: re.Match) -> str:
        name = match.group(1)
        if outcome is not None and name == "amount":
            return html.escape(format_usd(outcome.amount))
        if outcome is not None and name == "label":
            return html.escape(outcome.label)
        if name in shown:
            return html.escape(shown[name])
        return match.group(0)

    return PLACEHOLDER.sub(sub, template_html)


def shown_values(values: Values, table: PriceTable) -> dict[str, str]:
    return {k: format_param(k, v, table) for k, v in values.items()}
