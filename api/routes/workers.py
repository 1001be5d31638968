"""The live media workers (admins only): how interviews spread across `intervox worker`
processes. Deployment-wide counts, no addresses: a worker's URL stays inside the deployment."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from api.auth import Admin
from api.deps import RuntimeDep

router = APIRouter(prefix="/api/v1/workers", tags=["workers"])


@router.get("")
async def list_workers(principal: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """`{"role", "items": [{"worker_id", "load", "seen_s_ago"}]}`: this process's role, and each
    live worker with the number of spoken interviews it drives. The all-in-one server lists
    itself."""
    now = time.time()
    if runtime.role == "all":
        items = [{"worker_id": runtime.worker_id, "load": runtime.voice_load, "seen_s_ago": 0.0}]
    else:
        workers = sorted(await runtime.backends.workers.alive(), key=lambda w: w.worker_id)
        items = [
            {"worker_id": w.worker_id, "load": w.load, "seen_s_ago": round(max(0.0, now - w.announced_at), 2)}
            for w in workers
        ]
    return {"role": runtime.role, "items": items}
