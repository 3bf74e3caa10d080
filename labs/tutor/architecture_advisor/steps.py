"""Two questions about one workload that a plan alone does not answer: "switch to Haiku, then
cache, then batch: the monthly after each step?" (the calculator's `stack_savings`) and "keep
Sonnet but batch it, or move to Haiku in real time?" (`batch_savings` on each model)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from labs.calculator.pricing import Model

from ..common import Context
from ..reading import find_ttls, order_models
from ..types import TutorReply
from ..writing import Reply, join_words, model_prices, table, tokens, usd
from .workloads import Draft

# Within one sentence; a model version's dot ("haiku 5.5") does not end it.
_IN_SENTENCE = r"(?:[^.?!]|(?<=\d)\.(?=\d))*"
_STACK_RE = re.compile(
    rf"\b(?:switch|move|moving|go|swap)\w*\s+(?:\w+\s+){{0,2}}?to\b{_IN_SENTENCE}\bcach"
    rf"{_IN_SENTENCE}\bbatch|"
    r"\b(?:after|at|for)\s+each\s+step\b|\bstep\s+(?:by\s+step|through)\b|\bwalk\s+me\s+through\b",
    re.I,
)
_EITHER_RE = re.compile(
    r"\bbatch\w*\b[^?]*\b(?:or|vs\.?|versus|instead)\b[^?]*\breal[\s-]?time\b|"
    r"\breal[\s-]?time\b[^?]*\b(?:or|vs\.?|versus|instead)\b[^?]*\bbatch",
    re.I,
)


def _models_named(ctx: Context) -> list[Model]:
    out: list[Model] = []
    for mention in order_models(ctx.conv.new.models):
        if mention.model is not None and all(m.id != mention.model.id for m in out):
            out.append(mention.model)
    return out


def _shape(draft: Draft) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requests": draft.requests_per_day,
        "per": "day",
        "output_tokens": draft.output,
    }
    data |= {f"{part}_tokens": n for part, n in draft.parts.items() if n}
    return data


def is_stack_question(ctx: Context, drafts: list[Draft]) -> bool:
    return len(drafts) == 1 and bool(_STACK_RE.search(ctx.message)) and bool(_target(ctx, drafts))


def _target(ctx: Context, drafts: list[Draft]) -> Model | None:
    current = drafts[0].current_model
    others = [m for m in _models_named(ctx) if m.id != current]
    return others[-1] if others else None


def stack_reply(ctx: Context, draft: Draft, prefix_tokens: int) -> TutorReply:
    """Each step's monthly cost, in the order the learner gave: model, caching, batch."""
    target = _target(ctx, [draft])
    assert target is not None
    current = ctx.table.get(draft.current_model) if draft.current_model else None
    current = current or ctx.table.latest("sonnet")
    ttls = [t for t, _, _ in find_ttls(ctx.message)]
    batch = bool(re.search(r"\bbatch", ctx.message, re.I))
    data = {
        "from_model": current.id,
        "to_model": target.id,
        **_shape(draft),
        "cache_prefix_tokens": prefix_tokens,
        "ttl": ttls[0] if ttls else ("1h" if batch else "5m"),
    }
    if batch:
        data["batch"] = True
    out = ctx.calc.run("stack_savings", data)
    reply = Reply()
    reply.add(
        f"Step by step for **{draft.name}**, each step acting on what the previous one left: "
        f"**{usd(out['before_monthly_usd'])} a month today, {usd(out['after_monthly_usd'])} "
        "after the last step**."
    )
    rows = [
        [s["description"], usd(s["monthly_usd"]), usd(s["saving_usd"]) if i else "-"]
        for i, s in enumerate(out["steps"])
    ]
    reply.add(table(["Step", "Monthly after the step", "Saved by the step"], rows, right=(1, 2)))
    reply.add(
        "The steps multiply rather than add: caching discounts only the cached prefix of what "
        "the cheaper model costs, and the batch discount halves what remains after caching. "
        f"Caching the {tokens(prefix_tokens)}-token prefix pays only while requests share it "
        "exactly."
    )
    if target.id != current.id:
        # A cheaper model's saving is real only if it does the job: the plan never skips that.
        reply.add(
            f"Take the model step only once {target.display_name} passes your own test set for "
            f"this task (real inputs, the accuracy bar {current.display_name} meets today); "
            "the other two steps do not change the answers."
        )
    reply.assume(f"Prices per million tokens: {model_prices(current)}; {model_prices(target)}.")
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    reply.next_step = "drop one step and compare, or ask which controls to add."
    return ctx.reply(reply.render())


def is_either_question(ctx: Context, drafts: list[Draft]) -> bool:
    return (
        len(drafts) == 1 and len(_models_named(ctx)) >= 2 and bool(_EITHER_RE.search(ctx.message))
    )


def either_reply(ctx: Context, draft: Draft) -> TutorReply:
    """Real time and batch on each model named: the choice is rarely either-or."""
    models = _models_named(ctx)
    results = [ctx.calc.run("batch_savings", {"model": m.id, **_shape(draft)}) for m in models]
    reply = Reply()
    rows = [[r["display_name"], usd(r["standard_usd"]), usd(r["batch_usd"])] for r in results]
    cheapest = min(results, key=lambda r: Decimal(r["batch_usd"]))
    reply.add(
        f"For **{draft.name}**, per month: "
        + join_words(
            [
                f"{r['display_name']} {usd(r['standard_usd'])} in real time and "
                f"{usd(r['batch_usd'])} on batch"
                for r in results
            ]
        )
        + "."
    )
    reply.add(table(["Model", "Real time / month", "Batch / month"], rows, right=(1, 2)))
    reply.add(
        f"It is not either-or: the two steps stack, and **{cheapest['display_name']} on batch** "
        f"is the cheapest at {usd(cheapest['batch_usd'])} a month, if it clears the acceptance "
        "bar you fixed before testing and nobody waits for the answers (batch results come "
        "back within 24 hours)."
    )
    reply.assume(*results[0]["assumptions"])
    reply.warnings_from(results)
    reply.next_step = "add prompt caching of a shared prefix, which stacks with both."
    return ctx.reply(reply.render())
