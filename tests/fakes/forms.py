"""What both fake platforms read from a multipart request: its fields and its file parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, as it appears in a fake's ``Call.params``."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Upload(filename={self.filename!r}, content_type={self.content_type!r}, size={len(self.data)})"


async def read_form(request: web.Request) -> tuple[dict[str, str], dict[str, Upload]]:
    """A form or multipart body: its plain fields, and its file parts by name."""
    fields: dict[str, str] = {}
    uploads: dict[str, Upload] = {}
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            uploads[name] = Upload(value.filename, value.content_type, value.file.read())
        else:
            fields[name] = str(value)
    return fields, uploads
