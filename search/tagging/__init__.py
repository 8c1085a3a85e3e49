"""Paragraph taggers: sectors, speakers and countries for each paragraph.

``tag_article(article)`` returns one :class:`~search.models.Tags` per entry of
``article.paragraphs``, in order. Everything is deterministic and offline
(taxonomy in ``search/data/sectors.json``, country names from pycountry).
"""
from __future__ import annotations

from functools import cache

from ..models import Article, Tags
from .countries import canonical_country, find_countries
from .sectors import sector_labels, tag_sectors
from . import learned
from .learned import TagModel
from .speakers import analyse_speakers
from .speakers.choice import choose

__all__ = ["tag_article", "sector_labels", "canonical_country", "Tagger", "shipped_tagger"]


class Tagger:
    """The taggers, with a given set of learned weights (``None``: the rules alone).

    The product uses :func:`shipped_tagger`; the evaluation builds one per
    held-out publisher with weights trained without it.
    """

    def __init__(self, model: TagModel | None = None) -> None:
        self.model = model or TagModel()

    def tag(self, article: Article) -> list[Tags]:
        """Tags for every paragraph of the article, in order."""
        paragraphs = list(article.paragraphs or [])
        home = canonical_country((article.dateline or "").strip().title()) if article.dateline else None
        analysis = analyse_speakers(paragraphs, article.title or "", home)
        speakers = choose(analysis.candidates, paragraphs, article.title or "", self.model.speakers)
        out: list[Tags] = []
        for text, chosen, named in zip(paragraphs, speakers, analysis.leaders):
            names, speaker_why = [c.name for c in chosen], {c.name: c.why for c in chosen}
            sectors, sector_why = tag_sectors(text)
            countries = find_countries(text)
            seen = {c for c, _ in countries}
            for person, country in named:
                # a person whose country the article gave ("US President Donald Trump")
                if country not in seen:
                    seen.add(country)
                    countries.append((country, f'named "{person}" ({country})'))
            out.append(
                Tags(
                    sectors=sectors,
                    speakers=list(names),
                    countries=[c for c, _ in countries],
                    evidence={
                        "sectors": sector_why,
                        "speakers": {n: speaker_why.get(n, "") for n in names},
                        "countries": dict(countries),
                    },
                )
            )
        return out


@cache
def shipped_tagger() -> Tagger:
    """The tagger with the weights shipped in ``search/data``."""
    return Tagger(learned.shipped())


def tag_article(article: Article) -> list[Tags]:
    """Tags for every paragraph of the article, in order."""
    return shipped_tagger().tag(article)
