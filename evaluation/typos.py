"""Seeded typos of the kind agents make while typing fast during a call.

Each query gets 1 or 2 edits (chosen by the seed), each in a different word
where the query has enough words: a deleted letter, a neighbouring key
inserted or substituted, or two adjacent letters swapped. The first letter of
a word is left alone (people rarely miss it) and short words are avoided, as
the typo corrector does. The seed of a query is ``f"{seed}:{qid}"``, so a
query's typos do not depend on which other queries are in the run.
"""

from __future__ import annotations

import random
import re

from rapidfuzz.distance import OSA

# QWERTY neighbours (Indonesian keyboards are QWERTY).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _ch in enumerate(_row):
        near = []
        for dr in (-1, 0, 1):
            rr = _r + dr
            if 0 <= rr < len(_ROWS):
                for dc in (-1, 0, 1):
                    cc = _c + dc
                    if (dr or dc) and 0 <= cc < len(_ROWS[rr]):
                        near.append(_ROWS[rr][cc])
        _NEIGHBOURS[_ch] = "".join(near)

EDIT_KINDS = ("delete", "insert", "substitute", "transpose")
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def keyboard_neighbours(ch: str) -> str:
    """Keys next to ``ch`` on a QWERTY keyboard ('' for a non-letter)."""
    return _NEIGHBOURS.get(ch.lower(), "")


def _edit_word(word: str, rng: random.Random) -> str:
    """One edit that changes ``word``, never at its first letter."""
    for _ in range(20):
        kind = rng.choice(EDIT_KINDS)
        i = rng.randrange(1, len(word)) if len(word) > 1 else 0
        if kind == "delete" and len(word) > 2:
            out = word[:i] + word[i + 1 :]
        elif kind == "insert":
            ch = rng.choice(keyboard_neighbours(word[i]) or "aeiou")
            out = word[:i] + ch + word[i:]
        elif kind == "substitute" and keyboard_neighbours(word[i]):
            out = word[:i] + rng.choice(keyboard_neighbours(word[i])) + word[i + 1 :]
        elif kind == "transpose" and i + 1 < len(word) and word[i] != word[i + 1]:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            continue
        if out != word:
            return out
    return word + rng.choice("aeiou")


def inject_typos(text: str, *, seed: int | str, n_edits: int | None = None) -> str:
    """``text`` with ``n_edits`` seeded typos (default: 1 or 2, chosen by the seed).

    The result is exactly ``n_edits`` OSA edits (a swap counts as one) from
    the input. Text without letters is returned unchanged.

    >>> inject_typos("cara lapor spt tahunan", seed="s:g1", n_edits=1) != "cara lapor spt tahunan"
    True
    """
    rng = random.Random(str(seed))
    n = n_edits if n_edits is not None else rng.choice((1, 2))
    if n < 0:
        raise ValueError("n_edits must not be negative")
    words = list(_WORD.finditer(text))
    if not words or n == 0:
        return text
    for min_len in (4, 3, 1):
        pool = [m for m in words if len(m.group()) >= min_len]
        if pool:
            break
    for _ in range(50):
        chosen = rng.sample(pool, n) if len(pool) >= n else [rng.choice(pool) for _ in range(n)]
        spans: dict[tuple[int, int], str] = {}
        for m in chosen:
            span = m.span()
            spans[span] = _edit_word(spans.get(span, m.group()), rng)
        out, last = [], 0
        for (start, end), new in sorted(spans.items()):
            out.append(text[last:start])
            out.append(new)
            last = end
        out.append(text[last:])
        result = "".join(out)
        if OSA.distance(text, result) == n:
            return result
    raise RuntimeError(f"could not place {n} distinct edits in {text!r}")  # pragma: no cover
