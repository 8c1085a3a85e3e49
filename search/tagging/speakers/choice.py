"""Which candidates speak: the rules' choice, or a learned filter's.

The filter is a logistic regression over features of each candidate that say
how it was found, not what the article is about: the kinds of evidence
(``k=say:named``, ``k=weak:group``), whether it is a person, titled or a
leader, whether its name is in the paragraph or the title, whether it was a
candidate in the paragraph before, how many candidates the paragraph has,
and whether the paragraph quotes or speaks in the first person.
"""
from __future__ import annotations

import re

from ..learned import LinearModel
from .candidates import Candidate, Found
from .names import token_key

QUOTE = re.compile(r"[“”\"]")
FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|us)\b")
WORD = re.compile(r"[^\W\d_][\w’'-]*")


def _keys(text: str) -> set[str]:
    return {token_key(w) for w in WORD.findall(text)}


def candidate_features(c: Candidate, found: Found, text_keys: set[str], title_keys: set[str],
                       previous: Found, text: str) -> list[str]:
    """The named features of one candidate in its paragraph."""
    features = [f"k={kind}" for kind in c.kinds]
    features += [f"cue={kind.split(':')[0]}" for kind in c.kinds]
    features += [f"step={kind.split(':')[1]}" for kind in c.kinds if ":" in kind]
    features.append(f"kinds={min(len(c.kinds), 3)}")
    features.append("strong" if c.strong else "weak_only")
    if c.roles is None:
        features.append("body")
    else:
        features += ["person"] + (["titled"] if c.roles else []) + (["leader"] if c.leader else [])
    name_keys = _keys(c.name)
    features.append(f"tokens={min(len(name_keys), 3)}")
    if name_keys & text_keys:
        features.append("named_here")
    if name_keys & title_keys:
        features.append("in_title")
    if c.name in previous:
        features.append("candidate_before")
    features.append(f"candidates={min(len(found), 4)}")
    if QUOTE.search(text):
        features.append("quotes")
    if FIRST_PERSON.search(text):
        features.append("first_person")
    return features


def paragraph_features(found: Found, text: str, title: str, previous: Found) -> list[tuple[Candidate, list[str]]]:
    text_keys, title_keys = _keys(text), _keys(title)
    return [(c, candidate_features(c, found, text_keys, title_keys, previous, text)) for c in found.values()]


def choose(candidates: list[Found], paragraphs: list[str], title: str, model: LinearModel | None) -> list[list[Candidate]]:
    """The speakers of each paragraph: the rules' choice without a model, else the filter's."""
    if model is None:
        return [found.chosen() for found in candidates]
    out = []
    previous = Found()
    for found, text in zip(candidates, paragraphs):
        kept = []
        for c, features in paragraph_features(found, text, title, previous):
            if model.probabilities(features)[0] >= model.threshold:
                kept.append(c)
        out.append(kept)
        previous = found
    return out
