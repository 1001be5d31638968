"""Phone calls: TwiML that bridges a call to us, and the Media Streams WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, Request, Response, WebSocket, WebSocketDisconnect

from api.deps import InterviewDep, SettingsDep, check_token
from api.routes.events import CLOSE_BAD_TOKEN, CLOSE_ENDED, CLOSE_NOT_FOUND
from api.runtime import Runtime
from core.errors import Forbidden, InterviewEnded, InvalidInput, NotFound, Unauthorized
from media.phone.transport import CallStart, PhoneTransport, parse_start

router = APIRouter(prefix="/api/v1/phone", tags=["phone"])
CLOSE_MALFORMED = 1007  # RFC 6455: the message was not what the protocol expects
START_TIMEOUT_S = 10.0


@router.post("/{interview_id}/twiml", response_class=Response, responses={200: {"content": {"text/xml": {}}}})
async def twiml(interview: InterviewDep, settings: SettingsDep, request: Request) -> Response:
    """Point a Twilio number's voice webhook here (with ?token=<join_token>)."""
    if interview.status in ("completed", "cancelled"):
        raise InterviewEnded("this interview has already ended", {"status": interview.status})
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    ws_base = (
        "wss://" + base.split("://", 1)[1]
        if base.startswith("https://")
        else "ws://" + base.split("://", 1)[1]
    )
    url = f"{ws_base}/api/v1/phone/{interview.id}/stream"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Connect>\n'
        f"    <Stream url={quoteattr(url)}>\n"
        f'      <Parameter name="token" value={quoteattr(interview.join_token)}/>\n'
        "    </Stream>\n  </Connect>\n</Response>\n"
    )
    return Response(body, media_type="text/xml")


@router.websocket("/{interview_id}/stream")
async def media_stream(websocket: WebSocket, interview_id: str) -> None:
    runtime: Runtime = websocket.app.state.runtime
    await websocket.accept()
    try:
        start = await asyncio.wait_for(_wait_for_start(websocket), START_TIMEOUT_S)
        session = await _authorize(runtime, interview_id, start, websocket.query_params.get("token"))
    except TimeoutError:
        return await websocket.close(CLOSE_MALFORMED, "no start message")
    except (InvalidInput, ValueError) as exc:
        return await websocket.close(CLOSE_MALFORMED, str(exc)[:120])
    except NotFound as exc:
        return await websocket.close(CLOSE_NOT_FOUND, exc.message[:120])
    except (Unauthorized, Forbidden) as exc:
        return await websocket.close(CLOSE_BAD_TOKEN, exc.message[:120])
    except InterviewEnded:
        return await websocket.close(CLOSE_ENDED, "interview already ended")
    except WebSocketDisconnect:
        return

    async def send(message: dict[str, Any]) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # the caller may be gone
            await websocket.send_text(json.dumps(message))

    transport = PhoneTransport(send, start)
    await runtime.attach(session, transport)
    try:
        while not transport.closed.is_set():
            await transport.handle(_parse(await websocket.receive_text()))
        await websocket.close(1000, "call ended")
    except (InvalidInput, ValueError) as exc:
        await websocket.close(CLOSE_MALFORMED, str(exc)[:120])
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await transport.close()


def _parse(raw: str) -> dict[str, Any]:
    message = json.loads(raw)  # ValueError when it is not JSON
    if not isinstance(message, dict) or "event" not in message:
        raise InvalidInput("every message is a JSON object with an event")
    return message


async def _wait_for_start(websocket: WebSocket) -> CallStart:
    """`connected` may come first; `start` opens the call."""
    while True:
        message = _parse(await websocket.receive_text())
        if message["event"] == "start":
            return parse_start(message)
        if message["event"] != "connected":
            raise InvalidInput(f"expected start, got {message['event']!r}")


async def _authorize(runtime: Runtime, interview_id: str, start: CallStart, query_token: str | None):  # type: ignore[no-untyped-def]
    interview = await asyncio.to_thread(runtime.repo.get, interview_id)
    check_token(interview, start.parameters.get("token") or query_token)
    session = await runtime.session(interview_id)
    if session.finished:
        raise InterviewEnded("this interview has already ended")
    return session
