"""Learned sectors: what the sector rules miss, from the paragraph's words and its article.

The rules (``sectors.py``) find a sector by its terms. Some sectors are named
by no term: a paragraph about the relationship itself ("Our relations are
developing in many areas", "It was agreed to continue contacts") is
``diplomacy`` by the contract, whatever words it uses. A logistic regression
per learned sector adds it when it is likely enough; it never removes what
the rules found. Its features are the paragraph's words and word pairs
(stemmed; only those seen in several articles of several publishers when it
was trained), the sectors the rules found in the paragraph, the title and the
article, the heads of state or government it names (found by the speaker
tagger: "Putin and Modi made statements for the press" is the relationship
itself), who acts in it (a speaker, a speaker on two or more states, a state
acting by its capital: "Beijing protested"), and a few marks of form (how
many countries, a group of speakers such as "both sides", a speech verb, a
quotation, the first person).

The evidence of a learned sector names the features that carried it.
"""

from __future__ import annotations

import re
from collections import Counter

from ..facets import sector_labels
from .learned import LinearModel
from .sectors import stem

WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
STOP = frozenset(
    "the a an of and to in on for with by at from as is are was were be been that this these those it its "
    "their his her our we they he she i you or not will would has have had which who also".split()
)
GROUP = re.compile(r"\b(?:both|the two|the) (?:sides|leaders|presidents|parties|countries|ministers)\b", re.I)
CUE = re.compile(r"\b(?:said|says|stressed|noted|told|added|emphasi[sz]ed|underlined|agreed|discussed)\b")
QUOTE = re.compile(r"[“”\"]")
FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|us)\b")
ARTICLE_SHARE = 0.25  # a sector the rules find in at least this share of the article's paragraphs is its topic


def word_features(text: str) -> list[str]:
    """Stemmed words ("w:relat") and word pairs ("b:bilateral_relat") of a text."""
    words = [stem(w) for w in WORD.findall(text.lower())]
    out = [f"w:{w}" for w in words if w not in STOP and len(w) > 2]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False) if not (a in STOP and b in STOP)]
    return out


def _form(text: str, n_countries: int, first: bool) -> list[str]:
    out = [f"countries:{min(n_countries, 2)}"]
    for name, pattern in (("group", GROUP), ("cue", CUE), ("quote", QUOTE), ("first_person", FIRST_PERSON)):
        if pattern.search(text):
            out.append(name)
    if len(text.split()) < 12:
        out.append("short")
    if first:
        out.append("first")
    return out


def article_features(
    paragraphs: list[str],
    rules: list[tuple[list[str], dict[str, str]]],
    title_sectors: list[str],
    countries: list[int],
    leaders: list[int] | None = None,
    actors: list[list[str]] | None = None,
) -> list[list[str]]:
    """The features of each paragraph: its words, the rules' sectors here and in the article, its form.

    ``leaders`` is, for each paragraph, how many countries' heads of state or government
    it names ("Putin and Modi made statements for the press": the relationship itself);
    ``actors`` the marks of who acts in it (see :func:`actor_marks`).
    """
    counts = Counter(s for found, _ in rules for s in found)
    topic = [f"article:{s}" for s, c in counts.items() if c / max(1, len(paragraphs)) >= ARTICLE_SHARE]
    title = [f"title:{s}" for s in title_sectors]
    out = []
    for k, (text, (found, why)) in enumerate(zip(paragraphs, rules, strict=True)):
        rule = [f"rule:{s}" for s in found] or ["rule:none"]
        rule += [f"rule_{'weak' if 'no more specific' in why[s] else 'strong'}:{s}" for s in found]
        named = [f"leaders:{min(leaders[k], 2)}"] if leaders and leaders[k] else []
        marks = actors[k] if actors else []
        out.append(word_features(text) + rule + topic + title + _form(text, countries[k], k == 0) + named + marks)
    return out


def actor_marks(has_speaker: bool, n_countries: int, capital: bool) -> list[str]:
    """Who acts in a paragraph: someone speaks, speaks of two or more states, a state acts by its capital.

    "Beijing's stance paints Washington as the aggressor, observers said" is the
    relationship itself, with no relationship word.
    """
    marks = ["speaker"] if has_speaker else []
    if has_speaker and n_countries >= 2:
        marks.append("speaker_on_states")
    if capital:
        marks.append("capital_as_government")
    return marks


def _shown(feature: str, surface: dict[str, str]) -> str:
    """A feature as the reader sees it: the paragraph's own words for a stem, else its name."""
    kind, _, value = feature.partition(":")
    if kind in ("w", "b"):
        return " ".join(surface.get(stemmed, stemmed) for stemmed in value.split("_"))
    described = {
        "rule": f"{value} term here",
        "rule_weak": f"weak {value} term here",
        "rule_strong": f"{value} term here",
        "article": f"{value} in the article",
        "title": f"{value} in the title",
        "countries": f"{value} countries named",
        "leaders": f"leaders of {value} {'country' if value == '1' else 'countries'} named",
    }
    return "no sector term here" if feature == "rule:none" else described.get(kind, feature.replace("_", " "))


def add_learned(
    model: LinearModel | None, features: list[str], text: str, found: list[str], why: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The rules' sectors plus each learned sector the model finds likely, in taxonomy order."""
    if model is None:
        return found, why
    probabilities = model.probabilities(features)
    added = {}
    for j, sector in enumerate(model.outputs):
        if sector not in found and probabilities[j] >= model.threshold:
            surface = {}
            for word in WORD.findall(text):
                surface.setdefault(stem(word.lower()), word)
            carried = ", ".join(f'"{_shown(f, surface)}"' for f in model.carried_by(features, j))
            added[sector] = f"learned from {carried} (p={probabilities[j]:.2f})"
    if not added:
        return found, why
    order = list(sector_labels())
    merged = {**why, **added}
    ids = sorted(merged, key=order.index)
    return ids, {s: merged[s] for s in ids}
