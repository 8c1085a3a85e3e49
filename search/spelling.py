"""British and American spellings as one word (``search/data/spelling.txt``).

The index analyzer and the query side both read a British form as its American
one (``defence`` -> ``defense``, ``organisation`` -> ``organization``,
``labourers`` -> ``laborers``), so either spelling finds both, phrases included.
The sector filter reads typed values through it too (``--sector defense``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SPELLING_PATH = Path(__file__).resolve().parent / "data" / "spelling.txt"

# endings generated for each stem of a family: (british ending, american ending)
FAMILIES = {
    "our": [
        ("our" + end, "or" + end)
        for end in (
            "",
            "s",
            "ed",
            "ing",
            "er",
            "ers",
            "ite",
            "ites",
            "able",
            "ably",
            "al",
            "ally",
            "ful",
            "less",
            "ly",
            "hood",
            "hoods",
            "ism",
            "ist",
            "ists",
        )
    ],
    "ise": [("is" + end, "iz" + end) for end in ("e", "es", "ed", "ing", "ation", "ations", "er", "ers", "able")],
    "yse": [("ys" + end, "yz" + end) for end in ("e", "es", "ed", "ing", "er", "ers")],
    "re": [("re", "er"), ("res", "ers"), ("red", "ered")],
}


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """Every British form listed (lower case, unaccented) -> its American form."""
    table: dict[str, str] = {}
    section = "words"
    for raw in SPELLING_PATH.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section == "words":
            british, american = line.split()
            table[british] = american
            continue
        stem = line
        if section == "our":
            stem = line[:-3]  # "labour" -> "lab"
        elif section == "re":
            stem = line[:-2]  # "centre" -> "cent"
        for british, american in FAMILIES[section]:
            table[stem + british] = stem + american
    return table


def american(word: str) -> str:
    """The American spelling of a lower-case word (the word itself when it has none)."""
    return variants().get(word, word)
