"""Ten-turn conversations a learner might have with each lab, for the conversation bill.

Each turn is the learner's message, the calculator tool Claude calls for it (with the inputs it
would pass) or None for an idea question answered in prose, a short lead-in said before the call,
and the answer that follows the tool result. Lengths follow the labs' rule: a few sentences and,
where useful, a small table.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScriptedTurn:
    question: str
    tool: str | None
    tool_input: dict[str, Any] = field(default_factory=dict)
    lead: str = ""
    answer: str = ""


def _w(model: str, requests: int, user: int, output: int, **more: Any) -> dict[str, Any]:
    return {"model": model, "requests": requests, "per": "day", "user_tokens": user,
            "output_tokens": output, **more}  # fmt: skip


TABLE = (
    "\n\n| Line | Per day |\n|---|---|\n| Input | see card |\n| Output | see card |\n"
    "| Total | see card |"
)

COST_ESTIMATOR = [
    ScriptedTurn(
        "We run a support bot on Sonnet 5.5: about 20,000 requests a day, 1,500 input tokens and "
        "400 output tokens each. What does that cost us?",
        "workload_cost",
        _w("claude-sonnet-5-5", 20000, 1500, 400),
        "I'll price that workload with the calculator.",
        "On Sonnet 5.5 that workload's daily and monthly cost are in the card. Output is the "
        "larger share even though each reply is shorter than its prompt, because an output "
        "token costs five times an input token." + TABLE,
    ),
    ScriptedTurn(
        "How much of that is the system prompt? Ours is about 1,200 of the 1,500 tokens.",
        "workload_cost",
        _w("claude-sonnet-5-5", 20000, 300, 400, system_tokens=1200),
        "Splitting the prompt into system and user parts:",
        "The card splits the input line: the 1,200-token system prompt is most of the input "
        "bill, and it is the same text on every request, which is what makes it a caching "
        "candidate.",
    ),
    ScriptedTurn(
        "What would Haiku 5.5 cost for the same traffic?",
        "compare_models",
        {
            "models": ["claude-sonnet-5-5", "claude-haiku-5-5"],
            "requests": 20000,
            "per": "day",
            "system_tokens": 1200,
            "user_tokens": 300,
            "output_tokens": 400,
        },
        "Comparing the two models on the same workload:",
        "The comparison card shows both models side by side. Haiku 5.5 is far cheaper per "
        "token; whether it is good enough for your support answers is a quality question to "
        "test on real tickets before switching." + TABLE,
    ),
    ScriptedTurn(
        "If we cached the system prompt on Sonnet, what changes?",
        "workload_cost",
        _w("claude-sonnet-5-5", 20000, 300, 400, system_tokens=1200, cache_prefix_tokens=1200),
        "Pricing it with the 1,200-token prefix cached:",
        "With the prefix cached, most requests read the system prompt at the cache-hit price "
        "instead of the full input price; the card lists the writes that refresh the cache "
        "and the saving against the uncached bill.",
    ),
    ScriptedTurn(
        "Does the 5-minute or the 1-hour cache suit us better? Traffic is steady all day.",
        "caching_plan",
        {
            "model": "claude-sonnet-5-5",
            "prefix_tokens": 1200,
            "requests": 20000,
            "per": "day",
            "ttl": "5m",
            "traffic": "steady",
        },
        "Checking the 5-minute plan for steady traffic:",
        "At 20,000 steady requests a day a request arrives every few seconds, so the 5-minute "
        "entry never goes cold; the card shows how rarely it is rewritten. The 1-hour lifetime "
        "costs more per write and buys nothing at this rate.",
    ),
    ScriptedTurn(
        "What is one single request worth, with 1,500 in and 400 out on Sonnet?",
        "estimate_cost",
        {"model": "claude-sonnet-5-5", "input_tokens": 1500, "output_tokens": 400},
        "One request, priced:",
        "The card gives the cost of one request at standard prices, split into input and output.",
    ),
    ScriptedTurn(
        "Could we send the nightly ticket summaries as a batch instead?",
        "batch_savings",
        _w("claude-sonnet-5-5", 3000, 2000, 300),
        "Pricing the nightly summaries with and without the Batch API:",
        "Batch requests are billed at half price on every line, so the card shows the nightly "
        "job at half its interactive cost. The trade is latency: results can take up to a "
        "day, which is fine for a nightly job.",
    ),
    ScriptedTurn(
        "Why is output so expensive compared with input?",
        None,
        {},
        "",
        "Generating a token takes a full pass of the model for that one token, while the "
        "prompt's tokens are processed together, so providers charge several times more per "
        "output token. That is why capping max_tokens and asking for shorter answers often "
        "saves more than trimming the prompt.",
    ),
    ScriptedTurn(
        "Which models are current right now?",
        "list_models",
        {},
        "Listing the models in the price table:",
        "The card lists every current model with its input, output and cache prices from the "
        "course's price table.",
    ),
    ScriptedTurn(
        "Sum it up: what should we do first?",
        None,
        {},
        "",
        "Start with caching the system prompt on Sonnet 5.5: it needs no quality test and "
        "cuts the largest input line. Then move the nightly summaries to batches. Try Haiku "
        "5.5 on a sample of real tickets last, since that is the only change that can affect "
        "answer quality.",
    ),
]

CACHING_STRATEGIST = [
    ScriptedTurn(
        "Our RAG app sends a 6,000-token document prefix with every question, 5,000 questions a "
        "day on Sonnet 5.5. Is caching worth it?",
        "caching_plan",
        {"model": "claude-sonnet-5-5", "prefix_tokens": 6000, "requests": 5000, "per": "day"},
        "Let me plan the cache for that prefix.",
        "Yes: the card shows the prefix read at the cache-hit price on almost every request, "
        "with the break-even after the first reuse." + TABLE,
    ),
    ScriptedTurn(
        "Traffic is bursty though: mostly office hours, quiet at night.",
        "caching_plan",
        {
            "model": "claude-sonnet-5-5",
            "prefix_tokens": 6000,
            "requests": 5000,
            "per": "day",
            "traffic": "poisson",
        },
        "Re-planning with bursty (Poisson) arrivals:",
        "With random arrivals some gaps exceed five minutes, so the card counts more cache "
        "writes, but during office hours the entry stays warm and the saving holds.",
    ),
    ScriptedTurn(
        "Would the 1-hour lifetime help for the quiet hours?",
        "caching_plan",
        {
            "model": "claude-sonnet-5-5",
            "prefix_tokens": 6000,
            "requests": 5000,
            "per": "day",
            "ttl": "1h",
            "traffic": "poisson",
        },
        "Same traffic with the 1-hour lifetime:",
        "The 1-hour write costs twice the input price instead of 1.25 times, so it pays only "
        "when gaps between requests are often between five minutes and an hour; the card "
        "compares the two.",
    ),
    ScriptedTurn(
        "Where should the breakpoints go in our request?",
        None,
        {},
        "",
        "Put the parts that never change first: tool definitions, then the system prompt, then "
        "the document prefix, with a breakpoint after the last stable part. Anything that "
        "changes per request (the question, retrieved snippets) goes after it, or it would "
        "invalidate the cache on every call.",
    ),
    ScriptedTurn(
        "What does one request cost with 6,000 tokens read from cache and 200 new ones?",
        "estimate_cost",
        {
            "model": "claude-sonnet-5-5",
            "input_tokens": 200,
            "cache_read_tokens": 6000,
            "output_tokens": 300,
        },
        "One cached request, priced:",
        "The card prices the 6,000 cached tokens at the read price and the 200 fresh ones at "
        "the input price.",
    ),
    ScriptedTurn(
        "And the very first request, the one that writes the cache?",
        "estimate_cost",
        {
            "model": "claude-sonnet-5-5",
            "input_tokens": 200,
            "cache_write_5m_tokens": 6000,
            "output_tokens": 300,
        },
        "The writing request:",
        "The first request pays the write premium on the 6,000 prefix tokens; the card shows "
        "it is paid back by the first cache hit.",
    ),
    ScriptedTurn(
        "Our system prompt includes today's date at the top. Is that a problem?",
        None,
        {},
        "",
        "Yes: the cache matches the prompt exactly from the start, so a date at the top makes "
        "every day's prefix new and the first request each day rewrites everything. Move the "
        "date to the end of the prompt, after the breakpoint.",
    ),
    ScriptedTurn(
        "How would the bill look per month with caching, on the steady estimate?",
        "workload_cost",
        {
            "model": "claude-sonnet-5-5",
            "requests": 150000,
            "per": "month",
            "documents_tokens": 6000,
            "user_tokens": 200,
            "output_tokens": 300,
            "cache_prefix_tokens": 6000,
        },
        "The monthly workload with the prefix cached:",
        "The card gives the month's bill with the document prefix cached and the saving "
        "against sending it uncached.",
    ),
    ScriptedTurn(
        "Is Haiku 5.5 with caching cheaper still?",
        "compare_models",
        {
            "models": ["claude-sonnet-5-5", "claude-haiku-5-5"],
            "requests": 5000,
            "per": "day",
            "documents_tokens": 6000,
            "user_tokens": 200,
            "output_tokens": 300,
            "cache_prefix_tokens": 6000,
        },
        "Both models with caching on:",
        "The comparison card shows both with the same cached prefix; Haiku 5.5 is cheaper, and "
        "its minimum cacheable length matters here, so check the card's note.",
    ),
    ScriptedTurn(
        "Give me the checklist to roll this out.",
        None,
        {},
        "",
        "Move the date and any per-request text after the breakpoint; mark the end of the "
        "document prefix; keep the 5-minute lifetime for office hours; watch "
        "cache_read_input_tokens in the usage of each response to confirm hits; and compare "
        "a week's bill before and after.",
    ),
]

PROMPT_AUDITOR = [
    ScriptedTurn(
        "Can you audit this system prompt? 'You are a helpful assistant. You are a helpful "
        "assistant for ACME. Always answer politely. Always answer politely and in detail. "
        "Today is Monday.'",
        "audit_prompt",
        {
            "prompt": "You are a helpful assistant. You are a helpful assistant for ACME. Always "
            "answer politely. Always answer politely and in detail. Today is Monday."
        },
        "Auditing the prompt:",
        "The audit card flags the repeated sentences and the date, which changes daily and so "
        "defeats caching. Removing the repeats shortens every request.",
    ),
    ScriptedTurn(
        "We send it 40,000 times a day on Sonnet 5.5. What does the waste cost?",
        "audit_prompt",
        {
            "prompt": "You are a helpful assistant. You are a helpful assistant for ACME. Always "
            "answer politely. Always answer politely and in detail. Today is Monday.",
            "model": "claude-sonnet-5-5",
            "requests": 40000,
            "per": "day",
        },
        "The same audit at your volume:",
        "The card prices the removable tokens at 40,000 requests a day, a small sum per "
        "request that adds up over a month.",
    ),
    ScriptedTurn(
        "Our real prompt also has 3,000 tokens of few-shot examples. Should we keep them?",
        "workload_cost",
        _w("claude-sonnet-5-5", 40000, 200, 250, system_tokens=400, examples_tokens=3000),
        "Pricing the workload with the examples:",
        "The examples are most of each prompt, so the card shows them as the largest input "
        "line. Keep them only if they measurably improve answers, and cache them if you do.",
    ),
    ScriptedTurn(
        "What if we cut the examples to 1,000 tokens?",
        "workload_cost",
        _w("claude-sonnet-5-5", 40000, 200, 250, system_tokens=400, examples_tokens=1000),
        "With 1,000 tokens of examples:",
        "The card shows the smaller input line. Test the shorter set on a sample of real "
        "requests before shipping it.",
    ),
    ScriptedTurn(
        "Or keep all 3,000 and cache them?",
        "workload_cost",
        _w(
            "claude-sonnet-5-5",
            40000,
            200,
            250,
            system_tokens=400,
            examples_tokens=3000,
            cache_prefix_tokens=3400,
        ),
        "All examples, cached:",
        "Cached, the 3,400-token prefix is read at the hit price on nearly every request, so "
        "keeping every example can cost less than the trimmed set uncached; the card compares.",
    ),
    ScriptedTurn(
        "Does asking for JSON output make replies longer?",
        None,
        {},
        "",
        "Often a little: keys and punctuation are tokens too. Ask for compact JSON with short "
        "keys and no commentary, and set max_tokens close to the longest answer you expect.",
    ),
    ScriptedTurn(
        "Audit this one too: 'Answer in JSON. Keys: answer, sources. Be brief.'",
        "audit_prompt",
        {"prompt": "Answer in JSON. Keys: answer, sources. Be brief."},
        "Auditing the second prompt:",
        "This one is already lean; the card finds nothing to remove.",
    ),
    ScriptedTurn(
        "How much would trimming our average output from 250 to 150 tokens save?",
        "workload_cost",
        _w("claude-sonnet-5-5", 40000, 200, 150, system_tokens=400),
        "With 150 output tokens:",
        "The card shows the output line at the shorter length; output is priced at five "
        "times input, so this is one of the larger levers.",
    ),
    ScriptedTurn(
        "Would Haiku 5.5 handle the trimmed prompt?",
        "compare_models",
        {
            "models": ["claude-sonnet-5-5", "claude-haiku-5-5"],
            "requests": 40000,
            "per": "day",
            "system_tokens": 400,
            "user_tokens": 200,
            "output_tokens": 150,
        },
        "Both models on the trimmed workload:",
        "The card compares both. Whether Haiku's answers are good enough is for an evaluation "
        "on your traffic to decide.",
    ),
    ScriptedTurn(
        "List the changes in order of saving.",
        None,
        {},
        "",
        "Cache the examples and system prompt first, then shorten outputs, then remove the "
        "repeated sentences and move the date to the end; a model change comes last, after an "
        "evaluation.",
    ),
]

ARCHITECTURE_ADVISOR = [
    ScriptedTurn(
        "We have three workloads: live chat (30,000 a day, needs answers in seconds), nightly "
        "report generation (2,000 a day) and ticket tagging (50,000 a day). Plan the models.",
        "plan_architecture",
        {
            "workloads": [
                {
                    "name": "chat",
                    "requests_per_day": 30000,
                    "latency": "seconds",
                    "task": "chat",
                    "output": 400,
                    "prompt": {"system": 1500, "user": 300},
                },
                {
                    "name": "reports",
                    "requests_per_day": 2000,
                    "latency": "overnight",
                    "task": "analysis",
                    "output": 1200,
                    "prompt": {"system": 800, "documents": 8000},
                },
                {
                    "name": "tagging",
                    "requests_per_day": 50000,
                    "latency": "minutes",
                    "task": "classification",
                    "output": 20,
                    "prompt": {"system": 600, "user": 250},
                },
            ]
        },
        "Planning the three workloads:",
        "The plan card gives each workload a model, an API (interactive or batch) and a "
        "caching choice, with the monthly cost of each.",
    ),
    ScriptedTurn(
        "Why batch for the reports but not for chat?",
        None,
        {},
        "",
        "Batches are half price but may take hours. Reports run overnight, so the wait costs "
        "nothing; chat needs an answer in seconds, so it stays on the interactive API.",
    ),
    ScriptedTurn(
        "What would routing easy chat questions to Haiku save? About 70% are simple.",
        "routing_savings",
        {
            "mix": {"simple": 0.7, "complex": 0.3},
            "models": {"simple": "claude-haiku-5-5", "complex": "claude-sonnet-5-5"},
            "baseline": "claude-sonnet-5-5",
            "requests": 30000,
            "per": "day",
            "input_tokens": 1800,
            "output_tokens": 400,
        },
        "Pricing the routing split:",
        "The card shows the blended cost against sending everything to Sonnet 5.5, including "
        "the classifier's own cost if you add one.",
    ),
    ScriptedTurn(
        "And with a Haiku classifier in front deciding the route?",
        "routing_savings",
        {
            "mix": {"simple": 0.7, "complex": 0.3},
            "models": {"simple": "claude-haiku-5-5", "complex": "claude-sonnet-5-5"},
            "baseline": "claude-sonnet-5-5",
            "requests": 30000,
            "per": "day",
            "input_tokens": 1800,
            "output_tokens": 400,
            "classifier": "claude-haiku-5-5",
            "classifier_input_tokens": 300,
            "classifier_output_tokens": 5,
        },
        "With the classifier's calls added:",
        "The classifier adds a small cost per request; the card shows the saving that remains.",
    ),
    ScriptedTurn(
        "How do the chat conversations grow over 12 turns with a 1,500-token system prompt?",
        "history_growth",
        {"turns": 12, "turn_tokens": 350, "system_tokens": 1500, "reply_tokens": 400},
        "Modelling the history growth:",
        "Without a window each turn resends all earlier turns, so the card shows the prompt "
        "growing every turn and the conversation's total rising faster than the turn count.",
    ),
    ScriptedTurn(
        "With a window of 4 turns and a summary?",
        "history_growth",
        {
            "turns": 12,
            "turn_tokens": 350,
            "system_tokens": 1500,
            "reply_tokens": 400,
            "window": 4,
            "summary_tokens": 150,
        },
        "The same conversation with a window and a summary:",
        "With a four-turn window plus a short summary the prompt stops growing; the card "
        "compares both totals.",
    ),
    ScriptedTurn(
        "And with caching on top?",
        "history_growth",
        {
            "turns": 12,
            "turn_tokens": 350,
            "system_tokens": 1500,
            "reply_tokens": 400,
            "window": 4,
            "summary_tokens": 150,
            "cache": True,
        },
        "Adding caching:",
        "Caching reads the stable part of each prompt at the hit price, so the card's total "
        "drops again.",
    ),
    ScriptedTurn(
        "What guardrails should we add so the bill cannot run away?",
        None,
        {},
        "",
        "Cap max_tokens per workload, limit requests per user per hour, set a daily spend "
        "budget with an alert, log every response's usage with its cost, and alert when an "
        "hour's spend jumps well above its usual level.",
    ),
    ScriptedTurn(
        "Combine Sonnet-to-Haiku and caching for the tagging job: what is the total saving?",
        "stack_savings",
        {
            "from_model": "claude-sonnet-5-5",
            "to_model": "claude-haiku-5-5",
            "requests": 50000,
            "per": "day",
            "system_tokens": 600,
            "user_tokens": 250,
            "output_tokens": 20,
            "cache_prefix_tokens": 600,
        },
        "Stacking the two changes:",
        "The card applies the changes one after the other, so the savings multiply rather than "
        "add.",
    ),
    ScriptedTurn(
        "Summarise the architecture in three lines.",
        None,
        {},
        "",
        "Chat: Sonnet 5.5 with routing of simple questions to Haiku 5.5 and a cached system "
        "prompt. Reports: batch overnight. Tagging: Haiku 5.5 with a cached prompt and a "
        "small max_tokens.",
    ),
]

SCRIPTS: dict[str, list[ScriptedTurn]] = {
    "cost-estimator": COST_ESTIMATOR,
    "caching-strategist": CACHING_STRATEGIST,
    "prompt-auditor": PROMPT_AUDITOR,
    "architecture-advisor": ARCHITECTURE_ADVISOR,
}
