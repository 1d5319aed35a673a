"""The language tables built from config and the customer list, made once and reused."""

from __future__ import annotations

import threading
from functools import cache

from salesbot.config import Settings
from salesbot.nlp.customers import CustomerIndex, CustomerName
from salesbot.nlp.stages import ReasonLexicon, StageLexicon
from salesbot.services import customers
from salesbot.services.uow import UnitOfWork


@cache
def stage_lexicon(settings: Settings) -> StageLexicon:
    return StageLexicon(settings.stages, settings.stage_labels, settings.stage_synonyms)


@cache
def reason_lexicon(settings: Settings) -> ReasonLexicon:
    return ReasonLexicon(settings.lost_reasons, settings.lost_reason_labels)


# Per database: (names version, index). Swapped whole, never changed in place, so a reader holds a consistent one.
_indexes: dict[str, tuple[str, CustomerIndex]] = {}
_building: set[str] = set()  # databases whose index one turn is rebuilding now
_lock = threading.Lock()


def customer_index(uow: UnitOfWork) -> CustomerIndex:
    """The matcher over every live customer, rebuilt only when the customer list has changed.

    The check is one primary-key read (services.customers.names_version). When the names have changed, the turn
    that notices builds the new index from its own transaction and swaps it in; turns that arrive meanwhile go on
    with the index they had (a name added a moment ago may be missed by them, never a wrong one kept), so a rebuild
    (about 1 s at 100,000 customers) stalls no one else. A worker with no index yet has nothing to fall back on and
    builds its own.
    """
    key = str(uow.session.get_bind().url)
    version = customers.names_version(uow)
    cached = _indexes.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if cached is not None and key in _building:
            return cached[1]  # another turn is building the new one
        _building.add(key)
    try:
        index = CustomerIndex(CustomerName(c.id, c.name, c.aliases) for c in customers.all_names(uow))
        if customers.names_changed_here(uow):
            return index  # names this transaction may still roll back: not for other turns
        with _lock:
            current = _indexes.get(key)
            if current is None or int(str(current[0])) < int(version):  # a slower, older build never wins
                _indexes[key] = (version, index)
        return index
    finally:
        with _lock:
            _building.discard(key)
