"""An API process (`intervox api`) runs no media: it hands a spoken interview's requests to the
media worker that drives it (the holder of its lease), or to the least busy live worker when
none does. Offers and `end`/`cancel` are forwarded as HTTP requests; a phone call's Media
Streams WebSocket is relayed frame by frame. The worker runs the same routes, so it checks the
join token or credential again and answers exactly as the all-in-one server would.

When a worker dies, its announcements stop (store/workers.py) and the next request for its
interviews goes to another worker, which waits out the dead one's lease and resumes the
interview from the store (`HeldInterviews.take`'s patience, orchestrator/lease_holder.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import replace

import httpx
import websockets
from fastapi import Request, Response, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from core.errors import NoWorkerAvailable
from store.lease import SessionLease
from store.workers import WorkerInfo, WorkerRegistry, least_loaded

log = logging.getLogger(__name__)

FORWARDED_HEADERS = ("authorization", "content-type", "accept", "origin", "user-agent")
CLOSE_TRY_AGAIN = 1013  # RFC 6455: try again later
REQUEST_TIMEOUT_S = 30.0  # an answer waits for ICE gathering on the worker; a few seconds at most


class WorkerRouter:
    """Picks the worker for an interview and forwards to it."""

    def __init__(self, workers: WorkerRegistry, leases: SessionLease, max_ws_message_bytes: int) -> None:
        self.workers, self.leases = workers, leases
        self.max_ws_message_bytes = max_ws_message_bytes
        self._http: httpx.AsyncClient | None = None
        # interviews this process sent each worker (unix times): a worker's announced load lags
        # by up to a heartbeat, and candidates arriving together would all go to one worker
        self._sent: dict[str, list[float]] = {}

    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def worker_for(self, interview_id: str, avoid: frozenset[str] = frozenset()) -> WorkerInfo:
        """The live worker holding the interview's lease, else the least busy live one."""
        alive = {w.worker_id: w for w in await self.workers.alive() if w.worker_id not in avoid}
        holder = await self.leases.holder(interview_id)
        if holder is not None and holder.worker_id in alive:
            return alive[holder.worker_id]
        chosen = least_loaded([replace(w, load=w.load + self._sent_since(w)) for w in alive.values()])
        if chosen is None:
            state = "could be reached" if avoid else "is running"
            raise NoWorkerAvailable(f"no media worker {state}; try again shortly", {"id": interview_id})
        self._sent.setdefault(chosen.worker_id, []).append(time.time())
        return alive[chosen.worker_id]

    def _sent_since(self, worker: WorkerInfo) -> int:
        """Interviews sent to `worker` after its last announcement (not yet in its load)."""
        recent = [t for t in self._sent.get(worker.worker_id, []) if t > worker.announced_at]
        self._sent[worker.worker_id] = recent
        return len(recent)

    async def forward(self, request: Request, interview_id: str) -> Response:
        """The request as the worker answers it. A worker that cannot be reached (it died since
        its last heartbeat) is skipped for another."""
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_HEADERS}
        if request.client is not None:
            headers["x-forwarded-for"] = request.client.host
        avoid: frozenset[str] = frozenset()
        while True:  # NoWorkerAvailable once every live worker was tried
            worker = await self.worker_for(interview_id, avoid)
            url = worker.url.rstrip("/") + request.url.path
            try:
                answer = await self.http().request(
                    request.method, url, params=request.query_params, content=body, headers=headers
                )
            except httpx.TransportError as exc:
                log.warning("worker %s at %s unreachable: %s", worker.worker_id, worker.url, exc)
                avoid |= {worker.worker_id}
                continue
            keep = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "retry-after")}
            keep["x-intervox-worker"] = worker.worker_id
            return Response(answer.content, status_code=answer.status_code, headers=keep)

    async def relay(self, websocket: WebSocket, interview_id: str) -> None:
        """Relay an accepted WebSocket to the same path on the interview's worker, both ways,
        until either side closes; the worker's close code reaches the client."""
        query = websocket.url.query
        avoid: frozenset[str] = frozenset()
        upstream: ClientConnection | None = None
        while upstream is None:  # a worker that cannot be reached is skipped for another
            try:
                worker = await self.worker_for(interview_id, avoid)
            except NoWorkerAvailable as exc:
                return await websocket.close(CLOSE_TRY_AGAIN, exc.message[:120])
            base = worker.url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
            url = f"{base}{websocket.url.path}" + (f"?{query}" if query else "")
            try:
                upstream = await connect(
                    url, max_size=self.max_ws_message_bytes, open_timeout=5, compression=None
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
                log.warning("worker %s at %s unreachable: %s", worker.worker_id, worker.url, exc)
                avoid |= {worker.worker_id}
        async with upstream:
            up = asyncio.ensure_future(self._up(websocket, upstream))
            down = asyncio.ensure_future(self._down(upstream, websocket))
            await asyncio.wait([up, down], return_when=asyncio.FIRST_COMPLETED)
            # the client left (tell the worker) or the worker closed (the client was told)
            with contextlib.suppress(Exception):
                await upstream.close()
            await asyncio.wait([down], timeout=5)
            for task in (up, down):
                task.cancel()

    @staticmethod
    async def _up(websocket: WebSocket, upstream: ClientConnection) -> None:
        """Client to worker, until the client leaves or the worker closes."""
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                data = message.get("text") if message.get("text") is not None else message.get("bytes")
                if data is not None:
                    await upstream.send(data)
        except (WebSocketDisconnect, ConnectionClosed, RuntimeError):
            return

    @staticmethod
    async def _down(upstream: ClientConnection, websocket: WebSocket) -> None:
        """Worker to client; the worker's close (code and reason) is passed on."""
        code, reason = 1000, ""
        try:
            async for data in upstream:
                if isinstance(data, str):
                    await websocket.send_text(data)
                else:
                    await websocket.send_bytes(data)
        except ConnectionClosed:
            pass
        except (WebSocketDisconnect, RuntimeError):
            return
        if upstream.close_code is not None:
            code, reason = upstream.close_code, upstream.close_reason or ""
        if code == 1006:  # the worker vanished: the caller may call again
            code, reason = CLOSE_TRY_AGAIN, "the media worker went away"
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await websocket.close(code, reason[:120])
