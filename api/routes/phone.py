"""Phone calls: TwiML that bridges a call to us, and the Media Streams WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, Request, Response, WebSocket, WebSocketDisconnect

from api.auth import CandidateInterview, check_join_token
from api.deps import SettingsDep
from api.routes.events import (
    CLOSE_BAD_TOKEN,
    CLOSE_ENDED,
    CLOSE_NOT_FOUND,
    CLOSE_TOO_BIG,
    MalformedFrame,
    check_origin,
    receive_json_object,
)
from api.runtime import Runtime
from api.twilio_signature import verify_twilio_signature
from core.errors import (
    Conflict,
    Forbidden,
    InterviewEnded,
    IntervoxError,
    InvalidInput,
    ModeMismatch,
    NotFound,
)
from media.phone.transport import CallStart, PayloadTooBig, PhoneTransport, parse_start

router = APIRouter(prefix="/api/v1/phone", tags=["phone"])
CLOSE_MALFORMED = 1007  # RFC 6455: the message was not what the protocol expects
CLOSE_TRY_AGAIN = 1013  # RFC 6455: try again later (another server drives this interview now)
START_TIMEOUT_S = 10.0


class BadSignature(Forbidden):
    code = "INVALID_SIGNATURE"


@router.post("/{interview_id}/twiml", response_class=Response, responses={200: {"content": {"text/xml": {}}}})
async def twiml(interview: CandidateInterview, settings: SettingsDep, request: Request) -> Response:
    """Point a Twilio number's voice webhook here (with ?token=<join_token>). With
    INTERVOX_TWILIO__AUTH_TOKEN set, the request must carry Twilio's signature."""
    if settings.twilio.auth_token:
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        url = (
            settings.public_url.rstrip("/")
            + request.url.path
            + (f"?{request.url.query}" if request.url.query else "")
            if settings.public_url
            else str(request.url)
        )
        if not verify_twilio_signature(
            settings.twilio.auth_token, url, params, request.headers.get("x-twilio-signature")
        ):
            raise BadSignature("the request does not carry a valid X-Twilio-Signature")
    if interview.status in ("completed", "cancelled"):
        raise InterviewEnded("this interview has already ended", {"status": interview.status})
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    ws_base = (
        "wss://" + base.split("://", 1)[1]
        if base.startswith("https://")
        else "ws://" + base.split("://", 1)[1]
    )
    url = f"{ws_base}/api/v1/phone/{interview.id}/stream"
    token = request.query_params.get("token", "")  # the join token the webhook URL carries
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Connect>\n'
        f"    <Stream url={quoteattr(url)}>\n"
        f'      <Parameter name="token" value={quoteattr(token)}/>\n'
        "    </Stream>\n  </Connect>\n</Response>\n"
    )
    return Response(body, media_type="text/xml")


@router.websocket("/{interview_id}/stream")
async def media_stream(websocket: WebSocket, interview_id: str) -> None:
    runtime: Runtime = websocket.app.state.runtime
    await websocket.accept()
    if not await check_origin(websocket, runtime):
        return
    if runtime.forwarder is not None:  # an API process: the call is the media worker's
        return await runtime.forwarder.relay(websocket, interview_id)
    max_bytes = runtime.settings.limits.max_ws_message_bytes
    try:
        start = await asyncio.wait_for(_wait_for_start(websocket, max_bytes), START_TIMEOUT_S)
        session = await _authorize(runtime, interview_id, start, websocket.query_params.get("token"))
    except TimeoutError:
        return await websocket.close(CLOSE_MALFORMED, "no start message")
    except MalformedFrame as exc:
        return await websocket.close(exc.code, exc.reason)
    except (InvalidInput, ValueError) as exc:
        return await websocket.close(CLOSE_MALFORMED, str(exc)[:120])
    except NotFound as exc:
        return await websocket.close(CLOSE_NOT_FOUND, exc.message[:120])
    except InterviewEnded:
        return await websocket.close(CLOSE_ENDED, "interview already ended")
    except IntervoxError as exc:
        return await websocket.close(CLOSE_BAD_TOKEN, exc.message[:120])
    except WebSocketDisconnect:
        return

    async def send(message: dict[str, Any]) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # the caller may be gone
            await websocket.send_text(json.dumps(message))

    transport = PhoneTransport(send, start)
    try:
        await runtime.attach(session, transport)
    except Conflict as exc:  # held by another server (INTERVIEW_HELD_ELSEWHERE), or taken over
        return await websocket.close(CLOSE_TRY_AGAIN, exc.message[:120])
    try:
        while not transport.closed.is_set():
            await transport.handle(_parse(await receive_json_object(websocket, max_bytes)))
        await websocket.close(1000, "call ended")
    except MalformedFrame as exc:
        await websocket.close(exc.code, exc.reason)
    except PayloadTooBig as exc:
        await websocket.close(CLOSE_TOO_BIG, str(exc)[:120])
    except (InvalidInput, ValueError) as exc:
        await websocket.close(CLOSE_MALFORMED, str(exc)[:120])
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await transport.close()


def _parse(message: dict[str, Any]) -> dict[str, Any]:
    if "event" not in message:
        raise InvalidInput("every message is a JSON object with an event")
    return message


async def _wait_for_start(websocket: WebSocket, max_bytes: int) -> CallStart:
    """`connected` may come first; `start` opens the call."""
    while True:
        message = _parse(await receive_json_object(websocket, max_bytes))
        if message["event"] == "start":
            return parse_start(message)
        if message["event"] != "connected":
            raise InvalidInput(f"expected start, got {message['event']!r}")


async def _authorize(runtime: Runtime, interview_id: str, start: CallStart, query_token: str | None):  # type: ignore[no-untyped-def]
    interview = await asyncio.to_thread(runtime.repo.get, interview_id)
    check_join_token(runtime, interview, start.parameters.get("token") or query_token)
    if interview.mode != "phone":
        raise ModeMismatch(f"a {interview.mode} interview is not a phone call")
    session = await runtime.session(interview_id)
    if session.finished:
        raise InterviewEnded("this interview has already ended")
    return session
