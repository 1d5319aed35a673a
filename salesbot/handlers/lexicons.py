"""The language tables built from config and the customer list, made once and reused."""

from __future__ import annotations

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


_indexes: dict[str, tuple[tuple[object, ...], CustomerIndex]] = {}


def customer_index(uow: UnitOfWork) -> CustomerIndex:
    """The matcher over every live customer, rebuilt only when the customer list has changed."""
    key = str(uow.session.get_bind().url)
    version = customers.names_version(uow)
    cached = _indexes.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    index = CustomerIndex(CustomerName(c.id, c.name, c.aliases) for c in customers.all_names(uow))
    _indexes[key] = (version, index)
    return index
