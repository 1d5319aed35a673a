"""The platform-free message types between channels and the conversation."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Button:
    key: str  # short and opaque: the server looks up what it means, it never carries the decision
    label: str


@dataclass(frozen=True)
class File:
    name: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Attachment:
    """A file the user sent, as the platform keeps it: we store its id and metadata, not its bytes."""

    kind: str  # photo | document | voice | audio | video
    file_id: str
    unique_id: str | None = None
    name: str | None = None
    mime: str | None = None
    size: int | None = None
    duration: int | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    files: tuple[File, ...] = ()  # made by us (a chart, a spreadsheet)
    forwards: tuple[Attachment, ...] = ()  # already on the platform (a rep's PDF): sent again by its file id

    def as_json(self) -> dict[str, Any]:
        """The reply as JSON, to keep in the database until it is sent."""
        return {
            "text": self.text,
            "buttons": [[{"key": b.key, "label": b.label} for b in row] for row in self.buttons],
            "files": [{"name": f.name, "mime": f.mime, "data": base64.b64encode(f.data).decode()} for f in self.files],
            "forwards": [{"kind": a.kind, "file_id": a.file_id, "name": a.name} for a in self.forwards],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(b["key"], b["label"]) for b in row) for row in data["buttons"]),
            files=tuple(File(f["name"], f["mime"], base64.b64decode(f["data"])) for f in data["files"]),
            forwards=tuple(Attachment(a["kind"], a["file_id"], name=a["name"]) for a in data["forwards"]),
        )


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Incoming:
    platform: str
    chat_id: str
    sender_id: str
    text: str = ""
    button: str | None = None  # the key of a pressed button
    update_id: str | None = None
    chat_type: str = "private"  # private | group
    chat_title: str = ""
    attachments: tuple[Attachment, ...] = field(default=())
    location: Location | None = None
    # In a group the bot acts only on what is addressed to it: a command, a mention, a reply to the bot.
    addressed: bool = True
    # Not a message but a change of the chat: "joined" (the bot was added), "left" (removed), "moved"
    # (a group became a supergroup and changed its id to `moved_to`).
    event: str | None = None
    moved_to: str | None = None

    @property
    def chat_key(self) -> str:
        return f"{self.platform}:{self.chat_id}"


class Conversation(Protocol):
    """What a channel hands messages to (the router), and tells when their replies went out or could not."""

    def handle(self, incoming: Incoming) -> list[Reply]: ...

    def replied(self, platform: str, update_ids: list[str]) -> None: ...

    def release(self, incoming: Incoming) -> None: ...
