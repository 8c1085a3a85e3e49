"""The people of one article: who was named, with which roles and country, and how recently.

Later mentions are resolved against it: a surname or a shorter form finds the
full name ("Erdogan" → "Recep Tayyip Erdogan"), a description finds the most
recent person whose roles fit ("the foreign minister", "the Sri Lankan envoy").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..countries import canonical_country, capital_of
from .leaders import mark_leaders
from .lexicon import HONORIFICS, LEADER_ROLES, NOT_LEADER_ROLES, ROLE_HEADS, ROLE_SYNONYMS
from .names import keyset, token_key

# Title words that narrow a description ("the foreign minister" is not the trade minister).
QUALIFIERS = {"foreign", "trade", "defence", "defense", "prime", "vice", "deputy", "high", "finance", "commerce"}


@dataclass(eq=False)
class Person:
    name: str
    tokens: set[str]
    roles: set[str] = field(default_factory=set)
    country: str | None = None
    listed_leader: bool = False  # in the list of heads of state or government (leaders.py)


@dataclass
class Mention:
    """A person named in a text, at [start, end)."""

    start: int
    end: int
    person: Person
    text: str


def is_leader(person: Person) -> bool:
    """A head of state or government (whose name stands for the country)."""
    roles = person.roles
    if roles & NOT_LEADER_ROLES:
        return False
    return person.listed_leader or bool(roles & LEADER_ROLES) or {"prime", "minister"} <= roles


POSTED_ROLES = frozenset({"envoy", "ambassador", "diplomat", "consul", "commissioner"})  # serve abroad


def _description_country(desc: str, posted: bool = False) -> str | None:
    """The first country a description names ("the Sri Lankan envoy").

    For a diplomat (``posted``), a capital names the posting, not the country
    served: "its Colombo envoy" is China's envoy in Colombo."""
    parts = desc.split()
    for i in range(len(parts)):
        for j in (2, 1):
            form = " ".join(parts[i : i + j])
            if posted and capital_of(form):
                continue
            country = canonical_country(form)
            if country:
                return country
    return None


class Registry:
    def __init__(self) -> None:
        self.people: list[Person] = []
        self.recent: list[Person] = []  # most recent mention last

    def find(self, tokens: list[str]) -> Person | None:
        """The most recent person whose name contains these tokens, or is contained in them."""
        keys = keyset(tokens) - HONORIFICS
        if not keys:
            return None
        for person in reversed(self.recent + self.people):
            if person.tokens and (keys <= person.tokens or person.tokens <= keys):
                return person
        return None

    def add(self, tokens: list[str], roles: set[str], country: str | None) -> Person:
        """The person these tokens name, created or completed ("Mahmud" → "Hasan Mahmud")."""
        person = self.find(tokens)
        if person is None:
            person = Person(" ".join(tokens), keyset(tokens))
            self.people.append(person)
        elif len(tokens) > len(person.name.split()) and len(person.name.split()) == 1:
            person.name = " ".join(tokens)
            person.tokens = keyset(tokens)
        mark_leaders([person])
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
        """The most recent person a description fits: head role, qualifiers and country."""
        fitting = self.all_by_description(desc)
        return fitting[0] if fitting else None

    def all_by_description(self, desc: str) -> list[Person]:
        """Everyone a description fits, the most recent first ("the Foreign Ministers").

        A person whose roles share more of the description's words comes first:
        "the First Vice Foreign Minister" is the one with that title, not a more
        recent vice foreign minister."""
        words = [token_key(w) for w in desc.split()]
        heads = [w for w in words if w in ROLE_HEADS or w in ROLE_SYNONYMS]
        if not heads:
            return []
        head = heads[-1]
        wanted = ROLE_SYNONYMS.get(head, {head})
        country = _description_country(desc, posted=head in POSTED_ROLES)
        qualifiers = {w for w in words if w in QUALIFIERS}
        if head == "fm":
            qualifiers.add("foreign")
        if head == "pm":
            qualifiers.add("prime")
        fitting = [person for person in reversed(self.recent) if _fits(person, head, wanted, qualifiers, country)]
        return sorted(fitting, key=lambda person: -len(person.roles.intersection(words)))  # the closest fit


def _fits(person: Person, head: str, wanted: set[str], qualifiers: set[str], country: str | None) -> bool:
    if person.listed_leader and not person.roles:  # "Vladimir Putin", then "the President of Russia"
        return (
            head in LEADER_ROLES | {"leader"}
            and (not country or person.country == country)
            and not (qualifiers & {"vice", "deputy", "foreign", "trade", "defence", "defense", "finance"})
        )
    if not person.roles & wanted:
        return False
    if country and person.country != country:
        return False
    if qualifiers - person.roles and not (qualifiers <= {"high"} and "commissioner" in person.roles):
        if head not in {"envoy", "diplomat"}:
            return False
    return not ("vice" not in qualifiers and "vice" in person.roles and head == "president")
