"""The unit of work: one transaction, rolled back unless a service's caller commits it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from salesbot.clock import Clock
from salesbot.config import Settings
from salesbot.services.errors import Conflict


class UnitOfWork:
    session: Session

    def __init__(self, session_factory: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self._factory = session_factory
        self.clock = clock
        self.settings = settings

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise Conflict(str(exc.orig)) from exc

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that a failure undoes alone: the turn's change is rolled back, the record
        that the update was handled (and the refusal's answer) stay."""
        nested = self.session.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            raise
        nested.commit()

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use; handed to routers, jobs and the CLI by the composition root."""

    def __init__(self, session_factory: sessionmaker[Session], clock: Clock, settings: Settings) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.settings = settings

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.clock, self.settings)
