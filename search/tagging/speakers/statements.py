"""Joint statements: who issued one, from its signatures, first paragraph or title.

In an article that is a joint statement, the issuers speak in every
paragraph; signature and date lines at its end are not paragraphs of speech.
"""

from __future__ import annotations

from .lexicon import BODY_WORDS, ORG_WORDS, TITLE_WORDS
from .mentions import ArticleState, scan_names
from .names import token_key
from .patterns import (
    DATE_LINE,
    INITIAL,
    ISSUER_END,
    JOINT_STATEMENT_ISSUER,
    LEADERS_CAPITALISED,
    LEADERS_OF,
    SIGNATURE_BREAK,
    SIGNATURE_WORD,
)
from .registry import Person, Registry


def signature_names(text: str) -> list[list[str]]:
    """Names in a signature line such as "Joseph R. Biden, Jr. Emmanuel Macron"."""
    words = text.split()
    if not 3 <= len(words) <= 14 or not all(SIGNATURE_WORD.match(w) for w in words):
        return []
    if any(token_key(w) in ORG_WORDS or token_key(w) in TITLE_WORDS for w in words):
        return []
    names = []
    for part in (p for p in SIGNATURE_BREAK.split(text) if p.strip()):
        toks = [t.rstrip(",") for t in part.split()]
        if len(toks) == 4 and not any(INITIAL.match(t) for t in toks):
            names += [toks[:2], toks[2:]]
        else:
            names.append(toks)
    return names if len(names) >= 2 else []


def _register(state: ArticleState, persons: list[Person]) -> list[Person]:
    return [state.reg.add(p.name.split(), p.roles, p.country) for p in persons[:4]]


def _issuers_from_title(state: ArticleState) -> None:
    """ "Joint Statement by X and Y": people with titles, else a body ("the Quad Leaders", "the G7").

    A meeting ("the U.S.-Czech Strategic Dialogue") or states ("the United States and
    Japan") named as the issuer are no speaker: a state is a country, not a speaker.
    """
    m = JOINT_STATEMENT_ISSUER.search(state.title)
    if not m or LEADERS_OF.match(m.group(1)):
        return
    issuer = m.group(1).strip()
    persons = [mm.person for mm in scan_names(Registry(), issuer)]
    if len(persons) >= 1 and any(p.roles for p in persons):
        state.issuers = _register(state, persons)
        return
    body = LEADERS_CAPITALISED.sub("leaders", ISSUER_END.split(issuer)[0].strip())
    head = token_key(body.split()[-1]) if body else ""
    if head in BODY_WORDS or head == "leaders" or body.isupper():
        state.issuer_body = body


def prepare_statement(state: ArticleState, paragraphs: list[str]) -> set[int]:
    """Find the issuers of a joint statement article; return signature/date paragraph indexes."""
    skip: set[int] = set()
    if not state.statement_article:
        return skip
    n = len(paragraphs)
    for k in range(max(0, n - 4), n):
        text = paragraphs[k].strip()
        if DATE_LINE.match(text):
            skip.add(k)
            continue
        names = signature_names(text)
        if names:
            state.issuers = [state.reg.add(t, {"leader"}, None) for t in names]
            skip.add(k)
    if not state.issuers and paragraphs:
        persons = list(dict.fromkeys(mm.person for mm in scan_names(Registry(), paragraphs[0])))
        if len(persons) >= 2:
            state.issuers = _register(state, persons)
    if not state.issuers:
        _issuers_from_title(state)
    state.last_group = list(state.issuers)
    return skip
