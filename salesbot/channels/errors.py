"""What a channel tells the outbox when a send fails: whether to retry, when, or to give up."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """A send that failed; `permanent` parks it as dead, `retry_after` says when to try again."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class MalformedUpdate(Exception):
    """An update from the platform (its signature or secret is right) that cannot be read: dropped, logged,
    and answered as taken, or the platform would send it again forever."""
