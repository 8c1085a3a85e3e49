"""The speaker tagger's regular expressions, each named for what it finds.

Word lists are in :mod:`.lexicon`; the cue patterns are built from them here.
"""

from __future__ import annotations

import re

from .lexicon import PARTICIPLE_VERBS, SAY_VERBS

# --------------------------------------------------------------------------- subjects of cues

# A clause set off by commas between a subject and its cue (", who also chairs the board,").
INSERTED_CLAUSE = re.compile(
    r",\s*(?:who|which|whose|also|currently|now|then|speaking|addressing|in|at|during|while|after|when|on|as|via|"
    r"through|with|along with|together with|accompanied by|whom|his|her|their|its|a|an|one|another)\b[^,]*,\s*$"
)
# A relative "who" right before a cue: the subject is the one named before it ("X, who said").
RELATIVE_WHO = re.compile(r",\s*who\s*(?:\b(?:also|has|had|have|later|earlier|then|previously)\s*)?$")
# Where the clause holding a cue's subject starts: punctuation or a conjunction.
CLAUSE_BREAK = re.compile(
    r"[,;:“”\"()—–]|\s-\s|\b(?:that|when|while|but|because|although|whereas|where|as|after|before|since|if|which|"
    r"who|and then|so)\b"
)
# Adverbs, auxiliaries and time phrases between a subject and its cue.
SUBJECT_FILLER = re.compile(
    r"\b(?:also|further|then|today|yesterday|tonight|earlier|later|again|once again|has|have|had|was|were|is|are|"
    r"will|would|could|should|may|might|can|shall|must|did|does|do|been|being|strongly|warmly|firmly|jointly|fully|"
    r"repeatedly|publicly|reportedly|previously|recently|subsequently|finally|however|themselves|himself|herself|"
    r"not|in turn|in response|on his part|on her part|for (?:his|her|their) part|this week|last week|this month|"
    r"last month|this morning|this afternoon|this evening|on \w+day|last \w+day|at the time|first|all|both also|"
    r"(?!(?:family|assembly|ally|supply|rally|monopoly|anomaly)\b)[a-z]+ly)\b"
)
# A footnote mark or a run of white space.
FOOTNOTE_OR_SPACE = re.compile(r"\(\d+\)|\s+")
# "X and other leaders": the companions after the subject.
TRAILING_COMPANIONS = re.compile(
    r"\s+(?:and|with)\s+(?:[\w’'-]+\s+){0,5}(?:leaders|officials|counterparts?|ministers|representatives|"
    r"delegations?|partners|members|executives)$"
)
# "X sought to", "X took the opportunity to" before a cue.
TRAILING_CONTROL_VERB = re.compile(
    r"\s+(?:tried|sought|wanted|went on|continued|proceeded|decided|moved|used the occasion|took the opportunity|"
    r"took the occasion)(?:\s+to)?$"
)
# A role in the plural ("the Secretary and Foreign Ministers").
PLURAL_ROLE = re.compile(r"(?i)(?:minister|secretar(?:ie)?|ambassador|envoy|leader|president|counterpart)s")
# "and" between two descriptions ("The Secretary and Foreign Minister").
JOINED = re.compile(r"\s+and\s+")
# An office joined to a named person at the start of a subject ("The Secretary and Foreign Minister Park").
DESCRIBED_PARTNER = re.compile(r"(?:^|[.;:]\s+)\s*[Tt]he\s+(?P<desc>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,4})\s+and\s+$")
# A person and the body they belong to ("Dr Anna Berg of the Oslo Institute", "Mr Lee from the ministry").
AFFILIATION = re.compile(
    r"^(?P<who>.+?)\s+(?:of|from|at)\s+(?:the\s+)?[A-Z][\w’'.&-]*(?:\s+(?:(?:of|for|and|on|&)\s+)?[A-Z][\w’'.&-]*)*$"
)
# A second verb of the same subject ("X discussed the talks, and reiterated ...").
CONJOINED_PREDICATE = re.compile(r"(?:,\s*|\s+)and\s+(?:also\s+|further\s+)?$")
# The subject opening a sentence (after an opening phrase such as "Additionally,"): capitalised
# words, with "the", "of", "and" between them.
SENTENCE_SUBJECT = re.compile(
    r"^[\s“”\"‘]*(?:[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,3},\s+)?(?P<subject>(?:(?:[Tt]he|of|for|and|[A-Z][\w’'.-]*)\s+)*?[A-Z][\w’'.-]*)"
    r"\s+(?:also\s+|further\s+|then\s+|later\s+)?[a-z]"
)
# A parenthesis.
PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
# A date in brackets after a day ("on Tuesday (Oct 6)"), as newspapers write it.
DATE_PARENTHESIS = re.compile(
    r"\s*\((?:Jan|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|Aug|Sept|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\)"
)
# Where the clause of a list of subjects ("X, Y and Z said") starts.
CHAIN_CLAUSE_BREAK = re.compile(
    r"[;:“”\"]|\b(?:that|when|while|but|because|although|whereas|where|after|before|since|if|which|who)\b"
)
# What may follow the last name of a list: spaces and a possessive.
POSSESSIVE_REST = re.compile(r"[\s’'s]*")
# What joins the names of a list of subjects (", ", " and his counterpart ").
CHAIN_JOIN = re.compile(
    r"\s*(?:,|,?\s*and|&|,?\s*as well as)\s*(?:(?:his|her|their|the)\s+)?(?:[A-Z][a-z]+\s+)?(?:counterpart|"
    r"colleague|host|guest|deputy)?\s*"
)
# Clause breaks used to find the subject leading the last clause.
LAST_CLAUSE_BREAK = re.compile(r"[;:,“”\"]|\b(?:when|while|after|as|because|but|and)\b")
# A group word ("both sides") governed by a name or preposition before it, so not a subject.
GROUP_AS_OBJECT = re.compile(
    r"[A-Z][a-z]+\s+[A-Z][a-z]+\s*$|\b(?:of|between|among|for|to|by)\s+(?:these\s+|those\s+|the\s+)?$"
)
# Group words that never stand for named people ("both men", "the two governments").
UNNAMED_GROUP = re.compile(r"\b(?:men|women|officials|governments|parties)\b")
# Group words that stand for heads of state or government only.
LEADERS_WORD = re.compile(r"\b(?:leaders|presidents|prime ministers|heads of state)\b")
# Words of a job title written after a name ("Lance Zuo, General Manager of HIPG").
APPOSITIVE_TITLE_WORD = re.compile(
    r"(?i)\b(?:of|minister|manager|director|officer|executive|chief|president|secretary|ambassador|commissioner|"
    r"envoy|chairman|head|spokes\w+|adviser|advisor|general|representative|founder|ceo|commercial|marketing|"
    r"researcher|fellow|analyst|professor|scholar|economist|expert|lawmaker|senator|diplomat|official|aide|"
    r"lecturer|editor)\b"
)
# An appositive title after a name (", the foreign minister").
APPOSITIVE_TITLE = re.compile(
    r"^,\s+(?!and\b|or\b|but\b)(?:the|a|an)?\s*((?:[\w’'-]+\s+){0,5}?(?:president|minister|ambassador|envoy|commissioner|secretary|"
    r"premier|chancellor|leader|spokesperson|spokesman|spokeswoman|governor|chairman|ceo|director|negotiator|"
    r"scholar|official|adviser|advisor|diplomat|professor|economist|analyst|counsellor|counselor)\b)",
    re.I,
)
# An honorific with its period, split from the name it precedes ("..., Ms. " before "Jane Doe").
TRAILING_HONORIFIC = re.compile(r"(?<=, )(?:Mr|Mrs|Ms|Dr|Prof|M)\.\s+$")
# An appositive title before a name, opening its clause ("Ruritania's ambassador to Freedonia, Mr Brandt").
PRECEDING_APPOSITIVE = re.compile(
    r"(?:^|[.;,]\s+|\s[-–—]\s+)(?:and\s+)?(?:(?:the|The|(?P<owner>[A-Z][\w-]*)(?:’s|'s))\s+)"
    r"((?:[\w’'-]+\s+){0,3}?(?:president|minister|ambassador|"
    r"envoy|commissioner|secretary|premier|chancellor|spokesperson|spokesman|spokeswoman|negotiator|diplomat)"
    r"(?:\s+(?:to|of|in)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?)?),\s+$",
    re.I,
)
# First or second person inside a quotation: the quoted speaker, not a third person.
FIRST_OR_SECOND_PERSON = re.compile(r"\b(?:I|we|We|you|You|our|Our|us)\b")
# An indefinite subject after an inverted cue ("said a diplomat", "said two officials").
INDEFINITE = re.compile(r"\s*(?:a|an|one|two|three|several|some)\b")
# A comma, semicolon or quotation mark.
PHRASE_BREAK = re.compile(r"[,;“”\"]")
# A comma.
COMMA = re.compile(r",")
# Text ending in a comma or semicolon (a participle after it has an earlier subject).
ENDS_WITH_COMMA = re.compile(r"[,;]\s*$")
# Adverbs between a comma and a participle cue (", only saying", ", again noting").
TRAILING_ADVERBS = re.compile(r"(?:\s+(?:[a-z]+ly|also|again|then|thus|thereby))+\s*$")
# Text ending in ", and".
ENDS_WITH_COMMA_AND = re.compile(r",\s*and\s*$")
# The end of a quotation right before an inverted cue ("...,” said X").
AFTER_QUOTE = re.compile(r"[”\"’,]\s*,?\s*$")

# --------------------------------------------------------------------------- bodies and acronyms

# A body named only by its kind ("the Ministry"): the last fuller name of that kind stands for it.
GENERIC_BODY = re.compile(
    r"(?i)ministry|embassy|consulate(?:-general)?|government|office|department|high commission|commission|council|"
    r"agency|division"
)
# What may come before a sentence's subject: space, quotation marks, a dateline dash.
SENTENCE_OPENING = re.compile(r"^[\s“”\"‘(]*|\b(?:Mr|Mrs|Ms|Dr)\.?\s*$")
# A leading article ("A Chilean Embassy").
LEADING_ARTICLE = re.compile(r"^(?:the|The|a|A|an|An)\s+")
# A leading "the".
LEADING_THE = re.compile(r"^(?:the|The)\s+")
# A capital letter.
CAPITAL = re.compile(r"[A-Z]")
# A possessive or a space (a body's name has more than one word).
POSSESSIVE_OR_SPACE = re.compile(r"’s|'s|\s")
# An acronym or a capitalised phrase ending the subject ("the WTO", "Hanwha Ocean").
TRAILING_ACRONYM_OR_NAME = re.compile(
    r"(?:^|\s)(?:the\s+|The\s+)?([A-Z][A-Z&]{1,7}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3})$"
)

# --------------------------------------------------------------------------- names

# Between the tokens of a capitalised sequence.
TOKEN_SPLIT = re.compile(r",?\s+")
# Initials ("J.", "U.S.").
INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
# One initial ("R.").
INITIAL = re.compile(r"^[A-Z]\.$")
# A hyphen and a word that makes a compound adjective ("Brussels-based", "China-backed"),
# not a name ("Moon Jae-in", "Prayut Chan-o-cha").
HYPHEN_LOWER = re.compile(
    r"-(?:based|backed|led|owned|born|style|made|run|funded|linked|era|bound|wide|level|"
    r"related|controlled|speaking|sponsored|focused|hosted|brokered|dominated|majority)\b"
)
# An acronym joined to a word ("ACT-Accelerator").
ACRONYM_COMPOUND = re.compile(r"[A-Z]{2,}-|-[A-Z]{2,}")
# An adverb ending in -ly that opens a sentence ("Simultaneously,", "Separately,").
ADVERB = re.compile(r"^[A-Z][a-z]{3,}ly$")
# A preposition of place right before a capitalised sequence.
PLACE_PREPOSITION = re.compile(r"\b(?:in|at|from|to|near|into|via|across|of)\s+(?:the\s+)?$")
# A word (lower-case title words before a name).
WORD = re.compile(r"[A-Za-z][\w’'-]*$")

# --------------------------------------------------------------------------- paragraphs, quotations and groups

# A quotation mark.
QUOTE_MARK = re.compile(r'[“”"]')
# A quotation in double quotes ("…" or “…”), or the end of one opened in an earlier sentence.
QUOTED = re.compile(r'“[^“”]*”|"[^"]*"(?!\S)|^[^“”"]*(?<=\S)[”"](?=[\s,.])')
# A paragraph opening with a quotation mark.
OPENS_WITH_QUOTE = re.compile(r"^\s*[“\"]")
# Words that put the people of a sentence together ("X met Y", "X and Y").
GROUP_CONTEXT = re.compile(r"\band\b|\bwith\b|\bbetween\b|\bmet\b|\bwelcomed\b|\bcounterpart")
# First person plural, the voice of a joint statement.
FIRST_PERSON_PLURAL = re.compile(r"\b(?:we|We|our|Our|us)\b")

# --------------------------------------------------------------------------- joint statements and transcripts

# A title naming a joint statement.
JOINT_STATEMENT_TITLE = re.compile(r"\bjoint statement\b|\bjoint declaration\b|\bjoint communiqu", re.I)
# A joint statement named in a sentence (its people become the issuers).
JOINT_STATEMENT = re.compile(r"\bjoint (?:statement|declaration|communiqu|text|letter)", re.I)
# "Joint Statement by/from/of X" in a title.
JOINT_STATEMENT_ISSUER = re.compile(
    r"\bjoint (?:statement|declaration|communiqu\S*)\s+(?:from|by|of)\s+(?:the\s+)?(.+)$", re.I
)
# "Leaders of ...": issuers named as a group.
LEADERS_OF = re.compile(r"(?i)leaders?\s+of\b")
# "Leaders" in an issuer's name.
LEADERS_CAPITALISED = re.compile(r"\bLeaders\b")
# Where an issuer's name ends in a title ("... on", "... :", a capitalised -ing word).
ISSUER_END = re.compile(
    r"\s+(?:on|at|in|regarding|concerning|following|after|to|for)\s+|\s*[:–—(]"
    r"|\s+[A-Z][a-z]{4,}ing\s+(?=[A-Z])"
)  # "the G7 Announcing Further Costs"
# Between the names of a signature line.
SIGNATURE_BREAK = re.compile(r"(?<=Jr\.)\s+|(?<=Sr\.)\s+|\s*;\s*")
# Transcript labels of no named speaker.
NON_SPEAKER_LABEL = re.compile(
    r"(?:MODERATOR|PARTICIPANT|AUDIENCE MEMBER|INTERPRETER|REPORTER|OPERATOR|QUESTION|STAFF|NARRATOR|AUDIENCE)S?"
)
# A time stamp line ending a transcript.
TIMESTAMP = re.compile(r"^\d{1,2}:\d{2}")

# A title naming the one who delivers a speech printed whole ("Speech by President X in the Rada",
# "Address of the Prime Minister X to the Nation", "X's address to Parliament").
SPEECH_TITLE = re.compile(
    r"^(?:(?:Full text|Transcript)(?: of)?\s*:?\s*)?(?:(?:video|keynote|opening|closing|welcoming|televised|inaugural|"
    r"new year|evening|annual)\s+)?(?:speech|address|remarks|statement|message|lecture)\s+(?:by|of|from)\s+(?P<who>.+)$"
    r"|^(?P<owner>[^’'\n]{3,80})[’']s\s+(?:video\s+|keynote\s+|opening\s+)?(?:speech|address|remarks|message|"
    r"lecture)\b",
    re.I,
)

# --------------------------------------------------------------------------- cues

# A negation right before a cue ("did not say").
NEGATED = re.compile(r"\b(?:not|never|n’t|n't|declined to|refused to)\s+(?:\w+ly\s+)?$")
# A determiner right before a cue word: a noun ("the claims were false", "his thanks"), not speech.
DETERMINER = re.compile(r"\b(?:the|a|an|these|those|his|her|its|their|our|my|your)\s+$", re.I)
# A passive auxiliary right before a cue ("was welcomed"): not speech.
PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$")


def _split_alternatives(alternation: str) -> list[str]:
    """The top-level alternatives of a regex alternation ("a|b(?:c|d)" → a, b(?:c|d))."""
    out, cur, depth, in_class, i = [], "", 0, False, 0
    while i < len(alternation):
        c = alternation[i]
        if c == "\\":
            cur += alternation[i : i + 2]
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(cur)
            cur, i = "", i + 1
            continue
        cur += c
        i += 1
    out.append(cur)
    return out


def _by_first_letter(alternation: str) -> str:
    """The same alternation grouped by first letter ("said|added|says" → s(?:aid|ays)|a(?:dded)).

    Alternatives that start with the same letter keep their order, and only one
    group can match at a position, so the regex matches exactly what the flat
    alternation matches (same text, same preferred alternative), but the engine
    rejects a word after one letter instead of trying every alternative.
    """
    groups: dict[str, list[str]] = {}
    for alt in _split_alternatives(alternation):
        if not alt or not alt[0].isalpha() or alt[1:2] in {"?", "*", "+", "{"}:
            return alternation  # not a plain literal first letter: keep it flat
        groups.setdefault(alt[0], []).append(alt[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


# Reporting verbs after their subject ("X said").
SAY_CUE = re.compile(rf"\b(?:{_by_first_letter(SAY_VERBS)})\b")
# Reporting participles ("..., saying").
PARTICIPLE_CUE = re.compile(rf"\b(?:{_by_first_letter(PARTICIPLE_VERBS)})\b")
# The content of a reporting verb whose own subject is a pronoun or a group, up to the
# next cue ("said [that] both sides agreed", "said whether he believes").
REPORTED_REFERENCE = re.compile(
    r"^\s*(?:that\s+|whether\s+|if\s+)?(?:[^;.,]*?\s)?(?:he|she|they|both sides|both leaders|the two sides|"
    r"the two leaders|both|it)\s+(?:\w+\s+){0,2}$"
)
# A meeting held for a stated purpose, up to its verb ("X met with Y in Rome to [reaffirm]").
MEETING_PURPOSE = re.compile(r"\b(?:met|meet|meets|held talks|spoke by phone|spoke by telephone)\b[^;:“”\"]*\bto\s+$")
# A verb before its subject after a quotation ('“...,” said X').
INVERTED_CUE = re.compile(
    r"^[\s,]*(?:said|says|added|adds|wrote|asked|noted|explained|stressed|replied|"
    r"continued|concluded|declared|recalled)\s+(?P<rest>.{0,160})"
)
# A position the parties of talks took together, in the passive ("It was agreed to continue contacts").
PASSIVE_CONSENSUS = re.compile(r"\b(?:[Ii]t was agreed|[Aa]n agreement was reached)\b")
# "according to X"; "The following is attributable to Spokesperson X:".
ACCORDING_TO = re.compile(r"\b(?:according|attributable) to\s+(?P<rest>.{0,160})", re.I)
# A document a news outlet has seen ("according to a memo seen by Reuters"): the outlet is not its source.
SEEN_BY = re.compile(r"\b(?:seen|obtained|reviewed)\s+by\b", re.I)
# "a statement issued by X", "in a readout by X".
STATEMENT_BY = re.compile(
    r"\b(?:a|the|in a|in an|an)\s+(?:joint\s+|press\s+|media\s+|official\s+|separate\s+)?"
    r"(?:statement|release|readout|communiqu[eé]|post|message|letter|tweet)\s+"
    r"(?:issued\s+|released\s+|posted\s+)?by\s+(?P<rest>.{0,160})",
    re.I,
)

# --------------------------------------------------------------------------- mentions

# Unnamed sources ("officials", "people familiar"): no speaker.
ANONYMOUS = re.compile(
    r"\b(?:sources?|officials?|people|persons?|person|experts?|analysts?|advisers?|advisors?|"
    r"observers?|critics?|reports?|diplomats?|insiders?|residents?|witnesses|aides?|"
    r"spokes(?:man|woman|person|people)|representatives?|lawmakers|legislators|someone|"
    r"others|many|some|media|reporters|journalists|documents?|data|figures|statistics|"
    r"studies|study|survey|polls?|release|media release|press release)\b",
    re.I,
)
# A body named in the plural, whom "they" and "the ministers" can stand for ("Asean foreign ministers").
PLURAL_BODY = re.compile(r"(?i)\b(?:ministers|leaders|members|governments|delegations|parties)$")
# Groups that stand for people named before ("both leaders", "the two sides").
GROUP = re.compile(
    r"\b(?:both|the two|two|the three|three|the four|four|the|all|these|those)\s+(?:leaders|sides|parties|ministers|"
    r"presidents|prime ministers|heads of state|foreign ministers|delegations|counterparts|"
    r"dignitaries|officials|governments|men|women)\b|\bthe leaders\b|\bthe presidents\b|"
    r"\bboth\b(?=\s+(?:also|further|then|have|had|agreed|expressed|emphasi|underscored|"
    r"noted|welcomed|reaffirmed|stressed|highlighted|discussed|acknowledged|recogni))",
    re.I,
)
# An unnamed spokesperson of a body or person ("a US Embassy spokesman in Beijing", "Johnson's spokesman").
SPOKESPERSON = re.compile(
    r"^(?:(?:a|an|the|A|An|The)\s+)?(?P<owner>.+?)\s+spokes(?:man|woman|person)(?:\s+(?:in|at|for)\s+[A-Z][\w’'-]*)?$"
)
# A statement or release named as the medium of a cue ("said in a statement").
STATEMENT_WORD = re.compile(r"\b(?:statement|press release|media release|readout|communiqu[eé])\b", re.I)
# A statement speaking ("the statement read", "It added").
STATEMENT_REF = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:joint\s+)?(?:statement|communiqu[eé]|declaration|readout|"
    r"release|document|text)\b|^\s*it\b|^\s*It\b",
)
# A person described by role ("the foreign minister", "Malaysia's envoy to the UN").
DESCRIPTION = re.compile(
    r"(?:\b(?:the|The|THE|its|Its)\s+|(?P<owner>\b[A-Z][\w]+(?:\s[A-Z][\w]+)?(?:’s|'s))\s+)(?P<desc>(?:(?:[A-Z][\w’'.-]*|"
    r"new|former|visiting|outgoing|incoming|"
    r"foreign|trade|defence|defense|prime|vice|deputy|high|chief|top|senior|state|special|"
    r"[a-z]+-?)\s+){0,4}?(?:president|minister|ambassador|envoy|commissioner|secretary|premier|"
    r"chancellor|king|queen|prince|emir|sultan|leader|spokesperson|spokesman|spokeswoman|"
    r"governor|chairman|chairperson|ceo|director|director-general|diplomat|counsellor|"
    r"counselor|negotiator|mayor|senator|general|admiral|commander|adviser|advisor|"
    r"coordinator|professor|economist|consul|President|Minister|Ambassador|Envoy|"
    r"Commissioner|Secretary|Premier|Chancellor|King|Queen|Prince|Emir|Sultan|Leader|"
    r"Spokesperson|Spokesman|Governor|Chairman|CEO|Director|Director-General|Negotiator|FM|PM))\b"
    r"(?P<tail>\s+(?:of|to|in)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?)?"
)
# Forums of states, whose leaders or ministers speak together ("G7 Leaders", "Asean foreign ministers").
_FORUM = (
    r"(?:G7|G-7|G8|G20|G-20|ASEAN|Asean|EU|European Union|NATO|Nato|BRICS|Brics|Quad|SCO|APEC|Apec|OSCE|CSTO|"
    r"African Union|AU|Arab League|Commonwealth|GCC|CELAC|Mercosur|ASEAN Plus Three|Asean Plus Three|EAEU|CIS)"
)
# A body as a subject ("the Ministry of Foreign Affairs", "the Kremlin").
ORG_SUBJECT = re.compile(
    r"(?P<org>(?:(?:the|The)\s+)?(?:(?:[A-Z][\w’'.&-]*(?:’s|'s)?|foreign|commerce|trade|defen[cs]e|finance|"
    r"health|external|home|interior|information|agriculture|education|energy|state|federal|"
    r"central|national|military|presidential|president’s|president's|media)\s+){0,6}"
    r"(?:[Mm]inistry|[Dd]epartment|[Oo]ffice|[Dd]ivision|[Ee]mbassy|[Cc]onsulate(?:-[Gg]eneral)?|[Hh]igh [Cc]ommission|"
    r"[Gg]overnment|[Cc]ouncil|[Cc]ommittee|[Aa]gency|[Cc]ommission|[Ss]ecretariat|"
    r"[Aa]dministration|[Bb]ureau|[Aa]uthority|[Aa]uthorities|[Cc]abinet|[Pp]residency|Kremlin|Pentagon|"
    r"White House|Taliban|Hamas|Hezbollah|[Ff]oreign [Mm]inistry|[Mm]inistry of [A-Z][\w’'-]*"
    r"(?:\s+(?:and|of|&)?\s*[A-Z][\w’'-]*)*|[Dd]epartment of [A-Z][\w’'-]*(?:\s+(?:and|of|&)?\s*[A-Z][\w’'-]*)*|"
    r"[Oo]ffice of (?:the\s+)?[A-Z][\w’'-]*(?:\s+(?:and|of|&)?\s*[A-Z][\w’'-]*)*|"
    r"[Mm]edia [Dd]ivision|[Mm]edia [Uu]nit|[Mm]edia [Cc]entre|[Ss]tate [Dd]epartment|"
    rf"{_FORUM}\s+(?:[Ll]eaders|[Ff]oreign [Mm]inisters|[Mm]inisters|[Hh]eads of [Ss]tate(?: and [Gg]overnment)?|"
    r"[Mm]ember [Ss]tates|[Mm]ember [Cc]ountries|[Cc]ountries|[Nn]ations|[Mm]embers|[Pp]artners|[Aa]llies)|"
    r"[Uu]nited [Nn]ations|UN|U\.N\.|[Ee]uropean [Uu]nion|EU|NATO|ASEAN|Quad(?: [Ll]eaders)?|G7|G-7|G20|"
    r"[Pp]olice|[Aa]rmy|[Nn]avy|[Mm]ilitary|[Aa]rmed [Ff]orces|[Cc]entral [Bb]ank|IMF|World Bank)\b"
    r"(?:\s+(?:of|for|in)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+(?:(?:and|of|&)\s+)?[A-Z][\w’'-]*)*)?)"
)

# --------------------------------------------------------------------------- names

# One capitalised word or initials.
_CAP = r"(?:[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z][\w’'\-]*[\w]|[A-Z])"
# Lower-case particles inside names ("bin", "van").
_CONNECT = r"(?:bin|binti|bt|al|el|de|da|di|van|von|der|den|del|la|le|dos|das|du|ibn|abu|bte)"
# Capitalised words that start a sentence and are never inside a name ("Washington, D.C. As we…")
_SENTENCE_WORD = (
    r"(?:As|The|In|On|At|We|It|This|That|These|Those|But|And|When|While|With|After|"
    r"Before|For|Our|If|Since|Today)\s"
)
# A capitalised sequence: a name with its titles ("Prime Minister Datuk Seri Anwar Ibrahim").
NAME_SEQUENCE = re.compile(rf"{_CAP}(?:(?:,\s+(?=(?:Jr|Sr)\b)|\s+)(?:{_CONNECT}\s+){{0,2}}(?!{_SENTENCE_WORD}){_CAP})*")
# A transcript label opening a paragraph: "PRESIDENT BIDEN: ...", "PRESIDENT FERNÁNDEZ: ...",
# "President of Russia Vladimir Putin: ...", with a translation note ("(retranslated) :").
TRANSCRIPT_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w.’'\- ]{0,150}?)\s*(?:\((?:retranslated|translated|via interpreter|through an interpreter|"
    r"as interpreted|in English)\)\s*)?:\s*(?P<rest>.*)$",
    re.S,
)
# A word of a mixed-case label: capitalised, or a particle of a title or name ("of", "the", "bin").
LABEL_WORD = re.compile(
    r"^(?:[^\W\d_a-z][\w.’'\-]*|of|the|and|for|bin|binti|al|el|de|da|van|von|der|del|la|le|du|ibn|abu)$"
)
# A reporter's question in a transcript ("Q  Mr. President, ...", "Q: ...").
QUESTION_TURN = re.compile(r"^Q(?:\s*:|\s+(?=[\W\dA-Z]))")
# A stage direction, entirely in brackets ("(Laughter.)", "[The agreement is signed.]").
STAGE_DIRECTION = re.compile(r"^\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$")

# The noun phrase at the start of a text: up to a clause word or punctuation.
_NOUN_PHRASE_END = (
    r"[;:“”\"()]|\.\s|\.$|\s(?:who|which|that|on|in|at|during|when|while|after|as|and\s+(?:added|said))\s"
)
NOUN_PHRASE_END = re.compile(_NOUN_PHRASE_END)
NOUN_PHRASE_END_OR_COMMA = re.compile(r"," + "|" + _NOUN_PHRASE_END)

# --------------------------------------------------------------------------- signatures

# A word of a signature line ("Joseph R. Biden, Jr.").
SIGNATURE_WORD = re.compile(r"^(?:[A-Z][\w’'\-]*[.,]?|[A-Z]\.,?|Jr\.?,?|Sr\.?,?)$")
# A date alone on a line, ending a statement.
DATE_LINE = re.compile(
    r"^(?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+day,? [A-Z][a-z]+ \d{1,2},? \d{4})\.?$"
)
