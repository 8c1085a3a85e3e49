"""Speech cues in a sentence and the speakers they give.

A cue is a reporting verb ("said", "stressed"), a participle after a comma
("..., saying"), "according to X" or "a statement by X". Each is attributed
to its subject (see :mod:`.subjects`); a sentence attributed to an unnamed
source ("officials said") gives no speaker.
"""

from __future__ import annotations

from ..countries import canonical_country
from .mentions import ArticleState, leading_subject, scan_names
from .patterns import (
    ACCORDING_TO,
    AFTER_QUOTE,
    ANONYMOUS,
    COMMA,
    CONJOINED_PREDICATE,
    DETERMINER,
    ENDS_WITH_COMMA,
    ENDS_WITH_COMMA_AND,
    FIRST_OR_SECOND_PERSON,
    INDEFINITE,
    INVERTED_CUE,
    MEETING_PURPOSE,
    NEGATED,
    NOUN_PHRASE_END,
    NOUN_PHRASE_END_OR_COMMA,
    PARTICIPLE_CUE,
    PASSIVE,
    PASSIVE_CONSENSUS,
    PHRASE_BREAK,
    REPORTED_REFERENCE,
    SAY_CUE,
    SEEN_BY,
    SENTENCE_SUBJECT,
    STATEMENT_BY,
    TRAILING_ADVERBS,
)
from .subjects import Resolved, subject_of

Hit = tuple[Resolved, str]  # (speakers, why) and the cue


def noun_phrase(rest: str, keep_commas: bool = False) -> str:
    """The noun phrase at the start of rest (up to a comma/period/verb)."""
    return (NOUN_PHRASE_END if keep_commas else NOUN_PHRASE_END_OR_COMMA).split(rest)[0]


def _quoted_cue(state: ArticleState, pre: str) -> Resolved | None:
    """A cue inside a quotation: only a third person named there counts."""
    qs = max(pre.rfind("“"), pre.rfind('"'))
    clause = pre[qs + 1 :]
    if FIRST_OR_SECOND_PERSON.search(clause):
        return None
    if not clause.strip():
        clause = pre[: max(qs, 0)]
    return subject_of(state, clause, pre[: qs + 1])


def _inverted_cue(state: ArticleState, pre: str, rest: str) -> tuple[Resolved | None, bool]:
    """'“...,” said X': (the subject after the verb, whether it is an unnamed source)."""
    anonymous = False
    for seg in COMMA.split(noun_phrase(rest, keep_commas=True))[:3]:
        res = subject_of(state, seg, pre, allow_appositive=False)
        if res:
            return res, False
        anonymous = anonymous or bool(ANONYMOUS.search(seg))
    return None, anonymous or bool(INDEFINITE.match(rest))


def _meeting_purpose(state: ArticleState, pre: str) -> Resolved | None:
    """ "X met with Y to reaffirm ...": the people who met state the purpose together."""
    if not MEETING_PURPOSE.search(pre):
        return None
    persons = [mm.person for mm in scan_names(state.reg, pre, register=False) if not canonical_country(mm.person.name)]
    persons = list(dict.fromkeys(persons))
    if not persons:
        return None
    names = [p.name for p in persons]
    return names, f"met to … ← {', '.join(names)}"


def _say_cue(state: ArticleState, sent: str, start: int, in_quote: bool) -> tuple[Resolved | None, bool]:
    """(the subject of a reporting verb at ``start``, whether an unnamed source said it)."""
    pre = sent[:start]
    if in_quote:
        return _quoted_cue(state, pre), False
    met = _meeting_purpose(state, pre)
    if met:
        return met, False
    inv = INVERTED_CUE.match(sent[start:])
    if inv and AFTER_QUOTE.search(pre[-8:]):
        res, anonymous = _inverted_cue(state, pre, inv.group("rest"))
        if res or anonymous:
            return res, anonymous
    res = subject_of(state, pre, "") or _conjoined_subject(state, sent, pre)
    if res:
        return res, False
    tail = PHRASE_BREAK.split(pre)[-1]
    return None, bool(ANONYMOUS.search(tail or "")) and not scan_names(state.reg, tail, register=False)


def _conjoined_subject(state: ArticleState, sent: str, pre: str) -> Resolved | None:
    """ "X discussed the ceasefire, and reiterated ...": the subject that opens the sentence."""
    if not CONJOINED_PREDICATE.search(pre):
        return None
    m = SENTENCE_SUBJECT.match(sent)
    if not m or m.end("subject") >= len(pre):
        return None
    return subject_of(state, m.group("subject") + " ", "")


def _is_speech(verb: str, near: str) -> bool:
    """Not negated ("did not say"), not passive ("was welcomed"), not a noun ("the claims")."""
    if NEGATED.search(near) or DETERMINER.search(near):
        return False
    return not (verb.endswith("ed") and not verb.startswith("quoted") and PASSIVE.search(near))


def say_hits(state: ArticleState, sent: str, mask: list[bool]) -> tuple[list[Hit], bool]:
    """Hits of the reporting verbs of a sentence, and whether an unnamed source is cited."""
    hits: list[Hit] = []
    anonymous = False
    said_end = None  # where the content of the sentence's first reporting verb starts
    for m in SAY_CUE.finditer(sent):
        if not _is_speech(m.group(0), sent[: m.start()][-40:]):
            continue
        if said_end is not None and REPORTED_REFERENCE.match(sent[said_end : m.start()]):
            continue  # "The ministry said both sides agreed": what the ministry said, not a new speaker
        res, anon = _say_cue(state, sent, m.start(), mask[m.start()])
        if res:
            hits.append((res, m.group(0)))
            said_end = m.end() if said_end is None and not mask[m.start()] else said_end
        anonymous = anonymous or anon
    return hits, anonymous


def _participle_subject(state: ArticleState, pre: str, has_hits: bool) -> Resolved | None:
    without_adverbs = TRAILING_ADVERBS.sub(" ", pre)  # ", only saying": the comma before the adverb counts
    if ENDS_WITH_COMMA.search(without_adverbs):
        pre = without_adverbs
    if ENDS_WITH_COMMA_AND.search(pre):
        return None
    if not ENDS_WITH_COMMA.search(pre):
        # "with both leaders recognising": the subject right before it
        return subject_of(state, pre, "", allow_appositive=False)
    if has_hits:
        return None
    return subject_of(state, COMMA.split(pre)[0], "") or leading_subject(state.reg, pre)


def participle_hits(state: ArticleState, sent: str, mask: list[bool], hits: list[Hit]) -> None:
    """Add the hits of participle cues ("..., saying"), outside quotations, to ``hits``."""
    for m in PARTICIPLE_CUE.finditer(sent):
        if mask[m.start()]:
            continue
        people = any(not all(canonical_country(n) for n in names) for (names, _), _ in hits)  # not "India confirmed"
        res = _participle_subject(state, sent[: m.start()], people)
        if res:
            hits.append((res, m.group(0)))


def according_hits(state: ArticleState, sent: str) -> tuple[list[Hit], bool]:
    """ "according to X" and "a statement by X"; and whether "according to" cites an unnamed source."""
    hits: list[Hit] = []
    anonymous = False
    low = sent.lower()
    for m in ACCORDING_TO.finditer(sent) if "according" in low or "attributable" in low else ():
        source = noun_phrase(m.group("rest"))
        if SEEN_BY.search(source):
            anonymous = True  # an unnamed document, whoever saw it
            continue
        res = subject_of(state, source + " ", "", allow_appositive=False)
        if res:
            hits.append((res, "according to"))
        elif ANONYMOUS.search(source):
            anonymous = True
    for m in STATEMENT_BY.finditer(sent) if " by " in low else ():
        res = subject_of(state, noun_phrase(m.group("rest")) + " ", "", allow_appositive=False)
        if res:
            hits.append((res, m.group(0).split(" by")[0].strip()))
    return hits, anonymous


def consensus_hits(state: ArticleState, sent: str) -> list[Hit]:
    """ "It was agreed ...": the parties of the talks, the group last named together."""
    m = PASSIVE_CONSENSUS.search(sent)
    group = state.last_group or state.issuers
    if not m or len(group) < 2:
        return []
    names = [p.name for p in group]
    return [((names, f'"{m.group(0)}" → {", ".join(names)}'), m.group(0))]


def sentence_hits(state: ArticleState, sent: str, mask: list[bool]) -> tuple[list[Hit], bool]:
    """All cue hits of a sentence, in order, and whether it cites an unnamed source.

    ``mask`` says which characters of the sentence are quoted; it comes from the
    whole paragraph, as a quotation may span sentences ("... experts... It should
    not be politicised," said Mr Wang).
    """
    hits, anonymous = say_hits(state, sent, mask)
    participle_hits(state, sent, mask, hits)
    more, anonymous_according = according_hits(state, sent)
    return hits + more + consensus_hits(state, sent), anonymous or (anonymous_according and not hits)
