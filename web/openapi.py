"""The OpenAPI 3.1 description served at ``/api/openapi.json``.

tests/test_openapi.py validates real responses against these schemas, so a
field added to or dropped from an answer fails a test until it is described here.
"""

from __future__ import annotations

from search.facets import FACETS, export_fields
from search.query.params import MAX_PER_PAGE, SORTS

DATE = {
    "type": "string",
    "pattern": r"^(\d{4}-\d{2}-\d{2})?$",
    "description": "ISO date (YYYY-MM-DD), or empty when unknown.",
}
STRINGS = {"type": "array", "items": {"type": "string"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **extra,
    }


def _param(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "A parameter or the query cannot be read; the message says which and why.")
NO_INDEX = _json(_ref("Error"), "There is no index yet (run `diplosearch reindex`).")

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _filter_params() -> list[dict]:
    fields = ", ".join(f"{name}:" for name in ("title", *FACETS.names(), "date", "article"))
    return [
        _param(
            "q",
            {"type": "string", "maxLength": 1000},
            f'The query: words and "phrases" (paragraphs with all of them first, then with most of '
            f"them; question words such as what or did left out), AND/OR/NOT (read exactly as "
            f"written), wildcards (semicond*), fields ({fields}). Accents are ignored, British and "
            f"American spellings are one word, curly quotes are quotes. See /help.",
        ),
        *[
            _param(
                facet.name,
                STRINGS,
                f"{facet.help} Several values mean any of them (disjunctive facet).",
                explode=True,
                style="form",
            )
            for facet in FACETS
        ],
        _param(
            "from",
            {"type": "string", "pattern": DATE_PATTERN},
            "First date, as YYYY, YYYY-MM or YYYY-MM-DD (inclusive; the first day of a year or month).",
        ),
        _param(
            "to",
            {"type": "string", "pattern": DATE_PATTERN},
            "Last date, as YYYY, YYYY-MM or YYYY-MM-DD (inclusive; the last day of a year or month).",
        ),
        _param(
            "sort",
            {"type": "string", "enum": list(SORTS)},
            "relevance (default with a query), date (newest first; default without one) or date-asc.",
        ),
        _param(
            "correct",
            SWITCH,
            "on (default): when a word of the query is in no paragraph, search the corrected query "
            "(corrected_query says which); off: search the query as typed (a correction is then "
            "only offered in suggestion).",
        ),
    ]


SWITCH = {"type": "string", "enum": ["on", "off", "true", "false", "yes", "no", "1", "0"], "default": "on"}

PAGE_PARAMS = [
    _param("page", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}, "Page number."),
    _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10}, "Hits per page."),
    _param(
        "facet_size",
        {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
        "Values returned per facet (selected values are always included).",
    ),
    _param(
        "group",
        SWITCH,
        "on (default): a page shows at most 2 paragraphs of one article, the article's other matching "
        "paragraphs counted in the hit's more_in_article and moved to later pages (a page is filled "
        "with them only when no other article matches); off: every paragraph in rank order. "
        "total, pages and facet counts are counts of paragraphs either way.",
    ),
]


def _schemas() -> dict:
    facet_names = FACETS.names()
    facet_keys = {facet.key: STRINGS for facet in FACETS}
    exported = {facet.key: STRINGS for facet in FACETS if facet.exportable}
    paragraph = {  # the columns a hit and an export row share
        "article_id": {"type": "string"},
        "n": {"type": "integer", "minimum": 1},
        "title": {"type": "string"},
        "date": DATE,
        "source": {"type": "string"},
        "url": {"type": "string"},
        "text": {"type": "string"},
    }
    return {
        "Error": _obj({"error": {"type": "string", "minLength": 1}}),
        "Filters": _obj({**{name: STRINGS for name in facet_names}, "from": DATE, "to": DATE}),
        "Hit": _obj(
            {
                **paragraph,
                "snippet": {"type": "string", "description": "HTML: the text escaped, matched words in <mark>."},
                "more_in_article": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "With group=on, on an article's first hit of the page: its other "
                    "matching paragraphs, not on this page (/article/{id}?q=… marks them).",
                },
                **facet_keys,
            }
        ),
        "FilterNote": _obj(
            {
                "facet": {"type": "string", "enum": facet_names},
                "value": {"type": "string", "description": "The filter value as given."},
                "matched": {
                    **STRINGS,
                    "description": "The index values it was read as (a sector label or other "
                    "spelling, a country alias, a speaker's surname or unaccented "
                    "name); empty when it matches none.",
                },
                "closest": {**STRINGS, "description": "When it matches none: the closest values in the index."},
                "message": {"type": "string", "minLength": 1},
            }
        ),
        "FacetValue": _obj(
            {
                "value": {"type": "string"},
                "label": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "selected": {"type": "boolean"},
                "toggle_url": {
                    "type": "string",
                    "pattern": "^/",
                    "description": "The search page with this value added (or removed when selected).",
                },
            }
        ),
        "Bucket": _obj(
            {
                "start": DATE,
                "end": DATE,
                "label": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
                "selected": {"type": "boolean", "description": "Inside the request's date range."},
            }
        ),
        "SearchResponse": _obj(
            {
                "query": {"type": "string"},
                "filters": _ref("Filters"),
                "sort": {"type": "string", "enum": list(SORTS)},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "suggestion": {
                    "type": "string",
                    "description": "A corrected query when this one looks misspelt, else empty.",
                },
                "suggestion_total": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Paragraphs the suggestion finds with the same filters (0 without one).",
                },
                "corrected_query": {
                    "type": "string",
                    "description": "The query searched instead of the one typed, when a word of it is "
                    'in no paragraph and correct=on ("Showing results for …"); '
                    "else empty.",
                },
                "grouped": {"type": "boolean", "description": "At most 2 paragraphs of one article per page (group)."},
                "filter_notes": {
                    "type": "array",
                    "items": _ref("FilterNote"),
                    "description": "Filter values read as other values, and values that match nothing "
                    "(with the closest values); exact values are not listed.",
                },
                "hits": {"type": "array", "items": _ref("Hit")},
                "facets": _obj(
                    {name: {"type": "array", "items": _ref("FacetValue")} for name in (*facet_names, "date")},
                    description="Values sorted by count (ties by name); date: years newest first, "
                    "or a chosen year and its months.",
                ),
                "timeline": _obj(
                    {
                        "unit": {"type": "string", "enum": ["", "year", "month", "week"]},
                        "buckets": {"type": "array", "items": _ref("Bucket")},
                    },
                    description="Matching paragraphs per period, every filter applied but the dates.",
                ),
            }
        ),
        "Paragraph": _obj(
            {
                "article_id": {"type": "string"},
                "n": {"type": "integer", "minimum": 1},
                "text": {"type": "string"},
                "title": {"type": "string"},
                "date": DATE,
                "dateline": {"type": "string"},
                "source": {"type": "string"},
                "url": {"type": "string"},
                **facet_keys,
                "evidence": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
                    "description": f"For {'/'.join(facet_keys)}: tag -> why it was given.",
                },
            }
        ),
        "Article": _obj(
            {
                "article_id": {"type": "string"},
                "title": {"type": "string"},
                "date": DATE,
                "dateline": {"type": "string"},
                "source": {"type": "string"},
                "url": {"type": "string"},
                "paragraphs": {"type": "array", "items": _ref("Paragraph"), "minItems": 1},
                "alternates": {
                    "type": "array",
                    "description": "Other copies of the article (syndicated or saved "
                    "twice) that were not indexed separately.",
                    "items": _obj(
                        {
                            "id": {"type": "string"},
                            "title": {"type": "string"},
                            "date": {"type": "string"},
                            "source": {"type": "string"},
                            "url": {"type": "string"},
                        }
                    ),
                },
            }
        ),
        "FacetValues": _obj(
            {
                "facet": {"type": "string", "enum": facet_names},
                "prefix": {"type": "string"},
                "scope": {
                    "type": "string",
                    "enum": ["index", "search"],
                    "description": "index: counts over every paragraph; search: within the search given.",
                },
                "values": {"type": "array", "items": _ref("FacetValue")},
            }
        ),
        "ExportRow": _obj(
            {
                **paragraph,
                **exported,
            }
        ),
        "Export": _obj(
            {
                "query": {"type": "string"},
                "filters": _ref("Filters"),
                "sort": {"type": "string", "enum": list(SORTS)},
                "total": {"type": "integer", "minimum": 0, "description": "All matching paragraphs."},
                "limit": {"type": "integer", "minimum": 1, "description": "The export cap."},
                "exported": {"type": "integer", "minimum": 0, "description": "Rows in this file: min(total, limit)."},
                "truncated": {"type": "boolean", "description": "True when total > exported."},
                "rows": {"type": "array", "items": _ref("ExportRow")},
            }
        ),
    }


EXPORT_HEADERS = {
    "Content-Disposition": {
        "schema": {"type": "string"},
        "description": 'attachment; filename="diplosearch-<query>-<date>.<ext>"',
    },
    "X-Total-Count": {"schema": {"type": "integer"}, "description": "All matching paragraphs."},
    "X-Export-Count": {"schema": {"type": "integer"}, "description": "Rows in this file."},
    "X-Export-Limit": {"schema": {"type": "integer"}, "description": "The export cap."},
}


def openapi_spec(export_limit: int) -> dict:
    cap = f"{export_limit:,}"
    export_description = (
        f"Every matching paragraph (all pages, in the requested order) up to "
        f"{cap} rows; `page`, `per_page` and `facet_size` are ignored. "
        "X-Total-Count says how many matched."
    )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "diplosearch",
            "version": "1",
            "description": "Faceted full-text search over diplomatic-event articles, paragraph by "
            "paragraph. The search page `/` takes the same parameters as `/api/search`.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search paragraphs, with facets and a timeline.",
                    "parameters": _filter_params() + PAGE_PARAMS,
                    "responses": {
                        "200": _json(_ref("SearchResponse"), "One page of hits."),
                        "400": ERROR,
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/article/{id}": {
                "get": {
                    "operationId": "article",
                    "summary": "An article's paragraphs, tags and evidence.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "The article id.",
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Article"), "The article."),
                        "404": _json(_ref("Error"), "No article with this id."),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/facets/{name}": {
                "get": {
                    "operationId": "facetValues",
                    "summary": "Values of one facet whose words start with a prefix (for facet search boxes).",
                    "description": "Without search parameters, counts are over the whole index; with any of "
                    f"{', '.join(['q', *FACETS.names(), 'from', 'to'])} they are within that search.",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": FACETS.names()},
                        },
                        _param(
                            "prefix",
                            {"type": "string"},
                            "Keep values with a word starting with each word of this (case and accents ignored).",
                        ),
                        _param(
                            "limit",
                            {"type": "integer", "minimum": 1, "maximum": 200, "default": 20},
                            "Most values returned (clamped to 1..200).",
                        ),
                    ]
                    + _filter_params(),
                    "responses": {
                        "200": _json(_ref("FacetValues"), "Matching values, most frequent first."),
                        "400": ERROR,
                        "503": NO_INDEX,
                    },
                }
            },
            "/export.csv": {
                "get": {
                    "operationId": "exportCsv",
                    "summary": "The search's paragraphs as CSV.",
                    "description": export_description + f" Columns: {', '.join(export_fields())}; lists joined "
                    'with "; ". RFC 4180 quoting, UTF-8, CRLF line ends.',
                    "parameters": _filter_params(),
                    "responses": {
                        "200": {
                            "description": "CSV with a header row.",
                            "headers": EXPORT_HEADERS,
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": {
                            "description": "A parameter cannot be read.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        "503": NO_INDEX,
                    },
                }
            },
            "/export.json": {
                "get": {
                    "operationId": "exportJson",
                    "summary": "The search's paragraphs as JSON.",
                    "description": export_description,
                    "parameters": _filter_params(),
                    "responses": {
                        "200": {**_json(_ref("Export"), "The rows and how many matched."), "headers": EXPORT_HEADERS},
                        "400": ERROR,
                        "503": NO_INDEX,
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
        "x-export-limit": export_limit,
    }
