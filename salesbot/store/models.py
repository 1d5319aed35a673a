"""The schema: one class a table. Nothing here is ever hard-deleted; rows are archived or marked left."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from salesbot.store.types import Money, UTCDateTime

ROLES = ("rep", "manager", "finance", "admin")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: UTCDateTime(), dict[str, Any]: JSON(), Decimal: Money()}


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    team: Mapped[Team | None] = relationship(lazy="joined")


class ChatIdentity(Base):
    """A user's account on one platform; a user may have several (Telegram and WeCom, two phones)."""

    __tablename__ = "chat_identities"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    # Set when a new invite for the user was redeemed on another account of this platform (a lost phone): kept,
    # no longer answered nor written to.
    unlinked_at: Mapped[datetime | None]
    # Messages on the account's latest active day (the team's local day): bumped by the same statement that notes
    # last_seen_at, and kept as an `activity_days` row when a new day begins (issue 21: adoption).
    active_on: Mapped[date | None] = mapped_column(Date)
    active_messages: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class InviteAttempt(Base):
    """A wrong invite code from a chat, counted so that guessing codes is slow (issue 18)."""

    __tablename__ = "invite_attempts"
    __table_args__ = (Index("ix_invite_attempts_chat", "platform", "chat_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]


class Invite(Base):
    """A one-time code that links a chat account to a user. Only its hash is kept: the code is a credential."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_platform: Mapped[str | None] = mapped_column(String(16))
    used_platform_user_id: Mapped[str | None] = mapped_column(String(128))


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("platform", "platform_chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    platform: Mapped[str | None] = mapped_column(String(16))
    platform_chat_id: Mapped[str | None] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8), default="zh")


class Customer(Base):
    __tablename__ = "customers"
    # A team's customers' ids from the index alone (PostgreSQL): the money a team took in a period joins through it.
    __table_args__ = (Index("ix_customers_owner_ids", "owner_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    # Released to this team's pool (公海) after going quiet (issue 20): no owner until a manager hands it on or a
    # rep of the team claims it. A plain column, not a foreign key: SQLite could add and drop it in place, without
    # copying the table every other table refers to.
    pool_team_id: Mapped[int | None]

    aliases: Mapped[list[CustomerAlias]] = relationship(lazy="selectin", order_by="CustomerAlias.id")
    owner: Mapped[User | None] = relationship(lazy="joined")


class CustomerAlias(Base):
    __tablename__ = "customer_aliases"
    __table_args__ = (UniqueConstraint("customer_id", "alias"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (
        # The deals people opened in a period (issue 19), and the open funnel per owner and stage from the index
        # alone (PostgreSQL): the value is included, so the heap is not read for it.
        Index("ix_deals_owner_created", "owner_id", "created_at"),
        Index(
            "ix_deals_live",
            "owner_id",
            "stage",
            postgresql_include=["id", "currency", "amount"],
            postgresql_where=text("NOT archived"),
            sqlite_where=text("archived = 0"),
        ),
        # A stage's biggest open deals (the board lists 15 a stage): walked from the top, for a team or everyone,
        # instead of ranking all 133,000 open deals. An expression index, left out of Alembic's model comparison.
        Index(
            "ix_deals_biggest",
            "stage",
            text("coalesce(amount, 0) DESC"),
            "id",
            postgresql_include=["owner_id", "customer_id"],
            postgresql_where=text("NOT archived"),
            sqlite_where=text("archived = 0"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3))
    expected_close: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(String(64))
    lost_note: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(lazy="joined")


class StageChange(Base):
    __tablename__ = "stage_history"
    # The moves of a period with what they were, from the index alone (PostgreSQL; issue 19's team figures).
    __table_args__ = (Index("ix_stage_history_moves", "at", postgresql_include=["deal_id", "from_stage", "to_stage"]),)
    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(index=True)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(64))


class Visit(Base):
    __tablename__ = "visits"
    # A person's visits in a period (the board; the team's week, month, year), counted from the index.
    __table_args__ = (
        Index("ix_visits_user_at", "user_id", "at"),
        # The visits not taken back, per person and time: "how is the team doing" counts a year of a team's visits
        # (100,000 on a big book) from this index alone, where the index above fetches each row to read `archived`.
        Index(
            "ix_visits_user_at_live",
            "user_id",
            "at",
            postgresql_where=text("NOT archived"),
            sqlite_where=text("archived = 0"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    at: Mapped[datetime] = mapped_column(index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_at: Mapped[datetime | None]
    # Taken back (undo): kept for the record, counted nowhere.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    customer: Mapped[Customer] = relationship(lazy="joined")


class Attachment(Base):
    """A photo, document, voice note or shared location a user sent, kept with what it documents.

    Only the platform's file id and metadata are stored, not the bytes: the platform keeps the file.
    A row with no subject is loose: it was sent before its visit was logged, and joins the next one.
    """

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_subject", "subject_type", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # photo | document | voice | audio | video | location
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    platform: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(256))
    mime: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None]
    duration: Mapped[int | None]  # seconds, for voice, audio and video
    caption: Mapped[str | None] = mapped_column(Text)
    # Coordinates are not money: six decimals locate a door to within about 10 cm.
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    created_at: Mapped[datetime]
    attached_at: Mapped[datetime | None]


class Contract(Base):
    """One version of a contract submitted for approval. A resubmission is a new row pointing at the one it
    replaces, so the history of what was asked and decided stays as it was."""

    __tablename__ = "contracts"
    # A customer's contracts, and (PostgreSQL, from the index alone) which are active: "who owes us" walks from a
    # team's customers to their open installments through it.
    __table_args__ = (
        Index("ix_contracts_customer", "customer_id", "status", postgresql_include=["id"]),
        # The contracts people had approved in a period (issue 19).
        Index(
            "ix_contracts_approved",
            "owner_id",
            "decided_at",
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who submitted it
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    terms: Mapped[dict[str, Any]]  # installments, upfront_percent, net_days, on_delivery
    note: Mapped[str | None] = mapped_column(Text)
    # The team's own number for a contract brought in by seed or import ("HT-2026-001"), so a re-import finds it.
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    # pending -> active | rejected | withdrawn; a rejected one may be superseded by its next version
    status: Mapped[str] = mapped_column(String(16), default="pending")
    step: Mapped[int] = mapped_column(Integer, default=0)  # the approval step now deciding (its seq)
    submitted_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(lazy="joined")


class ApprovalStep(Base):
    """One approver's turn on one contract version, in order; the chain is fixed when the contract is submitted."""

    __tablename__ = "approval_steps"
    __table_args__ = (
        UniqueConstraint("contract_id", "seq"),
        Index("ix_approval_steps_approver", "approver_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    seq: Mapped[int]
    rule: Mapped[str] = mapped_column(String(64))  # the configured step it came from: manager, admin, user:kim
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # waiting (a later turn) | deciding | approved | rejected | cancelled
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    started_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)


class Installment(Base):
    """A payment the customer owes under an active contract, with its due date."""

    __tablename__ = "installments"
    __table_args__ = (
        UniqueConstraint("contract_id", "seq"),
        Index("ix_installments_due", "state", "due_on"),
        # The open ones per contract with what "who owes us" sums (PostgreSQL reads them from the index alone).
        Index(
            "ix_installments_open",
            "contract_id",
            postgresql_include=["currency", "due_on", "amount", "paid"],
            postgresql_where=text("state = 'open'"),
            sqlite_where=text("state = 'open'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    seq: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | paid | cancelled
    # An invoice brought in by seed or import keeps its number, so a re-import finds it instead of adding it twice.
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]

    contract: Mapped[Contract] = relationship(lazy="joined")

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid if self.state == "open" else Decimal(0)


class Balance(Base):
    """What one customer owes in one currency, kept: the sums "who owes us" ranks, so it need not add up every open
    installment (200,000 of them for an admin) at each question. Never written by a service:
    `salesbot.store.balances` recomputes a customer's rows from its installments in every transaction that changes
    them. The customer's name, owner, the owner's team and `archived` are copies, for the ranking and the scopes.

    A customer who owes nothing more in a currency keeps the row, at zero."""

    __tablename__ = "balances"
    __table_args__ = (
        Index(
            "ix_balances_team",
            "team_id",
            postgresql_where=text("outstanding > 0 AND NOT archived"),
            sqlite_where=text("outstanding > 0 AND archived = 0"),
        ),
        Index(
            "ix_balances_owner",
            "owner_id",
            postgresql_where=text("outstanding > 0 AND NOT archived"),
            sqlite_where=text("outstanding > 0 AND archived = 0"),
        ),
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    customer: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None]  # copies, not keys: the source rows are customers and users
    team_id: Mapped[int | None]
    archived: Mapped[bool] = mapped_column(Boolean)
    outstanding: Mapped[Decimal]
    first_due: Mapped[date | None] = mapped_column(Date)  # the earliest open due date
    installments: Mapped[int] = mapped_column(Integer)  # how many are open


# The ranking within a currency, biggest first, ties by name: "who owes us" pages through it.
Index(
    "ix_balances_rank",
    Balance.currency,
    Balance.outstanding.desc(),
    Balance.customer,
    postgresql_where=text("outstanding > 0 AND NOT archived"),
    sqlite_where=text("outstanding > 0 AND archived = 0"),
)


class ReceivableDay(Base):
    """What falls due on one day in one currency, per team, kept (as `Balance` is): "overdue" and "due within 30
    days" over a team or the whole company add up a few thousand of these instead of every open installment.

    `team_id` is the owner's team, 0 for an owner with no team or no owner at all (a key column must not be null:
    NULLs are distinct in a unique key); `unowned` marks the customers with no owner, whom every manager sees.
    Archived customers are left out. A day that owes nothing more keeps its row, at zero."""

    __tablename__ = "receivable_days"
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unowned: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    outstanding: Mapped[Decimal]
    installments: Mapped[int] = mapped_column(Integer)


class Payment(Base):
    """Money a customer paid, as recorded in chat or imported. Once confirmed it is allocated to the customer's
    open installments in its currency, oldest due first; what is left over is the customer's credit."""

    __tablename__ = "payments"
    # The money that came in over a period, counted on the day it was recorded or confirmed (issue 19; the
    # digests count it so too): an expression index, left out of Alembic's model comparison.
    __table_args__ = (
        Index(
            "ix_payments_counted",
            text("coalesce(confirmed_at, created_at)"),
            # The raw columns too, so PostgreSQL reads the expression and the sums from the index alone.
            postgresql_include=["confirmed_at", "created_at", "customer_id", "currency", "amount"],
            postgresql_where=text("state = 'confirmed'"),
            sqlite_where=text("state = 'confirmed'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    received_on: Mapped[date] = mapped_column(Date)
    # pending (finance has yet to confirm it, where the config asks for that) | confirmed | rejected
    state: Mapped[str] = mapped_column(String(16), default="confirmed")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]

    customer: Mapped[Customer] = relationship(lazy="joined")


class PaymentAllocation(Base):
    """The part of a payment that settled one installment. A payment's amount less its allocations is credit."""

    __tablename__ = "payment_allocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"), index=True)
    amount: Mapped[Decimal]
    created_at: Mapped[datetime]


class CollectionNotice(Base):
    """The one collection message a person gets on a day (their local day), with the items it bundled.

    The row is written even when nothing was due, so the daily job knows it has looked, and the unique key
    keeps two workers, or a restart, from sending a second message that day.
    """

    __tablename__ = "collection_notices"
    __table_args__ = (UniqueConstraint("user_id", "on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on: Mapped[date] = mapped_column(Date)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class DigestRun(Base):
    """One digest or brief for one group or person on one day (a weekly summary: the day its week starts).

    Written even when there was nothing to say, so the job knows it has looked; the unique key keeps two workers,
    or a restart, from sending it twice. `since` and `until` are the instants it reported on: the next daily
    digest starts where this one ended, so nothing is reported twice or missed.
    """

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("kind", "target_type", "target_id", "on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # daily | weekly | brief
    target_type: Mapped[str] = mapped_column(String(8))  # group | user
    target_id: Mapped[int]
    on: Mapped[date] = mapped_column(Date)
    since: Mapped[datetime]
    until: Mapped[datetime]
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ActionButton(Base):
    """A button that outlives a conversation (an approval card): its key, who may press it and what it means.

    The key is all the platform carries; the meaning stays here and is re-checked when pressed.
    """

    __tablename__ = "action_buttons"
    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Reminder(Base):
    """One row a reminder: the scheduler scans these, it never holds them."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_due", "state", "due_at"),
        # "Has this customer a follow-up planned?": the quiet-customer scan asks it of every quiet customer.
        Index("ix_reminders_customer", "customer_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # a reminder the rep asked for, in their words


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "state", "not_before"),
        # A notification is queued at most once while it waits; once sent, the same key may recur.
        Index(
            "ux_outbox_dedupe_pending",
            "dedupe_key",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(8))  # "user" | "group"
    target_id: Mapped[int]
    payload: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # The platform's id of the message once sent, so a card can later be edited to show its outcome
    # (WeCom's is a task id and a one-time response code).
    message_ref: Mapped[str | None] = mapped_column(String(255))


class AuditEntry(Base):
    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class ProcessedUpdate(Base):
    """An update handled once. Its replies are kept here in the turn's own transaction and cleared once sent,
    so a platform's retry after a worker died between the commit and the send gets them, not silence."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_unsent", "replied_at", "at"),)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    at: Mapped[datetime]
    replies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    replied_at: Mapped[datetime | None]
    # Where the kept replies go: the sweeper sends the ones no retry came for (`updates.stale_replies`).
    chat_id: Mapped[str | None] = mapped_column(String(128))


class InboxMessage(Base):
    """A platform callback kept before it is acknowledged (WeCom gives us 5 seconds): handled after the answer,
    by whichever worker claims it, so an acknowledged message is never lost to a crash."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "update_id"), Index("ix_inbox_pending", "state", "not_before"))
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(200))  # the platform's id of the callback: a retry repeats it
    payload: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]  # a claim is a lease: a worker that dies leaves the row to come back then
    received_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class SharedValue(Base):
    """A value every worker shares until it expires: a platform's access token, fetched once for all."""

    __tablename__ = "shared_values"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None]


class ConversationState(Base):
    """The half-filled form of one user in one chat; a row, so a restart or another worker picks it up."""

    __tablename__ = "conversation_states"
    __table_args__ = (UniqueConstraint("user_id", "chat_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chat_key: Mapped[str] = mapped_column(String(160))
    form: Mapped[dict[str, Any] | None]
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


# --- issue 20: keeping the customers -------------------------------------------------------------------------------


class CustomerActivity(Base):
    """When each customer was last in touch with us (a visit, a payment, a contract), kept: the quiet-customer scan
    reads a team's customers by this date instead of taking the latest of a million visits. Never written by a
    service: `salesbot.store.activity` recomputes a customer's row in every transaction that changes what it is
    made of. Name, owner, team and `archived` are copies, for the scan's answer and scopes."""

    __tablename__ = "customer_activity"
    __table_args__ = (
        # A team's customers by their last activity, with what the scan reads (PostgreSQL: from the index alone).
        Index(
            "ix_customer_activity_team",
            "team_id",
            "last_at",
            postgresql_include=["customer_id", "owner_id"],
            postgresql_where=text("NOT archived"),
            sqlite_where=text("archived = 0"),
        ),
        Index(
            "ix_customer_activity_owner",
            "owner_id",
            "last_at",
            postgresql_where=text("NOT archived"),
            sqlite_where=text("archived = 0"),
        ),
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    last_at: Mapped[datetime]  # the latest activity; the customer's creation when there was none
    customer: Mapped[str] = mapped_column(String(200))  # the name: a list of quiet customers needs no join
    owner_id: Mapped[int | None]  # copies, not keys
    team_id: Mapped[int | None]  # the owner's team, or the pool's team
    archived: Mapped[bool] = mapped_column(Boolean)


class QuietFlag(Base):
    """How far up the quiet-customer ladder a customer has climbed since its last activity: 1 its rep was told, 2
    the rep and the manager, 3 released to the team's pool. A new activity starts the ladder again."""

    __tablename__ = "quiet_flags"
    # The daily scan finds the customers handed on (counted from `since`) whose days crossed a step of the ladder.
    __table_args__ = (Index("ix_quiet_flags_since", "since"),)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime]  # the last activity this climb is counted from
    rep_id: Mapped[int | None]  # the rep it belonged to when it climbed (a released customer has no owner)
    team_id: Mapped[int | None]
    raised_at: Mapped[datetime] = mapped_column(index=True)


class QuietScan(Base):
    """When a team's quiet customers were last scanned, and last scanned in full: the daily scan reads only the
    customers whose days crossed a step of the ladder since then (a window of the kept last activity), and a full
    scan once a week catches what no window shows (a customer unarchived, a follow-up cancelled, a change of team)."""

    __tablename__ = "quiet_scans"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    scanned_on: Mapped[date] = mapped_column(Date)  # the team's local day of the last scan
    full_on: Mapped[date] = mapped_column(Date)  # the day of the last full scan
    at: Mapped[datetime]  # the instant of the last scan


class QuietNotice(Base):
    """The one quiet-customer message a person gets on a day; as `CollectionNotice`, written even when empty."""

    __tablename__ = "quiet_notices"
    __table_args__ = (UniqueConstraint("user_id", "on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on: Mapped[date] = mapped_column(Date)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class CustomerItem(Base):
    """A complaint or a need a customer raised, tracked until it is handled, and how the customer took the answer."""

    __tablename__ = "customer_items"
    __table_args__ = (Index("ix_customer_items_open", "status", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # complaint | need
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # complaints: one of the eight reasons customers leave (the lost reasons); needs: none
    category: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    key_customer: Mapped[bool] = mapped_column(Boolean, default=False)  # one of the 80/20 when it was opened
    escalated_at: Mapped[datetime | None]
    reaction: Mapped[str | None] = mapped_column(String(16))  # satisfied | neutral | unsatisfied
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(lazy="joined")
class WorkReport(Base):
    """A rep's 日报 (or 周报) for one day (a week: its Monday), drafted by the bot from what they logged.

    `facts` is the draft as data (visits, moves, contracts, payments, the plan), worded when it is shown; `added` is
    what the rep typed before sending, kept as typed. A row is written even when there was nothing to draft
    (state `empty`), so the job knows it has looked; the unique key keeps two workers from drafting it twice.
    """

    __tablename__ = "work_reports"
    __table_args__ = (UniqueConstraint("user_id", "kind", "on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))  # daily | weekly
    on: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(16))  # empty | drafted | sent | skipped
    facts: Mapped[dict[str, Any]]
    added: Mapped[str | None] = mapped_column(Text)
    drafted_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)
    commented_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    commented_at: Mapped[datetime | None]


class Target(Base):
    """A sales target for a rep (or a whole team) over a period (a month or a quarter), in one currency.

    Setting a target again for the same who, period and currency archives the old row: the history stays."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # inclusive
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ActivityDay(Base):
    """Messages one chat account sent on one past day (the current day is on the account's row until it ends)."""

    __tablename__ = "activity_days"
    __table_args__ = (UniqueConstraint("identity_id", "on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("chat_identities.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    messages: Mapped[int]


class Leave(Base):
    """A person's days off work (请假 / 休假), whole local days from `starts_on` to `ends_on` inclusive.

    Nothing is drafted or nudged for a rep on a day of active leave. Cancelling is a state (`cancelled`), never a
    delete; taking back one day of a longer leave cancels the row and writes what remains as new rows."""

    __tablename__ = "leaves"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)  # inclusive
    state: Mapped[str] = mapped_column(String(16))  # active | cancelled
    note: Mapped[str | None] = mapped_column(Text)  # the kind said (病假, annual leave), as said
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the operator (CLI or seed file)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
