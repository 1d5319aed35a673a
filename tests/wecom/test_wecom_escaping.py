"""No injection (issue 18, item 8): what users typed is shown as text by WeCom, in an app message and in a group
robot's markdown. A customer named "[click](http://x)" is not a link, "<@all>" mentions nobody."""

from __future__ import annotations

from sqlalchemy import select

from salesbot.channels.wecom import as_markdown_text, as_text
from salesbot.services import groups, pipeline, users
from salesbot.store.models import Customer
from tests.wecom.test_wecom_e2e import REP1, ROBOT, World, link, world  # noqa: F401 - the fixture

NAMES = ("[click](http://x)", "<@all>", '<a href="http://x">y</a>', "**loud** `code`")


def seed_names(w: World) -> None:
    w.app.seed_data({"customers": [{"name": name, "owner": "rep1"} for name in NAMES]})


async def test_customer_names_in_an_app_message_are_text(world: World) -> None:  # noqa: F811
    link(world.app, "rep1", REP1)
    seed_names(world)
    await world.says(REP1, "我的客户")
    await world.settle()
    [listing] = [t for t in world.texts(REP1) if "click" in t]
    assert "<" not in listing and ">" not in listing, "no tag, link or mention reaches WeCom"
    assert "＜@all＞" in listing and "＜a href=" in listing, "and the names are still there to read"


async def test_customer_names_in_a_group_robots_markdown_are_text(world: World) -> None:  # noqa: F811
    link(world.app, "rep1", REP1)
    seed_names(world)
    with world.app.uow() as uow:
        groups.link(uow, users.by_handle(uow, "admin"), name="east", platform="wecom", chat_id=ROBOT, title="")
        uow.commit()
    with world.app.uow() as uow:  # each customer won: the team's group hears of it, by name
        rep1 = users.by_handle(uow, "rep1")
        for name in NAMES:
            customer_id = uow.session.scalar(select(Customer.id).where(Customer.name == name))
            pipeline.move_stage(uow, rep1, customer_id=customer_id, stage="won")
        uow.commit()
    assert world.app.dispatcher is not None
    await world.app.dispatcher.drain()
    markdown = "\n".join(
        m["markdown"]["content"] for m in world.api.robot_messages[ROBOT] if m["msgtype"] == "markdown"
    )
    for raw in ("[click]", "](http", "<@all>", "<a ", "**", "`"):
        assert raw not in markdown, raw
    assert "［click］(http://x)" in markdown and "＜@all＞" in markdown and "＊＊loud＊＊" in markdown


def test_the_escapes_leave_plain_words_alone() -> None:
    text = "阿里巴巴 ¥60,000.00 (3 days overdue)\n• 张伟: 下周二"
    assert as_text(text) == text and as_markdown_text(text) == text
    assert as_markdown_text("# big\n> quote") == "＃ big\n＞ quote"
