"""Quotations: which characters of a sentence are quoted, and quotes that span paragraphs."""

from __future__ import annotations

from .patterns import OPENS_WITH_QUOTE, QUOTE_MARK

Speakers = dict[str, str]  # a paragraph's speakers and their evidence


def quote_mask(text: str) -> list[bool]:
    """For each character, whether it lies inside a quotation."""
    mask = [False] * (len(text) + 1)
    if "“" not in text and '"' not in text and "”" not in text:
        return mask
    depth = False
    start = 0
    for m in QUOTE_MARK.finditer(text):
        ch = m.group(0)
        i = m.start()
        if depth:
            mask[start : i + 1] = [True] * (i + 1 - start)
        if ch == "“":
            depth, start = True, i
        elif ch == "”":
            depth = False
        else:
            depth = not depth
            start = i
    if depth:
        mask[start : len(text)] = [True] * (len(text) - start)
    return mask


def opens_quote(text: str) -> bool:
    """True if the paragraph opens a quotation that it does not close."""
    opens = text.count("“")
    closes = text.count("”")
    if opens or closes:
        return opens > closes
    return text.count('"') % 2 == 1


def starts_with_quote(text: str) -> bool:
    return bool(OPENS_WITH_QUOTE.match(text))


def carry_quotations(paragraphs: list[str], results: list[Speakers], only_quotes: list[bool], skip: set[int]) -> None:
    """Quotations spanning paragraphs keep their speaker.

    Backwards from the paragraph where the quote is attributed, then forwards
    into unattributed ones. ``results`` is changed in place.
    """
    starts = [starts_with_quote(t) for t in paragraphs]
    opens = [opens_quote(t) for t in paragraphs]
    for k in range(len(paragraphs) - 2, -1, -1):
        if opens[k] and starts[k + 1] and results[k + 1] and k not in skip:
            for name, why in results[k + 1].items():
                results[k].setdefault(name, f"quotation attributed in the next paragraph ({why})")
    for k in range(1, len(paragraphs)):
        if k in skip or not starts[k] or not results[k - 1]:
            continue
        if opens[k - 1] or (only_quotes[k] and not results[k]):
            for name in results[k - 1]:
                results[k].setdefault(name, "continues the quotation of the previous paragraph")
