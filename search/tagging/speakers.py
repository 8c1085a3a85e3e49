"""Speaker tagging: who is quoted or reported in each paragraph of an article.

Works article by article, because speakers are resolved across paragraphs:

* names are collected with their titles (``Prime Minister Datuk Seri Anwar
  Ibrahim`` → person ``Anwar Ibrahim`` with role "prime minister"), and later
  mentions (surname, "he", "the minister", "the Sri Lankan envoy", "both
  leaders", "the two sides") are mapped back to them;
* a speech cue ("said", "stressed", "according to", "the statement read",
  "X, the foreign minister, said") is attributed to the subject in front of it;
* a joint statement is spoken by each of its issuers, in every paragraph that
  quotes it ("the statement read", "It added");
* White House transcripts (``PRESIDENT BIDEN:``) give the label's person for
  the lines that follow, until the next label;
* a quotation left open at the end of a paragraph carries its speaker over to
  the next paragraph (and back from the paragraph where it is attributed);
* bodies speak when no person is named ("the Ministry of Foreign Affairs
  said"); anonymous sources ("officials said") give no speaker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..text import ABBREVIATIONS, fold, sentence_spans
from .countries import canonical_country

# precompiled patterns of the inline regexes below (same patterns, compiled once)
_RX2 = re.compile(r"[;:,“”\"]|\b(?:when|while|after|as|because|but|and)\b")
_RX3 = re.compile(r"[,;:“”\"()—–]|\s-\s|\b(?:that|when|while|but|because|although|whereas|where|as|after|before|since|if|which|who|and then|so)\b")
_RX4 = re.compile(r"\b(?:also|further|then|today|yesterday|tonight|earlier|later|again|once again|has|have|had|was|were|is|are|will|would|could|should|may|might|can|shall|must|did|does|do|been|being|strongly|warmly|firmly|jointly|fully|repeatedly|publicly|reportedly|previously|recently|subsequently|finally|however|themselves|himself|herself|not|in turn|in response|on his part|on her part|for (?:his|her|their) part|this week|last week|this month|last month|this morning|this afternoon|this evening|on \w+day|at the time|first|all|both also|[a-z]+ly)\b")
_RX5 = re.compile(r"\s+(?:and|with)\s+(?:[\w’'-]+\s+){0,5}(?:leaders|officials|counterparts?|ministers|representatives|delegations?|partners|members|executives)$")
_RX6 = re.compile(r"\s+(?:tried|sought|wanted|went on|continued|proceeded|decided|moved|used the occasion|took the opportunity|took the occasion)(?:\s+to)?$")
_RX7 = re.compile(r"(?:^|\s)(?:the\s+|The\s+)?([A-Z][A-Z&]{1,7}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3})$")
_RX8 = re.compile(r'[“”"]')
_RX9 = re.compile(r"\bjoint (?:statement|declaration|communiqu\S*)\s+(?:from|by|of)\s+(?:the\s+)?(.+)$", re.I)
_RX10 = re.compile(r"-[a-z]")
_RX11 = re.compile(r",?\s+")
_RX12 = re.compile(r"^(?:[A-Z]\.)+$")
_RX13 = re.compile(r"\bjoint statement\b|\bjoint declaration\b|\bjoint communiqu", re.I)
_RX14 = re.compile(r"^,\s+(?:the|a|an)?\s*((?:[\w’'-]+\s+){0,5}?(?:president|minister|ambassador|envoy|commissioner|secretary|premier|chancellor|leader|spokesperson|spokesman|spokeswoman|governor|chairman|ceo|director|negotiator|scholar|official|adviser|advisor|diplomat|professor|economist|analyst|counsellor|counselor)\b)", re.I)
_RX15 = re.compile(r"[\s’'s]*")
_RX16 = re.compile(r"\s*(?:,|,?\s*and|&|,?\s*as well as)\s*(?:(?:his|her|their|the)\s+)?(?:[A-Z][a-z]+\s+)?(?:counterpart|colleague|host|guest|deputy)?\s*")
_RX17 = re.compile(r",\s*(?:who|which|whose|also|currently|now|then|speaking|addressing|in|at|during|while|after|when|on|as|via|through|with|along with|together with|accompanied by|whom|his|her|their|its|a|an|one|another)\b[^,]*,\s*$")
_RX18 = re.compile(r"\b(?:men|women|officials|governments|parties)\b")
_RX19 = re.compile(r"[;:“”\"]|\b(?:that|when|while|but|because|although|whereas|where|after|before|since|if|which|who)\b")
_RX20 = re.compile(r"\bjoint (?:statement|declaration|communiqu)", re.I)
_RX21 = re.compile(r"(?<=Jr\.)\s+|(?<=Sr\.)\s+|\s*;\s*")
_RX22 = re.compile(r"^\s*[“\"]")
_RX25 = re.compile(r"\b(?:in|at|from|to|near|into|via|across|of)\s+(?:the\s+)?$")
_RX26 = re.compile(r"\(\d+\)|\s+")
_RX27 = re.compile(r"[A-Z][a-z]+\s+[A-Z][a-z]+\s*$|\b(?:of|between|among|for|to|by)\s+(?:these\s+|those\s+|the\s+)?$")
_RX28 = re.compile(r"\s*\([^()]*\)")
_RX29 = re.compile(r"(?i)ministry|embassy|government|office|department|high commission|commission|council|agency|division")
_RX30 = re.compile(r"^the\s+")
_RX31 = re.compile(r"(?:MODERATOR|PARTICIPANT|AUDIENCE MEMBER|INTERPRETER|REPORTER|OPERATOR|QUESTION|STAFF|NARRATOR|AUDIENCE)S?")
_RX51 = re.compile(r"\b(?:leaders|presidents|prime ministers|heads of state)\b")
_RX52 = re.compile(r"[A-Z]{2,}-|-[A-Z]{2,}")
_RX32 = re.compile(r"\band\b|\bwith\b|\bbetween\b|\bmet\b|\bwelcomed\b|\bcounterpart")
_RX33 = re.compile(r"[”\"’,]\s*,?\s*$")
_RX34 = re.compile(r",\s*and\s*$")
_RX35 = re.compile(r"\b(?:we|We|our|Our|us)\b")
_RX36 = re.compile(r"(?i)leaders?\s+of\b")
_RX37 = re.compile(r"\bLeaders\b")
_RX38 = re.compile(r"^(?:the|The)\s+")
_RX39 = re.compile(r"[A-Z]")
_RX40 = re.compile(r"’s|'s|\s")
_RX41 = re.compile(r"^\d{1,2}:\d{2}")
_RX42 = re.compile(r"\b(?:I|we|We|you|You|our|Our|us)\b")
_RX43 = re.compile(r"[,;]\s*$")
_RX44 = re.compile(r"\s+(?:on|at|in|regarding|concerning|following|after|to|for)\s+|\s*[:–—(]"
                   r"|\s+[A-Z][a-z]{4,}ing\s+(?=[A-Z])")  # "the G7 Announcing Further Costs"
_RX45 = re.compile(r"[A-Za-z][\w’'-]*$")
_RX46 = re.compile(r",")
_RX47 = re.compile(r"\s*(?:a|an|one|two|three|several|some)\b")
_RX48 = re.compile(r"^[A-Z]\.$")
_RX49 = re.compile(r"(?i)\b(?:of|minister|manager|director|officer|executive|chief|president|secretary|ambassador|commissioner|envoy|chairman|head|spokes\w+|adviser|advisor|general|representative|founder|ceo|commercial|marketing)\b")
_RX50 = re.compile(r"[,;“”\"]")

# --------------------------------------------------------------------------- words

HONORIFICS = {
    "mr", "mrs", "ms", "miss", "madam", "madame", "dr", "prof", "professor", "sir", "dame",
    "datuk", "dato", "dato'", "dato’", "datin", "seri", "sri", "tan", "tun", "toh", "puan",
    "haji", "hajah", "hon", "honourable", "honorable", "he", "h.e", "his", "her", "excellency",
    "majesty", "highness", "royal", "rt", "right", "lord", "lady", "shri", "smt", "ven",
    "venerable", "rev", "reverend", "most", "sheikh", "shaikh", "engr", "eng", "mp",
}
TITLE_WORDS = {
    "president", "vice", "prime", "minister", "ministers", "deputy", "foreign", "secretary",
    "general", "ambassador", "ambassador-designate", "high", "commissioner", "envoy", "special",
    "chairman", "chairperson", "chairwoman", "chair", "ceo", "founder", "co-founder", "director",
    "director-general", "governor", "senator", "sen", "rep", "representative", "congressman",
    "congresswoman", "king", "queen", "prince", "princess", "crown", "emir", "amir", "sultan",
    "chancellor", "premier", "admiral", "gen", "lt", "lieutenant", "col", "colonel", "major",
    "maj", "captain", "capt", "commander", "chief", "spokesperson", "spokesman", "spokeswoman",
    "press", "officer", "counselor", "counsellor", "coordinator", "adviser", "advisor", "national",
    "security", "state", "affairs", "external", "trade", "defence", "defense", "energy", "health",
    "finance", "commerce", "justice", "home", "interior", "education", "agriculture", "tourism",
    "transport", "industry", "investment", "economic", "development", "cabinet", "leader", "head",
    "assistant", "undersecretary", "under", "permanent", "executive", "member", "acting", "former",
    "first", "lady", "senior", "new", "outgoing", "incoming", "designate", "consul", "attaché",
    "attache", "charge", "chargé", "d'affaires", "negotiator", "mayor", "speaker", "opposition",
    "pm", "fm", "ag", "cj", "justice", "judge", "inspector", "superintendent", "marshal",
    "commodore", "brigadier", "air", "vice-president", "vice-admiral", "rear", "field",
    "professor", "lecturer", "economist", "analyst", "expert", "scholar", "author", "editor",
    "official", "officials", "delegate", "delegation", "team", "lead", "of", "the", "and", "for",
    "to", "in", "u.s.", "us", "un", "indo-pacific", "dy", "sec", "secy", "gov", "pres", "amb",
    "hc", "mr.", "dr.", "ms.", "mrs.", "prof.", "st",
}
# words that make a capitalised phrase an organisation, document, place or event
ORG_WORDS = {
    "ministry", "ministries", "department", "office", "division", "embassy", "commission",
    "government", "council", "committee", "agency", "bank", "university", "institute",
    "institution", "association", "party", "alliance", "group", "forum", "summit", "initiative",
    "partnership", "programme", "program", "agreement", "treaty", "act", "corporation", "company",
    "limited", "ltd", "plc", "inc", "club", "foundation", "centre", "center", "authority",
    "board", "bureau", "secretariat", "court", "parliament", "assembly", "congress", "senate",
    "army", "navy", "force", "forces", "police", "port", "city", "airport", "hotel", "house",
    "palace", "hall", "street", "road", "province", "district", "region", "island", "islands",
    "sea", "ocean", "strait", "gulf", "river", "north", "south", "east", "west", "day", "week",
    "year", "statement", "declaration", "strategy", "plan", "fund", "facility", "network",
    "system", "consortium", "chamber", "union", "organization", "organisation", "nations",
    "states", "republic", "kingdom", "federation", "coalition", "dialogue", "conference",
    "convention", "framework", "zone", "project", "projects", "task", "review", "times", "post",
    "pledge", "process", "accord", "accords", "meeting", "meetings", "award", "compact", "charter",
    "roadmap", "mechanism", "corridor", "shield", "transformation",
    "news", "media", "press", "television", "tv", "radio", "airline", "airlines", "airways",
    "services", "service", "school", "college", "academy", "stadium", "temple", "church",
    "mosque", "museum", "centre", "world", "global", "international", "asia", "africa", "europe",
    "america", "pacific", "atlantic", "middle", "indo", "mission", "cooperation", "relations",
    "economy", "fellowship", "vaccine", "covid-19", "working", "administration", "cabinet",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "capitol", "kremlin", "pentagon", "white", "dome", "exercise",
}
# capitalised words that start sentences and are never names
STOP_CAPS = {
    "the", "a", "an", "in", "on", "at", "during", "after", "before", "while", "when", "as",
    "meanwhile", "however", "today", "yesterday", "both", "this", "that", "these", "those",
    "it", "its", "he", "she", "they", "we", "i", "our", "their", "his", "her", "my", "you",
    "your", "also", "further", "furthermore", "moreover", "additionally", "accordingly",
    "according", "speaking", "addressing", "with", "from", "by", "for", "to", "of", "and",
    "but", "or", "if", "since", "until", "through", "among", "amid", "amidst", "following",
    "last", "next", "earlier", "later", "there", "here", "what", "which", "who", "whom",
    "whose", "where", "why", "how", "all", "some", "many", "several", "two", "three", "one",
    "every", "each", "other", "another", "such", "thank", "thanks", "congratulations", "yes",
    "no", "not", "so", "then", "now", "well", "let", "q", "end", "said", "says", "several",
    "over", "under", "under-secretary", "recognising", "recognizing", "building", "given",
    "noting", "together", "going", "looking", "madam", "sir", "ladies", "gentlemen", "excellencies",
    "dear", "good", "great", "thank you", "please", "just", "again", "once", "about", "into",
    "upon", "via", "within", "without", "regarding", "despite", "besides", "including",
    "former", "new", "pm", "fm", "envoy", "fact", "sheet", "remarks", "readout", "joint",
    "yet", "afterward", "afterwards", "some", "still", "even", "only", "instead", "indeed",
    "thus", "hence", "therefore", "nevertheless", "nonetheless", "otherwise", "likewise",
    "similarly", "finally", "first", "second", "third", "lastly", "overall", "currently",
    "recently", "previously", "separately", "specifically", "notably", "importantly",
    "speaking", "asked", "responding", "commenting", "having", "being", "while", "whereas",
    "unlike", "like", "apart", "along", "around", "across", "behind", "beyond", "near",
    "another", "most", "more", "much", "any", "no", "none", "both", "either", "neither",
    "everyone", "anyone", "nobody", "his", "mr.", "dear", "opening", "closing", "welcoming",
    "guest", "guests", "staff", "management", "resources", "decision", "resolution", "roadmap",
    "independence", "moderator", "participants", "audience", "delegates", "honour", "honor",
}

SAY_VERBS = (
    "said|says|say|stated|told|tells|added|adds|noted|stressed|stresses|quoted as saying|read|reads|"
    "emphasi[sz]ed|emphasi[sz]es|underlined|underlines|underscored|underscores|highlighted|"
    "highlights|expressed|expresses|remarked|explained|explains|observed|pointed out|"
    "points out|mentioned|mentions|urged|urges|called for|calls for|called on|calls on|"
    "welcomed|welcomes|reaffirmed|reaffirms|reaffirm|reiterated|reiterates|affirmed|affirms|affirm|"
    "acknowledged|acknowledges|agreed|recogni[sz]ed|recogni[sz]es|recogni[sz]e|"
    "thanked|thanks|congratulated|congratulates|greeted|requested|requests|assured|assures|"
    "informed|briefed|declared|declares|warned|warns|wrote|writes|"
    "tweeted|posted|appreciated|appreciates|commended|commends|commend|praised|praises|applauded|"
    "applauds|lauded|conveyed|conveys|proposed|proposes|suggested|suggests|recalled|recalls|"
    "believes|believed|believe|hoped|hopes|asked|asks|insisted|insists|argued|argues|claimed|"
    "claims|accused|accuses|denied|denies|rejected|rejects|condemned|condemns|condemn|pledged|"
    "pledges|pledge|promised|promises|vowed|vows|wished|wishes|sought|seeks|outlined|outlines|"
    "showcased|reflected|confirmed|confirms|clarified|indicated|indicates|revealed|"
    "reveals|disclosed|testified|testifies|replied|responded|answered|commented|cautioned|"
    "reassured|encouraged|encourages|emphasised|reiterate|emphasi[sz]e|"
    "underscore|denounced|announced|announces|is announcing|spoke of|spoke about|issued statements?|issued a statement|sent greetings|"
    "sent a message|conveyed|extended greetings|extended congratulations|joined [\\w\\s]{0,40}? in congratulating|"
    "described|describes|raised|bragged|referred|signalled|signaled|opined|contended|predicted|"
    "stated|addressed|delivered|elaborated|enlightened|assailed|slammed|criticised|criticized|"
    "questioned|demanded|demands|appealed|appeals|reported|reports|resolve|resolved|"
    "reached an understanding|identified|recommit|apologi[sz]ed|look forward|looks forward|suggest|"
    "looked forward|regret|regrets|regretted|opposes|opposed|"
    "emphasized|affirmed|announced that|announces that|announce that|announced on|announced in"
)
PARTICIPLE_VERBS = (
    "saying|adding|noting|stating|stressing|emphasi[sz]ing|underlining|underscoring|highlighting|"
    "expressing|urging|calling for|welcoming|reaffirming|reiterating|affirming|acknowledging|"
    "recogni[sz]ing|thanking|congratulating|greeting|requesting|assuring|announcing|warning|"
    "citing|describing|explaining|pointing out|mentioning|pledging|promising|vowing|insisting|"
    "arguing|claiming|accusing|denying|rejecting|condemning|referring|recalling|telling|"
    "encouraging|inviting|proposing|suggesting|wishing|praising|commending|applauding|"
    "conveying|reflecting"
)
_NEGATED = re.compile(r"\b(?:not|never|n’t|n't|declined to|refused to)\s+(?:\w+ly\s+)?$")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$")


def _split_alternatives(alternation: str) -> list[str]:
    """The top-level alternatives of a regex alternation ("a|b(?:c|d)" → a, b(?:c|d))."""
    out, cur, depth, in_class, i = [], "", 0, False, 0
    while i < len(alternation):
        c = alternation[i]
        if c == "\\":
            cur += alternation[i:i + 2]
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


_SAY = re.compile(rf"\b(?:{_by_first_letter(SAY_VERBS)})\b")
_PART = re.compile(rf"\b(?:{_by_first_letter(PARTICIPLE_VERBS)})\b")
_INVERTED = re.compile(
    r"^[\s,]*(?:said|says|added|adds|told|wrote|asked|noted|explained|stressed|replied|"
    r"continued|concluded|declared|recalled)\s+(?P<rest>.{0,160})"
)
_ACCORDING = re.compile(r"\baccording to\s+(?P<rest>.{0,160})", re.I)
_STATEMENT_BY = re.compile(
    r"\b(?:a|the|in a|in an|an)\s+(?:joint\s+|press\s+|media\s+|official\s+|separate\s+)?"
    r"(?:statement|release|readout|communiqu[eé]|post|message|letter|tweet)\s+"
    r"(?:issued\s+|released\s+|posted\s+)?by\s+(?P<rest>.{0,160})",
    re.I,
)

ANONYMOUS = re.compile(
    r"\b(?:sources?|officials?|people|persons?|person|experts?|analysts?|advisers?|advisors?|"
    r"observers?|critics?|reports?|diplomats?|insiders?|residents?|witnesses|aides?|"
    r"spokes(?:man|woman|person|people)|representatives?|lawmakers|legislators|someone|"
    r"others|many|some|media|reporters|journalists|documents?|data|figures|statistics|"
    r"studies|study|survey|polls?|release|media release|press release)\b",
    re.I,
)
GROUP = re.compile(
    r"\b(?:both|the two|two|the|all|these|those)\s+(?:leaders|sides|parties|ministers|"
    r"presidents|prime ministers|heads of state|foreign ministers|delegations|counterparts|"
    r"dignitaries|officials|governments|men|women)\b|\bthe leaders\b|\bthe presidents\b|"
    r"\bboth\b(?=\s+(?:also|further|then|have|had|agreed|expressed|emphasi|underscored|"
    r"noted|welcomed|reaffirmed|stressed|highlighted|discussed|acknowledged|recogni))",
    re.I,
)
STATEMENT_REF = re.compile(
    r"\b(?:the|this|that)\s+(?:joint\s+)?(?:statement|communiqu[eé]|declaration|readout|"
    r"release|document|text)\b|^\s*it\b|^\s*It\b",
)
PRONOUN_SING = re.compile(r"^(?:he|she|He|She)$")
PRONOUN_PLUR = re.compile(r"^(?:they|They|we|We)$")

ROLE_HEADS = {
    "president", "minister", "ambassador", "envoy", "commissioner", "secretary", "premier",
    "chancellor", "king", "queen", "prince", "emir", "sultan", "leader", "spokesperson",
    "spokesman", "spokeswoman", "governor", "chairman", "chairperson", "chair", "ceo", "director",
    "director-general", "head", "diplomat", "counsellor", "counselor", "negotiator", "mayor",
    "senator", "general", "admiral", "commander", "official", "adviser", "advisor", "coordinator",
    "professor", "economist", "analyst", "consul", "chief", "representative",
}
ROLE_SYNONYMS = {
    "fm": {"fm", "minister"},
    "pm": {"pm", "minister"},
    "envoy": {"ambassador", "commissioner", "envoy", "diplomat", "consul"},
    "ambassador": {"ambassador", "envoy"},
    "diplomat": {"ambassador", "commissioner", "envoy", "diplomat", "consul"},
    "minister": {"minister", "secretary"},
    "leader": {"president", "premier", "minister", "chancellor", "king", "leader", "emir", "sultan"},
    "premier": {"premier", "minister"},
}
DESCRIPTION = re.compile(
    r"(?:\b(?:the|The|THE)\s+|(?P<owner>\b[A-Z][\w]+(?:\s[A-Z][\w]+)?(?:’s|'s))\s+)(?P<desc>(?:(?:[A-Z][\w’'.-]*|new|former|visiting|outgoing|incoming|"
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
ORG_SUBJECT = re.compile(
    r"(?P<org>(?:(?:the|The)\s+)?(?:(?:[A-Z][\w’'.&-]*(?:’s|'s)?|foreign|commerce|trade|defen[cs]e|finance|"
    r"health|external|home|interior|information|agriculture|education|energy|state|federal|"
    r"central|national|military|presidential|president’s|president's|media)\s+){0,6}"
    r"(?:[Mm]inistry|[Dd]epartment|[Oo]ffice|[Dd]ivision|[Ee]mbassy|[Hh]igh [Cc]ommission|"
    r"[Gg]overnment|[Cc]ouncil|[Cc]ommittee|[Aa]gency|[Cc]ommission|[Ss]ecretariat|"
    r"[Aa]dministration|[Bb]ureau|[Aa]uthority|[Cc]abinet|[Pp]residency|Kremlin|Pentagon|"
    r"White House|Taliban|Hamas|Hezbollah|[Ff]oreign [Mm]inistry|[Mm]inistry of [A-Z][\w’'-]*"
    r"(?:\s+(?:and|of|&)?\s*[A-Z][\w’'-]*)*|[Dd]epartment of [A-Z][\w’'-]*(?:\s+(?:and|of|&)?\s*[A-Z][\w’'-]*)*|"
    r"[Oo]ffice of (?:the\s+)?[A-Z][\w’'-]*(?:\s+(?:and|of|&)?\s*[A-Z][\w’'-]*)*|"
    r"[Mm]edia [Dd]ivision|[Mm]edia [Uu]nit|[Mm]edia [Cc]entre|[Ss]tate [Dd]epartment|"
    r"[Uu]nited [Nn]ations|UN|U\.N\.|[Ee]uropean [Uu]nion|EU|NATO|ASEAN|Quad(?: [Ll]eaders)?|G7|G-7|G20|"
    r"[Pp]olice|[Aa]rmy|[Nn]avy|[Cc]entral [Bb]ank|IMF|World Bank)\b"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+(?:(?:and|of|&)\s+)?[A-Z][\w’'-]*)*)?)"
)

_CAP = r"(?:[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z][\w’'\-]*[\w]|[A-Z])"
_CONNECT = r"(?:bin|binti|bt|al|el|de|da|di|van|von|der|den|del|la|le|dos|das|du|ibn|abu|bte)"
# capitalised words that start a sentence and are never inside a name ("Washington, D.C. As we…")
_SENTENCE_WORD = (r"(?:As|The|In|On|At|We|It|This|That|These|Those|But|And|When|While|With|After|"
                  r"Before|For|Our|If|Since|Today)\s")
_NAME_SEQ = re.compile(rf"{_CAP}(?:(?:,\s+(?=(?:Jr|Sr)\b)|\s+)(?:{_CONNECT}\s+)?(?!{_SENTENCE_WORD}){_CAP})*")
_TRANSCRIPT = re.compile(r"^(?P<label>(?:[A-Z][A-Z.’'\-]*\s+){0,5}[A-Z][A-Z.’'\-]+)\s*:\s*(?P<rest>.*)$", re.S)


@lru_cache(maxsize=200_000)
def _tok_key(tok: str) -> str:
    return fold(tok).strip(".,’'").replace("’", "'")


def _keyset(tokens: list[str]) -> set[str]:
    """Name token keys, with hyphenated parts ("Al-Sudani" gives al-sudani, sudani)."""
    keys = set()
    for t in tokens:
        k = _tok_key(t)
        if not k or k in {"jr", "sr"}:
            continue
        keys.add(k)
        if "-" in k:
            keys.update(part for part in k.split("-") if len(part) > 2)
    return keys


# --------------------------------------------------------------------------- registry


@dataclass(eq=False)
class Person:
    name: str
    tokens: set[str]
    roles: set[str] = field(default_factory=set)
    country: str | None = None
    body: bool = False

    @property
    def surname(self) -> str:
        return _tok_key(self.name.split()[-1])


@dataclass
class Speaker:
    """A resolved speaker: one or more persons/bodies plus the cue and mention."""

    names: list[str]
    why: str


class Registry:
    def __init__(self) -> None:
        self.people: list[Person] = []
        self.recent: list[Person] = []  # most recent mention last

    def find(self, tokens: list[str]) -> Person | None:
        keys = _keyset(tokens) - HONORIFICS
        if not keys:
            return None
        best = None
        for person in reversed(self.recent + self.people):
            if person.body or not person.tokens:
                continue
            if keys <= person.tokens or (person.tokens <= keys and len(person.tokens) >= 1):
                best = person
                break
        return best

    def add(self, tokens: list[str], roles: set[str], country: str | None) -> Person:
        person = self.find(tokens)
        if person is None:
            person = Person(" ".join(tokens), _keyset(tokens))
            self.people.append(person)
        elif len(tokens) > len(person.name.split()) and len(person.name.split()) == 1:
            person.name = " ".join(tokens)
            person.tokens = _keyset(tokens)
        person.roles |= roles
        if "fm" in roles:
            person.roles |= {"foreign", "minister"}
        if "pm" in roles:
            person.roles |= {"prime", "minister"}
        if country and not person.country:
            person.country = country
        self.touch(person)
        return person

    def touch(self, person: Person) -> None:
        if person in self.recent:
            self.recent.remove(person)
        self.recent.append(person)

    def by_description(self, desc: str) -> Person | None:
        words = [_tok_key(w) for w in desc.split()]
        heads = [w for w in words if w in ROLE_HEADS or w in ROLE_SYNONYMS]
        if not heads:
            return None
        head = heads[-1]
        wanted = ROLE_SYNONYMS.get(head, {head})
        country = None
        for i in range(len(words)):
            for j in (2, 1):
                phrase = " ".join(desc.split()[i:i + j])
                c = canonical_country(phrase)
                if c:
                    country = c
                    break
            if country:
                break
        qualifiers = {w for w in words if w in {"foreign", "trade", "defence", "defense", "prime", "vice", "deputy", "high", "finance", "commerce"}}
        if head == "fm":
            qualifiers.add("foreign")
        if head == "pm":
            qualifiers.add("prime")
        for person in reversed(self.recent):
            if person.body or not (person.roles & wanted):
                continue
            if country and person.country and person.country != country:
                continue
            if country and not person.country:
                continue
            if qualifiers - person.roles and not (qualifiers <= {"high"} and "commissioner" in person.roles):
                if head != "envoy" and head != "diplomat":
                    continue
            if "vice" not in qualifiers and "vice" in person.roles and head == "president":
                continue
            return person
        return None


# --------------------------------------------------------------------------- name parsing


def _is_title_token(tokens: list[str], i: int) -> int:
    """Length of a title/honorific/country token span at i (0 if none)."""
    tok = tokens[i]
    key = _tok_key(tok)
    for span in (3, 2, 1):
        if i + span <= len(tokens):
            phrase = " ".join(tokens[i:i + span]).rstrip(",")
            phrase = phrase.replace("’s", "").replace("'s", "")
            if canonical_country(phrase):
                return span
    if key in TITLE_WORDS or key.rstrip(".") in TITLE_WORDS:
        return 1
    if key in HONORIFICS or key.rstrip(".") in HONORIFICS:
        return 1
    if key in ORG_WORDS and key not in {"white", "house"}:
        return 1
    return 0


_STRONG_TITLES = {
    "president", "minister", "pm", "fm", "ambassador", "secretary", "king", "queen", "prince",
    "senator", "governor", "commissioner", "envoy", "spokesperson", "spokesman", "spokeswoman",
    "chairman", "chairperson", "ceo", "premier", "chancellor", "emir", "sultan", "director",
    "director-general", "adviser", "advisor", "official", "coordinator", "negotiator", "general",
    "admiral", "col", "lt", "representative", "counselor", "counsellor", "founder", "professor",
    "economist", "analyst", "chief", "head", "leader", "consul", "mayor", "member", "officer",
}


def _split_title(tokens: list[str]) -> tuple[list[str], set[str], str | None, bool]:
    name, roles, country, titled = _split_title_cached(tuple(tokens))
    return list(name), set(roles), country, titled


@lru_cache(maxsize=100_000)
def _split_title_cached(tokens: tuple[str, ...]):
    """(name tokens, role words, country, titled) from a capitalised sequence.

    The name is what follows the last title, honorific, country or organisation
    word ("Turkish President Recep Tayyip Erdogan", "White House Press Secretary
    Stephanie Grisham"); a title word at the very end is part of the name
    ("Kevin King").
    """
    roles: set[str] = set()
    country = None
    titled = False
    cut = 0
    i = 0
    while i < len(tokens) - 1:
        span = _is_title_token(tokens, i)
        if span and i + span < len(tokens):
            cut = i + span
            i += span
        else:
            i += 1
    in_country: set[int] = set()
    for j in range(cut):
        for span in (3, 2):
            phrase = " ".join(tokens[j:j + span]).replace("’s", "").replace("'s", "")
            if j + span <= cut and canonical_country(phrase):
                in_country.update(range(j, j + span))
    for k, tok in enumerate(tokens[:cut]):
        if k in in_country:
            continue  # "Sri" of "Sri Lanka" is not an honorific here
        key = _tok_key(tok).rstrip(".")
        if key in TITLE_WORDS:
            roles.add(key)
            if key in _STRONG_TITLES:
                titled = True
        elif key in HONORIFICS:
            titled = True
    for j in range(cut):
        for span in (3, 2, 1):
            phrase = " ".join(tokens[j:j + span]).replace("’s", "").replace("'s", "")
            if j + span <= cut and canonical_country(phrase):
                country = country or canonical_country(phrase)
                break
    rest = tokens[cut:]
    # an organisation word between the title and the name means it is not this person's title
    while rest and _tok_key(rest[0]) in STOP_CAPS:
        rest = rest[1:]
    while rest and _tok_key(rest[-1]) in {"pc", "mp"} and len(rest) > 2:
        rest = rest[:-1]
    return tuple(rest), frozenset(roles), country, titled


def _is_name(tokens: list[str], titled: bool) -> bool:
    if not tokens or len(tokens) > 5:
        return False
    keys = [_tok_key(t) for t in tokens]
    if any(k in ORG_WORDS for k in keys):
        return False
    if keys[0] in STOP_CAPS:
        return False
    for t in tokens:
        if canonical_country(t.replace("’s", "").replace("'s", "")):
            return False
    if any(t.isupper() and len(t) > 1 and not _RX12.match(t) for t in tokens):
        return False  # acronyms (transcript labels are title-cased before they get here)
    if any(c.isdigit() for t in tokens for c in t):
        return False
    if any(_RX10.search(t) for t in tokens):
        return False  # "Brussels-based", "China-backed"
    if any(_RX52.search(t) for t in tokens):
        return False  # an acronym joined to a word: "ACT-Accelerator"
    if len(tokens) == 1 and not titled:
        return False
    if len(tokens) == 1 and (keys[0] in TITLE_WORDS or keys[0] in HONORIFICS or keys[0] in STOP_CAPS):
        return False
    if canonical_country(" ".join(tokens)):
        return False
    if sum(k in TITLE_WORDS or k in _EXTRA_ROLE for k in keys) * 2 >= len(keys):
        return False
    return True


_EXTRA_ROLE = {"manager", "commercial", "marketing", "operations", "finance", "sales", "legal",
               "strategy", "communications", "relations", "public", "executive", "gdp"}


@dataclass
class Mention:
    start: int
    end: int
    kind: str  # person | body | group | pronoun | plural | statement | anon | desc
    persons: list[Person] = field(default_factory=list)
    body: str = ""
    text: str = ""


def _clean_tokens(seq: str) -> list[str]:
    toks = [t for t in _RX11.split(seq.strip()) if t]
    toks = [t[:-2] if t.endswith(("’s", "'s")) else t for t in toks]
    # strip a sentence-final period from a last token that is not an initial
    if toks and toks[-1].endswith(".") and not _RX12.match(toks[-1]) and _tok_key(toks[-1]) not in ABBREVIATIONS:
        toks[-1] = toks[-1][:-1]
    return toks


# --------------------------------------------------------------------------- sentences


@lru_cache(maxsize=100_000)
def _seq_core(seq: str):
    """(tokens, name, roles, country, titled) of a capitalised sequence, or None."""
    raw = _clean_tokens(seq)
    if not raw:
        return None
    name, roles, country, titled = _split_title(raw)
    return tuple(raw), tuple(name), frozenset(roles), country, titled


@lru_cache(maxsize=100_000)
def _lead_titles(words: tuple[str, ...]):
    """(roles, country, titled) of lowercase title words right before a name, or None."""
    lead = []
    for w in reversed(words):
        k = _tok_key(w)
        if k in TITLE_WORDS or k in HONORIFICS or canonical_country(w.replace("’s", "").replace("'s", "")):
            lead.insert(0, w)
        else:
            break
    if not lead:
        return None
    _, r2, c2, t2 = _split_title(lead + ["X"])
    return frozenset(r2), c2, t2


@lru_cache(maxsize=100_000)
def _appositive(text: str):
    """(roles, country) of an appositive title ("X, the foreign minister"), or None."""
    _, r3, c3, _ = _split_title(text.split() + ["X"])
    return frozenset(r3 | {_tok_key(w) for w in text.split() if _tok_key(w) in ROLE_HEADS}), c3


@lru_cache(maxsize=100_000)
def _analyse_seq(seq: str, before: str, after: str):
    """What a capitalised sequence says on its own (no article state), or None.

    Cached: the same stretch of text is scanned again for each cue, pronoun and
    clause that looks back at it.

    ``before``/``after`` are up to 60/80 characters of text around it. Returns
    (name tokens, roles, country, titled, place_like, single, looks_like_name):
    ``place_like`` means an untitled name right after "in/at/from…" (a place
    unless it is a known person), ``single`` a lone untitled word (only a known
    person's surname counts).
    """
    core = _seq_core(seq)
    if core is None:
        return None
    tokens, name, roles, country, titled = core
    # include lowercase title words right before the sequence ("spokesperson Matthew Miller")
    pre = before[-60:].split() if before[-1:].isspace() else []
    if pre:
        words = []
        for w in reversed(pre[-6:]):
            if not _RX45.match(w):
                break
            words.append(w)
        if words:
            lead = _lead_titles(tuple(reversed(words)))
            if lead:
                roles = roles | lead[0]
                country = country or lead[1]
                titled = titled or lead[2]
    # appositive after: "Name, the foreign minister," / "Name, Sri Lankan High Commissioner"
    app = _RX14.match(after) if after[:1] == "," else None
    if app and name:
        r3, c3 = _appositive(app.group(1))
        roles = roles | r3
        country = country or c3
        titled = True
    if not name:
        return None
    place_like = bool(not titled and len(name) == len(tokens) and _RX25.search(before))
    single = len(name) == 1 and not titled
    looks_like_name = single or _is_name(list(name), titled)
    return name, roles, country, titled, place_like, single, looks_like_name


# --------------------------------------------------------------------------- the tagger


class ArticleSpeakers:
    """Resolves speakers paragraph by paragraph, keeping article-wide state."""

    def __init__(self, title: str = "") -> None:
        self.reg = Registry()
        self.title = title or ""
        self.last_speaker: list[Person] = []
        self._last_group: list[Person] = []
        self.leader_group: list[Person] = []  # the last group made only of heads of state or government
        self.issuers: list[Person] = []  # joint statement issuers
        self.issuer_body: str = ""
        self.statement_article = bool(_RX13.search(self.title))
        self.transcript_speaker: Person | None = None
        self.persons_in_par: list[list[Person]] = []
        self.last_was_statement = False
        self.earlier_sentences: list[list[Person]] = []
        self.text_so_far = ""

    @property
    def last_group(self) -> list[Person]:
        return self._last_group

    @last_group.setter
    def last_group(self, group: list[Person]) -> None:
        """The people "both sides", "the two leaders" stand for from now on."""
        self._last_group = group
        if len(group) >= 2 and all(_is_leader(p) for p in group):
            self.leader_group = group

    # ---- mentions -------------------------------------------------------

    def scan_names(self, text: str, register: bool = True) -> list[Mention]:
        """Person mentions (titled names, full names, known surnames) in text."""
        mentions = []
        for m in _NAME_SEQ.finditer(text):
            seq = m.group(0)
            start, end = m.span()
            before = text[max(0, start - 60):start]
            info = _analyse_seq(seq, before, text[end:end + 80])
            if info is None:
                continue
            name, roles, country, titled, place_like, single, looks_like_name = info
            if place_like:
                known = self.reg.find(name)
                if known is None:
                    continue
            if single:
                known = self.reg.find(name)
                if known is None:
                    continue
                mentions.append(Mention(start, end, "person", [known], text=seq))
                if register:
                    self.reg.touch(known)
                continue
            if not looks_like_name:
                # maybe a known surname inside an org-ish sequence? skip
                continue
            name = list(name)
            if register:
                person = self.reg.add(name, set(roles), country)
            else:
                person = self.reg.find(name)
                if person is None:
                    person = Person(" ".join(name), {_tok_key(t) for t in name}, set(roles), country)
            mentions.append(Mention(start, end, "person", [person], text=seq))
        return mentions

    def _pronoun(self, word: str, before: str) -> tuple[list[str], str] | None:
        """Resolve he/she: a person named earlier in the sentence, then the subject of
        the nearest earlier sentence of the paragraph, then the last speaker."""
        local = [mm.persons[0] for mm in self.scan_names(before, register=False) if not canonical_country(mm.persons[0].name)]
        if local:
            p = local[-1]
            return [p.name], f'"{word}" → {p.name}'
        for persons in reversed(self.earlier_sentences):
            if persons:
                p = persons[0]
                return [p.name], f'"{word}" → {p.name}'
        if len(self.last_speaker) == 1:
            return [self.last_speaker[0].name], f'"{word}" → {self.last_speaker[0].name}'
        persons = [p for p in self.reg.recent if not p.body]
        if persons:
            return [persons[-1].name], f'"{word}" → {persons[-1].name}'
        return None

    def _leading_subject(self, text: str) -> tuple[list[str], str] | None:
        """A person named at the start of the last clause ("... when President Trump scuttled")."""
        segments = _RX2.split(text)
        for clause in reversed(segments):
            names = self.scan_names(clause, register=False)
            if names and not clause[:names[0].start].strip(" ,"):
                p = names[0].persons[0]
                return [p.name], f'"{names[0].text.strip()}"'
        return None

    def _plural(self, word: str) -> tuple[list[str], str] | None:
        group = self.last_speaker if len(self.last_speaker) > 1 else []
        if not group and self.issuers:
            group = self.issuers
        if group:
            return [p.name for p in group], f'"{word}" → {", ".join(p.name for p in group)}'
        if self.issuer_body:
            return [self.issuer_body], f'"{word}" → {self.issuer_body}'
        return None

    def _chain(self, tail: str) -> list[Mention]:
        """Person mentions ending the tail, joined by 'and' / commas ("X and Y")."""
        names = self.scan_names(tail, register=False)
        if not names:
            return []
        end = len(tail.rstrip())
        last = names[-1]
        if not _RX15.fullmatch(tail[last.end:end]):
            return []
        chain = [last]
        for mm in reversed(names[:-1]):
            gap = tail[mm.end:chain[0].start]
            if _RX16.fullmatch(gap):
                chain.insert(0, mm)
            else:
                break
        # register them (touch) now that they are the subject
        return [self.scan_names(tail[mm.start:mm.end])[0] if self.scan_names(tail[mm.start:mm.end], register=False) else mm for mm in chain]

    def subject_of(self, clause: str, before: str = "", allow_appositive: bool = True) -> tuple[list[str], str] | None:
        """Resolve the subject phrase right before a cue (the clause text ends at the cue).

        ``before`` is the sentence text in front of the clause, used to resolve
        a pronoun to a person named earlier in the same sentence.
        """
        original = clause
        for _ in range(3):
            new = _RX17.sub(" ", clause)
            if new == clause:
                break
            clause = new
        parts = _RX3.split(clause)
        tail = parts[-1] if parts else clause
        if not tail.strip() and len(parts) > 1:
            tail = parts[-2]
        tail_s = _RX4.sub(" ", tail)
        tail_s = _RX26.sub(" ", tail_s).strip(" ,")
        tail_s = _RX5.sub("", tail_s)
        tail_s = _RX6.sub("", tail_s)
        if not tail_s:
            return None
        words = tail_s.split()
        last = words[-1]
        if last in {"he", "she", "He", "She"}:
            return self._pronoun(last, before + original[: original.rfind(last)])
        if last in {"they", "They", "we", "We"}:
            return self._plural(last)
        if last in {"I", "you", "You", "it", "It"}:
            if last in {"it", "It"} and len(words) <= 2 and (self.issuers or self.issuer_body) and self.last_was_statement:
                names = [p.name for p in self.issuers] or [self.issuer_body]
                return names, f'"{last}" → statement by {", ".join(names)}'
            return None
        g = None
        for g in GROUP.finditer(tail_s):
            pass
        if g and g.end() >= len(tail_s) - 1 and not _RX27.search(tail_s[:g.start()]):
            if _RX18.search(g.group(0)):
                return None
            group = self.last_group or self.issuers
            if self.leader_group and _RX51.search(g.group(0)):
                group = self.leader_group
            if group:
                return [p.name for p in group], f'"{g.group(0)}" → {", ".join(p.name for p in group)}'
            if self.issuer_body:
                return [self.issuer_body], f'"{g.group(0)}" → {self.issuer_body}'
            return None
        st = None
        for st in STATEMENT_REF.finditer(tail_s):
            pass
        if st and st.end() >= len(tail_s) - 1:
            if self.issuers or self.issuer_body:
                names = [p.name for p in self.issuers] or [self.issuer_body]
                self.last_was_statement = True
                return names, f'"{st.group(0).strip()}" → statement by {", ".join(names)}'
            return None
        chain = self._chain(tail_s)
        whole = _RX28.sub("", clause).rstrip(" ,")
        whole = _RX19.split(whole)[-1]
        long_chain = self._chain(whole)
        if len(long_chain) > len(chain):
            chain = long_chain
        if chain:
            persons = list(dict.fromkeys(mm.persons[0] for mm in chain))
            if not any(canonical_country(p.name) for p in persons):
                for p in persons:
                    self.reg.touch(p)
                return [p.name for p in persons], ", ".join(f'"{mm.text.strip()}"' for mm in chain)
        d = None
        for d in DESCRIPTION.finditer(tail_s):
            pass
        if d and d.end() >= len(tail_s) - 1:
            desc = (d.group("owner") or "") + " " + d.group("desc") + (d.group("tail") or "")
            p = self.reg.by_description(desc.strip())
            if p:
                self.reg.touch(p)
                return [p.name], f'"{d.group(0).strip()}" → {p.name}'
            return None
        # "Lance Zuo, General Manager of HIPG said": the person before the appositive
        if allow_appositive:
            segs = original.rstrip().split(",")
            for back in range(2, min(4, len(segs)) + 1):
                seg = segs[-back].strip()
                names = self.scan_names(seg, register=False)
                if names and names[0].start <= 2 and all(
                    _RX49.search(x)
                    for x in segs[-back + 1:]
                ):
                    person = names[0].persons[0]
                    self.reg.touch(person)
                    return [person.name], f'"{names[0].text.strip()}" (with an appositive title)'
        anon = None
        for anon in ANONYMOUS.finditer(tail_s):
            pass
        if anon and anon.end() >= len(tail_s) - 2:
            return None
        o = None
        for o in ORG_SUBJECT.finditer(tail_s):
            pass
        if o and o.end() >= len(tail_s) - 1:
            org = _RX38.sub("", o.group("org")).strip()
            if not _RX39.search(org) and not _RX40.search(org):
                return None
            if canonical_country(org):
                return None
            if self.issuer_body and {_tok_key(w) for w in org.split()} <= {_tok_key(w) for w in self.issuer_body.split()}:
                org = self.issuer_body
            elif _RX29.fullmatch(org):
                # "The Ministry said": the last named body of that kind
                head = re.escape(org.split()[-1].capitalize())
                fuller = None
                for fuller in re.finditer(rf"(?:[A-Z][\w’'.-]*[^\S\n]+){{0,4}}{head}(?:[^\S\n]+of(?:[^\S\n]+the)?(?:[^\S\n]+(?:and[^\S\n]+)?[A-Z][\w’'-]*)+)?", self.text_so_far):
                    pass
                if fuller and len(fuller.group(0).split()) > 1:
                    org = fuller.group(0).strip()
            return [org], f'"{o.group("org").strip()}"'
        acr = _RX7.search(tail_s)
        if acr and not canonical_country(acr.group(1)) and acr.group(1) not in {"GDP", "FTA", "MoU", "MOU"} and _tok_key(acr.group(1).split()[0]) not in STOP_CAPS:
            full = None
            for full in re.finditer(r"((?:the[^\S\n]+)?(?:[A-Z][\w’'.&-]*[^\S\n]+(?:(?:of|for|and|&)[^\S\n]+)?){1,8})\(" + re.escape(acr.group(1)) + r"\)", self.text_so_far):
                pass
            if full and acr.group(1).isupper():
                name = _RX30.sub("", full.group(1).strip())
                return [name], f'"{acr.group(1)}" ({name})'
            ws = acr.group(1).split()
            if _tok_key(ws[-1]) in ORG_WORDS | {"consortium"} and len(ws) >= 2:
                return [acr.group(1)], f'"{acr.group(1)}"'
            if acr.group(1).isupper() and len(tail_s.split()) <= len(ws) + 1:
                return [acr.group(1)], f'"{acr.group(1)}"'
        return None

    # ---- per paragraph ---------------------------------------------------

    def paragraph(self, text: str) -> tuple[list[str], dict[str, str], bool]:
        """Speakers of one paragraph, evidence, and whether the paragraph is only a quote."""
        found: dict[str, str] = {}

        def add(names, why):
            for n in names:
                if canonical_country(n) or not n.strip():
                    continue
                found.setdefault(n, why)

        body = text
        # transcript label
        tm = _TRANSCRIPT.match(text)
        if tm and any(c.isalpha() for c in tm.group("label")) and tm.group("label").upper() == tm.group("label") and len(tm.group("label")) > 1:
            label = tm.group("label")
            if label.strip() in {"Q", "END"} or _RX31.fullmatch(label.strip()):
                self.transcript_speaker = None
            else:
                toks = [t.title() if not _RX48.match(t) else t for t in label.split()]
                name, roles, country, titled = _split_title(toks)
                if not titled and not tm.group("rest").strip():
                    name = None  # an untitled label alone on its line is a heading ("COMBATTING ANTISEMITISM:")
                    self.transcript_speaker = None
                if toks[0] == "The" and len(toks) <= 4:
                    person = self.reg.by_description(" ".join(toks[1:]))
                    name = None
                    self.transcript_speaker = person
                    if person:
                        add([person.name], f'transcript label "{label}:"')
                if name:
                    person = self.reg.find(name) or self.reg.add(name, roles, country)
                    self.transcript_speaker = person
                    add([person.name], f'transcript label "{label}:"')
            body = tm.group("rest")
        elif self.transcript_speaker is not None:
            if text.strip() in {"END", "###"} or _RX41.match(text.strip()):
                self.transcript_speaker = None
            else:
                add([self.transcript_speaker.name], "continues the transcript turn")

        mentions = self.scan_names(body)
        self.text_so_far += "\n" + body
        prev_s0 = 0
        persons_here = list(dict.fromkeys(mm.persons[0] for mm in mentions))
        self.persons_in_par.append(persons_here)

        self.earlier_sentences = []
        for s0, s1 in sentence_spans(body):
            if s0:
                self.earlier_sentences.append([mm.persons[0] for mm in mentions if prev_s0 <= mm.start < s0])
            prev_s0 = s0
            sent = body[s0:s1]
            before_sent = body[:s0]
            sent_persons = [mm.persons[0] for mm in mentions if s0 <= mm.start < s1]
            group = [p for p in dict.fromkeys(sent_persons) if p.roles] or list(dict.fromkeys(sent_persons))
            if len(group) >= 2 and _RX32.search(sent):
                self.last_group = group[:4]
            hits = []
            anonymous_attribution = False
            quote_depth = self._quote_mask(sent)
            for m in _SAY.finditer(sent):
                pre = sent[:m.start()]
                near = pre[-40:]
                if _NEGATED.search(near):
                    continue
                if m.group(0).endswith("ed") and not m.group(0).startswith("quoted") and _PASSIVE.search(near):
                    continue
                if quote_depth[m.start()]:
                    # a cue inside a quotation: only third persons named there count
                    qs = max(pre.rfind("“"), pre.rfind('"'))
                    clause = pre[qs + 1:]
                    if _RX42.search(clause):
                        continue
                    if not clause.strip():
                        clause = pre[:max(qs, 0)]
                    res = self.subject_of(clause, pre[:qs + 1])
                    if res:
                        hits.append((res, m.group(0)))
                    continue
                inv = _INVERTED.match(sent[m.start():])
                after_quote = _RX33.search(pre[-8:])
                if inv and after_quote:
                    res = None
                    segments = _RX46.split(self._np(inv.group("rest"), keep_commas=True))[:3]
                    anon_seen = False
                    for seg in segments:
                        res = self.subject_of(seg, pre, allow_appositive=False)
                        if res:
                            break
                        if ANONYMOUS.search(seg):
                            anon_seen = True
                    if res:
                        hits.append((res, m.group(0)))
                        continue
                    if anon_seen or _RX47.match(inv.group("rest")):
                        anonymous_attribution = True
                        continue
                res = self.subject_of(pre, "")
                if res:
                    hits.append((res, m.group(0)))
                elif ANONYMOUS.search(_RX50.split(pre)[-1] or ""):
                    tail = _RX50.split(pre)[-1]
                    if not self.scan_names(tail, register=False):
                        anonymous_attribution = True
            for m in _PART.finditer(sent):
                if quote_depth[m.start()]:
                    continue
                pre = sent[:m.start()]
                if _RX34.search(pre):
                    continue
                if not _RX43.search(pre):
                    # "with both leaders recognising": the subject right before it
                    res = self.subject_of(pre, "", allow_appositive=False)
                    if res:
                        hits.append((res, m.group(0)))
                    continue
                if hits:
                    continue
                res = self.subject_of(_RX46.split(pre)[0], "")
                if not res:
                    res = self._leading_subject(pre)
                if res:
                    hits.append((res, m.group(0)))
            low_sent = sent.lower()
            for m in (_ACCORDING.finditer(sent) if "according" in low_sent else ()):
                res = self.subject_of(self._np(m.group("rest")) + " ", "", allow_appositive=False)
                if res:
                    hits.append((res, "according to"))
                elif ANONYMOUS.search(self._np(m.group("rest"))):
                    anonymous_attribution = True
            for m in (_STATEMENT_BY.finditer(sent) if " by " in low_sent else ()):
                res = self.subject_of(self._np(m.group("rest")) + " ", "", allow_appositive=False)
                if res:
                    hits.append((res, m.group(0).split(" by")[0].strip()))
            # joint statement issuers: "In a joint statement, X and Y ..."
            if _RX20.search(sent):
                if len(set(sent_persons)) >= 2:
                    self.issuers = list(dict.fromkeys(sent_persons))
                    self.last_group = self.issuers
            if anonymous_attribution:
                # the whole sentence is what an unnamed source said
                hits = [h for h in hits if h[1] in {"according to"}]
            for (names, why), cue in hits:
                if cue.startswith(("announce", "is announcing")) and not any(p.name in names for p in self.reg.people):
                    continue
                add(names, f'"{cue}" ← {why}')
            for (names, why), cue in hits[:1]:
                people = [p for p in self.reg.people if p.name in names]
                if people:
                    self.last_speaker = people
                    if len(people) > 1:
                        self.last_group = people
        # statement articles: the issuers speak in every paragraph
        if self.statement_article and self.issuers:
            add([p.name for p in self.issuers], "joint statement issued by " + ", ".join(p.name for p in self.issuers))
        elif self.statement_article and self.issuer_body and _RX35.search(body):
            add([self.issuer_body], f"joint statement in the first person by {self.issuer_body}")
        only_quote = bool(_RX22.match(text)) and not found
        return list(found), found, only_quote

    @staticmethod
    def _np(rest: str, keep_commas: bool = False) -> str:
        """The noun phrase at the start of rest (up to a comma/period/verb)."""
        return (_NP_STOPS if keep_commas else _NP_STOPS_COMMA).split(rest)[0]

    @staticmethod
    def _quote_mask(text: str) -> list[bool]:
        """For each character, whether it lies inside a quotation."""
        mask = [False] * (len(text) + 1)
        if "“" not in text and '"' not in text and "”" not in text:
            return mask
        depth = False
        start = 0
        for m in _RX8.finditer(text):
            ch = m.group(0)
            i = m.start()
            if depth:
                mask[start:i + 1] = [True] * (i + 1 - start)
            if ch == "“":
                depth, start = True, i
            elif ch == "”":
                depth = False
            else:
                depth = not depth
                start = i
        if depth:
            mask[start:len(text)] = [True] * (len(text) - start)
        return mask


_NP_STOPS_TEXT = r"[;:“”\"()]|\.\s|\.$|\s(?:who|which|that|on|in|at|during|when|while|after|as|and\s+(?:added|said))\s"
_NP_STOPS = re.compile(_NP_STOPS_TEXT)
_NP_STOPS_COMMA = re.compile(r"," + "|" + _NP_STOPS_TEXT)


def _open_quote(text: str) -> bool:
    """True if the paragraph opens a quotation that it does not close."""
    opens = text.count("“")
    closes = text.count("”")
    if opens or closes:
        return opens > closes
    return text.count('"') % 2 == 1


_SIGNATURE_WORD = re.compile(r"^(?:[A-Z][\w’'\-]*[.,]?|[A-Z]\.,?|Jr\.?,?|Sr\.?,?)$")
_DATE_LINE = re.compile(
    r"^(?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+day,? [A-Z][a-z]+ \d{1,2},? \d{4})\.?$"
)


def _signature_names(text: str) -> list[list[str]]:
    """Names in a signature line such as "Joseph R. Biden, Jr. Emmanuel Macron"."""
    words = text.split()
    if not 3 <= len(words) <= 14 or not all(_SIGNATURE_WORD.match(w) for w in words):
        return []
    if any(_tok_key(w) in ORG_WORDS or _tok_key(w) in TITLE_WORDS for w in words):
        return []
    parts = [p for p in _RX21.split(text) if p.strip()]
    names = []
    for part in parts:
        toks = [t.rstrip(",") for t in part.split()]
        if len(toks) == 4 and not any(_RX48.match(t) for t in toks):
            names += [toks[:2], toks[2:]]
        else:
            names.append(toks)
    return names if len(names) >= 2 else []


def _prepare_statement(state: "ArticleSpeakers", paragraphs: list[str]) -> set[int]:
    """Find the issuers of a joint statement article; return signature/date paragraph indexes."""
    skip: set[int] = set()
    if not state.statement_article:
        return skip
    n = len(paragraphs)
    for k in range(max(0, n - 4), n):
        text = paragraphs[k].strip()
        if _DATE_LINE.match(text):
            skip.add(k)
            continue
        names = _signature_names(text)
        if names:
            state.issuers = [state.reg.add(t, {"leader"}, None) for t in names]
            skip.add(k)
    if not state.issuers and paragraphs:
        probe = ArticleSpeakers("")
        persons = list(dict.fromkeys(mm.persons[0] for mm in probe.scan_names(paragraphs[0])))
        if len(persons) >= 2:
            state.issuers = [state.reg.add(p.name.split(), p.roles, p.country) for p in persons[:4]]
    if not state.issuers:
        m = _RX9.search(state.title)
        if m and not _RX36.match(m.group(1)):
            issuer = m.group(1).strip()
            probe = ArticleSpeakers("")
            persons = [mm.persons[0] for mm in probe.scan_names(issuer)]
            if len(persons) >= 1 and any(p.roles for p in persons):
                state.issuers = [state.reg.add(p.name.split(), p.roles, p.country) for p in persons[:4]]
            else:
                issuer = _RX44.split(issuer)[0]
                state.issuer_body = _RX37.sub("leaders", issuer.strip())
    state.last_group = list(state.issuers)
    return skip


_LEADER_ROLES = {"president", "king", "queen", "emir", "amir", "sultan", "chancellor", "premier", "pm"}


def _is_leader(person: Person) -> bool:
    """A head of state or government (whose name stands for the country)."""
    roles = person.roles
    if roles & {"vice", "deputy", "former", "vice-president", "assistant", "acting"}:
        return False
    return bool(roles & _LEADER_ROLES) or {"prime", "minister"} <= roles


def tag_speakers(paragraphs: list[str], title: str = "") -> list[tuple[list[str], dict[str, str]]]:
    """Speakers and evidence for each paragraph of one article."""
    return analyse_speakers(paragraphs, title)[0]


def analyse_speakers(paragraphs: list[str], title: str = "", home: str | None = None):
    """(speakers and evidence per paragraph, [(person name, country)] named per paragraph).

    ``home`` is the country of the article's dateline: a leader introduced
    without a country ("Prime Minister Datuk Seri Anwar Ibrahim" in a
    PUTRAJAYA story) is that country's leader.
    """
    state = ArticleSpeakers(title)
    skip = _prepare_statement(state, paragraphs)
    results: list[tuple[list[str], dict[str, str]]] = []
    only_quotes: list[bool] = []
    named: list[list[Person]] = []
    for k, text in enumerate(paragraphs):
        if k in skip:
            named.append([])
            results.append(([], {}))
            only_quotes.append(False)
            continue
        names, why, only_quote = state.paragraph(text)
        named.append(state.persons_in_par[-1])
        results.append((names, why))
        only_quotes.append(only_quote)
    # quotations spanning paragraphs keep their speaker: backwards from the
    # paragraph where the quote is attributed, then forwards into unattributed ones
    starts_quote = [bool(_RX22.match(t)) for t in paragraphs]
    opens = [_open_quote(t) for t in paragraphs]
    n = len(paragraphs)
    for k in range(n - 2, -1, -1):
        if opens[k] and starts_quote[k + 1] and results[k + 1][0] and k not in skip:
            for name in results[k + 1][0]:
                if name not in results[k][1]:
                    results[k][1][name] = f"quotation attributed in the next paragraph ({results[k + 1][1][name]})"
                    results[k][0].append(name)
    for k in range(1, n):
        if k in skip or not starts_quote[k] or not results[k - 1][0]:
            continue
        if opens[k - 1] or (only_quotes[k] and not results[k][0]):
            for name in results[k - 1][0]:
                if name not in results[k][1]:
                    results[k][1][name] = "continues the quotation of the previous paragraph"
                    results[k][0].append(name)
    if home:
        for person in state.reg.people:
            if not person.country and _is_leader(person):
                person.country = home
    people = [[(p.name, p.country) for p in persons if p.country and _is_leader(p)] for persons in named]
    return results, people
