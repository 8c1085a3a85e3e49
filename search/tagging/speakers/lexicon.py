"""Word lists of the speaker tagger: titles, honorifics, organisation words, speech verbs.

Plain data, one list per concept, so a reader can see and extend what the
rules know without reading them. Keys are folded (lower case, no accents, no
trailing period), as :func:`search.tagging.speakers.names.token_key` makes them.
"""

from __future__ import annotations


def words(text: str) -> set[str]:
    """A word list written as text: the words separated by white space."""
    return set(text.split())


# Honorifics and forms of address, dropped from the front of a name.
HONORIFICS = words("""
    mr mrs ms miss madam madame dr prof professor sir dame datuk dato dato' dato’ datin seri sri tan
    tun toh puan haji hajah utama yb yab hon honourable honorable he h.e his her excellency majesty highness
    royal rt right lord lady shri smt ven venerable rev reverend most sheikh shaikh engr eng mp
""")
# Words of job titles ("Deputy Foreign Minister", "High Commissioner"): a name follows them.
TITLE_WORDS = words("""
    president vice prime minister ministers deputy foreign secretary general ambassador
    ambassador-designate high commissioner envoy special chairman chairperson chairwoman chair ceo
    founder co-founder director director-general governor senator sen rep representative congressman
    congresswoman king queen prince princess crown emir amir sultan chancellor premier admiral gen
    lt lieutenant col colonel major maj captain capt commander chief spokesperson spokesman
    spokeswoman press officer counselor counsellor coordinator adviser advisor national security
    state affairs external trade defence defense energy health finance commerce justice home
    interior education agriculture tourism transport industry investment economic development
    cabinet leader head assistant undersecretary under permanent executive member acting former
    first lady senior new outgoing incoming designate consul attaché attache charge chargé
    d'affaires negotiator mayor speaker opposition pm fm ag cj judge inspector superintendent
    marshal commodore brigadier air vice-president vice-admiral rear field professor lecturer
    economist analyst expert scholar author editor official officials delegate delegation team lead
    of the and for to in u.s. us un indo-pacific dy sec secy gov pres amb hc mr. dr. ms. mrs. prof.
    st u.n e.u u.k u.s eu nato asean
""")
# Words that make a capitalised phrase an organisation, document, place or event.
ORG_WORDS = words("""
    ministry ministries department office division embassy commission government council committee
    agency bank university institute institution association party alliance group forum summit
    initiative partnership programme program agreement treaty act corporation company limited ltd
    plc inc club foundation centre center authority board bureau secretariat court parliament
    assembly congress senate army navy force forces police port city airport hotel house palace hall
    street road province district region island islands sea ocean strait gulf river north south east
    west day week year statement declaration strategy plan fund facility network system consortium
    chamber union organization organisation nations states republic kingdom federation coalition
    dialogue conference convention framework zone project projects task review times post pledge
    process accord accords meeting meetings award compact charter roadmap mechanism corridor shield
    transformation consultations talks war corps presidency leadership consulate consulate-general
    news media press television tv radio airline airlines airways services service school college
    academy stadium temple church mosque museum world global international asia africa europe
    america pacific atlantic middle indo mission cooperation relations economy fellowship vaccine
    covid-19 working administration cabinet monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec capitol kremlin pentagon white dome exercise
""")
# Organisation words that make a capitalised phrase a body that can speak ("the Hanwha Consortium"),
# unlike documents, programmes and events ("the Paris Agreement", "the Belt and Road Initiative").
BODY_WORDS = words("""
    ministry department office division embassy commission government council committee agency bank
    university institute association party alliance group corporation company limited ltd plc inc
    foundation centre center authority board bureau secretariat court parliament assembly congress
    senate army navy police union organization organisation consortium chamber times post news media
    television tv radio airline airlines airways mission administration cabinet
""")
# Peoples of a region, in the plural ("Europeans said"): not names, and no country either.
REGIONAL_PEOPLES = words("""
    europeans africans asians arabs westerners latin-americans nordics balts caribbeans
""")
# Capitalised words that start sentences and are never names.
STOP_CAPS = words("""
    the a an in on at during after before while when as meanwhile however today yesterday both this
    that these those it its he she they we i our their his her my you your also further furthermore
    moreover additionally accordingly according speaking addressing with from by for to of and but
    or if since until through among amid amidst following last next earlier later there here what
    which who whom whose where why how all some many several two three one every each other another
    such thank thanks congratulations yes no not so then now well let q end said says over under
    under-secretary recognising recognizing building given noting together going looking madam sir
    ladies gentlemen excellencies dear good great please just again once about into upon via within
    without regarding despite besides including former new pm fm envoy fact sheet remarks readout
    joint yet afterward afterwards still even only instead indeed thus hence therefore nevertheless
    nonetheless otherwise likewise similarly finally first second third lastly overall currently
    recently previously separately specifically notably importantly asked responding commenting
    having being whereas unlike like apart along around across behind beyond near most more much any
    none either neither everyone anyone nobody mr. opening closing welcoming guest guests staff
    management resources decision resolution roadmap independence moderator participants audience
    delegates honour honor
""")

# Verbs that report speech or a stated position, after their subject ("X said").
# A regex alternation: the cue pattern is built from it (see patterns.py).
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
    "underscore|denounced|announced|announces|is announcing|spoke of|spoke about|issued statements?|"
    "issued a statement|sent greetings|"
    "sent a message|conveyed|extended greetings|extended congratulations|joined [\\w\\s]{0,40}? in congratulating|"
    "described|describes|raised|bragged|referred|signalled|signaled|opined|contended|predicted|"
    "stated|addressed|delivered|elaborated|enlightened|assailed|slammed|criticised|criticized|"
    "questioned|demanded|demands|appealed|appeals|reported|reports|resolve|resolved|"
    "reached an understanding|identified|recommit|apologi[sz]ed|look forward|looks forward|suggest|"
    "looked forward|regret|regrets|regretted|opposes|opposed|"
    "emphasized|affirmed|announced that|announces that|announce that|announced on|announced in|"
    "repeated|repeats|notified|countered|counters|lodged|accused|blamed|blames|hit out at|hits out at|"
    'called it|called this|called that|called them|called(?=[^.“”"]{1,60}[“"])|'
    "protested|protests|defended|defends|ruled out|rules out|weighed in|admitted|admits|conceded|concedes|"
    "asserted|asserts"
)
# The same cues as participles after a comma ("..., saying").
PARTICIPLE_VERBS = (
    "saying|adding|noting|stating|stressing|emphasi[sz]ing|underlining|underscoring|highlighting|"
    "expressing|urging|calling for|welcoming|reaffirming|reiterating|affirming|acknowledging|"
    "recogni[sz]ing|thanking|congratulating|greeting|requesting|assuring|announcing|warning|"
    "citing|describing|explaining|pointing out|mentioning|pledging|promising|vowing|insisting|"
    "arguing|claiming|accusing|denying|rejecting|condemning|referring|recalling|telling|"
    "encouraging|inviting|proposing|suggesting|wishing|praising|commending|applauding|"
    "conveying|reflecting|asserting|admitting|conceding"
)

# The head word of a description ("the foreign minister", "the Sri Lankan envoy").
ROLE_HEADS = words("""
    president minister ambassador envoy commissioner secretary premier chancellor king queen prince
    emir sultan leader spokesperson spokesman spokeswoman governor chairman chairperson chair ceo
    director director-general head diplomat counsellor counselor negotiator mayor senator general
    admiral commander official adviser advisor coordinator professor economist analyst consul chief
    representative
""")
# The roles a description's head word stands for ("the envoy" may be an ambassador).
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

# Titles that make a capitalised sequence a person's name ("President X"), not just any title word.
STRONG_TITLES = words("""
    president minister pm fm ambassador secretary king queen prince senator governor commissioner
    envoy spokesperson spokesman spokeswoman chairman chairperson ceo premier chancellor emir sultan
    director director-general adviser advisor official coordinator negotiator general admiral col lt
    representative counselor counsellor founder professor economist analyst chief head leader consul
    mayor member officer
""")

# Words that join title words into one hyphenated title ("Commander-in-Chief", "President-elect").
TITLE_JOINERS = words("elect designate in at large of co attorney")


class HyphenatedTitles(frozenset):
    """A set of title words that also holds their hyphenated compounds: "Secretary-General",
    "Vice-President", "Minister-Counsellor", "Ambassador-at-Large", "Prime Minister-designate"."""

    def __contains__(self, key: object) -> bool:
        if frozenset.__contains__(self, key):
            return True
        parts = key.split("-") if isinstance(key, str) else []
        return (
            len(parts) > 1
            and any(frozenset.__contains__(self, p) for p in parts)
            and all(frozenset.__contains__(self, p) or p in TITLE_JOINERS for p in parts)
        )


TITLE_WORDS = HyphenatedTitles(TITLE_WORDS)
STRONG_TITLES = HyphenatedTitles(STRONG_TITLES)
ROLE_HEADS = HyphenatedTitles(ROLE_HEADS)

# Job words that are not in TITLE_WORDS but, with them, make a sequence a title rather than a name.
EXTRA_ROLE_WORDS = words("""
    manager commercial marketing operations finance sales legal strategy communications relations
    public executive gdp
""")

# Roles of a head of state or government (whose name stands for the country).
LEADER_ROLES = words("""
    president king queen emir amir sultan chancellor premier pm
""")
# Roles that make a leader's title not the leader's own ("Vice President", "former Prime Minister").
NOT_LEADER_ROLES = words("""
    vice deputy former vice-president assistant acting
""")
