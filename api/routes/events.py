"""Live events over a WebSocket: the same events as the data channel."""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from api.deps import check_token, token_from
from api.runtime import Runtime
from core.errors import Forbidden, IntervoxError, NotFound, Unauthorized
from core.events import ClientMessage, event

router = APIRouter(tags=["events"])

CLOSE_BAD_TOKEN, CLOSE_NOT_FOUND, CLOSE_ENDED = 4001, 4004, 4009


@router.websocket("/api/v1/ws/interviews/{interview_id}")
async def interview_events(websocket: WebSocket, interview_id: str) -> None:
    runtime: Runtime = websocket.app.state.runtime
    await websocket.accept()
    try:
        interview = await asyncio.to_thread(runtime.repo.get, interview_id)
        check_token(
            interview, token_from(websocket.headers.get("authorization"), websocket.query_params.get("token"))
        )
    except NotFound as exc:
        return await websocket.close(CLOSE_NOT_FOUND, exc.message[:120])
    except (Unauthorized, Forbidden) as exc:
        return await websocket.close(CLOSE_BAD_TOKEN, exc.message[:120])
    if interview.status in ("completed", "cancelled"):
        return await websocket.close(CLOSE_ENDED, "interview already ended")
    async with runtime.bus.subscribe(interview_id) as events:
        await websocket.send_text(event("connected", interview_id=interview_id).to_json())
        sender = asyncio.ensure_future(_send_events(websocket, events))
        try:
            await _receive(websocket, runtime, interview_id)
        except (WebSocketDisconnect, RuntimeError):  # the client left, or we closed after the end
            pass
        finally:
            sender.cancel()


async def _send_events(websocket: WebSocket, events) -> None:  # type: ignore[no-untyped-def]
    async for ev in events:
        await websocket.send_text(ev.to_json())
        if ev.type == "interview_ended":
            await websocket.close(1000, "interview ended")
            return


async def _receive(websocket: WebSocket, runtime: Runtime, interview_id: str) -> None:
    while True:
        raw = await websocket.receive_text()
        try:
            message = ClientMessage.model_validate(json.loads(raw))
        except (ValueError, ValidationError):
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
        text = str(message.data.get("text", "")).strip()
        if agent is not None:
            agent.answer_text(text)
        elif text:
            await runtime.text_turn(interview_id, text)
    elif message.type == "end":
        with contextlib.suppress(IntervoxError):
            await runtime.end(interview_id)
    elif message.type == "ready" and agent is None:
        session = await runtime.session(interview_id)
        if session.status == "scheduled":
            await runtime.text_turn(interview_id, "")
