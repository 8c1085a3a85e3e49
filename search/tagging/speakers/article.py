"""An article read paragraph by paragraph: the steps put together.

For each paragraph: a transcript label (:mod:`.transcripts`), the people
named (:mod:`.mentions`), then sentence by sentence the speech cues and their
subjects (:mod:`.cues`, :mod:`.subjects`); a joint statement's issuers speak
throughout a statement article (:mod:`.statements`). After the last
paragraph, quotations that span paragraphs carry their speaker
(:mod:`.quotes`).
"""

from __future__ import annotations

from typing import NamedTuple

from ...text import sentence_spans
from ..countries import canonical_country
from .cues import Hit, sentence_hits
from .mentions import ArticleState, scan_names
from .patterns import FIRST_PERSON_PLURAL, GROUP_CONTEXT, JOINT_STATEMENT, SENTENCE_OPENING, STATEMENT_WORD
from .quotes import carry_quotations, quote_mask, starts_with_quote
from .registry import Mention, Person, is_leader
from .speeches import speech_giver
from .statements import prepare_statement
from .transcripts import transcript_turn


class Found(dict):
    """Speakers of a paragraph in order of discovery, each with the first evidence."""

    def add(self, names: list[str], why: str) -> None:
        for name in names:
            if canonical_country(name) or not name.strip():
                continue
            self.setdefault(name, why)


def _announced_by_unknown(state: ArticleState, names: list[str], cue: str) -> bool:
    """ "X announced" speaks only for a person; an announcing body or programme does not."""
    return cue.startswith(("announce", "is announcing")) and not any(p.name in names for p in state.reg.people)


def _sentence(state: ArticleState, sent: str, mask: list[bool], sent_persons: list[Person], found: Found) -> None:
    """The speakers of one sentence, added to ``found``; the state follows the sentence."""
    people = list(dict.fromkeys(sent_persons))
    titled = [p for p in people if p.roles]
    group = titled if len(titled) >= 2 else people  # "President X met Y": both, titled or not
    if len(group) >= 2 and GROUP_CONTEXT.search(sent):
        state.last_group = group[:4]
    hits, anonymous = sentence_hits(state, sent, mask)
    if JOINT_STATEMENT.search(sent):  # "In a joint statement, X and Y ...": its signers, named in full
        signers = [p for p in dict.fromkeys(sent_persons) if len(p.name.split()) > 1]
        if len(signers) >= 2:
            state.issuers = signers
            state.last_group = state.issuers
    if anonymous:  # the whole sentence is what an unnamed source said
        hits = [h for h in hits if h[1] in {"according to"}]
    for (names, why), cue in hits:
        if not _announced_by_unknown(state, names, cue):
            found.add(names, f'"{cue}" ← {why}')
            if state.issuers and set(names) & {p.name for p in state.issuers}:  # "said the joint text signed by X, Y"
                found.add([p.name for p in state.issuers], f'"{cue}" ← joint statement by {names[0]} and others')
    _remember_speaker(state, sent, hits)


def _remember_speaker(state: ArticleState, sent: str, hits: list[Hit]) -> None:
    """The sentence's first speakers are the ones "he", "they" and "it" may stand for next."""
    state.sentence_speakers = []
    for (names, _why), _cue in hits[:1]:
        state.sentence_speakers = names
        people = [p for p in state.reg.people if p.name in names]
        if people:
            state.last_speaker = people
            state.last_speaker_at = state.sentences_read
            if len(people) > 1:
                state.last_group = people
        elif len(names) == 1:
            state.last_body = names[0]
            state.last_body_at = state.sentences_read
        if STATEMENT_WORD.search(sent):
            state.statement_issuer = names


def _sentences(state: ArticleState, body: str, mentions: list[Mention], found: Found) -> None:
    state.earlier_sentences = []
    state.sentence_speakers = []
    mask = quote_mask(body)
    prev_s0 = 0
    for s0, s1 in sentence_spans(body):
        if s0:
            state.earlier_sentences.append([mm.person for mm in mentions if prev_s0 <= mm.start < s0])
        prev_s0 = s0
        state.sentences_read += 1
        _remember_subject(state, body, s0, [mm for mm in mentions if s0 <= mm.start < s1 and not mask[mm.start]])
        _sentence(state, body[s0:s1], mask[s0 : s1 + 1], [mm.person for mm in mentions if s0 <= mm.start < s1], found)


def _remember_subject(state: ArticleState, body: str, s0: int, mentions: list[Mention]) -> None:
    """A person named at the very start of a sentence is its subject ("Mr Liu repeated ...").

    Only people named outside quotations count: a quoted sentence ("If Trump ...,"
    he added) is the speaker's words, not a sentence about its subject."""
    if mentions and not SENTENCE_OPENING.sub("", body[s0 : mentions[0].start]):
        state.last_subject = (mentions[0].person, state.sentences_read)


def read_paragraph(state: ArticleState, text: str) -> tuple[Found, bool]:
    """The speakers of one paragraph with their evidence, and whether the paragraph is only a quote."""
    found = Found()
    body, turn = transcript_turn(state, text)
    for names, why in turn:
        found.add(names, why)
    if state.speech_giver and not turn and state.transcript_speaker is None:
        found.add([state.speech_giver.name], f"speech by {state.speech_giver.name} (the title)")
    mentions = scan_names(state.reg, body)
    state.text_so_far += "\n" + body
    state.persons_in_par.append(list(dict.fromkeys(mm.person for mm in mentions)))
    _sentences(state, body, mentions, found)
    if state.statement_article and state.issuers:  # the issuers speak in every paragraph
        names = [p.name for p in state.issuers]
        found.add(names, "joint statement issued by " + ", ".join(names))
    elif state.statement_article and state.issuer_body and FIRST_PERSON_PLURAL.search(body):
        found.add([state.issuer_body], f"joint statement in the first person by {state.issuer_body}")
    only_quote = starts_with_quote(text) and not found
    return found, only_quote


def _resolve_later(state: ArticleState, results: list[Found]) -> None:
    """A description that fitted no one when it spoke ("its Colombo envoy said") is the
    person it fits once the whole article is read (news leads name people later)."""
    for k, desc, text in state.unresolved:
        person = state.reg.by_description(desc)
        if person and 0 <= k < len(results):
            results[k].add([person.name], f'"{text}" → {person.name}, named later')


class SpeakerAnalysis(NamedTuple):
    speakers: list[Found]  # per paragraph
    leaders: list[list[tuple[str, str]]]  # (name, country) of the leaders each paragraph names


def tag_speakers(paragraphs: list[str], title: str = "") -> list[tuple[list[str], dict[str, str]]]:
    """Speakers and evidence for each paragraph of one article."""
    return [(list(found), dict(found)) for found in analyse_speakers(paragraphs, title).speakers]


def analyse_speakers(paragraphs: list[str], title: str = "", home: str | None = None):
    """The speakers of each paragraph (with their evidence) and the leaders it names.

    ``home`` is the country of the article's dateline: a leader introduced
    without a country ("Prime Minister Datuk Seri Anwar Ibrahim" in a
    PUTRAJAYA story) is that country's leader.
    """
    state = ArticleState(title)
    skip = prepare_statement(state, paragraphs)
    state.speech_giver = speech_giver(state)
    results: list[Found] = []
    only_quotes: list[bool] = []
    named: list[list[Person]] = []
    for k, text in enumerate(paragraphs):
        if k in skip:
            named.append([])
            results.append(Found())
            only_quotes.append(False)
            continue
        found, only_quote = read_paragraph(state, text)
        named.append(state.persons_in_par[-1])
        results.append(found)
        only_quotes.append(only_quote)
    carry_quotations(paragraphs, results, only_quotes, skip)
    _resolve_later(state, results)
    if home:
        for person in state.reg.people:
            if not person.country and is_leader(person):
                person.country = home
    leaders = [[(p.name, p.country) for p in persons if p.country and is_leader(p)] for persons in named]
    return SpeakerAnalysis(results, leaders)
