"""The prompt auditor's reading of a pasted `usage` object: which side of the call the money
goes to, and how big the prompt really is when part of it was read from the cache.

The call is priced by the shared `usage_calls` path; this module only compares the priced parts
(the calculator's figures) and says which lever moves the bill."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .common import Context
from .reading.usage import Usage
from .usage_calls import exact
from .writing import Reply, tokens

LESSON = "/modules/cost-optimization/lessons/model-selection/"


def usage_advice(
    ctx: Context, reply: Reply, usages: list[Usage], outs: list[dict[str, Any]]
) -> None:
    """Name the larger side of the last call and the misreading of `input_tokens` if cached."""
    usage, out = usages[-1], outs[-1]
    output = Decimal(out["output_usd"])
    prompt = Decimal(out["total_usd"]) - output
    if output > prompt:
        reply.add(
            f"**The answers, not the prompt, are where the money goes:** the output costs "
            f"{exact(out['output_usd'])} of the call's {exact(out['total_usd'])}, because output "
            "tokens cost five times input. Trimming the prompt moves less than bounding the "
            'answers: ask for a stated format and a length limit ("at most 5 bullets"), and '
            "end them with a stop sequence. More in "
            f"[Model selection: ask for a format]({LESSON}#2-ask-for-a-format)."
        )
    elif prompt > output:
        reply.add(
            f"**The prompt is the larger side:** its {tokens(out['prompt_tokens'])} tokens cost "
            f"more than the {tokens(out['output_tokens'])} output tokens, so trimming it (or "
            "caching its stable part) is the lever; paste it and I will audit it."
        )
    if usage.cache_read or usage.cache_write:
        reply.add(
            f"**`input_tokens` is not the whole prompt.** It counts only the tokens after the "
            f"last cache breakpoint, so this prompt is **{tokens(out['prompt_tokens'])} tokens**, "
            f"not {tokens(usage.input)}: the cached tokens are sent on every call too. The "
            "cached part is cheap to resend but still worth trimming if it carries dead weight. "
            f"More in [Model selection: measure first]({LESSON}#measure-first)."
        )
