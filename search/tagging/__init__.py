"""Paragraph taggers: sectors, speakers and countries for each paragraph.

``tag_article(article)`` returns one :class:`~search.models.Tags` per entry of
``article.paragraphs``, in order. Everything is deterministic and offline:
rules (taxonomy in ``search/data/sectors.json``, country names from pycountry,
heads of state or government in ``search/data/leaders.json``), one rule over
the other facets (:func:`with_position`) and one learned part, the diplomacy
model of ``sector_model.py`` (weights in ``search/data/tag_model.json``,
trained by ``tools/train_tags.py``).
"""

from __future__ import annotations

from functools import cache

from ..facets import sector_labels
from ..models import Article, Tags
from . import learned
from .countries import by_capital, canonical_country, find_countries
from .learned import TagModel
from .sector_model import actor_marks, add_learned, article_features
from .sectors import tag_sectors
from .speakers import analyse_speakers
from .speakers.article import SpeakerAnalysis

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
        analysis = analyse_speakers(paragraphs, article.title or "", _home(article))
        rules = [tag_sectors(text) for text in paragraphs]
        countries = [find_countries(text) for text in paragraphs]
        features = (
            sector_features(article, rules, countries, analysis) if self.model.sectors else [[]] * len(paragraphs)
        )
        tagged = []
        for text, present, rule, speakers, found, named in zip(
            paragraphs, features, rules, analysis.speakers, countries, analysis.leaders, strict=True
        ):
            sectors, sector_why = add_learned(self.model.sectors, present, text, *rule)
            found = with_leaders(found, named)
            sectors, sector_why = with_position(sectors, sector_why, speakers, found)
            tagged.append(
                Tags(
                    sectors=sectors,
                    speakers=list(speakers),
                    countries=[c for c, _ in found],
                    evidence={"sectors": sector_why, "speakers": dict(speakers), "countries": dict(found)},
                )
            )
        return tagged


def with_leaders(countries: list[tuple[str, str]], leaders: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The countries found in the text, then those of the leaders it names ("Putin said": Russia)."""
    seen = {c for c, _ in countries}
    out = list(countries)
    for person, country in leaders:
        if country not in seen:
            seen.add(country)
            out.append((country, f'named "{person}" ({country})'))
    return out


def with_position(
    sectors: list[str], why: dict[str, str], speakers: dict[str, str], countries: list[tuple[str, str]]
) -> tuple[list[str], dict[str, str]]:
    """``diplomacy`` for a stated position on other states, when no sector was found.

    The contract's diplomacy covers "positions on other states": a paragraph that
    reports someone's words ("Beijing wants to paint Washington as the aggressor,
    he said") about two or more states, and names no other subject, is one.
    """
    if sectors or not speakers or len(countries) < 2:
        return sectors, why
    who = next(iter(speakers))
    states = ", ".join(c for c, _ in countries[:3])
    return ["diplomacy"], {"diplomacy": f'a position on other states: "{who}" on {states} (no sector term)'}


def sector_features(
    article: Article, rules, found_countries, analysis: SpeakerAnalysis | None = None
) -> list[list[str]]:
    """The learned sector model's features of each paragraph (see ``sector_model.py``).

    ``analysis`` is the speaker tagger's reading of the article (made here if not given):
    the heads of state or government each paragraph names are a feature.
    """
    paragraphs = list(article.paragraphs or [])
    if analysis is None:
        analysis = analyse_speakers(paragraphs, article.title or "", _home(article))
    title_sectors = tag_sectors(article.title)[0] if article.title else []
    return article_features(
        paragraphs,
        rules,
        title_sectors,
        [len(c) for c in found_countries],
        [len({country for _, country in named}) for named in analysis.leaders],
        [
            actor_marks(bool(speakers), len(found), by_capital(found))
            for speakers, found in zip(analysis.speakers, found_countries, strict=True)
        ],
    )


def _home(article: Article) -> str | None:
    """The country of the article's dateline, if it names one."""
    return canonical_country((article.dateline or "").strip().title()) if article.dateline else None


@cache
def shipped_tagger() -> Tagger:
    """The tagger with the weights shipped in ``search/data``."""
    return Tagger(learned.shipped())


def tag_article(article: Article) -> list[Tags]:
    """Tags for every paragraph of the article, in order."""
    return shipped_tagger().tag(article)
