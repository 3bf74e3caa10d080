"""Conversation history: how many input tokens each turn sends.

Full replay: at turn t the request carries the system prompt plus t turns of `turn_tokens` each
(the t - 1 earlier turns and the new one): `system + t x turn_tokens`. Over N turns that sums to
`N x system + turn_tokens x N(N+1)/2`: 10 turns of 200 tokens send 11,000 tokens, 55x one turn.

Per request (`reply_tokens` given): `turn_tokens` is then the new user message alone and each
answer, `reply_tokens`, is replayed from the next request on, since it does not exist yet when
its own request is sent: request t carries `system + (t - 1) x (turn + reply) + turn`. Ten
requests of a 100-token message with 100-token answers after a 1,000-token system prompt send
2,900 tokens on the 10th and 20,000 in all (the turn view would say 3,000 and 21,000).

Window: the request keeps only the last K turns (the new one included) plus, once older turns
have been dropped, a summary of S tokens: `system + min(t, K) x turn_tokens (+ S when t > K)`.
Producing the summary costs a call of its own, which is not counted here.

With caching (a model is needed for prices and the minimum prefix), all turns are assumed to come
within the TTL and the breakpoint sits at the end of each request (automatic caching):
- full replay only appends, so turn t reads what turn t - 1 cached and writes the new tokens;
- the window slides after K turns, so from then on only the system prompt (its own breakpoint)
  is read from the cache and the rest is sent as plain input.
A prefix below the model's minimum is never written. Costs here are input costs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .caching import TTL_MINUTES, check_choice, is_cacheable
from .calls import Usage, check_count, cost_of_call, model_warnings
from .errors import CalculatorError
from .pricing import Model


@dataclass(frozen=True)
class TurnUsage:
    turn: int
    input_tokens: int
    cache_write_tokens: int
    cache_read_tokens: int

    def usage(self, ttl: str) -> Usage:
        field = "cache_write_5m_tokens" if ttl == "5m" else "cache_write_1h_tokens"
        return Usage(
            input_tokens=self.input_tokens,
            cache_read_tokens=self.cache_read_tokens,
            **{field: self.cache_write_tokens},
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "turn": self.turn,
            "input_tokens": self.input_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "cache_read_tokens": self.cache_read_tokens,
        }


def full_replay_tokens(
    turns: int, turn_tokens: int, system: int = 0, reply: int | None = None
) -> list[int]:
    """Input tokens sent at each turn when every request replays the whole conversation.
    With `reply`, `turn_tokens` is the user message and the answers of earlier turns only are
    replayed (see module doc)."""
    if reply is not None:
        return [system + (t - 1) * (turn_tokens + reply) + turn_tokens for t in range(1, turns + 1)]
    return [system + t * turn_tokens for t in range(1, turns + 1)]


def window_tokens(
    turns: int,
    turn_tokens: int,
    system: int,
    window: int,
    summary: int,
    reply: int | None = None,
) -> list[int]:
    """Input tokens at each turn when only the last `window` turns are kept, plus a summary.
    With `reply`, the new turn in the window is the user message alone."""
    if reply is not None:
        return [
            system
            + (min(t, window) - 1) * (turn_tokens + reply)
            + turn_tokens
            + (summary if t > window else 0)
            for t in range(1, turns + 1)
        ]
    return [
        system + min(t, window) * turn_tokens + (summary if t > window else 0)
        for t in range(1, turns + 1)
    ]


def cached_turns(
    prompts: list[int], model: Model, *, slides_after: int | None = None, system: int = 0
) -> list[TurnUsage]:
    """Split each turn's prompt into plain input, cache writes and cache reads (see module doc).
    `slides_after`: the turn after which the window slides and only `system` stays cached."""
    out: list[TurnUsage] = []
    cached = 0  # tokens of the previous prompt now in the cache
    system_cached = bool(system) and is_cacheable(model, system) is not False
    for t, prompt in enumerate(prompts, start=1):
        if slides_after is not None and t > slides_after:
            read = system if system_cached else 0
            out.append(TurnUsage(t, prompt - read, 0, read))
            continue
        if is_cacheable(model, prompt) is False:
            out.append(TurnUsage(t, prompt - cached, 0, cached))
            continue
        out.append(TurnUsage(t, 0, prompt - cached, cached))
        cached = prompt
    return out


@dataclass(frozen=True)
class HistoryResult:
    turns: int
    turn_tokens: int
    system_tokens: int
    reply_tokens: int | None
    per_turn: tuple[int, ...]
    window: int | None
    summary_tokens: int
    window_per_turn: tuple[int, ...] | None
    model: Model | None
    cache: bool
    ttl: str

    @property
    def cumulative_tokens(self) -> int:
        return sum(self.per_turn)

    def _costs(self) -> dict[str, Any]:
        if self.model is None:
            return {}
        model = self.model

        def plain(prompts: tuple[int, ...]) -> Decimal:
            return sum(
                (cost_of_call(model, Usage(input_tokens=p)).total_usd for p in prompts),
                Decimal(0),
            )

        def cached(turns: list[TurnUsage]) -> Decimal:
            return sum(
                (cost_of_call(model, t.usage(self.ttl)).total_usd for t in turns), Decimal(0)
            )

        out: dict[str, Any] = {"model": model.id, "full_usd": plain(self.per_turn)}
        full_turns = cached_turns(list(self.per_turn), model, system=self.system_tokens)
        if self.cache:
            out["ttl"] = self.ttl
            out["full_cached_usd"] = cached(full_turns)
            out["full_cached_per_turn"] = [t.as_dict() for t in full_turns]
        if self.window_per_turn is not None:
            out["window_usd"] = plain(self.window_per_turn)
            if self.cache:
                window_turns_ = cached_turns(
                    list(self.window_per_turn),
                    model,
                    slides_after=self.window,
                    system=self.system_tokens,
                )
                out["window_cached_usd"] = cached(window_turns_)
                out["window_cached_per_turn"] = [t.as_dict() for t in window_turns_]
        return out

    def as_dict(self) -> dict[str, Any]:
        one_turn = self.turn_tokens
        result: dict[str, Any] = {
            "command": "history",
            "turns": self.turns,
            "turn_tokens": self.turn_tokens,
            "system_tokens": self.system_tokens,
            "reply_tokens": self.reply_tokens,
            "per_turn": list(self.per_turn),
            "cumulative_tokens": self.cumulative_tokens,
            "cumulative_vs_one_turn": Decimal(self.cumulative_tokens) / one_turn
            if one_turn
            else None,
        }
        if self.window_per_turn is not None:
            window_total = sum(self.window_per_turn)
            saving = self.cumulative_tokens - window_total
            result |= {
                "window_turns": self.window,
                "summary_tokens": self.summary_tokens,
                "window_per_turn": list(self.window_per_turn),
                "window_cumulative_tokens": window_total,
                "window_saving_tokens": saving,
                "window_saving_pct": Decimal(saving) * 100 / self.cumulative_tokens
                if self.cumulative_tokens
                else Decimal(0),
            }
        result |= self._costs()
        if self.reply_tokens is None:
            assumptions = [
                "At turn t a full-replay request carries the system prompt plus t turns "
                "(the t - 1 earlier turns and the new one).",
            ]
        else:
            assumptions = [
                f"Request t carries the system prompt, the t - 1 earlier exchanges (a "
                f"{self.turn_tokens:,}-token message and its {self.reply_tokens:,}-token answer "
                f"each) and the new {self.turn_tokens:,}-token message; its own answer is output, "
                "replayed only from the next request on.",
            ]
        if self.window_per_turn is not None:
            assumptions.append(
                f"The window keeps the last {self.window} turns (the new one included) and adds "
                f"a {self.summary_tokens:,}-token summary once older turns are dropped; making "
                "the summary is not counted."
            )
        if self.model is not None:
            assumptions.append("Dollar figures are input costs only, at one conversation.")
        if self.cache:
            assumptions.append(
                f"Caching: every turn comes within the {self.ttl} TTL; each request writes its "
                "new tokens and reads the prefix the previous turn cached; a sliding window "
                "keeps only the system prompt cached."
            )
        result["assumptions"] = assumptions
        result["warnings"] = model_warnings(self.model) if self.model else []
        return result


def conversation_history(
    turns: int,
    turn_tokens: int,
    system: int = 0,
    *,
    window: int | None = None,
    summary: int = 0,
    model: Model | None = None,
    cache: bool = False,
    ttl: str = "5m",
    reply: int | None = None,
) -> HistoryResult:
    check_count("turns", turns)
    if reply is not None:
        check_count("reply tokens", reply)
    if turns < 1:
        raise CalculatorError("turns must be at least 1")
    check_count("turn tokens", turn_tokens)
    check_count("system tokens", system)
    check_count("summary tokens", summary)
    check_choice("ttl", ttl, TTL_MINUTES)
    if window is not None:
        check_count("window", window)
        if window < 1:
            raise CalculatorError("window must keep at least 1 turn")
    elif summary:
        raise CalculatorError("a summary needs a window (--window K)")
    if cache and model is None:
        raise CalculatorError("caching needs a model (--model M) for its prices and minimum")
    return HistoryResult(
        turns=turns,
        turn_tokens=turn_tokens,
        system_tokens=system,
        reply_tokens=reply,
        per_turn=tuple(full_replay_tokens(turns, turn_tokens, system, reply)),
        window=window,
        summary_tokens=summary,
        window_per_turn=tuple(window_tokens(turns, turn_tokens, system, window, summary, reply))
        if window is not None
        else None,
        model=model,
        cache=cache,
        ttl=ttl,
    )
