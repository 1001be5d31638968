"""The audit log: who deleted or exported whose data, in which organisation, and when.

Actions: `candidate.delete`, `candidate.export`, `job.delete`, `interview.delete`, `interview.purge`
(the retention job), `interview.reissue_link`, `share.create`, `share.revoke`. Rows hold
ids and counts, never the personal data itself, and outlive what they describe."""

from __future__ import annotations

from typing import Any

from core.events import utc_now
from store.models import AuditRow
from store.workspace import WorkspaceRepository
from workspace.accounts import Principal


def record(
    repo: WorkspaceRepository,
    actor: Principal,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
) -> AuditRow:
    """Write one audit row (blocking)."""
    row = AuditRow(
        org_id=actor.org_id,
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
        at=utc_now(),
    )
    repo.add(row)
    return row
