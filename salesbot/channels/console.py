"""The terminal channel: conversation scripts and the interactive demo.

People are known by handle (seeded users get a console identity). Buttons are shown as numbered
choices; `[label]`, `[#n]` or, in the demo, a bare number presses one on the newest message to that
person that has buttons. Directives (`@seed`, `@clock`, `@restart`) drive the world around the chat.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from salesbot.handlers.messages import Button, Incoming, Reply
from salesbot.services.delivery import Address

PLATFORM = "console"
_LINE = re.compile(r"^@(?P<who>[\w.-]+)>\s?(?P<text>.*)$")
_PRESS = re.compile(r"^\[(?P<what>.+)\]$")
_STEP = re.compile(r"^\+(?P<n>\d+)(?P<unit>[dhm])$")


class ScriptError(ValueError):
    def __init__(self, line_no: int, message: str) -> None:
        super().__init__(f"line {line_no}: {message}")


@dataclass
class Sent:
    at: datetime
    to: str
    reply: Reply
    edit_of: int | None = None  # this message rewrites an earlier one (its number in the transcript, from 1)
    edited: bool = False  # a later message rewrote this one: its buttons are gone, as on a phone

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "at": self.at.isoformat(timespec="seconds"),
            "to": self.to,
            "text": self.reply.text,
            "buttons": [[{"key": b.key, "label": b.label} for b in row] for row in self.reply.buttons],
            "files": [{"name": f.name, "mime": f.mime, "bytes": len(f.data)} for f in self.reply.files],
        }
        if self.edit_of is not None:
            shown["edit_of"] = self.edit_of
        return shown


@dataclass
class ConsoleChannel:
    """Prints what the bot sends and remembers it, so a later `[label]` can press its buttons."""

    zone: Callable[[], ZoneInfo]
    now: Callable[[], datetime]
    out: TextIO = sys.stdout
    as_json: bool = False
    transcript: list[Sent] = field(default_factory=list)
    # The demo keeps the files the bot sends (exports, charts) here, so they can be opened; scripts do not.
    files_dir: Path | None = None

    async def send(self, address: Address, message: Reply) -> str:
        return self.show(address.chat_id, message)

    async def edit(self, address: Address, ref: str, message: Reply) -> None:
        """A card rewritten with its outcome: shown again, and the old copy's buttons stop being pressable."""
        original = self.transcript[int(ref) - 1]
        original.edited = True
        self.show(address.chat_id, Reply(text=message.text), edit_of=int(ref))

    def show(self, to: str, reply: Reply, *, edit_of: int | None = None) -> str:
        sent = Sent(at=self.now().astimezone(self.zone()), to=to, reply=reply, edit_of=edit_of)
        self.transcript.append(sent)
        ref = str(len(self.transcript))
        if self.as_json:
            print(json.dumps(sent.as_json(), ensure_ascii=False), file=self.out, flush=True)
            return ref
        mark = f" (✏️ #{edit_of})" if edit_of is not None else ""
        print(f"\n[{sent.at:%Y-%m-%d %H:%M}] → {to}{mark}\n{_indent(reply.text)}", file=self.out)
        for n, button in enumerate((b for row in reply.buttons for b in row), start=1):
            print(f"    [{n}] {button.label}", file=self.out)
        for file in reply.files:
            saved = f" → {self._save(file.name, file.data, sent.at)}" if self.files_dir is not None else ""
            print(f"    📎 {file.name} ({file.mime}, {len(file.data)} bytes){saved}", file=self.out)
        for forward in reply.forwards:
            print(f"    📎 {forward.name or forward.kind} ({forward.kind})", file=self.out)
        self.out.flush()
        return ref

    def _save(self, name: str, data: bytes, at: datetime) -> Path:
        """Write a file under its own name, prefixed with the moment it was sent; never over an earlier one."""
        assert self.files_dir is not None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        stem = f"{at:%Y%m%d-%H%M}-{Path(name).name}"
        path, n = self.files_dir / stem, 1
        while path.exists():
            n += 1
            path = self.files_dir / f"{Path(stem).stem}-{n}{Path(stem).suffix}"
        path.write_bytes(data)
        return path

    def buttons_for(self, handle: str) -> tuple[Button, ...]:
        for sent in reversed(self.transcript):
            if sent.to == handle and sent.reply.buttons and not sent.edited:
                return tuple(b for row in sent.reply.buttons for b in row)
        return ()


def find_button(buttons: tuple[Button, ...], what: str) -> Button | None:
    what = what.strip()
    if what.startswith("#") and what[1:].isdigit():
        n = int(what[1:])
        return buttons[n - 1] if 0 < n <= len(buttons) else None
    for button in buttons:
        if button.key == what:
            return button
    folded = what.casefold()
    for button in buttons:
        if folded in button.label.casefold():
            return button
    return None


class Session:
    """Plays a script (or the demo's typed lines) against a world made by `make_world`.

    `make_world(database_url_or_None)` returns an object with: router, dispatcher, clock (FrozenClock),
    jobs (scan + next_event), zone() and seed(path). The session owns nothing persistent: everything
    lives in the database, which is what @restart demonstrates.
    """

    def __init__(self, make_world: Callable[[bool], Any], channel: ConsoleChannel) -> None:
        self._make_world = make_world
        self.channel = channel
        self.world = make_world(False)
        self._seeded = False
        self._updates = count(1)

    async def run_line(
        self,
        line: str,
        *,
        line_no: int = 0,
        base: Path = Path("."),
        speaker: str | None = None,
    ) -> None:
        line = _strip_comment(line)
        if not line:
            return
        if line.startswith("@seed"):
            # The first @seed starts a fresh database; a later one adds to it (a book of contracts after the team).
            if not self._seeded:
                self.world = self._make_world(True)
                self._seeded = True
            self.world.seed(base / line.removeprefix("@seed").strip())
        elif line.startswith("@clock"):
            await self.advance(self._parse_clock(line.removeprefix("@clock").strip(), line_no))
        elif line.startswith("@restart"):
            at = self.world.clock.now()
            self.world = self._make_world(False)
            self.world.clock.set(at)
        elif match := _LINE.match(line):
            await self.say(match["who"], match["text"], line_no=line_no)
        elif speaker is not None:
            await self.say(speaker, line, line_no=line_no)
        else:
            raise ScriptError(line_no, f"cannot read {line!r}: expected @seed, @clock, @restart or @handle> text")

    async def say(self, handle: str, text: str, *, line_no: int = 0) -> None:
        press = _PRESS.match(text.strip())
        button = None
        if press:
            button = find_button(self.channel.buttons_for(handle), press["what"])
            if button is None:
                raise ScriptError(line_no, f"{handle} has no button matching {press['what']!r}")
        incoming = Incoming(
            platform=PLATFORM,
            chat_id=handle,
            sender_id=handle,
            text="" if button else text,
            button=button.key if button else None,
            update_id=f"console-{id(self)}-{next(self._updates)}",
        )
        for reply in self.world.router.handle(incoming):
            self.channel.show(handle, reply)
        await self.world.dispatcher.drain()

    async def advance(self, target: datetime) -> None:
        """Move the clock to `target`, stopping at each moment a job has work, so each message carries its own time."""
        clock = self.world.clock
        if target < clock.now():
            clock.set(target)  # a script may start in the past; nothing is due "backwards"
            return
        while True:
            event = self.world.next_event()
            if event is None or event > target:
                break
            clock.set(max(event, clock.now()))
            self.world.scan()
            if not await self.world.dispatcher.drain() and event <= clock.now() and self.world.next_event() == event:
                break  # nothing could go (e.g. a retry not yet due); avoid spinning
        clock.set(max(target, clock.now()))
        self.world.scan()
        await self.world.dispatcher.drain()

    def _parse_clock(self, arg: str, line_no: int) -> datetime:
        step = _STEP.match(arg)
        if step:
            n = int(step["n"])
            delta = {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[step["unit"]]
            return self.world.clock.now() + delta
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
            try:
                return datetime.strptime(arg, fmt).replace(tzinfo=self.world.zone())
            except ValueError:
                continue
        raise ScriptError(line_no, f"@clock takes 'YYYY-MM-DD HH:MM' (team time) or +Nd/+Nh/+Nm, not {arg!r}")


async def play(session: Session, script: Path) -> None:
    for line_no, line in enumerate(script.read_text(encoding="utf-8").splitlines(), start=1):
        await session.run_line(line, line_no=line_no, base=script.parent)


def read_team_zone(seed_file: Path, default: str) -> str:
    return tomllib.loads(seed_file.read_text(encoding="utf-8")).get("timezone", default)


def _strip_comment(line: str) -> str:
    # '#' starts a comment at the start of a line or after a space, so a press like [#2] survives.
    if line.lstrip().startswith("#"):
        return ""
    return re.sub(r"\s+#(\s.*)?$", "", line).strip()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
