"""A tiered routing design from a traffic mix: each tier's share on its model, a classifier on
every request, against sending everything to one baseline model (`routing_savings`).

The mix is read from the percents and the words after each ("60% are simple", "30% need
Sonnet", "10% hard enough for Opus"); a classifier's own size is read from the words about it
("a Haiku 5.5 classifier (about 300 input tokens, a 3-token label)"), apart from the request's.
A follow-up that moves the classifier ("and if the classifier ran on Opus 5.5?") re-runs the
design of the earlier turn with only that changed."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from labs.calculator.pricing import Model

from .calc import CalculationFailed
from .common import Context
from .reading import extract_facts, find_models, order_models
from .types import TutorReply
from .writing import Reply, pct, table, tokens, usd

_ROUTING_RE = re.compile(r"\brout(?:e|er|ing)|\btier(?:s|ed)?\b|\bclassifier|\btraffic\s+mix", re.I)
_TIER_WORDS = {
    "simple": r"simple|easy|trivial|basic|routine|faq|(?:need|for|on)\s+haiku",
    "medium": r"medium|moderate|average|standard|normal|mid|(?:need|for|on)\s+sonnet",
    "complex": r"complex|hard|difficult|tricky|advanced|reasoning|(?:need|for|on)\s+opus",
}
_TIER_MODELS = {"simple": "haiku", "medium": "sonnet", "complex": "opus"}
# A tier's model named by the learner, one row per phrasing: "send the simple ones to Haiku",
# "the rest stays on Sonnet" (every tier not named otherwise). The group `tier` is a tier name.
_FAMILY = r"(?P<family>haiku|sonnet|opus)"
TIER_MODEL_ROWS: list[tuple[str, str | None]] = [
    (rf"\b(?:send|route|put|move)\s+(?:the\s+|all\s+)?(?P<which>[a-z]+)\s+(?:ones|requests|"
     rf"stuff|queries|tickets|calls)?\s*(?:to|on)\s+(?:claude\s+)?{_FAMILY}", None),
    # "80% simple -> haiku", "simple => Haiku 5.5": an arrow puts a tier on a model.
    (rf"\b(?P<which>[a-z]+)\s*(?:->|=>|\u2192)\s*(?:claude\s+)?{_FAMILY}", None),
    (rf"\b(?:the\s+)?(?:rest|others|remaining(?:\s+\w+)?|remainder|everything\s+else)\s*(?:stays?|"
     rf"remains?|goes|go|stay|keeps?\s+going|on|->|=>|\u2192)\s*(?:on\s+|to\s+|with\s+)?"
     rf"(?:claude\s+)?{_FAMILY}", "rest"),
]  # fmt: skip
_FAMILY_TIERS = {family: tier for tier, family in _TIER_MODELS.items()}


def _rest_tier(text: str) -> str | None:
    """The tier that "the rest -> sonnet" names: the family's own tier."""
    for pattern, kind in _TIER_MODEL_RES:
        if kind == "rest" and (m := pattern.search(text)):
            return _FAMILY_TIERS[m.group("family").lower()]
    return None


_TIER_MODEL_RES = [(re.compile(p, re.I), kind) for p, kind in TIER_MODEL_ROWS]


def _named_tier_models(text: str, tiers: list[str]) -> dict[str, str]:
    """The model family the learner put each tier on, where it said so."""
    named: dict[str, str] = {}
    rest: str | None = None
    for pattern, kind in _TIER_MODEL_RES:
        for m in pattern.finditer(text):
            family = m.group("family").lower()
            if kind == "rest":
                rest = family
                continue
            which = m.group("which").lower()
            tier = next(
                (t for t, words in _TIER_WORDS.items() if re.fullmatch(rf"(?:{words})", which)),
                None,
            )
            if tier in tiers:
                named[tier] = family
    if rest is not None:
        for tier in tiers:
            named.setdefault(tier, rest)
    return named


# "a Haiku 5.5 classifier (about 300 input tokens, a 3-token label)": the classifier's sizes.
# The names a classifier goes by: "a Haiku router in front", "a triage call", "a routing model".
CLASSIFIER_NAMES = r"classifier|router|routing\s+(?:call|model|step)|triage\s+(?:call|model|step)"
_CLASSIFIER_RES = [
    re.compile(
        rf"(?P<before>[^.,;()]{{0,30}})\b(?:{name})\b(?:\s+in\s+front)?\s*"
        r"(?:\((?P<body>[^)]*)\)|(?P<rest>(?:[^.;]|(?<=\d)\.(?=\d)){0,80}))",
        re.I,
    )
    # "classifier" first: "a tiered router with a Haiku classifier (200 tokens)" sizes the
    # classifier, not the router design.
    for name in ("classifier", CLASSIFIER_NAMES)
]
_CLASSIFIER_IN_RE = re.compile(
    r"(?P<n>\d[\d,]*(?:\.\d+)?\s?k?)\s*(?:input\s+)?(?:tokens?|tok)\b(?:\s+in)?", re.I
)
_CLASSIFIER_OUT_RE = re.compile(
    r"(?P<n>\d[\d,]*)[\s-]*(?:tokens?|tok)[\s-]*(?:label|answer|output|reply)|(?P<m>\d[\d,]*)\s*(?:tokens?\s+)?out\b",
    re.I,
)
_FOLLOW_CLASSIFIER_RE = re.compile(rf"\b(?:{CLASSIFIER_NAMES})\b", re.I)


def _number(raw: str) -> int:
    raw = raw.strip().lower().replace(",", "")
    return int(Decimal(raw.rstrip("k").strip()) * (1000 if raw.endswith("k") else 1))


def _classifier(ctx: Context, text: str) -> tuple[str, Model | None, int | None, int | None]:
    """(text without the classifier's words, its model, input and output tokens)."""
    m = next((found for r in _CLASSIFIER_RES if (found := r.search(text))), None)
    if m is None:
        return text, None, None, None
    words = m.group("body") or m.group("rest") or ""
    found = [
        x.model
        for x in order_models(find_models(m.group("before") + " " + words, ctx.table))
        if x.model
    ]
    out = _CLASSIFIER_OUT_RE.search(words)
    size_text = words[: out.start()] if out else words
    inp = _CLASSIFIER_IN_RE.search(size_text)
    rest = text[: m.start("before")] + " " + text[m.end() :]
    return (
        rest,
        found[0] if found else None,
        _number(inp.group("n")) if inp else None,
        _number(out.group("n") or out.group("m")) if out else None,
    )


def _design_turn(ctx: Context) -> str | None:
    """The learner's latest message that set out a routing design (a mix and routing words)."""
    for text in [*reversed(ctx.conv.user_turns)]:
        if _ROUTING_RE.search(text) and "%" in text:
            return text
    return None


def is_routing_follow_up(ctx: Context) -> bool:
    """ "and if the classifier ran on Opus 5.5?": a design before, and only the classifier moves."""
    return (
        not ctx.conv.new.percents
        and bool(_FOLLOW_CLASSIFIER_RE.search(ctx.message))
        and bool(ctx.conv.new.known_models())
        and _design_turn(ctx) is not None
    )


def routing_reply(ctx: Context, baseline: Model, notes: list[str]) -> TutorReply:
    follow_up = is_routing_follow_up(ctx)
    design = _design_turn(ctx) if follow_up else ctx.message
    assert design is not None
    rest, classifier_model, classifier_in, classifier_out = _classifier(ctx, design)
    moved: Model | None = None
    if follow_up:
        moved = ctx.conv.new.known_models()[0].model
        current = [m.model for m in order_models(find_models(rest, ctx.table)) if m.model]
        baseline = current[0] if current else baseline
    facts = extract_facts(rest, ctx.table)
    text = facts.text
    mix: dict[str, Decimal] = {}
    for value, position in facts.percents:
        window = text[position : position + 40]
        for tier, words in _TIER_WORDS.items():
            if re.search(rf"\b(?:{words})", window, re.I) and tier not in mix:
                mix[tier] = value / 100
                break
    rest_tier = _rest_tier(text)
    if mix and sum(mix.values()) < 1 and rest_tier is not None and rest_tier not in mix:
        # "~80% simple -> haiku, rest -> sonnet": the rest is 100% minus the shares given.
        mix[rest_tier] = 1 - sum(mix.values())
    input_tokens = sum(v for k, v in facts.parts.items() if k not in ("output", "summary"))
    output = facts.parts.get("output")
    if (
        not mix
        or sum(mix.values()) != 1
        or facts.requests is None
        or not input_tokens
        or (output is None)
    ):
        reply = Reply()
        reply.add(
            "For a routing design I need the share of traffic per tier, adding up to 100% "
            '(e.g. "70% simple, 25% medium, 5% complex"), how many requests a day, and the '
            "input and output tokens of a typical request."
        )
        return ctx.reply(reply.render(), follow_up=True)
    named = _named_tier_models(text, list(mix))
    models = {tier: ctx.table.latest(named.get(tier, _TIER_MODELS[tier])) for tier in mix}
    classifier = moved or classifier_model or ctx.table.latest("haiku")
    if not follow_up and named:
        # Without routing every request goes to the dearest model a tier needs: the one the
        # learner named for its hard requests, not the first model the message mentions.
        baseline = max([baseline, *models.values()], key=lambda m: Decimal(m.prices.output))
    data: dict[str, Any] = {
        "mix": {tier: float(share) for tier, share in mix.items()},
        "models": {tier: m.id for tier, m in models.items()},
        "baseline": baseline.id,
        "requests": facts.requests,
        "per": facts.per,
        "input_tokens": input_tokens,
        "output_tokens": output,
        "classifier": classifier.id,
        "classifier_input_tokens": classifier_in if classifier_in is not None else input_tokens,
        "classifier_output_tokens": classifier_out if classifier_out is not None else 10,
    }
    reply = Reply()
    reply.assume(*notes)
    try:
        out = ctx.calc.run("routing_savings", data)
    except CalculationFailed as exc:
        reply.add(f"The calculator could not price that: {exc}.")
        return ctx.reply(reply.render())
    rows = [
        [t["tier"], _display(ctx, t["model"]), pct(t["share_pct"]), usd(t["cost_usd"])]
        for t in out["tiers"]
    ]
    rows.append(
        ["classifier", _display(ctx, out["classifier_model"]), "100%", usd(out["classifier_usd"])]
    )
    if Decimal(out["saving_usd"]) >= 0:
        reply.add(
            f"Routing saves **{usd(out['saving_usd'])} a {out['per']} "
            f"({pct(out['saving_pct'])})**: {usd(out['routed_usd'])} routed against "
            f"{usd(out['baseline_usd'])} sending everything to {baseline.display_name}."
        )
    else:
        # A design that costs more is never offered as a saving.
        reply.add(
            f"Routing **costs {usd(str(-Decimal(out['saving_usd'])))} a {out['per']} more**: "
            f"{usd(out['routed_usd'])} routed against {usd(out['baseline_usd'])} sending "
            f"everything to {baseline.display_name}."
        )
    reply.add(table(["Tier", "Model", "Share", f"Cost per {out['per']}"], rows, right=(2, 3)))
    reply.add(
        f"The classifier runs on every request ({usd(out['classifier_usd'])} a {out['per']} on "
        f"{classifier.display_name}), so its cost is part of the routed total. Each tier's model "
        "must pass your own test set for that tier's requests first, and a classifier that "
        "misroutes sends hard requests to a tier that fails them: measure its routing on "
        "labelled examples rather than assume it."
    )
    if named:
        reply.assume(
            "Tiers on the models you named: "
            + ", ".join(f"{tier} on {models[tier].display_name}" for tier in named)
            + "."
        )
    reply.assume(
        f"Tier models: the newest current model of each tier; the classifier is "
        f"{classifier.display_name}, reading {tokens(data['classifier_input_tokens'])} input "
        f"tokens and answering in {tokens(data['classifier_output_tokens'])} tokens."
    )
    reply.assume(*out["assumptions"])
    reply.warnings_from([out])
    reply.next_step = "paste your prompt for an audit, or change the mix and compare."
    return ctx.reply(reply.render())


def _display(ctx: Context, model_id: str) -> str:
    """A model's name as the learner reads it ("Claude Haiku 5.5"), not its API id."""
    try:
        return ctx.table.get(model_id).display_name
    except KeyError:
        return model_id
