"""An OpenAI-compatible chat client: streamed text and JSON-schema output, bounded in time.

Works against OpenAI, Ollama, vLLM and llama.cpp's server. Every failure becomes an `LlmError`
(`LlmUnavailable`, `LlmTimeout`, `LlmInvalidOutput`) so the caller can fall back at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import openai
from openai import AsyncOpenAI, AsyncStream
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam
from pydantic import BaseModel, ValidationError

from llm.errors import LlmError, LlmInvalidOutput, LlmTimeout, LlmUnavailable
from llm.metrics import LlmMetrics

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]

# Models often wrap JSON in a markdown fence even when asked not to; reasoning models
# (qwen3, deepseek-r1 behind Ollama) may prefix a <think> block.
_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```$", re.DOTALL)
_THINK = re.compile(r"^<think>.*?</think>", re.DOTALL)


@dataclass(frozen=True)
class LlmOptions:
    """Where the endpoint is and how long to wait for it."""

    base_url: str
    model: str
    api_key: str = "not-needed"
    timeout_s: float = 8.0
    # No retries by default: the caller falls back instead of waiting.
    max_retries: int = 0


class LlmClient:
    """Streamed text and validated JSON from one OpenAI-compatible endpoint, with metrics."""

    def __init__(self, options: LlmOptions) -> None:
        self.options = options
        self.metrics = LlmMetrics()
        # Learned on the first 400: llama.cpp and older Ollama builds take only json_object.
        self._json_schema_supported = True
        self._client = AsyncOpenAI(
            base_url=options.base_url,
            api_key=options.api_key,
            timeout=options.timeout_s,
            max_retries=options.max_retries,
        )

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()

    async def stream_text(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 300,
        temperature: float = 0.4,
        first_token_timeout_s: float | None = None,
    ) -> AsyncGenerator[str, None]:
        """Yield text deltas as they arrive; LlmTimeout if the first one is late, LlmUnavailable on errors."""
        budget_s = self.options.timeout_s if first_token_timeout_s is None else first_token_timeout_s
        self.metrics.calls += 1
        self.metrics.stream_calls += 1
        started = time.perf_counter()
        stream: AsyncStream[ChatCompletionChunk] | None = None
        try:
            # The deadline covers connecting, the response headers and the first non-empty delta;
            # it is left before the first yield so it never times the consumer's own work.
            async with asyncio.timeout(budget_s):
                stream = await self._client.chat.completions.create(
                    model=self.options.model,
                    messages=_typed(messages),
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                    timeout=max(budget_s, self.options.timeout_s),
                )
                first = await _next_text(stream)
            self.metrics.last_first_token_ms = _ms_since(started)
            if first is None:
                raise LlmInvalidOutput("empty reply")
            yield first
            # Later stalls are bounded by the HTTP read timeout (options.timeout_s between chunks).
            while (text := await _next_text(stream)) is not None:
                yield text
            self.metrics.last_latency_ms = _ms_since(started)
        except TimeoutError:
            raise self._failed(LlmTimeout(f"no first token within {budget_s:g} s")) from None
        except openai.OpenAIError as exc:
            raise self._failed(_translate(exc)) from exc
        except LlmError as exc:
            raise self._failed(exc) from None
        finally:
            # Runs when the consumer stops early too (aclose() or task cancellation): frees the connection.
            if stream is not None:
                await stream.close()

    async def complete_json(
        self,
        messages: list[Message],
        schema: type[T],
        *,
        name: str,
        max_tokens: int = 600,
        temperature: float = 0.0,
        timeout_s: float | None = None,
    ) -> T:
        """One reply validated against `schema`; LlmTimeout, LlmUnavailable or LlmInvalidOutput otherwise."""
        budget_s = self.options.timeout_s if timeout_s is None else timeout_s
        self.metrics.calls += 1
        self.metrics.json_calls += 1
        started = time.perf_counter()
        try:
            # One deadline for the whole call, json_object retry included: the caller's budget is per step.
            async with asyncio.timeout(budget_s):
                content = await self._json_content(messages, schema, name, max_tokens, temperature, budget_s)
            result = parse_json_reply(content, schema)
        except TimeoutError:
            raise self._failed(LlmTimeout(f"no reply within {budget_s:g} s")) from None
        except openai.OpenAIError as exc:
            raise self._failed(_translate(exc)) from exc
        except LlmError as exc:
            raise self._failed(exc) from None
        self.metrics.last_latency_ms = _ms_since(started)
        return result

    async def _json_content(
        self,
        messages: list[Message],
        schema: type[BaseModel],
        name: str,
        max_tokens: int,
        temperature: float,
        budget_s: float,
    ) -> str | None:
        """Ask with json_schema, or with json_object plus the schema in the prompt where that is refused."""
        json_schema = schema.model_json_schema()
        if self._json_schema_supported:
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": json_schema, "strict": False},
            }
            try:
                return await self._complete(messages, response_format, max_tokens, temperature, budget_s)
            except openai.BadRequestError as exc:
                log.info("llm: json_schema refused (%s); retrying with json_object", _short(exc.message))
                self.metrics.json_object_fallbacks += 1
        prompted = with_schema_instruction(messages, json_schema)
        content = await self._complete(prompted, {"type": "json_object"}, max_tokens, temperature, budget_s)
        # Only now is the 400 known to be about json_schema and not, say, the prompt's length.
        self._json_schema_supported = False
        return content

    async def _complete(
        self,
        messages: list[Message],
        response_format: dict[str, Any],
        max_tokens: int,
        temperature: float,
        budget_s: float,
    ) -> str | None:
        """One non-streaming request; the message content, or None when there is none."""
        completion = await self._client.chat.completions.create(
            model=self.options.model,
            messages=_typed(messages),
            max_tokens=max_tokens,
            temperature=temperature,
            response_format=cast(Any, response_format),
            timeout=budget_s,
        )
        if not completion.choices:
            return None
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise LlmInvalidOutput(f"reply cut at max_tokens={max_tokens}")
        return choice.message.content

    def _failed(self, error: LlmError) -> LlmError:
        """Count and log a failure, then hand it back to be raised."""
        self.metrics.count_failure(error.kind)
        log.warning("llm %s failed (%s): %s", self.options.model, error.kind, error.reason)
        return error


def parse_json_reply(content: str | None, schema: type[T]) -> T:
    """Validate a model's JSON reply, tolerating a markdown fence or a leading <think> block."""
    if not content or not content.strip():
        raise LlmInvalidOutput("empty reply")
    text = _THINK.sub("", content.strip()).strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        return schema.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise LlmInvalidOutput(f"not JSON: {_short(text)}") from None
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise LlmInvalidOutput(f"{schema.__name__} invalid at {where}: {first['msg']}") from None


def with_schema_instruction(messages: list[Message], json_schema: dict[str, Any]) -> list[Message]:
    """The messages with the JSON schema stated in the system message, for json_object mode."""
    instruction = (
        "Reply with one JSON object and nothing else. It must conform to this JSON schema:\n"
        + json.dumps(json_schema, separators=(",", ":"))
    )
    # Some chat templates (llama.cpp, Ollama) accept only one system message, and only first.
    if messages and messages[0].get("role") == "system":
        head = dict(messages[0])
        head["content"] = f"{head.get('content', '')}\n\n{instruction}"
        return [head, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


async def _next_text(stream: AsyncStream[ChatCompletionChunk]) -> str | None:
    """The next non-empty content delta, or None at the end of the stream."""
    # Role-only and usage-only chunks carry no text and must not count as the first token.
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            return chunk.choices[0].delta.content
    return None


def _translate(exc: openai.OpenAIError) -> LlmError:
    """The LlmError for an openai exception."""
    if isinstance(exc, openai.APITimeoutError):
        return LlmTimeout("request timed out")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        return LlmUnavailable(f"cannot connect: {_short(str(cause or exc))}")
    if isinstance(exc, openai.APIStatusError):
        return LlmUnavailable(f"HTTP {exc.status_code}: {_short(exc.message)}", {"status": exc.status_code})
    return LlmUnavailable(_short(str(exc)))


def _typed(messages: list[Message]) -> list[ChatCompletionMessageParam]:
    """Plain role/content dicts are what the API takes; tell the type checker so."""
    return cast("list[ChatCompletionMessageParam]", messages)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _short(text: str, limit: int = 160) -> str:
    """One line, at most `limit` characters, for logs."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
