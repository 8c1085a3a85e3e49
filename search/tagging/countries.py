"""Country tagging: names, aliases, demonyms, leaders' titles and capitals.

Names come from pycountry (name, common_name, official_name); a small hand
list adds what pycountry lacks: everyday aliases (Turkey, U.S., Britain),
demonyms (Turkish, Emirati, Filipino) and capitals used for governments
("Ankara said", "talks between Beijing and Washington"). A capital named only
as a place ("in Beijing", a dateline) does not add its country.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from ..text import strip_accents

# ISO alpha-2 → canonical name where pycountry's name is not the common English form.
CANONICAL = {
    "US": "United States",
    "GB": "United Kingdom",
    "RU": "Russia",
    "KR": "South Korea",
    "KP": "North Korea",
    "VN": "Vietnam",
    "IR": "Iran",
    "SY": "Syria",
    "LA": "Laos",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "TW": "Taiwan",
    "PS": "Palestine",
    "FM": "Micronesia",
    "BN": "Brunei",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "VA": "Vatican City",
    "CV": "Cabo Verde",
    "TR": "Türkiye",
    "CZ": "Czechia",
    "CI": "Côte d'Ivoire",
    "MK": "North Macedonia",
    "SZ": "Eswatini",
    "TL": "Timor-Leste",
    "XK": "Kosovo",  # no ISO 3166 entry (XK is the user-assigned code); the contract writes it as named
}

# Territories folded into a state, and non-state ISO entries left out.
FOLD_INTO = {"HK": "CN", "MO": "CN"}
SKIP = {"AQ", "UM", "BV", "HM", "IO", "TF", "GS"}

# Aliases pycountry lacks (matched case-sensitively as written).
ALIASES = {
    "US": ["U.S.", "U.S", "US", "USA", "U.S.A.", "America", "United States of America"],
    "GB": ["U.K.", "UK", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"],
    "TR": ["Turkey", "Turkiye", "Türkiye", "Republic of Turkey", "Republic of Türkiye", "Republic of Turkiye"],
    "RU": ["Russian Federation"],
    "KR": ["Republic of Korea", "ROK", "Korea"],
    "KP": ["DPRK", "Democratic People's Republic of Korea"],
    "CN": ["PRC", "People's Republic of China", "Mainland China", "mainland China", "Macau"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CZ": ["Czech Republic"],
    "NL": ["Holland", "The Netherlands"],
    "MM": ["Burma"],
    "CI": ["Ivory Coast", "Cote d'Ivoire", "Côte d’Ivoire", "Cote d’Ivoire"],
    "TL": ["East Timor"],
    "VA": ["Vatican", "Holy See"],
    "MK": ["Macedonia"],
    "SZ": ["Swaziland"],
    "CV": ["Cape Verde"],
    "LA": ["Lao PDR"],
    "CD": ["DRC", "Democratic Republic of the Congo", "Democratic Republic of Congo", "DR Congo"],
    "PS": ["Palestine", "State of Palestine"],
    "VN": ["Vietnam"],
    "SA": ["KSA", "Kingdom of Saudi Arabia"],
    "LK": ["Ceylon"],
    "IR": ["Islamic Republic of Iran"],
    "BN": ["Brunei Darussalam"],
}

# Demonyms and adjectives (pycountry has none). Plural "-s" is accepted too.
DEMONYMS = {
    "AF": "Afghan",
    "AL": "Albanian",
    "DZ": "Algerian",
    "AO": "Angolan",
    "AR": "Argentine Argentinian",
    "AM": "Armenian",
    "AU": "Australian",
    "AT": "Austrian",
    "AZ": "Azerbaijani Azeri",
    "BH": "Bahraini",
    "BD": "Bangladeshi",
    "BY": "Belarusian",
    "BE": "Belgian",
    "BJ": "Beninese",
    "BT": "Bhutanese",
    "BO": "Bolivian",
    "BA": "Bosnian",
    "BW": "Botswanan",
    "BR": "Brazilian",
    "BN": "Bruneian",
    "BG": "Bulgarian",
    "BF": "Burkinabe",
    "BI": "Burundian",
    "KH": "Cambodian Khmer",
    "CM": "Cameroonian",
    "CA": "Canadian",
    "CF": "Central African",
    "TD": "Chadian",
    "CL": "Chilean",
    "CN": "Chinese",
    "XK": "Kosovar Kosovan",
    "CO": "Colombian",
    "CD": "Congolese",
    "CR": "Costa Rican",
    "HR": "Croatian",
    "CU": "Cuban",
    "CY": "Cypriot",
    "CZ": "Czech",
    "DK": "Danish",
    "DJ": "Djiboutian",
    "EC": "Ecuadorian",
    "EG": "Egyptian",
    "SV": "Salvadoran",
    "ER": "Eritrean",
    "EE": "Estonian",
    "ET": "Ethiopian",
    "FJ": "Fijian",
    "FI": "Finnish",
    "FR": "French",
    "GA": "Gabonese",
    "GM": "Gambian",
    "GE": "Georgian",
    "DE": "German",
    "GH": "Ghanaian",
    "GR": "Greek",
    "GT": "Guatemalan",
    "GN": "Guinean",
    "HT": "Haitian",
    "HN": "Honduran",
    "HU": "Hungarian",
    "IS": "Icelandic",
    "IN": "Indian",
    "ID": "Indonesian",
    "IR": "Iranian",
    "IQ": "Iraqi",
    "IE": "Irish",
    "IL": "Israeli",
    "IT": "Italian",
    "CI": "Ivorian",
    "JM": "Jamaican",
    "JP": "Japanese",
    "JO": "Jordanian",
    "KZ": "Kazakh Kazakhstani",
    "KE": "Kenyan",
    "KW": "Kuwaiti",
    "KG": "Kyrgyz",
    "LA": "Lao Laotian",
    "LV": "Latvian",
    "LB": "Lebanese",
    "LR": "Liberian",
    "LY": "Libyan",
    "LT": "Lithuanian",
    "LU": "Luxembourgish",
    "MG": "Malagasy",
    "MW": "Malawian",
    "MY": "Malaysian",
    "MV": "Maldivian",
    "ML": "Malian",
    "MT": "Maltese",
    "MR": "Mauritanian",
    "MU": "Mauritian",
    "MX": "Mexican",
    "MD": "Moldovan",
    "MN": "Mongolian",
    "ME": "Montenegrin",
    "MA": "Moroccan",
    "MZ": "Mozambican",
    "MM": "Burmese Myanmarese",
    "NA": "Namibian",
    "NP": "Nepali Nepalese",
    "NL": "Dutch",
    "NZ": "New Zealander",
    "NI": "Nicaraguan",
    "NE": "Nigerien",
    "NG": "Nigerian",
    "KP": "North Korean",
    "MK": "North Macedonian",
    "NO": "Norwegian",
    "OM": "Omani",
    "PK": "Pakistani",
    "PS": "Palestinian",
    "PA": "Panamanian",
    "PG": "Papua New Guinean",
    "PY": "Paraguayan",
    "PE": "Peruvian",
    "PH": "Filipino Philippine",
    "PL": "Polish",
    "PT": "Portuguese",
    "QA": "Qatari",
    "RO": "Romanian",
    "RU": "Russian",
    "RW": "Rwandan",
    "SA": "Saudi",
    "SN": "Senegalese",
    "RS": "Serbian",
    "SC": "Seychellois",
    "SL": "Sierra Leonean",
    "SG": "Singaporean",
    "SK": "Slovak Slovakian",
    "SI": "Slovenian Slovene",
    "SO": "Somali",
    "ZA": "South African",
    "KR": "South Korean Korean",
    "SS": "South Sudanese",
    "ES": "Spanish",
    "LK": "Sri Lankan Lankan",
    "SD": "Sudanese",
    "SE": "Swedish",
    "CH": "Swiss",
    "SY": "Syrian",
    "TW": "Taiwanese",
    "TJ": "Tajik Tajikistani",
    "TZ": "Tanzanian",
    "TH": "Thai",
    "TL": "Timorese",
    "TG": "Togolese",
    "TO": "Tongan",
    "TN": "Tunisian",
    "TR": "Turkish",
    "TM": "Turkmen",
    "UG": "Ugandan",
    "UA": "Ukrainian",
    "AE": "Emirati",
    "GB": "British",
    "US": "American",
    "UY": "Uruguayan",
    "UZ": "Uzbek Uzbekistani",
    "VE": "Venezuelan",
    "VN": "Vietnamese",
    "YE": "Yemeni",
    "ZM": "Zambian",
    "ZW": "Zimbabwean",
    "WS": "Samoan",
}

# Capitals and seats of government, used for the government only in context.
CAPITALS = {
    "US": "Washington",
    "GB": "London",
    "CN": "Beijing",
    "XK": "Pristina Prishtina",
    "RU": "Moscow",
    "JP": "Tokyo",
    "IN": "New Delhi Delhi",
    "LK": "Colombo",
    "TR": "Ankara",
    "MY": "Kuala Lumpur Putrajaya",
    "FR": "Paris",
    "DE": "Berlin",
    "IT": "Rome",
    "ES": "Madrid",
    "KR": "Seoul",
    "KP": "Pyongyang",
    "IR": "Tehran Teheran",
    "IL": "Jerusalem",
    "SA": "Riyadh",
    "AE": "Abu Dhabi",
    "QA": "Doha",
    "PK": "Islamabad",
    "BD": "Dhaka",
    "NP": "Kathmandu",
    "MV": "Male",
    "AF": "Kabul",
    "TH": "Bangkok",
    "VN": "Hanoi",
    "ID": "Jakarta",
    "PH": "Manila",
    "SG": "Singapore",
    "AU": "Canberra",
    "CA": "Ottawa",
    "UA": "Kyiv Kiev",
    "BY": "Minsk",
    "EG": "Cairo",
    "SY": "Damascus",
    "IQ": "Baghdad",
    "JO": "Amman",
    "LB": "Beirut",
    "KW": "Kuwait City",
    "OM": "Muscat",
    "BH": "Manama",
    "YE": "Sanaa",
    "TW": "Taipei",
    "MM": "Naypyidaw Naypyitaw",
    "KH": "Phnom Penh",
    "LA": "Vientiane",
    "BT": "Thimphu",
    "KZ": "Astana",
    "UZ": "Tashkent",
    "BR": "Brasilia Brasília",
    "MX": "Mexico City",
    "ZA": "Pretoria",
    "NG": "Abuja",
    "KE": "Nairobi",
    "ET": "Addis Ababa",
    "HU": "Budapest",
    "PL": "Warsaw",
    "RO": "Bucharest",
    "GR": "Athens",
    "BE": "Brussels",
    "NL": "The Hague",
    "AT": "Vienna",
    "CH": "Bern",
    "SE": "Stockholm",
    "NO": "Oslo",
    "DK": "Copenhagen",
    "FI": "Helsinki",
    "CU": "Havana",
    "VE": "Caracas",
    "AR": "Buenos Aires",
    # capitals that are not also common given names or other places (not Sofia, Lima, Santiago, Wellington)
    "GE": "Tbilisi",
    "AM": "Yerevan",
    "AZ": "Baku",
    "PT": "Lisbon",
    "LT": "Vilnius",
    "LV": "Riga",
    "EE": "Tallinn",
    "IE": "Dublin",
    "CZ": "Prague",
    "SK": "Bratislava",
    "RS": "Belgrade",
    "HR": "Zagreb",
    "SI": "Ljubljana",
    "MN": "Ulaanbaatar",
    "KG": "Bishkek",
    "TJ": "Dushanbe",
    "TM": "Ashgabat",
    "LY": "Tripoli",
    "SD": "Khartoum",
    "TN": "Tunis",
    "DZ": "Algiers",
    "MA": "Rabat",
    "SN": "Dakar",
    "GH": "Accra",
    "CD": "Kinshasa",
    "AO": "Luanda",
    "ZW": "Harare",
    "ZM": "Lusaka",
    "UG": "Kampala",
    "RW": "Kigali",
    "SO": "Mogadishu",
    "MT": "Valletta",
    "CY": "Nicosia",
    "IS": "Reykjavik",
    "MD": "Chisinau",
    "MK": "Skopje",
    "AL": "Tirana",
    "BA": "Sarajevo",
    "ME": "Podgorica",
    "CO": "Bogota",
    "EC": "Quito",
    "UY": "Montevideo",
    "PY": "Asuncion",
}
# Buildings standing for a government.
SEATS = {
    "US": ["White House", "Pentagon", "State Department", "Capitol Hill", "Oval Office"],
    "RU": ["Kremlin"],
    "GB": ["Downing Street", "Whitehall"],
    "CN": ["Zhongnanhai"],
    "JP": ["Kantei"],
    "IN": ["South Block"],
    "FR": ["Elysee", "Élysée"],
}

# Territories that stand for a state when they are what the text is about, not only where
# something happens ("Gaza rejected the plan", not "talks in Gaza"): ANNOTATION.md, Places.
TERRITORIES = {"PS": ["Gaza Strip", "Gaza", "West Bank"]}

# Names that contain a country name but are not about the state.
NOT_STATES = [
    r"South China Seas?",
    r"East China Sea",
    r"Indian Ocean",
    r"Indo-Pacific",
    r"American University(?: of [A-Z]\w+)?",
    r"Latin America\w*",
    r"South America\w*",
    r"North America\w*",
    r"Central America\w*",
    r"African[- ]American\w*",
    r"Asian[- ]American\w*",
    r"Korean Peninsula",
    r"Taiwan Strait",
    r"Arabian Sea",
    r"Persian Gulf",
    r"Gulf of \w+",
    r"Sea of Japan",
    r"Strait of \w+",
    r"Guinea[- ]Bissau(?=x)",
    r"French fries",
    r"Indian Ocean Rim",
    r"New (?:South Wales|Mexico|Jersey|York|England)",
    # the US state: its cities, offices and voters
    r"Georgia(?=[’']s? (?:[Gg]overnor|Senate|senators?|Republicans?|Democrats?|voters|legislature))",
    r"Georgia (?:State|Tech|Power|Ports|[Gg]overnor|Senate|[Ss]enators?|Republicans?|Democrats?|voters|primary|"
    r"House|[Ll]egislature|Bulldogs|Secretary of State)",
    r"(?:Atlanta|Savannah|Augusta|Macon|Athens|Columbus|Marietta), Georgia",
    r"[Ss]tate of Georgia",
    r"Georgia,? (?:USA|U\.S\.)",
    r"-Ga\.?\)",
    r"Chinese New Year",
    r"Turkish Airlines",
    r"Qatar Airways",
    r"Thai Airways",
    r"Emirates Airline",
    r"Swiss franc",
    r"Jordan River",
    r"Dutch disease",
]

_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|into|inside|outside|around|across|to|from|via|visit|visited|visiting|"
    r"visits|arrived|arrive|reached|toured|tour|leaves?|left|departed|based|hosted|held|entered|enter|enters|entering)"
    r"\s+(?:the\s+)?)$"
)
_PLACE_AFTER = re.compile(
    r"^(?:-[a-z]|\s+[A-Z][a-z]|/|\s*,\s*(?:[A-Z][a-z]+\s+\d|\d|\([A-Z])|"
    r"\s*,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s*(?:\(|–|-|—|:)|\s+(?:Port|City|Declaration|Process|Stock|"
    r"Security Forum|Airport|Post|Times|Olympics|Dialogue|Conference|Convention|Summit|Club|University|Hotel|"
    r"Marathon|Stadium|Fort|Harbour|District|Municipal|Metropolitan)\b)"
)


_LEADING_THE = re.compile(r"^the\s+")
_LINE_START = re.compile(r"(?:^|\n)\s*$")
_DATELINE_PUNCT = re.compile(r"^\s*(?:,|:|\(|–|—|-)")
_PAIR = re.compile(r"^[-–]\s*[A-Z]")
_VENUE_BEFORE = re.compile(r"^\s*(?:[A-Z][A-Za-z.]+\s?){1,3},\s*$")
_VENUE_AFTER = re.compile(r"^\s*(?:$|\(|—|–|-|:)")


@cache
def _tables():
    canon: dict[str, str] = {}  # alpha2 -> canonical
    names: dict[str, str] = {}  # surface form -> alpha2 (case-sensitive forms)
    for c in pycountry.countries:
        a2 = c.alpha_2
        if a2 in SKIP:
            continue
        target = FOLD_INTO.get(a2, a2)
        common = getattr(c, "common_name", None)
        canon.setdefault(target, CANONICAL.get(target) or common or c.name)
        forms = {c.name, getattr(c, "official_name", None) or "", common or ""}
        for form in forms:
            if not form:
                continue
            if "," in form:  # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = form.partition(", ")
                form = f"{tail} {head}"
                form = re.sub(r"^(The|the) ", "the ", form)
            form = re.sub(r"\s*\(.*?\)", "", form).strip()
            if form.lower().startswith("the "):
                form = form[4:]
            names.setdefault(form, target)
            folded = strip_accents(form)
            names.setdefault(folded, target)
    for a2 in FOLD_INTO.values():
        canon[a2] = CANONICAL.get(a2) or canon[a2]
    for a2, name in CANONICAL.items():
        canon[a2] = name
    for a2, name in canon.items():
        names.setdefault(name, a2)
        names.setdefault(strip_accents(name), a2)
    for a2, forms in ALIASES.items():
        for form in forms:
            names[form] = a2
    demonyms: dict[str, str] = {}
    # multi-word demonyms need care: split on known two-word ones first
    for a2, words in DEMONYMS.items():
        tokens = words.split()
        i = 0
        while i < len(tokens):
            if (
                i + 1 < len(tokens)
                and tokens[i + 1]
                in {"Rican", "African", "Korean", "Sudanese", "Leonean", "Guinean", "Macedonian", "Lankan", "Zealander"}
                and tokens[i] in {"Costa", "Central", "South", "North", "Sierra", "Papua", "Sri", "New"}
            ):
                demonyms[f"{tokens[i]} {tokens[i + 1]}"] = a2
                i += 2
            elif tokens[i] == "Papua":
                demonyms[" ".join(tokens[i : i + 3])] = a2
                i += 3
            else:
                demonyms[tokens[i]] = a2
                i += 1
    capitals: dict[str, str] = {}
    for a2, words in CAPITALS.items():
        for cap in re.findall(
            r"New Delhi|Kuala Lumpur|Abu Dhabi|Kuwait City|Phnom Penh|Addis Ababa|Mexico City|Buenos Aires|"
            r"The Hague|\S+",
            words,
        ):
            capitals[cap] = a2
    seats = {s: a2 for a2, forms in SEATS.items() for s in forms}
    return canon, names, demonyms, capitals, seats


def _trie_regex(forms) -> str:
    """One alternation of literal forms, as a prefix trie ("Sa(?:udi|moan)").

    It matches exactly what ``"|".join(longest first)`` matches, in the same order
    of preference (at one position the forms that fit are prefixes of each other,
    and the trie tries the longer before the shorter), but the regex engine
    rejects a position after one character instead of trying every form.
    """
    trie: dict = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in node.items() if ch]
        if not alts:
            return ""
        if len(alts) == 1 and "" not in node:
            return alts[0]
        return "(?:" + "|".join(alts) + ("|" if "" in node else "") + ")"

    return build(trie)


@cache
def _pattern() -> re.Pattern:
    canon, names, demonyms, capitals, seats = _tables()
    alts = []
    territories = {t: a2 for a2, forms in TERRITORIES.items() for t in forms}
    for kind, table, suffix in (
        ("n", names, r"(?:'s|’s)?"),
        ("d", demonyms, r"s?"),
        ("c", capitals, r"(?:'s|’s)?"),
        ("s", seats, r"(?:'s|’s)?"),
        ("t", territories, r"(?:'s|’s)?"),
    ):
        body = _trie_regex(f for f in table if f)
        alts.append(f"(?P<{kind}>{body}){suffix}")
    not_states = "|".join(NOT_STATES)
    return re.compile(rf"(?P<x>\b(?:{not_states}))|(?<![\w.])(?:{'|'.join(alts)})(?![\w])")


@cache
def _lowered():
    canon, names, demonyms, capitals, _ = _tables()
    return ({k.lower(): v for k, v in names.items()}, {k.lower(): v for k, v in demonyms.items()})


@lru_cache(maxsize=65536)
def canonical_country(name: str) -> str | None:
    """Canonical country name for a name, alias, demonym or capital; None if unknown."""
    canon, names, demonyms, capitals, _ = _tables()
    name = name.strip()
    if "," in name:  # "Korea, Republic of"
        head, _, tail = name.partition(", ")
        name = f"{tail} {head}"
    if not name:
        return None
    for table in (names, demonyms):
        for form in (name, strip_accents(name)):
            if form in table:
                return canon[table[form]]
    lowered, lowered_d = _lowered()
    key = _LEADING_THE.sub("", strip_accents(name).lower())
    if key in lowered:
        return canon[lowered[key]]
    if key.rstrip("s") in lowered_d or key in lowered_d:
        return canon[lowered_d.get(key) or lowered_d[key.rstrip("s")]]
    if name in capitals:
        return canon[capitals[name]]
    return None


def capital_of(name: str) -> str | None:
    """The country whose capital this is ("Colombo": Sri Lanka), or None."""
    canon, _, _, capitals, _ = _tables()
    return canon[capitals[name]] if name in capitals else None


def _capital_is_government(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    if start == 0 or _LINE_START.search(before):
        # paragraph-initial capital followed by dateline punctuation is a dateline
        if _DATELINE_PUNCT.match(after):
            return False
    if _PLACE_BEFORE.search(before):
        return False
    if _PLACE_AFTER.match(after):
        return False
    if _PAIR.match(after):  # "Beijing-Washington" pair: keep
        return True
    return True


CAPITAL_AS_GOVERNMENT = "used for the government"  # the evidence of a country named by its capital


def by_capital(found: list[tuple[str, str]]) -> bool:
    """Whether a country was named by its capital acting as its government ("Beijing protested")."""
    return any(why.endswith(CAPITAL_AS_GOVERNMENT) for _, why in found)


def find_countries(text: str) -> list[tuple[str, str]]:
    """(canonical country, matched text) in order of first mention."""
    canon, names, demonyms, capitals, seats = _tables()
    found: dict[str, str] = {}
    for m in _pattern().finditer(text):
        if m.group("x"):
            continue
        if m.group("n"):
            form = m.group("n")
            if form in {"US", "U.S"} and text[m.end() : m.end() + 1] == "$":
                continue  # US$ amounts
            if m.start() < 40 and _VENUE_BEFORE.match(text[: m.start()]) and _VENUE_AFTER.match(text[m.end() :]):
                continue  # a dateline or venue line: "Tokyo, Japan", "HANOI, Vietnam (AP) —"
            a2 = names[form]
            why = f'matched "{m.group(0)}"'
        elif m.group("d"):
            a2 = demonyms[m.group("d")]
            why = f'demonym "{m.group(0)}"'
        elif m.group("c"):
            if not _capital_is_government(text, m.start(), m.end()):
                continue
            a2 = capitals[m.group("c")]
            why = f'capital "{m.group(0)}" {CAPITAL_AS_GOVERNMENT}'
        elif m.group("t"):
            if not _capital_is_government(text, m.start(), m.end()):
                continue
            a2 = next(a2 for a2, forms in TERRITORIES.items() if m.group("t") in forms)
            why = f'territory "{m.group(0)}" as the subject'
        else:
            a2 = seats[m.group("s")]
            why = f'seat of government "{m.group(0)}"'
        name = canon[a2]
        found.setdefault(name, why)
    return list(found.items())
