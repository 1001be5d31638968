"""A real local HTTP server speaking OpenAI's chat-completions protocol, for tests and benchmarks.

It runs uvicorn on a free loopback port in a background thread, so it serves sync code, async
tests and benchmarks alike, and its delays never block the caller's event loop.

Use::

    with FakeOpenAIServer(replies=["Hello there."]) as server:          # or: async with ...
        client = LlmClient(LlmOptions(base_url=server.base_url, model="fake"))
        ...
        assert server.requests[-1]["stream"] is True

API (every attribute may be changed between calls, from the test's thread):

- ``base_url``: ``http://127.0.0.1:<port>/v1``, what an OpenAI client takes.
- ``replies``: a deque of replies taken one per request; a ``str`` is sent as is, a ``dict``
  or ``list`` as JSON. ``reply(*items)`` appends to it.
- ``responder``: ``Callable[[list[dict]], str | dict]`` giving the reply from the request's
  messages, used when ``replies`` is empty; then ``default_reply``.
- ``first_token_delay_s``: streaming sends the role chunk at once, then waits this long before
  the first text (a model thinking); a non-streaming request waits this long before answering.
- ``delay_between_chunks_s``: the pause between streamed text chunks (one word a chunk).
- ``status``: when set (e.g. 500, 503, 429), every request gets this status and an OpenAI error body.
- ``invalid_json``: requests with a ``response_format`` get ``INVALID_JSON_REPLY`` (not JSON).
- ``reject_json_schema``: ``response_format`` of type ``json_schema`` gets a 400, as from
  llama.cpp or an older Ollama; ``json_object`` still works.
- ``requests``: the JSON bodies received, in order; ``sent_text()`` joins every message content
  of every request (assert that a candidate's name never reached the model).
- ``reset()``: clear the recorded requests and queued replies and restore default behaviour.

Endpoints: ``POST /v1/chat/completions`` (``stream``, ``stream_options.include_usage``,
``response_format``) and ``GET /v1/models``; the same without the ``/v1`` prefix.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Reply = str | dict[str, Any] | list[Any]
Responder = Callable[[list[dict[str, Any]]], Reply]

INVALID_JSON_REPLY = 'Sure! Here is what you asked for: {"answer": "yes", '
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error"}


class FakeOpenAIServer:
    """An OpenAI-compatible chat-completions server on 127.0.0.1, with configurable misbehaviour."""

    def __init__(
        self,
        *,
        replies: list[Reply] | None = None,
        responder: Responder | None = None,
        default_reply: Reply = "OK.",
        first_token_delay_s: float = 0.0,
        delay_between_chunks_s: float = 0.0,
        status: int | None = None,
        invalid_json: bool = False,
        reject_json_schema: bool = False,
        model: str = "fake-model",
    ) -> None:
        self.replies: deque[Reply] = deque(replies or [])
        self.responder = responder
        self.default_reply = default_reply
        self.first_token_delay_s = first_token_delay_s
        self.delay_between_chunks_s = delay_between_chunks_s
        self.status = status
        self.invalid_json = invalid_json
        self.reject_json_schema = reject_json_schema
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """The URL an OpenAI client takes as base_url."""
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(self, *items: Reply) -> None:
        """Queue replies, one per coming request."""
        self.replies.extend(items)

    def sent_text(self) -> str:
        """Every message content of every request, joined: what reached the model."""
        return "\n".join(
            str(message.get("content", "")) for body in self.requests for message in body.get("messages", [])
        )

    def reset(self) -> None:
        """Forget requests and queued replies; behave normally again."""
        self.requests.clear()
        self.replies.clear()
        self.first_token_delay_s = self.delay_between_chunks_s = 0.0
        self.status = None
        self.invalid_json = self.reject_json_schema = False

    def start(self) -> FakeOpenAIServer:
        """Serve on a free port in a background thread; returns once it accepts connections."""
        # Binding the socket here (port 0) avoids the race of picking a port and binding it later.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app(), log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-openai", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            # A fake has nothing to drain; slow streams a test abandoned must not hold shutdown.
            self._server.force_exit = True
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> FakeOpenAIServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _app(self) -> Starlette:
        routes = []
        for prefix in ("/v1", ""):
            routes.append(Route(f"{prefix}/chat/completions", self._chat_completions, methods=["POST"]))
            routes.append(Route(f"{prefix}/models", self._models, methods=["GET"]))
        return Starlette(routes=routes)

    async def _models(self, request: Request) -> Response:
        return JSONResponse(
            {"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "fake"}]}
        )

    async def _chat_completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        if self.status is not None:
            return _error(self.status, f"fake server configured to answer {self.status}")
        response_format = (body.get("response_format") or {}).get("type")
        if self.reject_json_schema and response_format == "json_schema":
            return _error(400, "response_format type 'json_schema' is not supported", param="response_format")
        content = INVALID_JSON_REPLY if self.invalid_json and response_format else self._content(body)
        if body.get("stream"):
            return StreamingResponse(self._chunks(body, content), media_type="text/event-stream")
        await asyncio.sleep(self.first_token_delay_s)
        return JSONResponse(self._completion(body, content))

    def _content(self, body: dict[str, Any]) -> str:
        """The next reply: queued, else from the responder, else the default."""
        if self.replies:
            reply = self.replies.popleft()
        elif self.responder is not None:
            reply = self.responder(body.get("messages", []))
        else:
            reply = self.default_reply
        return reply if isinstance(reply, str) else json.dumps(reply)

    def _completion(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "system_fingerprint": None,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": _usage(body, content),
        }

    async def _chunks(self, body: dict[str, Any], content: str) -> AsyncIterator[str]:
        """SSE events: the role, the text a word at a time, the finish, optional usage, [DONE]."""
        head = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "system_fingerprint": None,
        }

        def event(delta: dict[str, Any], finish_reason: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return f"data: {json.dumps(head | {'choices': [choice]})}\n\n"

        # Real servers send headers and the role at once; the wait is for the first text.
        yield event({"role": "assistant", "content": ""})
        await asyncio.sleep(self.first_token_delay_s)
        for index, piece in enumerate(_words(content)):
            if index:
                await asyncio.sleep(self.delay_between_chunks_s)
            yield event({"content": piece})
        yield event({}, "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            yield f"data: {json.dumps(head | {'choices': [], 'usage': _usage(body, content)})}\n\n"
        yield "data: [DONE]\n\n"


def _words(text: str) -> list[str]:
    """Chunks of one word with its leading space, like tokens; joined they give the text back."""
    pieces = re.findall(r"\s*\S+", text)
    tail = text[len("".join(pieces)) :]
    return pieces + [tail] if tail else pieces


def _usage(body: dict[str, Any], content: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion = len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _error(status: int, message: str, param: str | None = None) -> JSONResponse:
    """OpenAI's error body."""
    kind = _ERROR_TYPES.get(status, "server_error")
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": None}}, status)
