"""Chinese and full-width numerals, and a length-preserving text normaliser.

Reps type on phones with Chinese IMEs, so "１２月５日", "三天后" and "12:30" all arrive in the
same chat. Everything here is pure and has no dependency on the rest of salesbot.
"""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) sits at a fixed offset from ASCII, so one table covers
# digits, letters and most punctuation. The extra entries are CJK punctuation that IMEs
# produce where an ASCII writer would use the plain character.
_FULLWIDTH_OFFSET = 0xFEE0
_TABLE: dict[int, str] = {code: chr(code - _FULLWIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        0x3000: " ",  # ideographic space
        0x3001: ",",  # 、
        0x3002: ".",  # 。
        0x2236: ":",  # ∶ (ratio sign, often typed for a time: 3∶30)
        0xFE30: ":",  # ︰
        0x2018: "'",
        0x2019: "'",
        0x201C: '"',
        0x201D: '"',
    }
)


# What normalize does, for callers that add mappings of their own and translate once.
NORMALIZE_TABLE: dict[int, str] = dict(_TABLE)


def normalize(text: str) -> str:
    """Map full-width and IME punctuation to ASCII, one character for one character.

    CJK characters are kept as they are. The result always has the same length as the input,
    so a span found in the normalised text is valid in the original one.
    """
    return text.translate(_TABLE)


_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_ZEROS = frozenset("零〇○")
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Checked largest first so that 一亿二千万 splits at 亿 before 万.
_BIG_UNITS: tuple[tuple[str, int], ...] = (("亿億", 10**8), ("万萬", 10**4))
_TENS: dict[str, int] = {"廿": 20, "卅": 30}
_ARABIC = re.compile(r"[0-9]+")


def parse_cn_int(text: str) -> int | None:
    """Read a non-negative integer written in Arabic or Chinese numerals.

    "5" -> 5, "５" -> 5, "五" -> 5, "十五" -> 15, "两" -> 2, "一百二十" -> 120, "一百零五" -> 105,
    "两万五" -> 25000, "3千" -> 3000, "二〇二六" -> 2026. Returns None for anything else, including
    ranges such as "两三" (two or three), which have no single value.
    """
    s = normalize(text).strip()
    if not s:
        return None
    if _ARABIC.fullmatch(s):
        return int(s)
    # Digit-by-digit (years, phone-style numbers). Two digits in a row are a range ("两三天"),
    # not a number, so only three or more are read this way.
    if len(s) >= 3 and all(c in _DIGITS for c in s) and "两" not in s:
        return int("".join(str(_DIGITS[c]) for c in s))
    return _parse_with_big_units(s)


def _parse_with_big_units(s: str) -> int | None:
    for chars, value in _BIG_UNITS:
        index = next((i for i, c in enumerate(s) if c in chars), -1)
        if index < 0:
            continue
        high = _parse_with_big_units(s[:index]) if s[:index] else None
        if not high:
            return None
        rest = s[index + 1 :]
        if not rest:
            return high * value
        if rest[0] in _ZEROS:
            low = _parse_with_big_units(rest.lstrip("".join(_ZEROS)))
        elif len(rest) == 1 and rest in _DIGITS:
            # 三万五 is colloquial for 35000: a lone trailing digit counts in the next unit down.
            low = _DIGITS[rest] * value // 10
        else:
            low = _parse_with_big_units(rest)
        if low is None or low >= value:
            return None
        return high * value + low
    return _parse_below_ten_thousand(s)


def _tokens(s: str) -> list[str]:
    return re.findall(r"[0-9]+|.", s)


def _parse_below_ten_thousand(s: str) -> int | None:
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit: int | None = None
    after_zero = False  # 一百零五: a digit after 零 is ones, not the next unit down
    for token in _tokens(s):
        if token in _ZEROS and last_unit is not None and pending is None:
            after_zero = True
            continue
        if (token.isascii() and token.isdigit()) or token in _DIGITS:
            if pending is not None:
                return None
            pending = int(token) if token.isascii() else _DIGITS[token]
        elif token in _SMALL_UNITS:
            unit = _SMALL_UNITS[token]
            if last_unit is not None and unit >= last_unit:
                return None
            if pending is None:
                if unit != 10:  # 十五 means 15, but a bare 百 is not a number
                    return None
                pending = 1
            total += pending * unit
            pending, last_unit, after_zero = None, unit, False
        elif token in _TENS:
            if total or pending is not None:
                return None
            total, last_unit = _TENS[token], 10
        else:
            return None
    if pending is not None:
        if last_unit is not None and last_unit >= 100 and not after_zero:
            total += pending * last_unit // 10  # 一百五 = 150, 一千二 = 1200
        else:
            total += pending
    elif last_unit is None:
        return None
    return total
