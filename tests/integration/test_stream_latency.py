"""Streamed replies are quick in a real browser through a real worker, on both brokers."""

import statistics

import pytest

from bench.stream_latency import run, stream_env
from tests.labs.fake_claude import AutoClaude, serve

pytestmark = [pytest.mark.services, pytest.mark.browser]


@pytest.mark.parametrize("broker", ["filesystem", "redis"])
def test_the_learner_sees_the_workers_first_text_within_300_ms_at_the_median(
    tmp_path, request, browser, broker
):
    redis_url = request.getfixturevalue("redis_url") if broker == "redis" else ""
    server, port = serve(AutoClaude())
    try:
        env = stream_env(tmp_path, port, redis_url)
        result = run(browser, env, messages=6)
    finally:
        server.shutdown()
    assert result["all_done"], (tmp_path / "worker.log").read_text()[-3000:]
    assert len(result["latencies_ms"]) == 6
    assert statistics.median(result["latencies_ms"]) < 300, result["latencies_ms"]
