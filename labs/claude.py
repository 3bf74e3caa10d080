"""Claude behind the labs. The only module that imports `anthropic`.

One lab turn is a bounded tool loop over the calculator: Claude never does arithmetic in prose,
it calls the calculator's tools and we run them here, in the worker. The calls practise what the
course teaches:

- Prompt caching with up to four breakpoints, in the order the caching lesson gives: the last
  tool definition (caches every tool), the lab's system prompt, the learner's newest message (so
  the tool rounds of this turn and the next turn read everything up to it from cache), and, from
  a turn's second tool round on, the newest tool result. The tools plus the system prompt come
  to well over 4,000 tokens, above the largest minimum cacheable length any model has had.
- Long conversations are summarized by a cheap model in steps; the turns since are sent verbatim.
- What these choices cost is measured against a simulated API that bills like the real one
  (`labs/testing/`, `bench/conversation_bill.py`, BENCHMARKS.md); the comments below give the
  figures that decided them.
- Every call's `usage` is logged with its cost from the calculator (`labs.spending.log_call`).
"""

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import anthropic
import httpx2
from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.utils.text import slugify

from labs.calculator import CalculatorError, PriceTable, load_price_table
from labs.calculator.formatting import usd_str
from labs.calculator.tools import TOOLS, call_tool
from labs.conversation import TurnResult
from labs.models import Conversation, Lab, Message
from labs.spending import log_call
from labs.tutor import ToolCall, Turn

log = logging.getLogger(__name__)

RULES = """
Rules for every answer in this lab:
- Every number you state (tokens, prices, costs, savings, percentages) must come from a tool
  result in this conversation. Never compute in your head; call a tool instead.
- Say which model and prices you used and list the assumptions you made.
- Stay on the cost of using the Claude API. Politely decline anything else.
- You do not know the module test and must not answer questions that look like test items;
  explain the idea and point the learner to the lesson instead.
- Keep answers short: a few sentences and, where useful, a small table.
""".strip()

EPHEMERAL = {"type": "ephemeral"}


class ClaudeError(Exception):
    """An expected failure, with a message safe to show the learner."""

    def __init__(self, safe_message: str, detail: str = "") -> None:
        super().__init__(detail or safe_message)
        self.safe_message = safe_message


# Tests inject an httpx2 client with a MockTransport here.
http_client_factory: Callable[[], httpx2.Client] | None = None


def make_client() -> anthropic.Anthropic:
    """Timeout and retries set explicitly: a learner is waiting, so fail in about a minute."""
    return anthropic.Anthropic(
        api_key=settings.ANTHROPIC_API_KEY,
        max_retries=settings.CLAUDE_MAX_RETRIES,
        timeout=httpx2.Timeout(settings.CLAUDE_TIMEOUT_SECONDS, connect=5.0),
        http_client=http_client_factory() if http_client_factory else None,
    )


def tool_definitions() -> list[dict[str, Any]]:
    tools = [dict(tool) for tool in TOOLS]
    tools[-1] = {**tools[-1], "cache_control": EPHEMERAL}  # breakpoint 1: all tools
    return tools


def system_blocks(lab: Lab, summary: str = "") -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "text",
            "text": f"{lab.system_prompt.strip()}\n\n{RULES}",
            "cache_control": EPHEMERAL,
        }
    ]  # breakpoint 2: tools + system
    if summary:
        blocks.append({"type": "text", "text": f"Summary of the earlier conversation:\n{summary}"})
    return blocks


def _alternating(turns: list[Turn]) -> list[dict[str, Any]]:
    """The API wants user and assistant turns in alternation, starting with the user."""
    messages: list[dict[str, Any]] = []
    for turn in turns:
        if not turn.text.strip():
            continue
        if messages and messages[-1]["role"] == turn.role:
            messages[-1]["content"] += "\n\n" + turn.text
        elif not messages and turn.role == "assistant":
            continue
        else:
            messages.append({"role": turn.role, "content": turn.text})
    return messages


def _with_breakpoints(
    messages: list[dict[str, Any]], question_at: int, tool_rounds: int
) -> list[dict[str, Any]]:
    """Copy `messages` with cache_control on the learner's newest message (breakpoint 3) and,
    from the second tool round on, on the newest tool result (breakpoint 4): four at most.

    Breakpoint 3 sits on the new question, not on the end of the earlier turns: written once, it
    is read by this turn's tool rounds and, through the API's 20-block lookback, by the next
    turn, instead of being paid at the full input price in every round and then written anyway.
    A first tool result is not marked: most turns end with the text that follows it, so a write
    there was paid at 1.25x input and never read (in the measured lab scripts, every time).
    Once Claude has asked for a second tool it may well ask again, and a write read by one more
    round pays back (the break-even is a further round in about 28% of turns)."""
    last_tool_result = max(
        (
            i
            for i, m in enumerate(messages)
            if m["role"] == "user" and isinstance(m["content"], list)
        ),
        default=None,
    )
    marks = {question_at}
    if tool_rounds >= 2 and last_tool_result is not None:
        marks.add(last_tool_result)
    marked = []
    for i, message in enumerate(messages):
        content = message["content"]
        if i in marks:
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            content = [dict(block) for block in content]
            content[-1]["cache_control"] = EPHEMERAL
        marked.append({"role": message["role"], "content": content})
    return marked


def summarize(
    client: anthropic.Anthropic, previous: str, turns: list[Turn], **log_args: Any
) -> str:
    """A short summary of older turns, by the cheap summary model."""
    transcript = "\n".join(f"{t.role}: {t.text}" for t in turns)
    prompt = (
        "Summarize this conversation about Claude API costs in at most 120 words. Keep every "
        "workload fact the learner gave (models, volumes, token sizes, latency needs) and every "
        "figure the assistant reported, with its model.\n\n"
        + (f"Earlier summary:\n{previous}\n\n" if previous else "")
        + f"Conversation:\n{transcript}"
    )
    response = client.messages.create(
        model=settings.LAB_SUMMARY_MODEL, max_tokens=300,
        messages=[{"role": "user", "content": prompt}],
    )  # fmt: skip
    log_call(model=settings.LAB_SUMMARY_MODEL, usage=response.usage.model_dump(), purpose="summary",
             request_id=response._request_id or "", **log_args)  # fmt: skip
    return "".join(b.text for b in response.content if b.type == "text").strip()


SUMMARY_MIN_FOLD_CHARS = 6000  # about 1,500 tokens


def _windowed(
    client: anthropic.Anthropic,
    history: list[Turn],
    conversation: Conversation | None,
    **log_args: Any,
) -> tuple[list[Turn], str]:
    """Return (turns to send verbatim, summary of the older ones).

    The summary is folded in steps: once more than LAB_SUMMARY_AFTER_TURNS turns follow it,
    all but the last LAB_HISTORY_WINDOW are folded in, and the summary then stays as it is
    while the verbatim turns grow again. A summary rewritten on every turn (as before) changed
    the prompt right after the system prompt, so every turn wrote the whole window to the cache
    again and paid a summary call besides.

    And a fold waits until the turns to fold hold SUMMARY_MIN_FOLD_CHARS. With caching, a
    verbatim turn costs a cache read (0.1x input) per later call, while a summary costs its
    whole input plus ~150 output tokens (5x input) and a rewrite of the window; folding a few
    hundred tokens is paid back only after dozens of calls. On the ten-turn lab scripts
    (bench/conversation_bill.py) the summary rewritten every turn from the sixth on was the
    largest avoidable line of the bill; BENCHMARKS.md has the figures before and after. Long
    conversations are still folded, which keeps the prompt bounded."""
    done = conversation.summary_turns if conversation is not None else 0
    summary = conversation.summary if conversation is not None else ""
    if done > len(history):  # the history is shorter than the summary says: start again
        done, summary = 0, ""
    if len(history) - done <= settings.LAB_SUMMARY_AFTER_TURNS:
        return history[done:], summary
    fold = len(history) - settings.LAB_HISTORY_WINDOW
    if sum(len(t.text) for t in history[done:fold]) < SUMMARY_MIN_FOLD_CHARS:
        return history[done:], summary
    summary = summarize(client, summary, history[done:fold], **log_args)
    if conversation is not None:
        Conversation.objects.filter(pk=conversation.pk).update(summary=summary, summary_turns=fold)
    return history[fold:], summary


def _params(block: Any) -> dict[str, Any]:
    data = block.model_dump(exclude_none=True)
    if data.get("type") == "text":
        return {"type": "text", "text": data["text"]}
    if data.get("type") == "tool_use":
        return {"type": "tool_use", "id": data["id"], "name": data["name"], "input": data["input"]}
    return data


def _run_tools(
    blocks: list[Any], calculations: list[ToolCall], table: PriceTable
) -> list[dict[str, Any]]:
    results = []
    for block in blocks:
        if block.type != "tool_use":
            continue
        try:
            output = call_tool(block.name, dict(block.input), table)
        except CalculatorError as exc:
            # Claude sees the problem and can correct its call; the learner sees a card.
            calculations.append(ToolCall(block.name, dict(block.input), {"error": str(exc)}, True))
            results.append({"type": "tool_result", "tool_use_id": block.id, "content": str(exc),
                            "is_error": True})  # fmt: skip
            continue
        calculations.append(ToolCall(block.name, dict(block.input), output))
        results.append({"type": "tool_result", "tool_use_id": block.id,
                        "content": json.dumps(output)})  # fmt: skip
    return results


def _tell_admins_once(subject: str, detail: str) -> None:
    if cache.add(f"labs:claude-alert:{slugify(subject)}", True, timeout=3600):
        mail_admins(subject, detail, fail_silently=True)


def run_claude_turn(
    lab: Lab,
    history: list[Turn],
    text: str,
    *,
    user: Any = None,
    on_text: Callable[[str], bool] | None = None,
    conversation: Conversation | None = None,
    message: Message | None = None,
    table: PriceTable | None = None,
) -> TurnResult:
    table = table or load_price_table()
    log_args = {"user": user, "lab": lab, "message": message, "table": table}
    client = make_client()
    try:
        return _loop(client, lab, history, text, on_text, conversation, log_args)
    except anthropic.AuthenticationError as exc:
        log.error("Claude rejected the API key: %s", exc)
        _tell_admins_once("Claude API key rejected", str(exc))
        raise ClaudeError(
            "The lab could not use Claude: the service rejected the course's API key. "
            "The admins have been told. Press Retry later.", str(exc)
        ) from exc  # fmt: skip
    except (
        anthropic.RateLimitError,
        anthropic.InternalServerError,
        anthropic.APIConnectionError,
    ) as exc:
        log.warning("Claude unavailable after retries: %r", exc)
        raise ClaudeError(
            "Claude is busy or unreachable right now, even after retrying. Your message is "
            "saved: press Retry in a minute.", repr(exc)
        ) from exc  # fmt: skip
    except anthropic.APIStatusError as exc:
        log.error("Claude refused the request: %r", exc)
        raise ClaudeError(
            "Claude could not answer this request. Your message is saved: press Retry, or "
            "rephrase it.", repr(exc)
        ) from exc  # fmt: skip


TRUNCATED_TOOL_NOTE = (
    "_(The reply hit its length limit in the middle of a calculation twice, so it stops here. "
    "Try asking for one figure at a time.)_"
)
MAX_TOKENS_NOTE = "_(The reply reached its length limit and is cut off here.)_"
REFUSAL_NOTE = (
    "_(Claude declined to answer this message. Ask about the cost of using the Claude API, "
    "or put the question another way.)_"
)
DROPPED_MESSAGE = (
    "The connection to Claude broke off in the middle of the reply. Your message is saved: "
    "press Retry."
)


def _is_truncated_tool_call(message: Any) -> bool:
    return (
        message.stop_reason == "max_tokens"
        and bool(message.content)
        and message.content[-1].type == "tool_use"
    )


def _loop(
    client: anthropic.Anthropic, lab: Lab, history: list[Turn], text: str,
    on_text: Callable[[str], bool] | None, conversation: Conversation | None, log_args: dict,
) -> TurnResult:  # fmt: skip
    table = log_args["table"]
    recent, summary = _windowed(client, history, conversation, **log_args)
    messages = _alternating([*recent, Turn("user", text)])
    question_at = len(messages) - 1
    calculations: list[ToolCall] = []
    parts: list[str] = []
    usage_total: dict[str, Any] = {}
    cost = uncached = Decimal(0)
    stopped = reasked = False
    tool_rounds = 0

    def log_usage(usage: dict[str, Any], request_id: str) -> None:
        nonlocal cost, uncached
        call = log_call(model=settings.LAB_MODEL, usage=usage, purpose="reply",
                        request_id=request_id, **log_args)  # fmt: skip
        cost += call.cost_usd
        uncached += call.uncached_cost_usd
        for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
                    "output_tokens"):  # fmt: skip
            usage_total[key] = usage_total.get(key, 0) + (usage.get(key) or 0)

    for _round in range(settings.LAB_TOOL_ROUNDS):
        request = {
            "model": settings.LAB_MODEL, "max_tokens": settings.LAB_MAX_TOKENS,
            "system": system_blocks(lab, summary), "tools": tool_definitions(),
            "messages": _with_breakpoints(messages, question_at, tool_rounds),
        }  # fmt: skip
        current = ""
        with client.messages.stream(**request) as stream:
            try:
                for event in stream:
                    if event.type == "content_block_delta" and event.delta.type == "text_delta":
                        current += event.delta.text
                        if on_text and not on_text("\n\n".join([*parts, current]).strip()):
                            stopped = True
                            break
                if stopped:
                    # Closing early still bills what was generated; we log what we saw.
                    snapshot = stream.current_message_snapshot
                    final = None
                else:
                    snapshot = final = stream.get_final_message()
            except (httpx2.TransportError, anthropic.APIError) as exc:
                # The stream broke after it began (the SDK retries only before that): the
                # prompt is billed as message_start reported it, so log that before failing.
                started = _started_usage(stream)
                if started is not None:
                    log_usage(started, stream.response.headers.get("request-id", ""))
                if isinstance(exc, anthropic.APIStatusError):
                    raise
                raise ClaudeError(DROPPED_MESSAGE, repr(exc)) from exc
            request_id = stream.response.headers.get("request-id", "")
        log_usage(snapshot.usage.model_dump(), request_id)
        if final is not None and _is_truncated_tool_call(final):
            # Half a tool call's arguments would compute the wrong thing, and sending it back
            # is refused. Ask the same question once more (the prefix is cached, so it costs
            # little); its text is said again, so drop this round's.
            if not reasked:
                reasked = True
                continue
            parts.append(TRUNCATED_TOOL_NOTE)
            break
        if current.strip():
            parts.append(current.strip())
        if stopped or final is None:
            break
        if final.stop_reason == "pause_turn":
            # The API paused a long turn: sending its content back lets it carry on.
            messages.append({"role": "assistant", "content": [_params(b) for b in final.content]})
            continue
        if final.stop_reason == "refusal":
            parts.append(REFUSAL_NOTE)
        elif final.stop_reason == "max_tokens":
            parts.append(MAX_TOKENS_NOTE)
        if final.stop_reason != "tool_use":
            break
        tool_rounds += 1
        messages.append({"role": "assistant", "content": [_params(b) for b in final.content]})
        messages.append({"role": "user", "content": _run_tools(final.content, calculations, table)})
    else:
        parts.append("_(I stopped after the maximum number of calculator rounds for one reply.)_")
    # Each call's cost comes from the calculator (log_call); the turn's is their sum.
    usage_total["cost_usd"] = usd_str(cost)
    usage_total["without_caching_usd"] = usd_str(uncached)
    return TurnResult(
        text="\n\n".join(parts).strip() or "_(No text arrived before the reply was stopped.)_",
        calculations=calculations,
        engine=Message.Engine.CLAUDE,
        usage=usage_total,
        stopped=stopped,
    )


def _started_usage(stream: Any) -> dict[str, Any] | None:
    """The usage message_start reported, or None when the stream broke before it."""
    try:
        return stream.current_message_snapshot.usage.model_dump()
    except (AssertionError, AttributeError):
        return None
