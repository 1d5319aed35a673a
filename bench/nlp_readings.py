"""Every field of understand()'s reading of every tune and heldout v1 sentence, to show a speed change reads alike.

A change meant only to make understand faster must not change a reading. Run this before the change with --save,
and after it with --compare: it prints each sentence whose reading differs in any field (and each intent module's
own answer, which a gate in front of the module could change without the final reading showing it), and exits 1
when there is one. The held-out v2 set is never read here.

Run: .venv/bin/python bench/nlp_readings.py --save /tmp/before.txt
     .venv/bin/python bench/nlp_readings.py --compare /tmp/before.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salesbot.nlp import intents, leave, questions, retention, steering, targets  # noqa: E402
from salesbot.nlp.numerals import normalize  # noqa: E402
from tests.nlp.reading import Reader, rows  # noqa: E402

PARTS = ("tune", "heldout")  # never heldout2: it stays blind


def readings() -> list[str]:
    """One line per sentence: the part, the text, the whole Understanding, then each module's own answer."""
    reader = Reader()
    lines = []
    for part in PARTS:
        for row in rows(part):
            text = row["text"]
            clean = normalize(text)
            modules = [m.intent(clean) for m in (steering, leave, targets, questions, retention)]
            lines.append(f"{part}\t{text}\t{reader(text)!r}\t{modules!r}\t{intents._core_words(clean)!r}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--save", type=Path, help="write the readings to this file")
    which.add_argument("--compare", type=Path, help="compare the readings with this file")
    args = parser.parse_args(argv)
    now = readings()
    if args.save:
        args.save.write_text("\n".join(now) + "\n", encoding="utf-8")
        print(f"{len(now)} readings saved to {args.save}")
        return 0
    before = args.compare.read_text(encoding="utf-8").splitlines()
    if len(before) != len(now):
        print(f"{len(before)} readings saved, {len(now)} now: the corpus changed, save again")
        return 1
    differ = [(b, n) for b, n in zip(before, now, strict=True) if b != n]
    for b, n in differ:
        print(f"before: {b}\nnow:    {n}\n")
    print(f"{len(now)} readings, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
