"""The command line (a contract: DESIGN.md lists the commands and their output)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from salesbot.config import ConfigError, Settings, load_settings

DEMO_DB = "sqlite:///salesbot-demo.db"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("SALESBOT_LOG_LEVEL", "WARNING"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "database_url", None):
        settings = dataclasses.replace(settings, database_url=args.database_url)
    if getattr(args, "needs_database", False):
        refusal = _missing_database(settings.database_url, _lang(args, settings))
        if refusal:
            print(refusal, file=sys.stderr)
            return 1
    return int(args.func(args, settings) or 0)


def _lang(args: argparse.Namespace, settings: Settings) -> str:
    from salesbot.i18n import lang_of

    return lang_of(getattr(args, "lang", None) or settings.language)


def _missing_database(url: str, lang: str) -> str | None:
    """Why a command that reads data must not run against `url` (None when it may): a SQLite file that is not there
    (connecting would create it, empty), or a database with no salesbot tables. Named, so a mistyped URL shows."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from salesbot.i18n import t
    from salesbot.store.db import make_engine, safe_url, sqlite_file

    path = sqlite_file(url)
    if path is not None and not path.exists():
        return t(lang, "cli.no_database", where=str(path))
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = inspect(connection).has_table("users")
    except SQLAlchemyError:
        found = False
    finally:
        engine.dispose()
    return None if found else t(lang, "cli.no_tables", where=safe_url(url))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="salesbot", description="A sales assistant that lives in chat.")
    sub = p.add_subparsers(dest="command", required=True)
    # Every command that uses the database takes --database-url (beside SALESBOT_DATABASE_URL); those that only
    # read or change what is there refuse a database that does not exist rather than create an empty one.
    makes = argparse.ArgumentParser(add_help=False)
    makes.add_argument(
        "--database-url", type=_database_url, help="database URL or SQLite file (default: SALESBOT_DATABASE_URL)"
    )
    makes.add_argument("--lang", choices=("zh", "en"), help="the language of what it says (default: [team] language)")
    reads = argparse.ArgumentParser(add_help=False, parents=[makes])
    reads.set_defaults(needs_database=True)

    demo = sub.add_parser("demo", help="chat in the terminal with a seeded demo team (SQLite)")
    demo.add_argument(
        "--db", "--database-url", type=_database_url, help=f"database URL or SQLite file (default {DEMO_DB})"
    )
    demo.add_argument("--lang", choices=("zh", "en"), help="the language of what it says (default: [team] language)")
    demo.add_argument("--as", dest="as_", default=None, help="start as this user (default: the first rep)")
    demo.set_defaults(func=cmd_demo)

    run = sub.add_parser(
        "run", parents=[makes], help="the production process: channels from salesbot.toml and the scheduler"
    )
    run.set_defaults(func=cmd_run)

    init = sub.add_parser("init", parents=[makes], help="create or upgrade the database (Alembic)")
    init.set_defaults(func=cmd_init)

    seed = sub.add_parser("seed", parents=[makes], help="load a team from a TOML file")
    seed.add_argument("file", type=Path)
    seed.set_defaults(func=cmd_seed)

    console = sub.add_parser("console", help="replay a conversation script")
    console.add_argument("--script", type=Path, required=True)
    console.add_argument("--json", action="store_true", help="one JSON object a line per message sent")
    console.add_argument(
        "--db",
        "--database-url",
        type=_database_url,
        help="database URL or SQLite file (default: a fresh temporary SQLite file)",
    )
    console.set_defaults(func=cmd_console)

    for name, func, what, parents in (
        ("parse-date", cmd_parse_date, "PHRASE", []),
        ("understand", cmd_understand, "TEXT", [reads]),
    ):
        c = sub.add_parser(name, parents=parents, help=f"how the bot reads a {what.lower()}")
        c.add_argument("--now", help="ISO date-time (default: now); naive means in --tz")
        c.add_argument("--tz", help="IANA time zone (default: the configured team zone)")
        c.add_argument("texts", nargs="+", metavar=what)
        c.set_defaults(func=func)

    users = sub.add_parser("users", help="manage users")
    usub = users.add_subparsers(dest="action", required=True)
    handover = usub.add_parser(
        "handover", parents=[reads], help="give one rep's customers, deals and reminders to another"
    )
    handover.add_argument("from_handle")
    handover.add_argument("to_handle")
    handover.set_defaults(func=cmd_users_handover)
    invite = usub.add_parser("invite", parents=[reads], help="a one-time invite link for a user's Telegram account")
    invite.add_argument("handle")
    invite.add_argument("--bot", help="the bot's username (default: [telegram] bot_username, else asked of getMe)")
    invite.set_defaults(func=cmd_users_invite)
    leave = usub.add_parser("leave", parents=[reads], help="mark a user as left (access ends; nothing is deleted)")
    leave.add_argument("handle")
    leave.add_argument("--to", dest="to_handle", help="hand their accounts to this user")
    leave.set_defaults(func=cmd_users_leave)
    link = usub.add_parser("link", parents=[reads], help="tie a user to their chat account (instead of an invite)")
    link.add_argument("handle")
    account = link.add_mutually_exclusive_group(required=True)
    account.add_argument("--wecom", metavar="USERID", help="their WeCom user id (通讯录 账号)")
    account.add_argument("--telegram", metavar="ID", help="their numeric Telegram user id")
    link.set_defaults(func=cmd_users_link)
    ulist = usub.add_parser("list", parents=[reads], help="who is who: handle, name, role, team, accounts")
    ulist.set_defaults(func=cmd_users_list)

    groups = sub.add_parser("groups", help="manage team groups")
    gsub = groups.add_subparsers(dest="action", required=True)
    glink = gsub.add_parser("link", parents=[reads], help="send a group's digests through a WeCom group robot")
    glink.add_argument("group", help="a group handle or a team key")
    glink.add_argument("--wecom-robot", metavar="KEY", required=True, help="the key in the robot's webhook URL")
    glink.set_defaults(func=cmd_groups_link)

    imp = sub.add_parser(
        "import", parents=[reads], help="bring in customers, contracts or invoices from a CSV or XLSX file"
    )
    imp.add_argument("kind", choices=("customers", "contracts", "invoices"))
    imp.add_argument("file", type=Path, help="CSV (UTF-8 or GBK) or XLSX (Excel, WPS); Chinese or English headers")
    imp.add_argument("--dry-run", action="store_true", help="show what would be added and changed; write nothing")
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser("export", parents=[reads], help="customers or open receivables to a CSV or XLSX file")
    exp.add_argument("kind", choices=("customers", "receivables"))
    exp.add_argument("file", type=Path, help="the file to write; .xlsx or .csv")
    exp.set_defaults(func=cmd_export)

    doctor = sub.add_parser(
        "doctor", parents=[makes], help="check the configuration, the database and each channel's credentials"
    )
    doctor.set_defaults(func=cmd_doctor)

    balances = sub.add_parser(
        "balances", parents=[reads], help="compare the kept balances with the installments they sum"
    )
    balances.add_argument("action", choices=("check",))
    balances.add_argument("--repair", action="store_true", help="recompute them all from the installments")
    balances.set_defaults(func=cmd_balances)

    targets = sub.add_parser("targets", help="sales targets per rep or team (issue 21)")
    tsub = targets.add_subparsers(dest="action", required=True)
    tset = tsub.add_parser("set", help="set (or replace) a rep's or a team's target for a month or a quarter")
    whom = tset.add_mutually_exclusive_group(required=True)
    whom.add_argument("--user", help="the rep's handle")
    whom.add_argument("--team", help="the team's key")
    when = tset.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--quarter", help="YYYY-Q1 … YYYY-Q4")
    tset.add_argument("--amount", required=True, help="a decimal amount, e.g. 500000")
    tset.add_argument("--currency", help="ISO code (default: [team] currency)")
    tset.set_defaults(func=cmd_targets_set)

    leave = sub.add_parser("leave", help="a person's days off: no 日报 or nudge on them (issue 21)")
    lsub = leave.add_subparsers(dest="action", required=True)
    lset = lsub.add_parser("set", help="record days off for a person")
    lset.add_argument("--user", required=True, help="the person's handle")
    lset.add_argument("--from", dest="first", required=True, help="the first day off, YYYY-MM-DD")
    lset.add_argument("--to", dest="last", help="the last day off, YYYY-MM-DD (default: the first)")
    lset.add_argument("--note", help="what kind of leave, as you would say it (年假, sick leave)")
    lset.set_defaults(func=cmd_leave)
    lcancel = lsub.add_parser("cancel", help="cancel a person's leave: the one holding --on, or their next")
    lcancel.add_argument("--user", required=True, help="the person's handle")
    lcancel.add_argument("--on", help="a day to take out of it, YYYY-MM-DD (default: the whole of their next leave)")
    lcancel.set_defaults(func=cmd_leave)
    llist = lsub.add_parser("list", help="everyone's leave from today on")
    llist.set_defaults(func=cmd_leave)

    outbox = sub.add_parser("outbox", parents=[reads], help="look at the outbox")
    outbox.add_argument("--dead", action="store_true", required=True, help="messages that could not be sent")
    outbox.set_defaults(func=cmd_outbox)

    inbox = sub.add_parser("inbox", help="look at the updates kept before they were handled")
    inbox.add_argument("--dead", action="store_true", required=True, help="updates given up on after a day of failing")
    inbox.set_defaults(func=cmd_inbox)
    return p


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot import logs
    from salesbot.run import ConfigMissing, serve

    secrets = [
        str(value)
        for section, keys in (("telegram", ("token",)), ("wecom", ("secret", "token", "aes_key")))
        for key in keys
        if (value := settings.section(section).get(key))
    ]
    level, fmt = os.environ.get("SALESBOT_LOG_LEVEL", "INFO"), os.environ.get("SALESBOT_LOG_FORMAT", "json")
    logs.setup(level=level, fmt=fmt, secrets=secrets)
    try:
        asyncio.run(serve(settings))
    except ConfigMissing as exc:
        print(f"salesbot run: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.store.db import upgrade

    upgrade(settings.database_url)
    from salesbot.store.db import safe_url

    print(f"database ready: {safe_url(settings.database_url)}")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.bootstrap import build
    from salesbot.clock import SystemClock
    from salesbot.services.errors import ServiceError

    app = build(settings, clock=SystemClock())
    try:
        summary = app.seed(args.file)
    except (ServiceError, OSError, ValueError) as exc:
        print(f"seed failed, nothing loaded: {exc}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(
        f"seeded {summary.users} users, {summary.groups} groups, {summary.customers} customers, {summary.deals} deals, "
        f"{summary.contracts} contracts, {summary.invoices} invoices"
        + (f", {summary.leave} leave" if summary.leave else "")
    )
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.channels.console import ScriptError, play

    if not args.script.exists():
        print(f"no such script: {args.script}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="salesbot-script-") as tmp:
        session = _console_session(settings, fixed_url=args.db, tmp=Path(tmp), as_json=args.json)
        try:
            asyncio.run(play(session, args.script))
        except ScriptError as exc:
            print(f"{args.script}: {exc}", file=sys.stderr)
            return 2
        finally:
            session.world.close()
    return 0


DEMO_CLOCK = "demo.clock"  # the demo's "now", kept in its own database so a restart goes on from it


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.channels.console import ScriptError
    from salesbot.i18n import t
    from salesbot.services.shared_values import SharedValues
    from salesbot.store.db import safe_url, sqlite_file

    lang = _lang(args, settings)
    url = args.db or os.environ.get("SALESBOT_DATABASE_URL") or DEMO_DB
    session = _console_session(settings, fixed_url=url, tmp=None, as_json=False)
    team = _demo_team_file()
    world = session.world
    if team is not None and _is_empty(world):
        world.seed(team)
    kept = SharedValues(world.uow).get(DEMO_CLOCK)
    if kept:
        world.clock.set(datetime.fromisoformat(kept))
    at = f"{world.clock.now().astimezone(world.zone()):%Y-%m-%d %H:%M}"
    db_file = sqlite_file(url)
    folder = (db_file.resolve().parent if db_file else Path.cwd()) / "salesbot-demo-files"
    session.channel.files_dir = folder
    me = args.as_ or _first_rep(world)
    print(
        f"salesbot demo — database {safe_url(url)}. You are {me}.\n"
        f"{t(lang, 'cli.demo_clock_kept' if kept else 'cli.demo_clock_new', at=at)}\n"
        f"{t(lang, 'cli.demo_files', folder=folder)}\n"
        "Type as a rep (e.g. 今天拜访了阿里巴巴,下周二再跟进 / met Initech's CTO, call back in 3 days).\n"
        "/as NAME switches user · a number presses a button · @clock +1d moves time · /board the team board · "
        "/quit leaves."
    )
    board = _demo_board(settings, world)

    async def loop() -> None:
        nonlocal me
        while True:
            try:
                line = input(f"\n{me}> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return
            line = line.strip()
            if line in ("/quit", "/exit"):
                return
            if line.startswith("/as "):
                me = line.removeprefix("/as ").strip()
                print(f"(you are now {me})")
                continue
            if line == "/board" and board is not None:
                print(_board_link(board, session.world, me))
                continue
            if line.isdigit() and session.channel.buttons_for(me):
                line = f"[#{line}]"
            try:
                await session.run_line(line, speaker=me, base=Path.cwd())
            except ScriptError as exc:
                print(f"({exc})")
            SharedValues(session.world.uow).set(DEMO_CLOCK, session.world.clock.now().isoformat())

    try:
        asyncio.run(loop())
    finally:
        if board is not None:
            board.close()
        session.world.close()
    return 0


def _demo_board(settings: Settings, world: Any) -> Any:
    """The managers' board on 127.0.0.1 for the demo (`/board` prints a link signed for whoever you are)."""
    if not settings.section("board").get("enabled", True):
        return None
    from salesbot.board.web import Board, LocalBoard

    return LocalBoard(Board(world.uow, settings))


def _board_link(board: Any, world: Any, handle: str) -> str:
    from salesbot.i18n import t
    from salesbot.services import users
    from salesbot.services.errors import NotFound

    with world.uow() as uow:
        try:
            me = users.by_handle(uow, handle)
        except NotFound:
            return f"(no user {handle})"
    minutes = board.board.session_seconds // 60
    return t(me.lang, "board_link", minutes=minutes, url=board.link(me.id))


def cmd_parse_date(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.calendars import working_calendar
    from salesbot.nlp.dates import DateError, parse_date

    now = _now_arg(args, settings)
    calendar = working_calendar(settings.working_days)
    for text in args.texts:
        try:
            reading = parse_date(text, now=now, calendar=calendar)
            out: dict[str, Any] = {
                "text": text,
                "date": reading.date.isoformat(),
                "time": reading.time.strftime("%H:%M") if reading.time else None,
            }
        except DateError as exc:
            out = {"text": text, "error": str(exc)}
        print(json.dumps(out, ensure_ascii=False))
    return 0


def cmd_understand(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.bootstrap import build
    from salesbot.calendars import working_calendar
    from salesbot.clock import SystemClock
    from salesbot.handlers.lexicons import customer_index, reason_lexicon, stage_lexicon
    from salesbot.nlp.intents import understand

    now = _now_arg(args, settings)
    app = build(settings, clock=SystemClock())
    try:
        with app.uow() as uow:
            index = customer_index(uow)
    finally:
        app.close()
    for text in args.texts:
        try:
            said = understand(
                text,
                now=now,
                customers=index,
                stages=stage_lexicon(settings),
                reasons=reason_lexicon(settings),
                calendar=working_calendar(settings.working_days),
            )
        except Exception as exc:
            print(json.dumps({"text": text, "error": f"unreadable ({type(exc).__name__})"}, ensure_ascii=False))
            continue
        match = said.customer.match
        print(
            json.dumps(
                {
                    "text": text,
                    "intent": said.intent,
                    "customer": match.customer.name if match else None,
                    "date": said.date.date.isoformat() if said.date else None,
                    "time": said.date.time.strftime("%H:%M") if said.date and said.date.time else None,
                    "amount": _decimal_text(said.amount.amount) if said.amount else None,
                    "currency": (said.amount.currency or settings.currency) if said.amount else None,
                    "stage": said.stage.stage if said.stage else None,
                    # Issue 17 (a key added, none changed): the day a past activity happened (昨天拜访了…).
                    "occurred_on": said.occurred_on.isoformat() if said.occurred_on else None,
                    # The kind of activity, whether the bot would act without asking (false: a slip in the name, a
                    # look-alike), the name it would offer as a new customer, and the day a relative follow-up fell
                    # on before it moved off a day off.
                    "activity": said.activity,
                    "confident": said.confident
                    and said.runner_up is None
                    and said.customer.kind not in ("choose", "confirm"),
                    "runner_up": said.runner_up,  # a second intent close to the first: the chat asks which
                    "new_customer": said.customer.unknown_name,
                    "moved_from": said.date.moved_from.isoformat() if said.date and said.date.moved_from else None,
                },
                ensure_ascii=False,
            )
        )
    return 0


def _decimal_text(value: Decimal) -> str:
    """A plain decimal string, as DESIGN.md promises: "1200000", "1200000.5" (no exponent, no trailing zeros)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cmd_users_handover(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.services import users

    return _as_operator(
        settings,
        lambda uow, op: users.hand_over(uow, op, from_handle=args.from_handle, to_handle=args.to_handle),
    )


def cmd_targets_set(args: argparse.Namespace, settings: Settings) -> int:
    import calendar
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from salesbot.services import targets

    try:
        if args.month:
            year, month = (int(part) for part in args.month.split("-"))
            first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        else:
            year_s, q_s = args.quarter.upper().split("-Q")
            first, last = targets.quarter_of(date(int(year_s), 3 * int(q_s) - 2, 1))
        amount = Decimal(args.amount)
    except (ValueError, InvalidOperation):
        print("targets set: --month YYYY-MM or --quarter YYYY-Qn, and --amount a decimal number", file=sys.stderr)
        return 2
    currency = (args.currency or settings.currency).upper()
    return _as_operator(
        settings,
        lambda uow, op: targets.set_target(
            uow, op, user_handle=args.user, team_key=args.team, starts_on=first, ends_on=last, amount=amount,
            currency=currency,
        ).as_params(),
    )


def cmd_leave(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from salesbot.services import leave

    today = datetime.now(ZoneInfo(settings.timezone)).date()
    try:
        first = date.fromisoformat(args.first) if args.action == "set" else None
        last = date.fromisoformat(args.last) if args.action == "set" and args.last else first
        on = date.fromisoformat(args.on) if args.action == "cancel" and args.on else None
    except ValueError:
        print("leave: dates are YYYY-MM-DD", file=sys.stderr)
        return 2
    if args.action == "set":
        return _as_operator(
            settings,
            lambda uow, op: leave.take(
                uow, op, starts_on=first, ends_on=last, user_handle=args.user, note=args.note
            ).as_params(),
        )
    if args.action == "cancel":

        def cancel(uow: Any, op: Any) -> dict[str, Any]:
            who, cancelled, kept = leave.cancel(uow, op, today=today, on=on, user_handle=args.user)
            return {"who": who, "cancelled": [p.as_params() for p in cancelled], "kept": [p.as_params() for p in kept]}

        return _as_operator(settings, cancel)
    return _as_operator(
        settings, lambda uow, op: {"leave": [p.as_params() for p in leave.upcoming(uow, op, today=today)]}
    )


def cmd_users_invite(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.services import invites, users
    from salesbot.services.errors import ServiceError

    try:
        code = _operator_call(settings, lambda uow, op: invites.create(uow, op, handle=args.handle))
    except ServiceError as exc:
        _print_refusal(exc, settings)
        return 1
    bot = args.bot or settings.section("telegram").get("bot_username") or _bot_username(settings)
    if bot:
        print(f"https://t.me/{bot}?start={code}")
    print(f"code: {code}  (valid 7 days, once; in Telegram or WeCom, send the bot the code, or /start {code})")
    linked = _operator_call(
        settings, lambda uow, op: users.linked_accounts(uow, user_id=users.by_handle(uow, args.handle).id)
    )
    for platform, account in linked:
        # Issue 18: redeemed on another account of this platform, the invite unlinks this one.
        print(
            f"note: {args.handle} is linked to {platform} account {account}; redeeming this code on another "
            f"{platform} account unlinks it"
        )
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """All or nothing: one bad row refuses the whole file, naming the row and the column in the operator's language.
    `--dry-run` does the same work in a transaction it rolls back, and says what each row would do."""
    from salesbot import sheets
    from salesbot.i18n import t
    from salesbot.services import imports
    from salesbot.services.errors import Invalid, ServiceError

    lang = _lang(args, settings)
    try:
        table = sheets.read_table(args.file)
    except sheets.Unreadable as exc:
        print(t(lang, f"cli.import_unreadable.{exc.reason}", file=args.file), file=sys.stderr)
        return 1
    except OSError:
        print(t(lang, "cli.import_unreadable.missing", file=args.file), file=sys.stderr)
        return 1
    columns = imports.columns(args.kind, list(table.header))
    if columns.missing:
        key = columns.missing[0]
        names = imports.HEADERS[args.kind][key]
        print(t(lang, "cli.import_missing_column", column=_column_name(key, names, lang), names=" / ".join(names)),
              file=sys.stderr)  # fmt: skip
        return 1
    if not table.rows:
        print(t(lang, "cli.import_no_rows", file=args.file), file=sys.stderr)
        return 1
    specs = [columns.rename(row) for row in table.rows]
    try:
        result = _operator_call(
            settings,
            lambda uow, op: imports.rows(uow, args.kind, specs, lines=list(table.lines)),
            commit=not args.dry_run,
        )
    except Invalid as exc:
        print(_import_refusal(exc, columns, args.kind, lang), file=sys.stderr)
        # The row and column once more, as data, for a script reading stderr.
        print({"row": exc.params.get("row"), "column": columns.names.get(exc.params.get("field", ""))},
              file=sys.stderr)  # fmt: skip
        return 1
    except ServiceError as exc:
        print(t(lang, "cli.import_refused_row", row="?", reason=t(lang, "cli.import_reason.other")), file=sys.stderr)
        print(exc.params, file=sys.stderr)
        return 1
    if columns.ignored:
        print(t(lang, "cli.import_ignored", columns=", ".join(columns.ignored)), file=sys.stderr)
    if args.dry_run:
        for outcome in result.outcomes:
            print(_import_outcome(outcome, args.kind, lang))
        print(t(lang, "cli.import_dry_run", added=result.added, changed=result.changed, unchanged=result.unchanged))
        return 0
    # "added" counts every row that brought something in (a customer, or a known customer's new aliases), as
    # scripts reading this line have always had it; the dry run tells the two apart.
    print(json.dumps({"added": result.added + result.changed, "unchanged": result.unchanged}, ensure_ascii=False))
    return 0


def _column_name(key: str, names: Sequence[str], lang: str) -> str:
    """What a column is called for this reader: the first Chinese name in zh, the English key in en."""
    if lang == "zh":
        return next((n for n in names if not n.isascii()), key)
    return next((n for n in names if n.isascii()), key)


def _import_refusal(exc: Any, columns: Any, kind: str, lang: str) -> str:
    from salesbot.i18n import t
    from salesbot.i18n.catalog import MESSAGES

    params = {k: v for k, v in exc.params.items() if k not in ("row", "field")}
    code = f"cli.import_reason.{exc.code}"
    reason = t(lang, code, **params) if code in MESSAGES else t(lang, "cli.import_reason.other")
    field = exc.params.get("field")
    row = exc.params.get("row", "?")
    if not field:
        return t(lang, "cli.import_refused_row", row=row, reason=reason)
    from salesbot.services.imports import HEADERS

    column = columns.names.get(field) or _column_name(field, HEADERS[kind].get(field, (field,)), lang)
    return t(lang, "cli.import_refused", row=row, column=column, reason=reason)


def _import_outcome(outcome: Any, kind: str, lang: str) -> str:
    from salesbot.i18n import t

    if outcome.action == "unchanged":
        return t(lang, "cli.import_row.unchanged", row=outcome.row)
    none = t(lang, "cli.import_none")
    facts = {k: (v or none) for k, v in outcome.facts.items()}
    return t(lang, f"cli.import_row.{kind}.{outcome.action}", row=outcome.row, **facts)


def cmd_users_list(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.services import users

    for row in _operator_call(settings, lambda uow, op: users.listing(uow, op)):
        print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot import sheets
    from salesbot.services import exports

    suffix = args.file.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        print("the file must end in .xlsx or .csv", file=sys.stderr)
        return 2
    sheet = _operator_call(settings, lambda uow, op: exports.sheet(uow, op, args.kind))
    args.file.write_bytes(sheets.xlsx([sheet]) if suffix == ".xlsx" else sheets.write_csv(sheet))
    print(json.dumps({"file": str(args.file), "rows": len(sheet.rows)}, ensure_ascii=False))
    return 0


def _bot_username(settings: Settings) -> str | None:
    """Ask the Bot API who we are, when a token is configured; the link is a convenience, the code is what counts."""
    token = settings.section("telegram").get("token")
    if not token:
        return None
    import httpx

    from salesbot.channels.telegram import bot_api_base

    base = bot_api_base(settings.section("telegram").get("base_url")) or "https://api.telegram.org/bot"
    try:
        answer = httpx.get(f"{base}{token}/getMe", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return None
    return answer.get("result", {}).get("username") if answer.get("ok") else None


def cmd_users_leave(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.services import offboarding

    return _as_operator(
        settings, lambda uow, op: offboarding.leave(uow, op, handle=args.handle, hand_to=args.to_handle)
    )


def cmd_users_link(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.services import users

    platform, account = ("wecom", args.wecom) if args.wecom else ("telegram", args.telegram)
    return _as_operator(
        settings,
        lambda uow, op: users.link_account(uow, op, handle=args.handle, platform=platform, platform_user_id=account),
    )


def cmd_groups_link(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.services import groups

    def link(uow: Any, op: Any) -> dict[str, str]:
        # The robot's key is its address: a WeCom group robot only posts, so the "chat" is the webhook.
        linked = groups.link(uow, op, name=args.group, platform="wecom", chat_id=args.wecom_robot, title="")
        return {"group": linked.group.handle, "team": linked.team, "platform": "wecom"}

    return _as_operator(settings, link)


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """One line per check; exit 1 if anything would stop `salesbot run` from working."""
    from salesbot.doctor import examine

    findings = examine(settings)
    for finding in findings:
        print(finding)
    return 1 if any(f.level == "fail" for f in findings) else 0


def cmd_balances(args: argparse.Namespace, settings: Settings) -> int:
    """One line per kept balance or day cell that disagrees with the installments; exit 1 if any (0 once repaired).
    They only disagree after writes that bypassed the ORM (a COPY, raw SQL)."""
    from salesbot.store import balances
    from salesbot.store.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            found = balances.differences(connection)
            for line in found:
                print(line)
            if found and args.repair:
                balances.rebuild(connection)
                print(f"repaired: {len(found)} rows recomputed from the installments", file=sys.stderr)
                return 0
    finally:
        engine.dispose()
    if not found:
        print("the kept balances agree with the installments", file=sys.stderr)
    return 1 if found else 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    from salesbot.bootstrap import build
    from salesbot.clock import SystemClock
    from salesbot.services import delivery

    app = build(settings, clock=SystemClock())
    try:
        with app.uow() as uow:
            rows = delivery.dead_letters(uow)
            for row in rows:
                print(
                    json.dumps(
                        {
                            "id": row.id,
                            "to": f"{row.target_type}:{row.target_id}",
                            "key": row.payload.get("key"),
                            "attempts": row.attempts,
                            "created_at": row.created_at.isoformat(),
                            "error": row.last_error,
                        },
                        ensure_ascii=False,
                    )
                )
    finally:
        app.close()
    if not rows:
        print("no dead messages", file=sys.stderr)
    return 0


def cmd_inbox(args: argparse.Namespace, settings: Settings) -> int:
    """The kept updates given up on (issue 18), newest first, one JSON object a line."""
    from salesbot.bootstrap import build
    from salesbot.clock import SystemClock
    from salesbot.services import inbox

    app = build(settings, clock=SystemClock())
    try:
        with app.uow() as uow:
            rows = inbox.dead(uow)
            for row in rows:
                fields = {
                    "id": row.id,
                    "platform": row.platform,
                    "update_id": row.update_id,
                    "attempts": row.attempts,
                    "received_at": row.received_at.isoformat(),
                    "last_error": row.last_error,
                }
                print(json.dumps(fields, ensure_ascii=False))
    finally:
        app.close()
    if not rows:
        print("no updates given up on", file=sys.stderr)
    return 0


def _as_operator(settings: Settings, change: Any) -> int:
    """Run `change` as the operator and print its result as JSON; a refusal goes to stderr with exit code 1."""
    from salesbot.services.errors import ServiceError

    try:
        result = _operator_call(settings, change)
    except ServiceError as exc:
        _print_refusal(exc, settings)
        return 1
    print(json.dumps(result or {}, ensure_ascii=False))
    return 0


def _print_refusal(exc: Any, settings: Settings) -> None:
    """A service's refusal in words, in the configured language, when the catalogue words it; then its code and
    parameters on a line of their own, which scripts (and tests) read."""
    from salesbot.i18n import t
    from salesbot.i18n.catalog import MESSAGES

    # A sentence that needs what this refusal does not carry is left out: the code line below still says it.
    with contextlib.suppress(KeyError, IndexError):
        if exc.code in MESSAGES:
            print(t(settings.language, exc.code, **exc.params), file=sys.stderr)
    print(f"refused: {exc.code} {exc.params}", file=sys.stderr)


def _operator_call(settings: Settings, change: Any, *, commit: bool = True) -> Any:
    """The operator at the command line acts as an admin; their audit rows name no user (actor 0 is stored as null).
    Without `commit`, the work is done and then rolled back (a dry run)."""
    from salesbot.bootstrap import build
    from salesbot.clock import SystemClock
    from salesbot.services.users import Actor

    app = build(settings, clock=SystemClock())
    operator = Actor(
        id=0,
        handle="operator",
        name="operator",
        role="admin",
        team_id=None,
        lang="en",
        timezone=settings.timezone,
        currency=settings.currency,
        active=True,
    )
    try:
        with app.uow() as uow:
            result = change(uow, operator)
            if commit:
                uow.commit()
        return result
    finally:
        app.close()


def _database_url(value: str) -> str:
    """A URL as given, or a file path as the SQLite URL it means (`--db demo.db`)."""
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def _console_session(settings: Settings, *, fixed_url: str | None, tmp: Path | None, as_json: bool) -> Any:
    from salesbot.bootstrap import build, frozen_clock_now
    from salesbot.channels.console import PLATFORM, ConsoleChannel, Session

    state: dict[str, Any] = {"n": 0, "url": fixed_url}
    holder: dict[str, Any] = {}

    def make_world(fresh: bool) -> Any:
        # A script's @seed starts from an empty database; with --db (or in the demo) it loads into that one.
        if fixed_url is None and tmp is not None and (fresh or state["url"] is None):
            state["n"] += 1
            state["url"] = f"sqlite:///{tmp / 'script-{}.db'.format(state['n'])}"
        previous = holder.get("world")
        clock = previous.clock if previous is not None else frozen_clock_now()
        if previous is not None:
            previous.close()
        world = build(settings, clock=clock, database_url=state["url"])
        world.attach(PLATFORM, channel)
        holder["world"] = world
        return world

    channel = ConsoleChannel(
        zone=lambda: holder["world"].zone(), now=lambda: holder["world"].clock.now(), as_json=as_json
    )
    return Session(make_world, channel)


def _now_arg(args: argparse.Namespace, settings: Settings) -> datetime:
    tz = ZoneInfo(args.tz or settings.timezone)
    if not args.now:
        return datetime.now(tz)
    now = datetime.fromisoformat(args.now)
    return now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)


def _demo_team_file() -> Path | None:
    for candidate in (
        Path("config/demo.toml"),
        Path(__file__).resolve().parent.parent / "config" / "demo.toml",
    ):
        if candidate.exists():
            return candidate
    return None


def _is_empty(world: Any) -> bool:
    from sqlalchemy import func, select

    from salesbot.store.models import User

    with world.uow() as uow:
        return not uow.session.scalar(select(func.count()).select_from(User))


def _first_rep(world: Any) -> str:
    from sqlalchemy import select

    from salesbot.store.models import User

    with world.uow() as uow:
        return uow.session.scalar(select(User.handle).where(User.role == "rep").order_by(User.id)) or "admin"


if __name__ == "__main__":
    sys.exit(main())
