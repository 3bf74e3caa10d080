"""The simulated Anthropic API bills like the real one (labs/testing/simulated_api.py)."""

import json
import threading

import httpx2
import pytest

from labs.calculator import load_price_table
from labs.testing import simulated_api as sim

HAIKU = "claude-haiku-5-5"  # minimum cacheable length unknown in the table
SONNET = "claude-sonnet-5-5"  # 512 in the table
EPHEMERAL = {"type": "ephemeral"}


@pytest.fixture
def clock():
    return sim.Clock()


@pytest.fixture
def api(clock):
    return sim.SimulatedAPI(load_price_table(), clock=clock)


def body(system_chars=8000, question="What does caching save?", model=SONNET, ttl=None, **extra):
    cache_control = {**EPHEMERAL, **({"ttl": ttl} if ttl else {})}
    return {
        "model": model, "max_tokens": 200,
        "system": [{"type": "text", "text": "s" * system_chars, "cache_control": cache_control}],
        "messages": [{"role": "user", "content": question}],
        **extra,
    }  # fmt: skip


def send(api, request):
    billing = api.bill(request)
    api.commit(billing)
    return billing.usage


def test_prompt_tokens_are_a_quarter_of_the_characters_rounded_up_per_block(api):
    request = body(system_chars=4001, question="abcde")
    del request["system"][0]["cache_control"]
    usage = send(api, request)
    assert usage["input_tokens"] == 1001 + 3  # "user:abcde" is 10 characters
    assert api.count_tokens(request) == 1004


def test_the_first_request_writes_the_prefix_and_the_next_reads_it(api):
    first = send(api, body())
    assert first["cache_creation_input_tokens"] == 2000
    assert first["cache_creation"] == {"ephemeral_5m_input_tokens": 2000,
                                       "ephemeral_1h_input_tokens": 0}  # fmt: skip
    assert first["cache_read_input_tokens"] == 0
    second = send(api, body(question="And for batches?"))
    assert second["cache_read_input_tokens"] == 2000
    assert second["cache_creation_input_tokens"] == 0
    assert second["input_tokens"] == sim.estimate_tokens("user:And for batches?")


def test_one_changed_character_before_the_breakpoint_misses_the_cache(api):
    send(api, body())
    changed = body()
    changed["system"][0]["text"] = "t" + changed["system"][0]["text"][1:]
    usage = send(api, changed)
    assert usage["cache_read_input_tokens"] == 0
    assert usage["cache_creation_input_tokens"] == 2000


def test_caches_are_per_model(api):
    send(api, body(model=SONNET))
    usage = send(api, body(model="claude-opus-5-5"))
    assert usage["cache_read_input_tokens"] == 0


def test_a_five_minute_entry_expires_unless_a_hit_refreshes_it(api, clock):
    send(api, body())
    clock.advance(299)
    assert send(api, body())["cache_read_input_tokens"] == 2000  # refreshed at 299 s
    clock.advance(299)
    assert send(api, body())["cache_read_input_tokens"] == 2000  # 598 s after the write
    clock.advance(301)
    usage = send(api, body())
    assert usage["cache_read_input_tokens"] == 0
    assert usage["cache_creation_input_tokens"] == 2000


def test_a_one_hour_entry_is_billed_as_a_one_hour_write_and_outlives_five_minutes(api, clock):
    usage = send(api, body(ttl="1h"))
    assert usage["cache_creation"] == {"ephemeral_5m_input_tokens": 0,
                                       "ephemeral_1h_input_tokens": 2000}  # fmt: skip
    clock.advance(3000)
    assert send(api, body(ttl="1h"))["cache_read_input_tokens"] == 2000
    clock.advance(3601)
    assert send(api, body(ttl="1h"))["cache_read_input_tokens"] == 0


def test_each_written_stretch_is_billed_at_the_lifetime_of_the_breakpoint_that_ends_it(api):
    request = body(ttl="1h")
    request["messages"][0]["content"] = [
        {"type": "text", "text": "q" * 395, "cache_control": EPHEMERAL}  # "user:" + 395 = 100
    ]
    usage = send(api, request)
    assert usage["cache_creation"] == {"ephemeral_5m_input_tokens": 100,
                                       "ephemeral_1h_input_tokens": 2000}  # fmt: skip
    assert usage["input_tokens"] == 0


def test_a_prefix_under_the_models_minimum_is_not_cached(api):
    usage = send(api, body(system_chars=4 * 500))  # 500 tokens, Sonnet 5.5's minimum is 512
    assert usage["cache_creation_input_tokens"] == 0
    assert usage["input_tokens"] == 500 + sim.estimate_tokens("user:What does caching save?")
    assert send(api, body(system_chars=4 * 500))["cache_read_input_tokens"] == 0


def test_an_unknown_minimum_takes_the_largest_known_in_the_models_tier(api):
    assert load_price_table().get(HAIKU).min_cacheable_tokens is None
    assert api.min_cacheable_tokens(HAIKU) == 4096  # Haiku 4.5's
    assert api.min_cacheable_tokens(SONNET) == 512
    assert send(api, body(system_chars=4 * 4000, model=HAIKU))["cache_creation_input_tokens"] == 0
    assert (
        send(api, body(system_chars=4 * 4096, model=HAIKU))["cache_creation_input_tokens"] == 4096
    )


def test_concurrent_first_requests_all_pay_the_write(api):
    first, second = api.bill(body()), api.bill(body())  # both arrive before either is sent
    api.commit(first)
    api.commit(second)
    assert first.usage["cache_creation_input_tokens"] == 2000
    assert second.usage["cache_creation_input_tokens"] == 2000
    assert send(api, body())["cache_read_input_tokens"] == 2000


def test_a_read_looks_back_up_to_twenty_blocks_before_a_breakpoint(api, clock):
    def conversation(turns):
        messages = []
        for i in range(turns):
            messages += [{"role": "user", "content": f"question {i} " * 30},
                         {"role": "assistant", "content": f"answer {i} " * 30}]  # fmt: skip
        messages += [{"role": "user", "content": "next"}]
        messages[-2]["content"] = [{"type": "text", "text": messages[-2]["content"],
                                    "cache_control": EPHEMERAL}]  # fmt: skip
        return {**body(), "messages": messages}

    first = conversation(3)  # the breakpoint on block 6 (the system prompt is block 0)
    written = api.count_tokens({**first, "messages": first["messages"][:-1]})
    send(api, first)
    assert send(api, conversation(12))["cache_read_input_tokens"] == written  # block 24
    fresh = sim.SimulatedAPI(load_price_table(), clock=clock)
    send(fresh, first)
    assert send(fresh, conversation(14))["cache_read_input_tokens"] == 2000  # block 28: too far


def test_more_than_four_breakpoints_or_an_hour_after_five_minutes_is_refused(api):
    request = body()
    request["messages"][0]["content"] = [
        {"type": "text", "text": f"part {i}", "cache_control": EPHEMERAL} for i in range(4)
    ]
    with pytest.raises(sim.RequestError, match="maximum of 4"):
        api.bill(request)
    request = body()
    request["messages"][0]["content"] = [
        {"type": "text", "text": "late", "cache_control": {**EPHEMERAL, "ttl": "1h"}}
    ]
    with pytest.raises(sim.RequestError, match="must not come after"):
        api.bill(request)


# ---- over HTTP ----------------------------------------------------------------------------


@pytest.fixture
def served(api):
    with api:
        yield api


def post(api, request, path="/v1/messages", **kwargs):
    return httpx2.post(f"{api.base_url}{path}", json=request,
                       headers={"x-api-key": "sk-test", "anthropic-version": "2023-06-01"},
                       **kwargs)  # fmt: skip


def events(response):
    return [
        json.loads(line[len("data: ") :])
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]


def test_a_stream_sends_the_apis_events_with_usage_at_start_and_end(served):
    served.script = [sim.tool_call("list_models", {"include_retired": False}, text="Checking.")]
    response = post(served, body(stream=True))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    kinds = [e["type"] for e in events(response)]
    assert kinds[0] == "message_start" and kinds[-2:] == ["message_delta", "message_stop"]
    assert kinds.count("content_block_start") == 2
    start, *_, delta, _stop = events(response)
    assert start["message"]["usage"]["cache_creation"]["ephemeral_5m_input_tokens"] == 2000
    assert delta["delta"]["stop_reason"] == "tool_use"
    assert delta["usage"]["output_tokens"] == served.ledger[0]["usage"]["output_tokens"] > 1
    tool_json = "".join(
        e["delta"]["partial_json"] for e in events(response)
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "input_json_delta"
    )  # fmt: skip
    assert json.loads(tool_json) == {"include_retired": False}


def test_without_stream_the_answer_is_one_message(served):
    served.script = [sim.text("Caching reads cost a tenth.")]
    message = post(served, body()).json()
    assert message["content"] == [{"type": "text", "text": "Caching reads cost a tenth."}]
    assert message["stop_reason"] == "end_turn"
    assert message["usage"] == served.ledger[0]["usage"]


def test_count_tokens_counts_the_prompt_and_bills_nothing(served):
    response = post(served, body(), path="/v1/messages/count_tokens")
    assert response.json() == {"input_tokens": served.count_tokens(body())}
    assert served.ledger == []


def test_a_reply_past_max_tokens_is_cut_with_stop_reason_max_tokens(served):
    served.script = [sim.text("word " * 400)]
    message = post(served, {**body(), "max_tokens": 50}).json()
    assert message["stop_reason"] == "max_tokens"
    assert message["usage"]["output_tokens"] == 50


@pytest.mark.parametrize(
    ("reply", "status", "kind"),
    [(sim.rate_limited(retry_after=7), 429, "rate_limit_error"),
     (sim.overloaded(), 529, "overloaded_error"), (sim.server_error(), 500, "api_error")],
)  # fmt: skip
def test_scripted_errors_answer_as_the_api_does_and_bill_nothing(served, reply, status, kind):
    served.script = [reply]
    response = post(served, body(stream=True))
    assert response.status_code == status
    assert response.json()["error"]["type"] == kind
    assert response.headers["request-id"]
    if status == 429:
        assert response.headers["retry-after"] == "7"
    assert served.ledger == []


def test_a_dropped_stream_breaks_off_mid_body_and_bills_what_it_reported(served):
    served.script = [sim.dropped_stream()]
    with pytest.raises(httpx2.RemoteProtocolError):
        post(served, body(stream=True))
    (billed,) = served.ledger
    assert billed["usage"]["cache_creation_input_tokens"] == 2000
    assert billed["usage"]["output_tokens"] == 1


def test_overlapping_requests_over_http_both_write(served):
    served.script = [sim.text("one", delay=0.3), sim.text("two", delay=0.3)]
    threads = [threading.Thread(target=post, args=(served, body())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [c["usage"]["cache_creation_input_tokens"] for c in served.ledger] == [2000, 2000]


def test_a_request_without_a_key_is_refused(served):
    response = httpx2.post(f"{served.base_url}/v1/messages", json=body())
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
