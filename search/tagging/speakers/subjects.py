"""The subject of a speech cue: who the words before "said" stand for.

The clause before a cue is cut down to its last phrase, and that phrase is
tried, in order, as a pronoun, a group ("both leaders"), a statement ("the
statement read"), named people ("X and Y"), a description ("the foreign
minister"), a name with an appositive title, an anonymous source, a body
("the Ministry of Foreign Affairs") and an acronym. The first step that
recognises the phrase decides: it gives the speakers, or no speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..countries import canonical_country
from .lexicon import BODY_WORDS, HONORIFICS, ORG_WORDS, REGIONAL_PEOPLES, STOP_CAPS, TITLE_WORDS
from .mentions import ArticleState, chain, registered, scan_names
from .names import token_key
from .patterns import (
    AFFILIATION,
    ANONYMOUS,
    APPOSITIVE_TITLE_WORD,
    CAPITAL,
    CHAIN_CLAUSE_BREAK,
    CLAUSE_BREAK,
    DATE_PARENTHESIS,
    DESCRIBED_PARTNER,
    DESCRIPTION,
    FOOTNOTE_OR_SPACE,
    GENERIC_BODY,
    GROUP,
    GROUP_AS_OBJECT,
    INSERTED_CLAUSE,
    JOINED,
    LEADERS_WORD,
    LEADING_ARTICLE,
    LEADING_THE,
    ORG_SUBJECT,
    PARENTHETICAL,
    PLURAL_ROLE,
    POSSESSIVE_OR_SPACE,
    QUOTED,
    RELATIVE_WHO,
    SPOKESPERSON,
    STATEMENT_REF,
    SUBJECT_FILLER,
    TRAILING_ACRONYM_OR_NAME,
    TRAILING_COMPANIONS,
    TRAILING_CONTROL_VERB,
    UNNAMED_GROUP,
)
from .registry import Person

Resolved = tuple[list[str], str]  # speaker names, and why
NEXT = object()  # a step that does not recognise the phrase: try the next one
# Acronyms that end a subject phrase but never speak.
NOT_SPEAKING_ACRONYMS = {"GDP", "FTA", "MoU", "MOU"}


@dataclass
class Clause:
    """The text before a cue, and the phrase cut from it."""

    original: str  # the text before the cue, as given
    clause: str  # without inserted clauses (", who chairs the board,")
    tail: str  # the last phrase: the subject, without fillers ("also", "has")
    before: str  # the sentence in front of the clause, for pronouns
    allow_appositive: bool


def _last_phrase(clause: str) -> str:
    clause = RELATIVE_WHO.sub("", clause)  # "X, who said": X
    parts = CLAUSE_BREAK.split(clause)
    tail = parts[-1] if parts else clause
    if not tail.strip() and len(parts) > 1:
        tail = parts[-2]
    tail = SUBJECT_FILLER.sub(" ", tail)
    tail = FOOTNOTE_OR_SPACE.sub(" ", tail).strip(" ,")
    tail = TRAILING_COMPANIONS.sub("", tail)
    return TRAILING_CONTROL_VERB.sub("", tail)


def _without_inserted_clauses(clause: str) -> str:
    for _ in range(3):
        new = INSERTED_CLAUSE.sub(" ", clause)
        if new == clause:
            break
        clause = new
    return clause


def subject_of(state: ArticleState, clause: str, before: str = "", allow_appositive: bool = True) -> Resolved | None:
    """Resolve the subject phrase right before a cue (the clause text ends at the cue).

    ``before`` is the sentence text in front of the clause, used to resolve
    a pronoun to a person named earlier in the same sentence.
    """
    stripped = _without_inserted_clauses(DATE_PARENTHESIS.sub("", clause))
    tail = _last_phrase(stripped)
    subject = Clause(clause, stripped, tail, before, allow_appositive)
    if not tail:  # only an adverb after the last comma: "X, president of Y, promptly said"
        result = appositive_step(state, subject)
        return None if result is NEXT else result
    for step in STEPS:
        result = step(state, subject)
        if result is not NEXT:
            return result
    return None


# --------------------------------------------------------------------------- pronouns


def _pronoun(state: ArticleState, word: str, before: str) -> Resolved | None:
    """he/she: a person named earlier in the sentence, then the subject of the nearest
    earlier sentence of the paragraph, then the person who last opened a sentence if
    that came after the last speaker, then the last speaker, then the last person named."""
    unquoted = QUOTED.sub(" ", before)  # a name inside the quotation is not who is speaking it
    named = scan_names(state.reg, unquoted, register=False)
    local = [mm.person for mm in named if not canonical_country(mm.person.name)]
    if local:
        return [local[-1].name], f'"{word}" → {local[-1].name}'
    spoke = [p for p in state.reg.people if p.name in state.sentence_speakers]
    if len(spoke) == 1:  # "The Vice President applauded President X. She reaffirmed ...": the one who spoke
        return [spoke[0].name], f'"{word}" → {spoke[0].name}'
    for persons in reversed(state.earlier_sentences):
        if persons:
            return [persons[0].name], f'"{word}" → {persons[0].name}'
    voice = state.voice_is_latest()
    if voice and not (state.last_subject and state.last_subject[1] > state.body_voice[1]):
        return [voice], f'"{word}" → the spokesperson of {voice}'
    if state.last_subject and state.last_subject[1] > state.last_speaker_at:
        person = state.last_subject[0]  # "Mr X, a former leader, called it predictable. ... he said"
        return [person.name], f'"{word}" → {person.name}'
    if len(state.last_speaker) == 1:
        return [state.last_speaker[0].name], f'"{word}" → {state.last_speaker[0].name}'
    if state.reg.recent:
        return [state.reg.recent[-1].name], f'"{word}" → {state.reg.recent[-1].name}'
    return None


def _plural(state: ArticleState, word: str) -> Resolved | None:
    """they/we: the last group that spoke, else a joint statement's issuers, else the group named
    together in the last few sentences ("X and Y met ... They reiterated ...")."""
    body = state.plural_body_is_latest() if word in {"they", "They"} else None
    if body:
        return [body], f'"{word}" → {body}'
    group = state.last_speaker if len(state.last_speaker) > 1 else []
    if not group and state.issuers:
        group = state.issuers
    if not group and not state.issuer_body and word in {"they", "They"} and state.group_is_recent():
        group = state.last_group
    return _group_or_body(state, group, word)


def _group_or_body(state: ArticleState, group: list[Person], said: str) -> Resolved | None:
    """The group's names, else the issuing body's, with the evidence ("they" → who), or None."""
    if group:
        return [p.name for p in group], f'"{said}" → {", ".join(p.name for p in group)}'
    if state.issuer_body:
        return [state.issuer_body], f'"{said}" → {state.issuer_body}'
    return None


def _statement_issuers(state: ArticleState) -> list[str]:
    return [p.name for p in state.issuers] or [state.issuer_body]


def pronoun_step(state: ArticleState, c: Clause):
    words = c.tail.split()
    last = words[-1]
    if last in {"he", "she", "He", "She"}:
        return _pronoun(state, last, c.before + c.original[: c.original.rfind(last)])
    if last in {"they", "They", "we", "We"}:
        return _plural(state, last)
    if last in {"I", "you", "You", "it", "It"}:
        if last in {"it", "It"} and len(words) <= 2:
            return _it(state, last)
        return None
    return NEXT


def _it(state: ArticleState, word: str) -> Resolved | None:
    """ "It added": the joint statement just quoted, else the body that spoke last."""
    if (state.issuers or state.issuer_body) and state.last_was_statement:
        names = _statement_issuers(state)
        return names, f'"{word}" → statement by {", ".join(names)}'
    if state.last_body:
        return [state.last_body], f'"{word}" → {state.last_body}'
    return None


# --------------------------------------------------------------------------- groups and statements


def _last_match(pattern: re.Pattern, text: str):
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def group_step(state: ArticleState, c: Clause):
    """ "both leaders", "the two sides": the last group named together."""
    g = _last_match(GROUP, c.tail)
    if not g or g.end() < len(c.tail) - 1 or GROUP_AS_OBJECT.search(c.tail[: g.start()]):
        return NEXT
    if UNNAMED_GROUP.search(g.group(0)):
        return None
    body = state.plural_body_is_latest(g.group(0).split()[-1])
    if body:
        return [body], f'"{g.group(0)}" → {body}'
    group = state.last_group or state.issuers
    if state.leader_group and LEADERS_WORD.search(g.group(0)):
        group = state.leader_group
    return _group_or_body(state, group, g.group(0))


def statement_step(state: ArticleState, c: Clause):
    """ "the statement read": the issuers of the joint statement."""
    st = _last_match(STATEMENT_REF, c.tail)
    if not st or st.end() < len(c.tail) - 1:
        return NEXT
    if not (state.issuers or state.issuer_body):
        if state.statement_issuer:  # "said X in a statement. The statement added..."
            return state.statement_issuer, f'"{st.group(0).strip()}" → statement by {", ".join(state.statement_issuer)}'
        return None
    names = _statement_issuers(state)
    state.last_was_statement = True
    return names, f'"{st.group(0).strip()}" → statement by {", ".join(names)}'


# --------------------------------------------------------------------------- people


def named_step(state: ArticleState, c: Clause):
    """Named people ending the phrase, or the clause ("X, Y and Z said")."""
    mentions = chain(state.reg, c.tail)
    whole = CHAIN_CLAUSE_BREAK.split(PARENTHETICAL.sub("", c.clause).rstrip(" ,"))[-1]
    whole = SUBJECT_FILLER.sub(" ", whole).rstrip()  # "X, Y and Z had sent greetings"
    longer = chain(state.reg, whole)
    if len(longer) > len(mentions):
        mentions = longer
    if not mentions:
        return NEXT
    persons = list(dict.fromkeys(mm.person for mm in mentions))
    if any(canonical_country(p.name) for p in persons):
        return NEXT
    why = ", ".join(f'"{mm.text.strip()}"' for mm in mentions)
    office = DESCRIBED_PARTNER.search(c.clause[: max(0, c.clause.rfind(mentions[0].text.strip()))])
    described = state.reg.by_description(office.group("desc")) if office else None
    if described and described not in persons:  # "The Secretary and Foreign Minister Park"
        persons.insert(0, described)
        why = f'"{office.group(0).strip()}" → {described.name}, {why}'
    for p in persons:
        state.reg.touch(p)
    return [p.name for p in persons], why


def _joined_descriptions(state: ArticleState, tail: str) -> Resolved | None:
    """ "The Secretary and Foreign Minister": each description the person it fits."""
    parts = JOINED.split(LEADING_THE.sub("", tail))
    if not 2 <= len(parts) <= 4:
        return None
    persons: list[Person] = []
    for part in parts:
        fitting = [p for p in _described(state, part) if p not in persons]
        if not fitting:
            return None
        persons += fitting
    for person in persons:
        state.reg.touch(person)
    return [p.name for p in persons], f'"{tail}" → {", ".join(p.name for p in persons)}'


def _described(state: ArticleState, part: str) -> list[Person]:
    """The person a description fits; for a plural ("Foreign Ministers"), everyone it fits."""
    words = part.split()
    if len(words) > 1 and PLURAL_ROLE.fullmatch(words[-1]):
        return state.reg.all_by_description(" ".join(words[:-1] + [words[-1][:-1]]))
    person = state.reg.by_description(part)
    return [person] if person else []


def affiliation_step(state: ArticleState, c: Clause):
    """ "Dr Anna Berg of the Oslo Institute said": the person, not the institute."""
    m = AFFILIATION.match(c.tail)
    if not m:
        return NEXT
    who = m.group("who").rstrip()
    names = scan_names(state.reg, who, register=False)
    if not names or names[-1].end < len(who) or canonical_country(names[-1].person.name):
        return NEXT
    mention = registered(state.reg, who[names[-1].start : names[-1].end], names[-1])
    state.reg.touch(mention.person)
    return [mention.person.name], f'"{mention.text.strip()}" ({c.tail[m.end("who") :].strip()})'


def description_step(state: ArticleState, c: Clause):
    """ "the foreign minister", "Malaysia's envoy": the most recent person it fits."""
    joined = _joined_descriptions(state, c.tail)
    if joined:
        return joined
    d = _last_match(DESCRIPTION, c.tail)
    if not d or d.end() < len(c.tail) - 1:
        return NEXT
    desc = (d.group("owner") or "") + " " + d.group("desc") + (d.group("tail") or "")
    spokesperson = desc.split()[-1].lower().startswith("spokes")
    voice = state.voice_is_latest()
    if voice and spokesperson and len(desc.split()) == 1:  # "the spokesman" after "a government spokesman"
        return [voice], f'"{d.group(0).strip()}" → the spokesperson of {voice}'
    person = state.reg.by_description(desc.strip())
    if not person and spokesperson and len(desc.split()) > 1:  # "Johnson's spokesman": the spokesperson step
        return NEXT
    if not person:  # "said India's envoy in Colombo", whose name the article gives later
        state.unresolved.append((len(state.persons_in_par) - 1, desc.strip(), d.group(0).strip()))
        return None
    state.reg.touch(person)
    return [person.name], f'"{d.group(0).strip()}" → {person.name}'


def appositive_step(state: ArticleState, c: Clause):
    """ "Lance Zuo, General Manager of HIPG said": the person before the appositive."""
    if not c.allow_appositive:
        return NEXT
    segs = c.original.rstrip().rstrip(",").split(",")
    if len(segs) > 1 and not SUBJECT_FILLER.sub("", segs[-1]).strip():
        segs.pop()  # "X, president of Y, promptly tweeted"
    for back in range(2, min(4, len(segs)) + 1):
        seg = segs[-back].strip()
        names = scan_names(state.reg, seg, register=False)
        if names and names[0].text.rstrip().endswith(("’s", "'s", "s’")):
            continue  # "Sondland’s appearance follows ..., including an officer who described": not Sondland
        if names and names[0].start <= 2 and all(APPOSITIVE_TITLE_WORD.search(x) for x in segs[-back + 1 :]):
            person = names[0].person
            state.reg.touch(person)
            return [person.name], f'"{names[0].text.strip()}" (with an appositive title)'
    return NEXT


def spokesperson_step(state: ArticleState, c: Clause):
    """ "a Chinese foreign ministry spokesman said": the body speaks; "Johnson's spokesman" as given."""
    m = SPOKESPERSON.match(c.tail)
    if not m:
        return NEXT
    owner = m.group("owner")
    body = ORG_SUBJECT.fullmatch(owner)
    if body:
        name = _body_name(state, LEADING_THE.sub("", body.group("org")).strip())
    elif owner.endswith(("’s", "'s")) and CAPITAL.match(owner) and len(owner.split()) <= 3:
        name = owner.replace("’", "'") + " spokesman"
    else:
        return NEXT
    if not name:
        return None
    state.body_voice = (name, state.sentences_read)
    return [name], f'"{c.tail}"'


def anonymous_step(state: ArticleState, c: Clause):
    """ "officials said", "analysts say": no speaker."""
    anon = _last_match(ANONYMOUS, c.tail)
    if anon and anon.end() >= len(c.tail) - 2:
        return None
    return NEXT


# --------------------------------------------------------------------------- bodies


@lru_cache(maxsize=256)
def _fuller_body_pattern(head: str) -> re.Pattern:
    """A fuller name ending in a body's kind ("Sri Lanka's Foreign Ministry", "Ministry of X")."""
    return re.compile(
        rf"(?:[A-Z][\w’'.-]*[^\S\n]+){{0,4}}{head}(?:[^\S\n]+(?:of|in)(?:[^\S\n]+the)?(?:[^\S\n]+(?:and[^\S\n]+)?[A-Z][\w’'-]*)+)?"
    )


def _word_key(word: str) -> str:
    return token_key(word.removesuffix("’s").removesuffix("'s"))


def _fuller_body(state: ArticleState, kind: str, qualifiers: list[str]) -> str | None:
    """The last fuller name of a body of this kind given earlier ("Singapore's Ministry of Foreign Affairs")."""
    wanted = {_word_key(w) for w in qualifiers}
    fuller = None
    for m in _fuller_body_pattern(re.escape(kind[:1].upper() + kind[1:])).finditer(state.text_so_far):
        name = LEADING_ARTICLE.sub("", m.group(0).strip())
        words = name.split()
        if len(words) > 1 and wanted <= {_word_key(w) for w in words}:
            fuller = name
    return fuller


def _body_name(state: ArticleState, org: str) -> str | None:
    """The body's name as the article gave it: the issuer, or the last fuller name of its kind.

    "The Ministry said", "the ministry added", "the Singapore ministry said" stand
    for the last body of that kind the article named in full; a kind in lower
    case that the article never named in full is nobody in particular (None).
    """
    if state.issuer_body and {token_key(w) for w in org.split()} <= {token_key(w) for w in state.issuer_body.split()}:
        return state.issuer_body
    words = org.split()
    if GENERIC_BODY.fullmatch(words[-1]) and len(words) <= 3:
        fuller = _fuller_body(state, words[-1], words[:-1])
        if fuller:
            return fuller
    if not CAPITAL.search(org) and not POSSESSIVE_OR_SPACE.search(org):
        return None
    return org


def body_step(state: ArticleState, c: Clause):
    """A ministry, council, government or embassy named as the source."""
    o = _last_match(ORG_SUBJECT, c.tail)
    if not o or o.end() < len(c.tail) - 1:
        return NEXT
    org = LEADING_THE.sub("", o.group("org")).strip()
    if canonical_country(org):
        return None
    place, _, kind = org.rpartition(" ")
    if kind.lower() == "authorities" and not canonical_country(place.removesuffix("'s").removesuffix("’s")):
        return None  # "Hong Kong authorities" are a government; "local authorities" nobody in particular
    name = _body_name(state, org)
    return ([name], f'"{o.group("org").strip()}"') if name else None


@lru_cache(maxsize=256)
def _acronym_expansion(acronym: str) -> re.Pattern:
    """The full name an acronym was introduced with ("the World Trade Organization (WTO)")."""
    return re.compile(
        r"((?:the[^\S\n]+)?(?:[A-Z][\w’'.&-]*[^\S\n]+(?:(?:of|for|and|&)[^\S\n]+)?){1,8})\("
        + re.escape(acronym)
        + r"\)"
    )


def acronym_step(state: ArticleState, c: Clause):
    """An organisation's acronym or capitalised name ending the phrase ("the WTO said")."""
    acr = TRAILING_ACRONYM_OR_NAME.search(c.tail)
    if not acr or canonical_country(acr.group(1)) or acr.group(1) in NOT_SPEAKING_ACRONYMS:
        return None
    name = acr.group(1)
    if token_key(name.split()[0]) in STOP_CAPS:
        return None
    full = _last_match(_acronym_expansion(name), state.text_so_far)
    if full and name.isupper():
        expanded = LEADING_THE.sub("", full.group(1).strip())
        return [expanded], f'"{name}" ({expanded})'
    words = name.split()
    if token_key(words[-1]) in BODY_WORDS and len(words) >= 2:
        return [name], f'"{name}"'
    if name.isupper() and len(c.tail.split()) <= len(words) + 1:
        return [name], f'"{name}"'
    return None


LONE_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


def lone_name_step(state: ArticleState, c: Clause):
    """A single capitalised word as the whole subject ("Pompeo said", "Huawei insisted").

    It is a name only if the article so far writes it capitalised inside a sentence
    and never in lower case: "Opponents said" and "Leaders agreed" are not names."""
    word = c.tail.strip()
    if not LONE_WORD.fullmatch(word):
        return NEXT
    key = token_key(word)
    if canonical_country(word) or canonical_country(word.removesuffix("s")) or key in REGIONAL_PEOPLES:
        return None
    if key in STOP_CAPS or key in TITLE_WORDS or key in HONORIFICS or key in ORG_WORDS:
        return None
    text = state.text_so_far
    if re.search(rf"\b{re.escape(word.lower())}\b", text) or not re.search(rf"[\w,;”\"]\s+{re.escape(word)}\b", text):
        return None
    return [word], f'"{word}"'


STEPS = (
    pronoun_step,
    group_step,
    statement_step,
    named_step,
    affiliation_step,
    description_step,
    appositive_step,
    spokesperson_step,
    anonymous_step,
    body_step,
    lone_name_step,
    acronym_step,
)
