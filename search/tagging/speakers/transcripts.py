"""Transcripts: a label such as ``PRESIDENT BIDEN:`` gives the speaker of its turn.

The label's person speaks in the lines that follow, until the next label.
Labels are in capitals (``PRIME MINISTER ŠIMONYTĖ:``) or a titled name
(``President of Russia Vladimir Putin:``). Labels of no named person
(``MODERATOR:``) and a reporter's question (``Q``) end the turn; a stage
direction (``(Laughter.)``) is nobody's words and leaves the turn as it is.
"""

from __future__ import annotations

from .mentions import ArticleState
from .names import is_name, keyset, split_title, without_name_card
from .patterns import (
    INITIAL,
    LABEL_WORD,
    NON_SPEAKER_LABEL,
    QUESTION_TURN,
    STAGE_DIRECTION,
    TIMESTAMP,
    TRANSCRIPT_LABEL,
)
from .registry import Person

Found = list[tuple[list[str], str]]  # speakers and why
MAX_LABEL_WORDS = 16


def _capitals_label(label: str) -> bool:
    return any(c.isalpha() for c in label) and label.upper() == label and len(label) > 1


def _mixed_case_label(state: ArticleState, tokens: list[str]) -> bool:
    """A titled name such as "Minister of Foreign Affairs of China Wang Yi", or a known person."""
    tokens = without_name_card(tokens)
    if not tokens or len(tokens) > MAX_LABEL_WORDS or not all(LABEL_WORD.match(t) for t in tokens):
        return False
    name, _roles, _country, titled = split_title(tokens)
    if titled and is_name(name, titled):
        return True
    known = state.reg.find(tokens)
    return len(tokens) >= 2 and known is not None and known.tokens == keyset(tokens)


def _described(state: ArticleState, toks: list[str]) -> Person | None:
    """ "THE PRESIDENT:": the person the description stands for."""
    return state.reg.by_description(" ".join(toks[1:]))


def _label_speaker(state: ArticleState, label: str, rest: str, capitals: bool) -> Found:
    """The person a speaker label names, who then holds the turn (with the label's roles)."""
    if label.strip() in {"Q", "END"} or NON_SPEAKER_LABEL.fullmatch(label.strip().upper()):
        state.transcript_speaker = None
        return []
    toks = [t.title() if capitals and not INITIAL.match(t) else t for t in label.split()]
    name, roles, country, titled = split_title(without_name_card(toks))
    if not titled and not rest.strip():
        name = None  # an untitled label alone on its line is a heading ("COMBATTING ANTISEMITISM:")
        state.transcript_speaker = None
    if toks[0] == "The" and len(toks) <= 4:
        state.transcript_speaker = _described(state, toks)
        person = state.transcript_speaker
        return [([person.name], f'transcript label "{label}:"')] if person else []
    if not name:
        return []
    person = state.reg.add(name, roles, country)
    state.transcript_speaker = person
    return [([person.name], f'transcript label "{label}:"')]


def transcript_turn(state: ArticleState, text: str) -> tuple[str, Found]:
    """(the paragraph without its label, the speakers its transcript turn gives)."""
    if STAGE_DIRECTION.match(text):
        return text, []
    if QUESTION_TURN.match(text):
        state.transcript_speaker = None
        return text, []
    tm = TRANSCRIPT_LABEL.match(text)
    if tm:
        label = tm.group("label").strip()
        capitals = _capitals_label(label)
        if capitals or _mixed_case_label(state, label.split()):
            return tm.group("rest"), _label_speaker(state, label, tm.group("rest"), capitals)
    if state.transcript_speaker is None:
        return text, []
    if text.strip() in {"END", "###"} or TIMESTAMP.match(text.strip()):
        state.transcript_speaker = None
        return text, []
    return text, [([state.transcript_speaker.name], "continues the transcript turn")]
