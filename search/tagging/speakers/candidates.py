"""Candidate speakers of a paragraph, with every kind of evidence that proposed them.

A kind names the step and how the name was reached: ``label`` (a transcript
label), ``turn`` (a transcript turn going on), ``speech`` (a speech printed
whole), ``issuer`` and ``issuer_we`` (a joint statement's issuers),
``quote_next``/``quote_prev`` (a quotation spanning paragraphs), and for a
cue ``<cue>:<subject step>``, such as ``say:named``, ``say:pronoun`` or
``weak:group``. Cues of the ``weak`` kind ("discussed", "committed") report a
position in some articles and an action in others: the rules alone keep only
the candidates some other kind proposed, the learned filter weighs them all.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..countries import canonical_country


@dataclass
class Candidate:
    name: str
    why: str  # the first evidence, the first strong evidence once there is one
    kinds: set[str] = field(default_factory=set)
    roles: set[str] | None = None  # a person's roles ("president"); None for a body
    leader: bool = False  # a head of state or government

    @property
    def strong(self) -> bool:
        """Proposed by some kind of evidence other than a weak cue."""
        return any(not kind.startswith("weak:") for kind in self.kinds)


class Found(dict):
    """The candidates of a paragraph by name, in order of discovery."""

    def add(self, names: list[str], why: str, kind: str) -> None:
        for name in names:
            if canonical_country(name) or not name.strip():
                continue
            candidate = self.get(name)
            if candidate is None:
                self[name] = Candidate(name, why, {kind})
                continue
            if not candidate.strong and not kind.startswith("weak:"):
                candidate.why = why
            candidate.kinds.add(kind)

    def chosen(self) -> list[Candidate]:
        """What the rules alone keep: the candidates proposed by some strong evidence."""
        return [c for c in self.values() if c.strong]
