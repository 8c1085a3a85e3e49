"""Validate search parameters (from the web or the CLI) into a SearchRequest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from search.errors import QueryError
from search.facets import FACETS
from search.models import SearchRequest

SORTS = ("relevance", "date", "date-asc")
MAX_PER_PAGE = 100


def build_request(
    q: str = "",
    filters: Mapping[str, Iterable[str]] | None = None,
    date_from: str = "",
    date_to: str = "",
    page: int | str = 1,
    per_page: int | str = 10,
    sort: str = "",
    facet_size: int | str = 10,
    group: bool | str | None = True,
    correct: bool | str | None = True,
) -> SearchRequest:
    """Check every parameter and say exactly which one is wrong.

    ``filters`` maps a facet's name (``sector``) to the values any of which
    a paragraph must carry. ``group`` (at most 2 paragraphs of one article per page)
    and ``correct`` (search the corrected query when a word is in no paragraph) take
    on/off, true/false, yes/no or 1/0."""
    filters = dict(filters or {})
    unknown = [name for name in filters if FACETS.get(name) is None]
    if unknown:
        raise QueryError(f"unknown facet {unknown[0]!r}; facets are: {', '.join(FACETS.names())}")
    date_from = _date("from", date_from)
    date_to = _date("to", date_to)
    if date_from and date_to and date_from > date_to:
        raise QueryError(f"'from' ({date_from}) is after 'to' ({date_to})")
    q = (q or "").strip()
    sort = sort or ("relevance" if q else "date")
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    return SearchRequest(
        q=q,
        filters={name: _values(filters.get(name, ())) for name in FACETS.names()},
        date_from=date_from,
        date_to=date_to,
        page=_integer("page", page, 1, 1000),
        per_page=_integer("per_page", per_page, 1, MAX_PER_PAGE),
        sort=sort,
        facet_size=_integer("facet_size", facet_size, 1, 1000),
        group=switch("group", group),
        correct=switch("correct", correct),
    )


ON = ("on", "true", "yes", "1")
OFF = ("off", "false", "no", "0")


def switch(name: str, value: bool | str | None) -> bool:
    """A yes/no parameter: a bool, or on/off, true/false, yes/no, 1/0 (empty: on)."""
    if value is None or isinstance(value, bool):
        return value is not False
    text = str(value).strip().lower()
    if text in ON or not text:
        return True
    if text in OFF:
        return False
    raise QueryError(f"{name} must be on or off, not {value!r}")


def _values(values) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _integer(name: str, value, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise QueryError(f"{name} must be between {low} and {high}, not {number}")
    return number


def _date(name: str, value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD; 'from' takes the first day, 'to' the last."""
    value = (value or "").strip()
    if not value:
        return ""
    parts = value.split("-")
    try:
        if len(parts) == 1:
            year = int(parts[0])
            day = date(year, 1, 1) if name == "from" else date(year, 12, 31)
        elif len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            if name == "from":
                day = date(year, month, 1)
            else:
                following = date(year + month // 12, month % 12 + 1, 1)
                day = date.fromordinal(following.toordinal() - 1)
        elif len(parts) == 3:
            day = date.fromisoformat(value)
        else:
            raise ValueError
    except ValueError:
        raise QueryError(f"{name!r} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), not {value!r}") from None
    if not 1 <= day.year <= 9999 or len(parts[0]) != 4:
        raise QueryError(f"{name!r} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), not {value!r}")
    return day.isoformat()
