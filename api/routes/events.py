"""Live events over a WebSocket. With the join token: the candidate's events (the same
as the data channel, never scores or attention). With a recruiter credential: everything,
for watching an interview live."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from api.auth import check_join_token, is_recruiter_credential, owned_interview, principal_for
from api.deps import bearer
from api.origins import origin_allowed
from api.runtime import Runtime
from core.errors import Forbidden, IntervoxError, NotFound, Unauthorized
from core.events import Audience, ClientMessage, event
from store.bus import Subscription, org_topic
from store.models import InterviewRow

router = APIRouter(tags=["events"])

CLOSE_BAD_TOKEN, CLOSE_ORIGIN, CLOSE_NOT_FOUND, CLOSE_ENDED = 4001, 4003, 4004, 4009
CLOSE_UNSUPPORTED, CLOSE_MALFORMED, CLOSE_TOO_BIG = 1003, 1007, 1009
REVALIDATE_S = 30.0


class MalformedFrame(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


async def check_origin(websocket: WebSocket, runtime: Runtime) -> bool:
    """Close with 4003 when a browser page from another site opens the socket."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host")
    if origin_allowed(origin, host, runtime.settings.cors_origins):
        return True
    await websocket.close(CLOSE_ORIGIN, "origin not allowed")
    return False


async def receive_json_object(websocket: WebSocket, max_bytes: int) -> dict:
    """One client frame as a JSON object; MalformedFrame for binary, oversized or non-object frames."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise MalformedFrame(CLOSE_UNSUPPORTED, "binary frames are not accepted")
    raw = message["text"]
    if len(raw) > max_bytes:
        raise MalformedFrame(CLOSE_TOO_BIG, "message too big")
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise MalformedFrame(CLOSE_MALFORMED, "not JSON") from None
    if not isinstance(parsed, dict):
        raise MalformedFrame(CLOSE_MALFORMED, "not a JSON object")
    return parsed


@contextlib.asynccontextmanager
async def admitted(websocket: WebSocket, runtime: Runtime) -> AsyncIterator[bool]:
    """Accept the socket and check its origin (4003); yields whether to serve it. (The per-address
    cap, 1013 past it, is `api.middleware.EventSocketLimit`, in front of routing.)"""
    await websocket.accept()  # then close with a code: a refusal before accept is a bare HTTP 403
    yield await check_origin(websocket, runtime)


@router.websocket("/api/v1/ws/interviews/{interview_id}")
async def interview_events(websocket: WebSocket, interview_id: str) -> None:
    runtime: Runtime = websocket.app.state.runtime
    async with admitted(websocket, runtime) as admit:
        if admit:
            await _serve(websocket, runtime, interview_id)


@router.websocket("/api/v1/ws/events")
async def organisation_events(websocket: WebSocket) -> None:
    """A recruiter's organisation-wide stream: `interview_status` whenever one of its interviews
    is created, starts, completes (and its report is ready) or is cancelled. Scoped to the
    credential's organisation; recruiter credentials only (a join token closes it with 4001)."""
    runtime: Runtime = websocket.app.state.runtime
    async with admitted(websocket, runtime) as admit:
        if admit:
            await _serve_organisation(websocket, runtime)


async def _serve_organisation(websocket: WebSocket, runtime: Runtime) -> None:
    token = bearer(websocket)
    try:
        principal = await principal_for(websocket, runtime, token)
    except IntervoxError as exc:
        return await websocket.close(CLOSE_BAD_TOKEN, exc.message[:120])
    async with runtime.bus.subscribe(org_topic(principal.org_id), "recruiter") as events:
        await websocket.send_text(event("connected", org_id=principal.org_id).to_json())
        sender = asyncio.ensure_future(_send_events(websocket, events))
        watch = asyncio.ensure_future(_revalidate(websocket, runtime, token or ""))
        try:
            while True:  # nothing to say on this socket; reading notices a client that left
                await receive_json_object(websocket, runtime.settings.limits.max_ws_message_bytes)
        except MalformedFrame as exc:
            await websocket.close(exc.code, exc.reason)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sender.cancel()
            watch.cancel()


async def _authorize(
    websocket: WebSocket, runtime: Runtime, interview_id: str
) -> tuple[InterviewRow, Audience]:
    token = bearer(websocket)
    if token and is_recruiter_credential(token):
        principal = await principal_for(websocket, runtime, token)
        return await owned_interview(runtime, interview_id, principal), "recruiter"
    interview = await asyncio.to_thread(runtime.repo.get, interview_id)
    check_join_token(runtime, interview, token)
    return interview, "candidate"


async def _serve(websocket: WebSocket, runtime: Runtime, interview_id: str) -> None:
    try:
        interview, audience = await _authorize(websocket, runtime, interview_id)
    except NotFound as exc:
        return await websocket.close(CLOSE_NOT_FOUND, exc.message[:120])
    except (Unauthorized, Forbidden, IntervoxError) as exc:
        return await websocket.close(CLOSE_BAD_TOKEN, exc.message[:120])
    if interview.status in ("completed", "cancelled") and audience == "candidate":
        return await websocket.close(CLOSE_ENDED, "interview already ended")
    async with runtime.bus.subscribe(interview_id, audience) as events:
        await websocket.send_text(event("connected", interview_id=interview_id).to_json())
        sender = asyncio.ensure_future(_send_events(websocket, events))
        if audience == "recruiter":  # a revoked key, a removed user or an expired token stops watching
            watch = asyncio.ensure_future(_revalidate(websocket, runtime, bearer(websocket) or ""))
            sender.add_done_callback(lambda _: watch.cancel())
        try:
            await _receive(websocket, runtime, interview_id, audience)
        except MalformedFrame as exc:
            await websocket.close(exc.code, exc.reason)
        except (WebSocketDisconnect, RuntimeError):  # the client left, or we closed after the end
            pass
        finally:
            sender.cancel()


async def _revalidate(websocket: WebSocket, runtime: Runtime, token: str) -> None:
    """Check a watching recruiter's credential again every REVALIDATE_S; close with 4001 when
    it no longer holds."""
    while True:
        await asyncio.sleep(REVALIDATE_S)
        try:
            await asyncio.to_thread(runtime.accounts.principal, token)
        except Unauthorized as exc:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close(CLOSE_BAD_TOKEN, exc.message[:120])
            return


async def _send_events(websocket: WebSocket, events: Subscription) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        async for ev in events:
            await websocket.send_text(ev.to_json())
            if ev.type == "interview_ended":
                await websocket.close(1000, "interview ended")
                return


async def _receive(websocket: WebSocket, runtime: Runtime, interview_id: str, audience: Audience) -> None:
    while True:
        raw = await receive_json_object(websocket, runtime.settings.limits.max_ws_message_bytes)
        if audience != "candidate":
            continue  # recruiters watch; they do not answer
        try:
            message = ClientMessage.model_validate(raw)
        except ValidationError:
            await websocket.send_text(
                event("error", code="INVALID_MESSAGE", message="not a client message").to_json()
            )
            continue
        try:
            await _handle(runtime, interview_id, message)
        except IntervoxError as exc:
            await websocket.send_text(event("error", code=exc.code, message=exc.message).to_json())


async def _handle(runtime: Runtime, interview_id: str, message: ClientMessage) -> None:
    agent = runtime.agent(interview_id)
    if message.type == "answer":
        text = message.text(runtime.settings.limits.max_answer_chars)
        if agent is not None:
            agent.answer_text(text)  # refused with MODE_MISMATCH in spoken interviews
        elif text:
            await runtime.limiter.hit(runtime.settings.rate_limit.candidate, "candidate", interview_id)
            await runtime.text_turn(interview_id, text)
    elif message.type == "end":
        with contextlib.suppress(IntervoxError):  # ends a started interview only
            await runtime.end(interview_id)
    elif message.type == "request_next" and agent is None:
        await runtime.limiter.hit(runtime.settings.rate_limit.candidate, "candidate", interview_id)
        await runtime.text_turn(interview_id, "", skip=True)
    elif message.type == "typing" and agent is None:
        # shown live to a recruiter watching; not stored, and at most one a second
        if await runtime.limiter.hit_quietly("1/second", "typing", interview_id):
            await runtime.bus.publish(interview_id, event("typing"))
    elif message.type == "ready" and agent is None:
        await runtime.limiter.hit(runtime.settings.rate_limit.candidate, "candidate", interview_id)
        session = await runtime.session(interview_id)
        if session.status == "scheduled" and session.interview.mode in ("chat", "practice"):
            await runtime.text_turn(interview_id, "")
