"""A pasted prompt template ("... {git_log} ..."): the fixed text is estimated, but the real
cost rests on what fills each placeholder and on the answer's length, so the reply says that,
recommends counting the filled-in prompt with `count_tokens`, and asks for the two sizes."""

from __future__ import annotations

import re

from labs.calculator.pricing import Model

from ..common import Context
from ..reading.prompts import extract_prompt
from ..types import TutorReply
from ..writing import Reply, join_words, price, tokens, usd

LESSON = "/modules/cost-optimization/lessons/token-economics/"
# "{git_log}", "{{ticket_body}}", "{user.question}": a slot the app fills at call time.
_PLACEHOLDER_RE = re.compile(r"\{\{?\s*([A-Za-z_][\w.]*)\s*\}?\}")


def pasted_template(message: str) -> tuple[str, list[str]] | None:
    """The prompt pasted in `message` and its placeholders, when it has any."""
    prompt, _ = extract_prompt(message)
    if not prompt:
        return None
    names = list(dict.fromkeys(_PLACEHOLDER_RE.findall(prompt)))
    return (prompt, names) if names else None


def template_reply(ctx: Context, model: Model, prompt: str, names: list[str]) -> TutorReply:
    audit = ctx.calc.run("audit_prompt", {"prompt": _PLACEHOLDER_RE.sub(" ", prompt)})
    fixed = audit["tokens_estimate"]
    one = ctx.calc.run(
        "estimate_cost", {"model": model.id, "input_tokens": fixed, "output_tokens": 0}
    )
    slots = join_words([f"`{{{n}}}`" for n in names])
    reply = Reply()
    reply.add(
        f"The fixed text of this template is about **{tokens(fixed)} tokens** (a rough estimate "
        f"at about four characters a token), which costs {usd(one['total_usd'])} of input per "
        f"call on {model.display_name}. That is the smallest part of the bill: what fills "
        f"{slots} is sent on every call as well, and the answer is billed at the output price "
        f"({price(model.prices.output)} per million tokens against {price(model.prices.input)} "
        "for input)."
    )
    reply.add(
        "For the real figure, send the filled-in prompt to the free `count_tokens` endpoint "
        f"with the model you use (its tokenizer decides the count), or read `usage.input_tokens` "
        f"from one real call. More in [Token economics]({LESSON})."
    )
    reply.add(
        "With two sizes I will price one call, and a day or month at your volume: how many "
        f"tokens does {slots} usually hold, and how long is a typical answer (the output)?"
    )
    return ctx.reply(reply.render(), follow_up=True)
