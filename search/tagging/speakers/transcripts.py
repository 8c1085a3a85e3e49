"""Transcripts: a label such as ``PRESIDENT BIDEN:`` gives the speaker of its turn.

The label's person speaks in the lines that follow, until the next label;
labels of no named person (``MODERATOR:``, ``Q:``) end the turn.
"""
from __future__ import annotations

from .mentions import ArticleState
from .names import split_title
from .patterns import INITIAL, NON_SPEAKER_LABEL, TIMESTAMP, TRANSCRIPT_LABEL

Found = list[tuple[list[str], str]]  # speakers and why


def _label_speaker(state: ArticleState, label: str, rest: str) -> Found:
    """The person a speaker label names, who then holds the turn."""
    if label.strip() in {"Q", "END"} or NON_SPEAKER_LABEL.fullmatch(label.strip()):
        state.transcript_speaker = None
        return []
    found: Found = []
    toks = [t.title() if not INITIAL.match(t) else t for t in label.split()]
    name, roles, country, titled = split_title(toks)
    if not titled and not rest.strip():
        name = None  # an untitled label alone on its line is a heading ("COMBATTING ANTISEMITISM:")
        state.transcript_speaker = None
    if toks[0] == "The" and len(toks) <= 4:
        person = state.reg.by_description(" ".join(toks[1:]))
        name = None
        state.transcript_speaker = person
        if person:
            found.append(([person.name], f'transcript label "{label}:"'))
    if name:
        person = state.reg.find(name) or state.reg.add(name, roles, country)
        state.transcript_speaker = person
        found.append(([person.name], f'transcript label "{label}:"'))
    return found


def _is_label(label: str) -> bool:
    return any(c.isalpha() for c in label) and label.upper() == label and len(label) > 1


def transcript_turn(state: ArticleState, text: str) -> tuple[str, Found]:
    """(the paragraph without its label, the speakers its transcript turn gives)."""
    tm = TRANSCRIPT_LABEL.match(text)
    if tm and _is_label(tm.group("label")):
        return tm.group("rest"), _label_speaker(state, tm.group("label"), tm.group("rest"))
    if state.transcript_speaker is None:
        return text, []
    if text.strip() in {"END", "###"} or TIMESTAMP.match(text.strip()):
        state.transcript_speaker = None
        return text, []
    return text, [([state.transcript_speaker.name], "continues the transcript turn")]
