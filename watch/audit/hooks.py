"""GDPR: a member's export lists who viewed their data; deleting an account deletes that list
and forgets the account's name in the records of what it viewed."""
from __future__ import annotations

from sqlalchemy import delete, update

from watch.core import events
from watch.audit.models import AccessRecord
from watch.audit.service import records


def on_user_deleting(user, session, **_kw) -> None:
    """Records about the user's data go; records of the user's own views stay, without their name."""
    session.execute(delete(AccessRecord).where(AccessRecord.owner_id == user.id))
    session.execute(update(AccessRecord).where(AccessRecord.actor_id == user.id)
                    .values(actor_id=None, actor_name="").execution_options(synchronize_session=False))


def on_user_export(user, session, data, **_kw) -> None:
    """'Who viewed your data': every recorded view of the user's data."""
    data["viewed_by"] = [
        {"at": r.at.isoformat(), "by": r.actor_name, "role": r.actor_role, "what": r.kind, "id": r.object_id}
        for r in reversed(records(session, owner_id=user.id, limit=100_000))
    ]


def connect() -> None:
    """Subscribe to the accounts domain's signals (module-level functions: blinker holds them weakly)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
