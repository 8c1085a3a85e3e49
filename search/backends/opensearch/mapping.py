"""The OpenSearch index: analysis, mapping, and conversion between Paragraph and documents.

Every facet of the registry (``search.facets``) has its fields here:

* ``<name>``: the values as tagged (keyword);
* ``<name>_shown``, for a facet that merges spellings of a name: the value each
  counts under across the whole build (``search.query.names``), written when
  the build is finished; filters, counts and hits read it;
* ``<name>_key``: each counted value as ``casefold(value) \\x1f value``, so that
  a terms aggregation ordered by count, then key, ranks values as the engine
  does (count, then case-insensitive name) in one request.

The text analyzer mirrors Whoosh's ``StemmingAnalyzer`` as far as OpenSearch's
analysis-common module allows:

* the same word pattern (``\\w+(\\.?\\w+)*``, Unicode word characters);
* the same stop words, and one-letter words dropped, *without leaving a
  position gap* (Whoosh's StopFilter renumbers the words it keeps, so
  ``"minister of defence"`` is the phrase ``minister defence``). Lucene's stop
  filter always leaves a gap, so the stop words are removed by a
  ``pattern_replace`` character filter before the tokenizer sees them, with
  look-arounds that match exactly the tokens the word pattern would cut;
* lower case, then ASCII folding (``Erdoğan`` is ``Erdogan``, as Whoosh's
  ``ascii_letters``), then British spellings as American ones
  (``search.spelling``: ``defence`` is ``defense``, a synonym filter of one word
  for one, so positions stay), then Lucene's Porter stemmer (Whoosh's Porter
  port differs on about 3 % of the corpus's words, see the conformance test).

``text.words`` and ``title.words`` are the same without stemming: the typo
correction proposes real words from them and checks that a word is in none.
``fragment`` marks headings and one-line fragments (``search.text.is_fragment``),
which rank after the paragraphs of their coverage, as on Whoosh.
"""

from __future__ import annotations

import re
from datetime import datetime

from whoosh.analysis import STOP_WORDS

from search.backends.stored import facet_values, plain_fields
from search.facets import FACETS, FacetSpec
from search.models import Paragraph
from search.spelling import variants
from search.text import is_fragment

WORD_PATTERN = r"\w+(?:\.?\w+)*"
# A whole token (as WORD_PATTERN cuts them) that is a stop word or one character long.
STOP_PATTERN = r"(?<!\w)(?<!\w\.)(?:" + "|".join(sorted(STOP_WORDS, key=lambda w: (-len(w), w))) + r"|\w)(?!\w)(?!\.\w)"
JAVA_FLAGS = "CASE_INSENSITIVE|UNICODE_CASE|UNICODE_CHARACTER_CLASS"
TITLE_BOOST = 1.5  # the title's field boost in the Whoosh schema
KEY_SEPARATOR = "\x1f"
MAX_RESULT_WINDOW = 10_000


def counted_field(facet: FacetSpec) -> str:
    """The field a facet is filtered, counted and shown by."""
    return f"{facet.name}_shown" if facet.merge_names else facet.name


def key_field(facet: FacetSpec) -> str:
    return f"{facet.name}_key"


def sort_key(value: str) -> str:
    return f"{value.casefold()}{KEY_SEPARATOR}{value}"


def key_value(key: str) -> str:
    return key.split(KEY_SEPARATOR, 1)[1]


def analysis() -> dict:
    """The analyzers of the text and title fields (``ds_text``) and their words (``ds_words``)."""
    spelling = [f"{british} => {american}" for british, american in sorted(variants().items())]
    return {
        "char_filter": {
            "ds_stops": {"type": "pattern_replace", "pattern": STOP_PATTERN, "replacement": "", "flags": JAVA_FLAGS},
        },
        "tokenizer": {
            "ds_words": {"type": "pattern", "pattern": WORD_PATTERN, "group": 0, "flags": "UNICODE_CHARACTER_CLASS"},
        },
        "filter": {
            "ds_spelling": {"type": "synonym", "synonyms": spelling, "lenient": True},
        },
        "analyzer": {
            "ds_text": {
                "type": "custom",
                "char_filter": ["ds_stops"],
                "tokenizer": "ds_words",
                "filter": ["lowercase", "asciifolding", "ds_spelling", "porter_stem"],
            },
            "ds_words": {
                "type": "custom",
                "char_filter": ["ds_stops"],
                "tokenizer": "ds_words",
                "filter": ["lowercase", "asciifolding", "ds_spelling"],
            },
        },
    }


_KEYWORD = {"type": "keyword"}
_STORED = {"type": "keyword", "index": False, "doc_values": False}


def mappings() -> dict:
    """The mapping of a new build, with the fields of every registered facet."""
    properties = {
        "doc_id": _KEYWORD,
        "article_id": _KEYWORD,
        "source_path": _KEYWORD,
        "n": {"type": "integer"},
        "text": {
            "type": "text",
            "analyzer": "ds_text",
            "index_options": "offsets",
            "fields": {"words": {"type": "text", "analyzer": "ds_words"}},
        },
        "title": {"type": "text", "analyzer": "ds_text", "fields": {"words": {"type": "text", "analyzer": "ds_words"}}},
        "fragment": {"type": "boolean"},
        "date": {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
        "dateline": _STORED,
        "source": _STORED,
        "url": _STORED,
        "evidence": {"type": "object", "enabled": False},  # stored, not indexed
    }
    for facet in FACETS:
        properties[facet.name] = _KEYWORD
        properties[counted_field(facet)] = _KEYWORD
        properties[key_field(facet)] = _KEYWORD
    return {"dynamic": "strict", "properties": properties}


def index_body(shards: int, replicas: int) -> dict:
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "refresh_interval": "-1",
                "max_result_window": MAX_RESULT_WINDOW,
            },
            "analysis": analysis(),
        },
        "mappings": mappings(),
    }


def valid_date(value: str) -> str:
    """The ISO date as the Whoosh backend indexes it, or "" (undated) when it is not a real date."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except (TypeError, ValueError):
        return ""


def to_source(paragraph: Paragraph, source_path: str = "") -> dict:
    """The document of a paragraph: the same fields and values as the Whoosh backend's."""
    doc = {
        **plain_fields(paragraph, source_path),
        "evidence": paragraph.evidence,
        "fragment": is_fragment(paragraph.text),
    }
    date = valid_date(paragraph.date)
    if date:
        doc["date"] = date
    for facet in FACETS:
        values = facet_values(paragraph, facet)
        doc[facet.name] = values
        doc[counted_field(facet)] = list(values)  # merged names are written when the build is finished
        doc[key_field(facet)] = [sort_key(v) for v in values]
    return doc


def from_source(source: dict, shown: bool = False) -> Paragraph:
    """A paragraph from its stored document; with ``shown``, each facet's values as the facet
    counts them (spellings of a name merged), as hits and exports show them."""
    return Paragraph(
        article_id=source["article_id"],
        n=int(source["n"]),
        text=source.get("text", ""),
        title=source.get("title", ""),
        date=source.get("date", "") or "",
        dateline=source.get("dateline", ""),
        source=source.get("source", ""),
        url=source.get("url", ""),
        tags={facet.key: list(source.get(counted_field(facet) if shown else facet.name) or []) for facet in FACETS},
        evidence=source.get("evidence") or {},
    )


def python_stop_pattern() -> re.Pattern:
    """STOP_PATTERN for Python's re (the tests compare it with Whoosh's tokenizer and stop filter)."""
    return re.compile(STOP_PATTERN, re.IGNORECASE)
