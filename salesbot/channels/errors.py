"""What a channel tells the outbox when a send fails: whether to retry, when, or to give up."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """A send that failed; `permanent` parks it as dead, `retry_after` says when to try again. `sent_parts` says how
    many leading parts of the message (forwarded files, our files, text pieces, in the order a channel sends them)
    went out before it failed: the next try starts after them, so none arrives twice (issue 18)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        sent_parts: int = 0,
        chat_limit: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.sent_parts = sent_parts
        # Not sent because this one chat is at its own limit (WeCom's per member): it waits `retry_after`, never
        # dropped, and says nothing of the platform as a whole (no flood pause for everybody).
        self.chat_limit = chat_limit


class MalformedUpdate(Exception):
    """An update from the platform (its signature or secret is right) that cannot be read: dropped, logged,
    and answered as taken, or the platform would send it again forever."""
