from __future__ import annotations

import pytest

from salesbot.nlp.numerals import normalize, parse_cn_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("五", 5),
        ("十五", 15),
        ("二十", 20),
        ("两", 2),
        ("三十", 30),
        ("一百二十", 120),
        ("5", 5),
        ("５", 5),
        ("１２", 12),
        (" 7 ", 7),
        ("十", 10),
        ("十二", 12),
        ("三十一", 31),
        ("零", 0),
        ("0", 0),
        ("一百零五", 105),
        ("一百十", 110),
        ("二百五", 250),
        ("一千二", 1200),
        ("一千零五十", 1050),
        ("两万五", 25000),
        ("三万零五", 30005),
        ("十万", 100000),
        ("一亿二千万", 120_000_000),
        ("3千", 3000),
        ("12万", 120000),
        ("二〇二六", 2026),
        ("廿", 20),
        ("卅", 30),
        ("叁拾", 30),
        ("兩", 2),
        # not numbers
        ("", None),
        ("   ", None),
        ("abc", None),
        ("百", None),
        ("万", None),
        ("两三", None),  # "two or three": a range, not a number
        ("五五", None),
        ("十百", None),
        ("1.5", None),
        ("-3", None),
        ("三点", None),
        ("第三", None),
    ],
)
def test_parse_cn_int(text: str, expected: int | None) -> None:
    assert parse_cn_int(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２月５日", "12月5日"),
        ("下午３：３０", "下午3:30"),
        ("你好，明天见！", "你好,明天见!"),
        ("ＡＢＣ　ｘｙｚ", "ABC xyz"),
        ("（周五）", "(周五)"),
        ("第一、第二。", "第一,第二."),
        ("plain ascii 1/2", "plain ascii 1/2"),
        ("中文不变", "中文不变"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_keeps_length_so_spans_stay_valid() -> None:
    text = "拜访ＡＣＭＥ，　下周三１５：００再聊。“好”"
    out = normalize(text)
    assert len(out) == len(text)
    start = out.index("15:00")
    assert text[start : start + 5] == "１５：００"
