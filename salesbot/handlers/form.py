"""The half-filled form of a conversation: what a flow has gathered and the one thing it waits for.

Saved as JSON in the conversation's row between messages, with a version, so a form written by an older
release is still read after an upgrade (a rep mid-question when the bot restarts loses nothing):

- version 1 (before the flows were declared): ``{"flow", "slots", "awaiting", "buttons", "rows", "question"}``
- version 2: the same, plus ``"v": 2`` and ``"parked"``, the form a new request interrupted, offered again after it.

Buttons carry only a short random key; what a press means lives here, so a press that is not in the current
form (old, foreign, replayed) is recognised and refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = 2


@dataclass
class Form:
    flow: str
    slots: dict[str, Any] = field(default_factory=dict)
    awaiting: str | None = None  # one of the flow's declared states, or None while nothing is asked
    question: str | None = None  # the last question, worded, to ask again
    buttons: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> what pressing it means
    rows: list[list[dict[str, str]]] = field(default_factory=list)  # the buttons as shown, row by row
    parked: Form | None = None  # a question left open when a new request came in; at most one deep

    def ordinal(self, n: int) -> str | None:
        """The key of the n-th button (from 1, row by row), for "第二个" / "the second one"."""
        keys = [b["key"] for row in self.rows for b in row]
        return keys[n - 1] if 1 <= n <= len(keys) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "flow": self.flow,
            "slots": self.slots,
            "awaiting": self.awaiting,
            "question": self.question,
            "buttons": self.buttons,
            "rows": self.rows,
            "parked": self.parked.to_json() if self.parked is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Form:
        """Any saved version; a key an older version did not write takes its default."""
        if int(data.get("v", 1)) > VERSION:
            raise ValueError(f"a form of version {data['v']} is newer than this release reads")
        parked = data.get("parked")
        return cls(
            flow=str(data["flow"]),
            slots=dict(data.get("slots") or {}),
            awaiting=data.get("awaiting"),
            question=data.get("question"),
            buttons=dict(data.get("buttons") or {}),
            rows=[list(row) for row in data.get("rows") or []],
            parked=cls.from_json(parked) if parked else None,
        )
