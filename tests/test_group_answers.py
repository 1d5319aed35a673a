"""Answers in a group fit the group (issue 18, item 4): whoever asks, a team's group hears at most that team's
figures; company-wide figures and exports go to private chats only."""

from __future__ import annotations

from types import SimpleNamespace

from salesbot.services import permissions
from salesbot.services.errors import NotAllowed
from tests.conftest import Chat
from tests.test_groups import group_replies as in_group


def book_with_north(chat: Chat) -> None:
    """The book (all east), and a north team whose customer owes money; the east group linked to this chat."""
    chat.run("@seed book.toml")
    chat.session.world.seed_data(
        {
            "users": [{"handle": "north1", "name": "North Rep", "role": "rep", "team": "north", "lang": "en"}],
            "customers": [{"name": "Northwind", "owner": "north1"}],
            "invoices": [{"customer": "Northwind", "number": "N-1", "amount": "777000", "due": "2026-02-01"}],
        }
    )
    in_group(chat, "admin", "/link east")


def test_an_admins_who_owes_in_a_group_shows_only_the_groups_team_and_says_so(chat: Chat) -> None:
    book_with_north(chat)
    [private] = chat.say("admin", "who still owes us")
    assert "Northwind" in private.reply.text, "in private the admin sees the whole company"
    [answer] = in_group(chat, "admin", "who still owes us")
    assert "Northwind" not in answer.text and "777,000" not in answer.text
    assert "宁德时代" in answer.text
    assert "In this group" in answer.text


def test_exports_are_never_posted_in_a_group(chat: Chat) -> None:
    book_with_north(chat)
    for handle in ("admin", "mgr1", "rep1"):
        in_group(chat, handle, "谁还欠款")
        [refused] = in_group(chat, handle, "导出")
        assert not refused.files
        assert "private chat" in refused.text or "私聊" in refused.text
    chat.say("admin", "who still owes us")
    [exported] = chat.say("admin", "export")
    assert exported.reply.files, "in a private chat the export comes"


def test_a_managers_team_figures_in_their_group_and_a_reps_own_only(chat: Chat) -> None:
    book_with_north(chat)
    [manager] = in_group(chat, "mgr1", "谁还欠款")
    assert "宁德时代" in manager.text and "中兴通讯" in manager.text and "Northwind" not in manager.text
    [rep] = in_group(chat, "rep1", "谁还欠款")
    assert "宁德时代" in rep.text and "中兴通讯" not in rep.text, "a rep's question in the group: their own"


def test_another_teams_customer_asked_about_in_a_group_is_refused_there(chat: Chat) -> None:
    book_with_north(chat)
    [refused] = in_group(chat, "admin", "how much does Northwind owe")
    assert "777,000" not in refused.text and "private chat" in refused.text
    [private] = chat.say("admin", "how much does Northwind owe")
    assert "777,000" in private.reply.text


def test_lists_and_aging_in_a_group_stay_in_the_team(chat: Chat) -> None:
    book_with_north(chat)
    for text in ("my customers", "aging", "top customers"):
        replies = in_group(chat, "admin", text)
        assert replies and all("Northwind" not in r.text and "North Rep" not in r.text for r in replies), text
    [mine] = chat.say("admin", "my customers")
    assert "Northwind" in mine.reply.text


def test_another_teams_customer_is_neither_named_nor_offered_in_a_group(chat: Chat) -> None:
    book_with_north(chat)
    for text in ("visited Northwind today", "/brief Northwind", "Northwind won"):
        replies = in_group(chat, "admin", text)
        shown = " ".join(r.text + str(r.buttons) for r in replies)
        assert "not this group's team's customer" in shown, text
        assert "North Rep" not in shown and "777,000" not in shown, text
        assert not any(b.label.startswith("Northwind") for r in replies for row in r.buttons for b in row), text
        in_group(chat, "admin", "/cancel")
    [story] = chat.say("admin", "/brief Northwind")
    assert "Northwind" in story.reply.text and "North Rep" in story.reply.text, "in private the admin is told"


def test_an_admins_usage_and_lists_in_a_group_stay_in_its_team(chat: Chat) -> None:
    book_with_north(chat)
    for text in ("who is using the bot this week", "quiet accounts", "/losses"):
        replies = in_group(chat, "admin", text)
        assert replies and all("North Rep" not in r.text and "Northwind" not in r.text for r in replies), text


def test_a_manager_in_another_teams_group_reaches_no_further_than_their_own() -> None:
    """The router answers no one outside a group's team but admins; should a manager of another team be heard
    there, their answers would cover only their own customers, not the group's team they may not see."""
    north_boss = SimpleNamespace(id=7, role="manager", team_id=2)
    assert permissions.Scope.in_group(north_boss, 1).kind == "own"  # type: ignore[arg-type]
    assert permissions.Scope.in_group(north_boss, 2).kind == "team"  # type: ignore[arg-type]
    refused = None
    try:
        permissions.team_here(permissions.Scope.in_group(north_boss, 1), north_boss)  # type: ignore[arg-type]
    except NotAllowed as exc:
        refused = exc.code
    assert refused == "group_private_only"
