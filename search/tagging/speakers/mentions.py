"""Person mentions in a text, and the state of an article as it is read.

:class:`ArticleState` is what the steps share while an article is read
paragraph by paragraph: the people named so far, who spoke last, the group
"both leaders" stands for, and a joint statement's issuers.
"""

from __future__ import annotations

from ..countries import canonical_country
from .leaders import leader_country, mark_leaders
from .lexicon import HONORIFICS
from .names import analyse_sequence, keyset, token_key
from .patterns import (
    CHAIN_JOIN,
    JOINT_STATEMENT_TITLE,
    LAST_CLAUSE_BREAK,
    NAME_SEQUENCE,
    PLURAL_BODY,
    POSSESSIVE_REST,
)
from .registry import Mention, Person, Registry, is_leader

RECENT_SENTENCES = 8  # how far back "they" finds a group named together


class ArticleState:
    """What is known about an article's people while it is read, paragraph by paragraph."""

    def __init__(self, title: str = "") -> None:
        self.reg = Registry()
        self.title = title or ""
        self.last_speaker: list[Person] = []
        self._last_group: list[Person] = []
        self.leader_group: list[Person] = []  # the last group made only of heads of state or government
        self.issuers: list[Person] = []  # joint statement issuers
        self.issuer_body: str = ""
        self.speech_giver: Person | None = None  # who delivers a speech printed whole
        self.last_body = ""  # the last body that spoke ("It added" stands for it)
        self.last_body_at = 0  # when it spoke (sentences read)
        self.body_voice: tuple[str, int] | None = None  # a body that spoke through an unnamed spokesperson, and when
        self.statement_issuer: list[str] = []  # who issued the last statement quoted ("in a statement")
        self.sentence_speakers: list[str] = []  # the speakers of the paragraph's previous sentence
        self.sentences_read = 0
        self.last_group_at = 0  # when the last group was named (sentences read)
        self.last_subject: tuple[Person, int] | None = None  # who last opened a sentence, and when
        self.last_speaker_at = 0  # when the last speaker spoke (sentences read)
        self.statement_article = bool(JOINT_STATEMENT_TITLE.search(self.title))
        self.transcript_speaker: Person | None = None
        self.persons_in_par: list[list[Person]] = []
        self.last_was_statement = False
        self.earlier_sentences: list[list[Person]] = []  # people named in each earlier sentence of the paragraph
        self.text_so_far = ""
        self.unresolved: list[tuple[int, str, str]] = []  # (paragraph, description, text) no one fitted yet

    @property
    def last_group(self) -> list[Person]:
        return self._last_group

    @last_group.setter
    def last_group(self, group: list[Person]) -> None:
        """The people "both sides", "the two leaders" stand for from now on."""
        self._last_group = group
        self.last_group_at = self.sentences_read
        if len(group) >= 2 and all(is_leader(p) for p in group):
            self.leader_group = group

    def voice_is_latest(self) -> str | None:
        """The body whose unnamed spokesperson spoke after the last person did ("he", "the spokesman")."""
        if self.body_voice and self.body_voice[1] > self.last_speaker_at:
            return self.body_voice[0]
        return None

    def plural_body_is_latest(self, head: str = "") -> str | None:
        """A body named in the plural ("Asean foreign ministers") that spoke after the last person did.

        "They" and "the ministers" stand for it; ``head`` is the group word used ("ministers")."""
        body = self.last_body
        if not body or self.last_body_at <= self.last_speaker_at or not PLURAL_BODY.search(body):
            return None
        return body if head.lower() in body.lower() else None

    def group_is_recent(self) -> bool:
        return bool(self._last_group) and self.sentences_read - self.last_group_at <= RECENT_SENTENCES


def scan_names(reg: Registry, text: str, register: bool = True) -> list[Mention]:
    """Person mentions (titled names, full names, known surnames) in text.

    With ``register`` new people are added to the registry and the people
    found become the most recent; without it the registry is left as it is.
    """
    mentions = []
    for m in NAME_SEQUENCE.finditer(text):
        seq = m.group(0)
        start, end = m.span()
        info = analyse_sequence(seq, text[max(0, start - 60) : start], text[end : end + 80])
        if info is None:
            continue
        name, roles, country, titled, place_like, single, looks_like_name = info
        if place_like and reg.find(name) is None:
            continue
        if single:
            known = None if canonical_country(name[0]) else reg.find(name)
            if known is None and leader_country(keyset(name)):  # "Putin said": a listed leader's short form
                known = reg.add(list(name), set(), None) if register else _listed(list(name))
            if known is None:
                continue
            mentions.append(Mention(start, end, known, seq))
            if register:
                reg.touch(known)
            continue
        if not looks_like_name:
            continue
        name = list(name)
        if register:
            person = reg.add(name, set(roles), country)
        else:
            person = reg.find(name) or Person(" ".join(name), {token_key(t) for t in name}, set(roles), country)
        mentions.append(Mention(start, end, person, seq))
    return mentions


def _listed(name: list[str]) -> Person:
    """A listed leader named by the short form alone, not (yet) in the article's registry."""
    person = Person(" ".join(name), keyset(name))
    mark_leaders([person])
    return person


def chain(reg: Registry, tail: str) -> list[Mention]:
    """Person mentions ending the tail, joined by 'and' / commas ("X and Y"), registered."""
    names = scan_names(reg, tail, register=False)
    if not names:
        return []
    last = names[-1]
    if not POSSESSIVE_REST.fullmatch(tail[last.end : len(tail.rstrip())]):
        return []
    joined = [last]
    for mm in reversed(names[:-1]):
        if CHAIN_JOIN.fullmatch(tail[mm.end : joined[0].start]):
            joined.insert(0, mm)
        else:
            break
    return [registered(reg, tail[mm.start : mm.end], mm) for mm in joined]


def registered(reg: Registry, text: str, mention: Mention) -> Mention:
    """The mention again, now registered as the subject (the same one if it no longer scans)."""
    if scan_names(reg, text, register=False):
        return scan_names(reg, text)[0]
    return mention


def leading_subject(reg: Registry, text: str) -> tuple[list[str], str] | None:
    """A person named at the start of the last clause ("... when President Trump scuttled")."""
    for clause in reversed(LAST_CLAUSE_BREAK.split(text)):
        names = scan_names(reg, clause, register=False)
        if names and all(token_key(w) in HONORIFICS for w in clause[: names[0].start].strip(" ,").split()):
            return [names[0].person.name], f'"{names[0].text.strip()}"'
    return None
