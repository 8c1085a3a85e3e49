"""Speeches printed whole: every paragraph is spoken by the one the title names.

"Speech by President of Ukraine Volodymyr Zelenskyy in the Verkhovna Rada":
each paragraph, greetings and thanks too, carries Volodymyr Zelenskyy. A
title that names no single person gives no speaker: a tag comes from the
article, not from outside knowledge. Transcript labels inside the text still
give their own turns.
"""

from __future__ import annotations

from .mentions import ArticleState, scan_names
from .patterns import SPEECH_TITLE
from .registry import Person, Registry


def speech_giver(state: ArticleState) -> Person | None:
    """The one person the title says delivers the speech, registered; None if it names none or several."""
    m = SPEECH_TITLE.match(state.title.strip())
    if not m:
        return None
    who = m.group("who") or m.group("owner")
    persons = list(dict.fromkeys(mm.person for mm in scan_names(Registry(), who)))
    if len(persons) != 1 or not persons[0].roles and len(persons[0].tokens) < 2:
        return None
    person = persons[0]
    return state.reg.add(person.name.split(), person.roles, person.country)
