"""Photos, documents, voice notes and locations a rep sends from the field, kept with their visit.

A location shared right after logging a visit is that visit's check-in; a photo with a caption that
logs a visit joins it; anything sent before its visit waits, kept, and joins the next one.
"""

from __future__ import annotations

from decimal import Decimal

from salesbot.handlers.turn import Turn
from salesbot.i18n import fmt_when
from salesbot.services import attachments
from salesbot.services.attachments import Item, Kept


def keep(turn: Turn) -> None:
    """Keep everything the message carried, after its text (if any) has been handled."""
    form = turn.form
    # The rep is still answering questions about a visit not yet logged: what they send belongs to it.
    hold = form is not None and form.flow == "visit" and "visit_id" not in form.slots
    if turn.files_taken:
        return
    for item in items(turn):
        turn.say(_kept_text(turn, attachments.keep(turn.uow, turn.actor, item, hold=hold)))


def items(turn: Turn) -> list[Item]:
    """What the message carries, as the attachments service keeps it."""
    incoming = turn.incoming
    items = [
        Item(
            kind=a.kind,
            platform=incoming.platform,
            file_id=a.file_id,
            file_unique_id=a.unique_id,
            file_name=a.name,
            mime=a.mime,
            size=a.size,
            duration=a.duration,
            caption=incoming.text.strip() or None,
        )
        for a in incoming.attachments
    ]
    if incoming.location is not None:
        items.append(
            Item(
                kind="location",
                platform=incoming.platform,
                # Through str: a float's binary tail is noise, not precision.
                latitude=round(Decimal(str(incoming.location.latitude)), 6),
                longitude=round(Decimal(str(incoming.location.longitude)), 6),
            )
        )
    return items


def _kept_text(turn: Turn, kept: Kept) -> str:
    what = turn.t(f"kind_{kept.kind}")
    if kept.subject_type is None:
        return turn.t("attachment_waiting", what=what, hours=int(attachments.WAITS_FOR_VISIT.total_seconds() // 3600))
    assert kept.at is not None
    local = kept.at.astimezone(turn.actor.tz)
    when = fmt_when(local.date(), local.time(), turn.lang)
    key = "checked_in" if kept.kind == "location" else "attachment_added"
    return turn.t(key, what=what, customer=kept.customer, when=when)
