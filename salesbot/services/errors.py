"""What a service refuses, as a code and parameters; the conversation layer words it per language."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    code = "error"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(f"{self.code}: {params}")


class NotAllowed(ServiceError):
    code = "not_allowed"


class NotFound(ServiceError):
    code = "not_found"


class Invalid(ServiceError):
    code = "invalid"


class Conflict(Exception):
    """A concurrent transaction got there first (a unique key): the work was rolled back and may be retried."""
