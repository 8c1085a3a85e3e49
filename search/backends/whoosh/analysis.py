"""The analyzer of the text and title fields: the engine's reading of words, with Porter stems.

The reading is ``search.query.analysis`` (lower case, accents off, one spelling per
word, stop words out); the same analyzer reads the index and the queries.
"""

from __future__ import annotations

from whoosh.analysis import StemFilter

from search.query.analysis import surface_analyzer


def make_analyzer():
    """Whoosh's StemmingAnalyzer with accent folding and spelling variants before the stop words."""
    return surface_analyzer() | StemFilter()
