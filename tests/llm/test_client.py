"""The LLM client against a real local HTTP server speaking OpenAI's chat-completions protocol."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from pydantic import BaseModel

from llm import LlmClient, LlmInvalidOutput, LlmOptions, LlmTimeout, LlmUnavailable, parse_json_reply
from tests.fakes.openai_server import FakeOpenAIServer

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say something."}]


class Verdict(BaseModel):
    decision: str
    confidence: float


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def server(shared_server: FakeOpenAIServer) -> FakeOpenAIServer:
    shared_server.reset()
    return shared_server


@pytest.fixture
async def client(server: FakeOpenAIServer) -> AsyncIterator[LlmClient]:
    llm = LlmClient(LlmOptions(base_url=server.base_url, model="fake-model", timeout_s=2.0))
    yield llm
    await llm.aclose()


async def collect(llm: LlmClient, first_token_timeout_s: float | None = None) -> list[str]:
    stream_text = llm.stream_text(MESSAGES, first_token_timeout_s=first_token_timeout_s)
    async with contextlib.aclosing(stream_text) as stream:
        return [piece async for piece in stream]


async def test_stream_arrives_in_pieces_in_order(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.reply("One two three four.")
    server.delay_between_chunks_s = 0.05
    arrivals: list[tuple[str, float]] = []
    async with contextlib.aclosing(client.stream_text(MESSAGES, max_tokens=50)) as stream:
        async for piece in stream:
            arrivals.append((piece, time.perf_counter()))
    assert [piece for piece, _ in arrivals] == ["One", " two", " three", " four."]
    # Streamed, not buffered: the pieces came over ~150 ms, not all at once.
    assert arrivals[-1][1] - arrivals[0][1] >= 0.1
    sent = server.requests[-1]
    assert sent["stream"] is True and sent["model"] == "fake-model" and sent["max_tokens"] == 50
    assert sent["messages"] == MESSAGES


async def test_first_token_timeout_is_quick(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.first_token_delay_s = 5.0
    started = time.perf_counter()
    with pytest.raises(LlmTimeout) as caught:
        await collect(client, first_token_timeout_s=0.3)
    assert time.perf_counter() - started < 1.0
    assert caught.value.retryable and "first token" in caught.value.reason
    assert client.metrics.failures == {"timeout": 1}


async def test_first_token_delay_within_budget(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.reply("Fine, thanks.")
    server.first_token_delay_s = 0.3
    assert "".join(await collect(client, first_token_timeout_s=2.0)) == "Fine, thanks."
    # The role chunk arrives at once; the first-token latency is measured on the first text.
    assert client.metrics.last_first_token_ms is not None and client.metrics.last_first_token_ms >= 300


async def test_stall_after_first_token_times_out(server: FakeOpenAIServer) -> None:
    server.reply("One two")
    server.delay_between_chunks_s = 5.0
    llm = LlmClient(LlmOptions(base_url=server.base_url, model="m", timeout_s=0.4))
    pieces: list[str] = []
    started = time.perf_counter()
    with pytest.raises(LlmTimeout):
        async with contextlib.aclosing(llm.stream_text(MESSAGES)) as stream:
            async for piece in stream:
                pieces.append(piece)
    assert pieces == ["One"] and time.perf_counter() - started < 1.5
    await llm.aclose()


async def test_server_error_is_unavailable(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.status = 500
    with pytest.raises(LlmUnavailable) as streamed:
        await collect(client)
    with pytest.raises(LlmUnavailable) as completed:
        await client.complete_json(MESSAGES, Verdict, name="verdict")
    assert "HTTP 500" in streamed.value.reason and completed.value.details == {"status": 500}
    assert streamed.value.retryable and streamed.value.code == "LLM_UNAVAILABLE"
    assert len(server.requests) == 2  # max_retries=0: no hidden retries while the candidate waits


async def test_connection_refused_is_unavailable_fast() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    llm = LlmClient(LlmOptions(base_url=f"http://127.0.0.1:{port}/v1", model="m"))
    started = time.perf_counter()
    with pytest.raises(LlmUnavailable):
        await collect(llm)
    with pytest.raises(LlmUnavailable):
        await llm.complete_json(MESSAGES, Verdict, name="verdict")
    assert time.perf_counter() - started < 1.0
    assert llm.metrics.failures == {"unavailable": 2}
    await llm.aclose()


async def test_json_is_requested_with_schema_and_validated(
    server: FakeOpenAIServer, client: LlmClient
) -> None:
    server.reply({"decision": "follow_up", "confidence": 0.75})
    verdict = await client.complete_json(MESSAGES, Verdict, name="verdict")
    assert verdict == Verdict(decision="follow_up", confidence=0.75)
    sent = server.requests[-1]
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "verdict", "schema": Verdict.model_json_schema(), "strict": False},
    }
    assert sent["temperature"] == 0.0 and not sent.get("stream")


async def test_invalid_json_is_invalid_output(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.invalid_json = True
    with pytest.raises(LlmInvalidOutput) as caught:
        await client.complete_json(MESSAGES, Verdict, name="verdict")
    assert caught.value.reason.startswith("not JSON")


async def test_schema_violation_is_invalid_output(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.reply({"decision": "move_on"})
    with pytest.raises(LlmInvalidOutput) as caught:
        await client.complete_json(MESSAGES, Verdict, name="verdict")
    assert "confidence" in caught.value.reason


async def test_rejected_json_schema_falls_back_to_json_object(
    server: FakeOpenAIServer, client: LlmClient
) -> None:
    server.reject_json_schema = True
    server.reply({"decision": "move_on", "confidence": 0.5}, {"decision": "stop", "confidence": 1})
    assert (await client.complete_json(MESSAGES, Verdict, name="verdict")).decision == "move_on"
    refused, retried = server.requests
    assert refused["response_format"]["type"] == "json_schema"
    assert retried["response_format"] == {"type": "json_object"}
    # The schema moves into the one system message, which stays first.
    assert [m["role"] for m in retried["messages"]] == ["system", "user"]
    assert (
        retried["messages"][0]["content"].startswith("Be brief.")
        and '"confidence"' in retried["messages"][0]["content"]
    )
    # Learned: the next call goes straight to json_object.
    assert (await client.complete_json(MESSAGES, Verdict, name="verdict")).decision == "stop"
    assert len(server.requests) == 3 and server.requests[2]["response_format"] == {"type": "json_object"}
    assert client.metrics.json_object_fallbacks == 1 and client.metrics.failed == 0


async def test_slow_json_times_out(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.first_token_delay_s = 5.0
    started = time.perf_counter()
    with pytest.raises(LlmTimeout):
        await client.complete_json(MESSAGES, Verdict, name="verdict", timeout_s=0.3)
    assert time.perf_counter() - started < 1.0


async def test_empty_stream_is_invalid_output(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.reply("")
    with pytest.raises(LlmInvalidOutput):
        await collect(client)


async def test_metrics_count_calls_failures_and_latency(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.reply("Hi.", {"decision": "a", "confidence": 1}, "not json")
    await collect(client)
    await client.complete_json(MESSAGES, Verdict, name="verdict")
    with pytest.raises(LlmInvalidOutput):
        await client.complete_json(MESSAGES, Verdict, name="verdict")
    server.status = 503
    with pytest.raises(LlmUnavailable):
        await collect(client)
    metrics = client.metrics
    assert (metrics.calls, metrics.stream_calls, metrics.json_calls) == (4, 2, 2)
    assert metrics.failures == {"invalid_output": 1, "unavailable": 1} and metrics.failed == 2
    assert metrics.last_latency_ms is not None and metrics.last_first_token_ms is not None
    assert metrics.as_dict()["failed"] == 2


async def test_stopping_early_frees_the_stream(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.reply("a b c d e f g h", "Again.")
    server.delay_between_chunks_s = 0.2
    started = time.perf_counter()
    async with contextlib.aclosing(client.stream_text(MESSAGES)) as stream:
        async for piece in stream:
            assert piece == "a"
            break
    assert time.perf_counter() - started < 0.5
    server.delay_between_chunks_s = 0.0
    assert "".join(await collect(client)) == "Again."
    assert client.metrics.failed == 0


async def test_cancelling_the_consumer_is_not_a_failure(server: FakeOpenAIServer, client: LlmClient) -> None:
    server.first_token_delay_s = 5.0
    task = asyncio.create_task(collect(client))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.metrics.failed == 0


def test_parse_json_reply_tolerates_fences_and_think_blocks() -> None:
    fenced = '```json\n{"decision": "a", "confidence": 0.1}\n```'
    assert parse_json_reply(fenced, Verdict).decision == "a"
    thought = '<think>hmm</think>\n{"decision": "b", "confidence": 0}'
    assert parse_json_reply(thought, Verdict).decision == "b"
    with pytest.raises(LlmInvalidOutput):
        parse_json_reply("   ", Verdict)
