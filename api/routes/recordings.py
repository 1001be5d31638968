"""An interview's recording (recruiters of its organisation): Ogg Opus, with range requests,
so an `<audio>` element can seek to a transcript segment's `start`; with `kind=video`, the
candidate's camera of the same part (VP8 in WebM, same clock), when it was recorded."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.responses import FileResponse, MalformedRangeHeader, RangeNotSatisfiable
from starlette.types import Send

from api.auth import ViewedInterview
from api.deps import RuntimeDep
from api.runtime import Runtime
from core.errors import IntervoxError, RecordingNotFound
from media.recording import CHANNELS

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])
AUDIO: dict[int | str, dict[str, Any]] = {
    200: {"content": {"audio/ogg": {}, "video/webm": {}}, "description": "the whole file"},
    206: {"content": {"audio/ogg": {}, "video/webm": {}}, "description": "the requested byte range"},
    404: {"description": "RECORDING_NOT_FOUND"},
    416: {"description": "RANGE_NOT_SATISFIABLE"},
}


class InvalidRange(IntervoxError):
    code, status = "INVALID_RANGE", 400


class RangeOutside(IntervoxError):
    code, status = "RANGE_NOT_SATISFIABLE", 416

    def __init__(self, size: int) -> None:
        super().__init__("the range starts past the end of the file", {"size": size})
        self.headers = {"Content-Range": f"bytes */{size}"}


class GrowingFileResponse(FileResponse):
    """A file that may still be written to (a live recording): the answer holds the bytes it
    had when it was looked at, and no more, so the body matches its Content-Length."""

    async def _handle_simple(self, send: Send, send_header_only: bool, send_pathsend: bool) -> None:
        size = int(self.headers["content-length"])
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        if send_header_only or size == 0:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        async with self._open_file() as file:
            sent = 0
            while sent < size:
                chunk = await file.read(min(self.chunk_size, size - sent))
                sent += len(chunk)
                more = bool(chunk) and sent < size
                await send({"type": "http.response.body", "body": chunk, "more_body": more})
                if not chunk:
                    break


def recordings_of(runtime: Runtime, interview_id: str) -> list[dict[str, Any]]:
    """The recording's parts as the interview JSON lists them (blocking: reads each file's length)."""
    base = f"/api/v1/interviews/{interview_id}/recording"
    return [
        {
            "part": p.part,
            "start": p.start,
            "duration": p.duration,
            "url": base if p.part == 1 else f"{base}?part={p.part}",
            "channels": list(CHANNELS),
            "video_url": f"{base}?part={p.part}&kind=video" if p.video is not None else None,
        }
        for p in runtime.recordings.parts(interview_id)
    ]


def check_range(header: str | None, size: int) -> None:
    """Refuse a bad Range header in the API's error body (Starlette answers in plain text)."""
    if header is None:
        return
    try:
        FileResponse._parse_range_header(header, size)
    except MalformedRangeHeader as exc:
        raise InvalidRange(f"the Range header is not valid: {exc.content}", {"range": header[:100]}) from exc
    except RangeNotSatisfiable as exc:
        raise RangeOutside(size) from exc


@router.get("/{interview_id}/recording", response_class=Response, responses=AUDIO)
async def get_recording(
    interview: ViewedInterview,
    runtime: RuntimeDep,
    request: Request,
    part: Annotated[int, Query(ge=1, le=10_000)] = 1,
    kind: Literal["audio", "video"] = "audio",
) -> Response:
    """Part `part` (one per connection; see `recordings` on the interview): stereo Opus in Ogg,
    channel 0 the candidate, channel 1 the interviewer; t=0 is the part's `start` on the
    transcript's clock. `kind=video`: the candidate's camera in that part (VP8 in WebM, same
    t=0), when it was recorded (`video_url`). Range requests answer 206."""
    video = kind == "video"
    find = runtime.recordings.video_file if video else runtime.recordings.audio
    path = await asyncio.to_thread(find, interview.id, part)
    if path is None:
        what = "no video recording" if video else "no recording"
        raise RecordingNotFound(f"{what} of this interview", {"id": interview.id, "part": part, "kind": kind})
    stat = await asyncio.to_thread(os.stat, path)
    check_range(request.headers.get("range"), stat.st_size)
    return GrowingFileResponse(
        path,
        media_type="video/webm" if video else "audio/ogg",
        stat_result=stat,
        filename=f"interview-{interview.id}-part-{part}.{'webm' if video else 'ogg'}",
        content_disposition_type="inline",
        headers={"Cache-Control": "no-store"},
    )
