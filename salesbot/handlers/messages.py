"""The platform-free message types between channels and the conversation."""

from __future__ import annotations

from dataclasses import dataclass, field


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
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    files: tuple[File, ...] = ()


@dataclass(frozen=True)
class Incoming:
    platform: str
    chat_id: str
    sender_id: str
    text: str = ""
    button: str | None = None  # the key of a pressed button
    update_id: str | None = None
    chat_type: str = "private"
    attachments: tuple[str, ...] = field(default=())

    @property
    def chat_key(self) -> str:
        return f"{self.platform}:{self.chat_id}"
