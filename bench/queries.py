"""The fixed mixed query set: six query types, each with many varied terms.

Terms are picked from the generator's own word lists at fixed positions, so
they range from frequent to rare; the set depends only on ``reps`` and the
seed. Countries for the filtered type come from the most frequent ones so
that most filtered queries still match something.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from .corpus import ADJECTIVES, NOUNS, TOPICS, Generator

TYPES = ("term", "and2", "phrase", "term_sector", "term_2sectors_country", "broad")
TYPE_LABELS = {
    "term": "single term",
    "and2": "two-term AND",
    "phrase": "phrase",
    "term_sector": "term + 1 sector",
    "term_2sectors_country": "term + 2 sectors + country",
    "broad": "broad (>=30% of index)",
}
SECTOR_TERMS = [
    "semiconductors",
    "refugees",
    "tariffs",
    "satellite",
    "vaccine",
    "fisheries",
    "scholarships",
    "ceasefire",
    "navy",
    "cybersecurity",
    "biotechnology",
    "rail",
    "climate",
    "pharmaceutical",
    "investment",
    "terrorism",
    "gas",
    "university",
    "ports",
    "biodiversity",
    "aviation",
    "minerals",
    "tourism",
    "exercises",
    "intelligence",
]
AND_PAIRS = [
    ("energy", "transition"),
    ("defence", "industry"),
    ("trade", "investment"),
    ("climate", "finance"),
    ("cooperation", "semiconductors"),
    ("human", "rights"),
    ("public", "health"),
    ("food", "security"),
    ("border", "security"),
    ("remote", "sensing"),
    ("private", "sector"),
    ("digital", "economy"),
    ("palm", "oil"),
    ("disaster", "relief"),
    ("cultural", "exchanges"),
    ("nuclear", "energy"),
]
PHRASES = [
    "joint military exercises",
    "free trade agreement",
    "memorandum of understanding",
    "critical raw minerals",
    "energy security",
    "human rights",
    "people-to-people ties",
    "artificial intelligence",
    "the war in Ukraine",
    "liquefied natural gas",
    "foreign direct investment",
    "earth observation satellites",
    "pandemic preparedness",
    "high-speed rail",
    "climate change",
    "law enforcement cooperation",
    "strategic partnership",
    "told reporters",
]
# Words that the templates put in a large share of paragraphs; the search phase checks the fraction.
BROAD = [
    "officials",
    "sides",
    "cooperation",
    "agreed",
    "two",
    "both",
    "priority OR agreed",
    "cooperation OR officials",
    "leaders OR sides",
    "priority OR region OR partners",
]


@dataclass
class Query:
    kind: str
    q: str
    sectors: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def params(self) -> list[tuple[str, str]]:
        return [("q", self.q)] + [("sector", s) for s in self.sectors] + [("country", c) for c in self.countries]


def query_set(reps: int = 50, seed: int = 1) -> list[Query]:
    """``reps`` queries of each type, in type order."""
    rng = random.Random(f"queries:{seed}")
    gen = Generator(seed)
    sectors = list(TOPICS)
    frequent_countries = gen.countries.items[:25]
    words = (
        SECTOR_TERMS
        + gen.noun.items[:40:2]
        + gen.noun.items[100::37]
        + gen.adj.items[::23]
        + gen.names.items[:2000:250]
    )
    out: list[Query] = []
    for i in range(reps):
        term = words[i % len(words)]
        a, b = AND_PAIRS[i % len(AND_PAIRS)]
        out.append(Query("term", term))
        out.append(Query("and2", f"{a} {b}" if i < len(AND_PAIRS) else f"{a} {rng.choice(NOUNS[:60])}"))
        out.append(Query("phrase", f'"{PHRASES[i % len(PHRASES)]}"'))
        out.append(Query("term_sector", words[(i * 7 + 3) % len(words)], [sectors[i % len(sectors)]]))
        two = rng.sample(sectors[:8], 2)
        out.append(
            Query(
                "term_2sectors_country",
                rng.choice(SECTOR_TERMS + ADJECTIVES[:20]),
                two,
                [frequent_countries[i % len(frequent_countries)]],
            )
        )
        out.append(Query("broad", BROAD[i % len(BROAD)]))
    order = {kind: n for n, kind in enumerate(TYPES)}
    return sorted(out, key=lambda query: order[query.kind])


def mixed_order(queries: list[Query], seed: int = 1) -> list[Query]:
    """The same queries interleaved in a fixed random order (how the timed passes run them)."""
    shuffled = list(queries)
    random.Random(f"order:{seed}").shuffle(shuffled)
    return shuffled
