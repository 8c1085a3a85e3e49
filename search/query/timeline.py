"""Date histograms of matching paragraphs: the timeline and the date facet."""

from __future__ import annotations

from datetime import date

import numpy as np

from search.models import Bucket, Facet, FacetValue, SearchRequest
from search.text import MONTH_ABBREVIATIONS

NO_DATE = np.iinfo(np.int32).min  # the day number of an undated paragraph
EPOCH = date(1970, 1, 1)  # day number 0
MAX_MONTH_SPAN = 6 * 12  # beyond six years, bars are years
MAX_WEEK_SPAN = 20 * 7  # up to twenty weeks, bars are weeks


def day_number(iso: str) -> int:
    return (date.fromisoformat(iso) - EPOCH).days


def iso_day(number: int) -> str:
    return date.fromordinal(EPOCH.toordinal() + int(number)).isoformat()


def timeline(days: np.ndarray, months: np.ndarray, request: SearchRequest) -> tuple[str, list[Bucket]]:
    """Counts per year, month or week (as the span suggests), empty periods included.

    ``days`` and ``months`` are the matching paragraphs' day and month numbers
    (``FacetCache.days`` and ``FacetCache.months``)."""
    dated = days != NO_DATE
    days = days[dated]
    if not len(days):
        return "", []
    first, last = int(days.min()), int(days.max())
    if last - first <= MAX_WEEK_SPAN:
        return "week", _week_buckets(days, None, request)
    return month_timeline(first, last, months[dated], None, request)


def counted_timeline(days: np.ndarray, counts: np.ndarray, request: SearchRequest) -> tuple[str, list[Bucket]]:
    """``timeline`` from distinct day numbers and how many paragraphs each has (a backend's
    daily histogram)."""
    if not len(days):
        return "", []
    first, last = int(days.min()), int(days.max())
    if last - first <= MAX_WEEK_SPAN:
        return "week", _week_buckets(days, counts, request)
    return month_timeline(
        first, last, days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64), counts, request
    )


def is_week_timeline(first: int, last: int) -> bool:
    """Whether paragraphs dated ``first`` to ``last`` (day numbers) have a timeline by week."""
    return last - first <= MAX_WEEK_SPAN


def month_timeline(
    first: int, last: int, months: np.ndarray, counts: np.ndarray | None, request: SearchRequest
) -> tuple[str, list[Bucket]]:
    """The timeline by month or year of paragraphs dated ``first`` to ``last`` (day numbers,
    more than twenty weeks apart), from their month numbers (``counts``: how many paragraphs
    each stands for; None: one each)."""
    unit = "month" if (last - first) <= MAX_MONTH_SPAN * 30.5 else "year"
    kind = "datetime64[M]" if unit == "month" else "datetime64[Y]"
    buckets = months if unit == "month" else months // 12
    low = int(buckets.min())
    totals = np.bincount(buckets - low, weights=counts).astype(np.int64)
    periods = np.arange(low, low + len(totals)).astype(kind)
    ends = (periods + 1).astype("datetime64[D]") - 1
    spans = [
        (int(s.astype("datetime64[D]").astype(np.int64)), int(e.astype(np.int64)))
        for s, e in zip(periods, ends, strict=True)
    ]
    labels = [_label(iso_day(s), unit) for s, _ in spans]
    return unit, _buckets(spans, labels, totals, request)


def _week_buckets(days: np.ndarray, counts: np.ndarray | None, request: SearchRequest) -> list[Bucket]:
    starts = days - (days - 4) % 7  # weeks start on Monday (1970-01-05 was one)
    low = int(starts.min())
    totals = np.bincount((starts - low) // 7, weights=counts).astype(np.int64)
    spans = [(low + 7 * i, low + 7 * i + 6) for i in range(len(totals))]
    labels = [f"week of {iso_day(p)}" for p, _ in spans]
    return _buckets(spans, labels, totals, request)


def _buckets(
    spans: list[tuple[int, int]], labels: list[str], totals: np.ndarray, request: SearchRequest
) -> list[Bucket]:
    low = request.date_from or "0000-01-01"
    high = request.date_to or "9999-12-31"
    result = []
    for (start, end), label, count in zip(spans, labels, totals, strict=True):
        s, e = iso_day(start), iso_day(end)
        result.append(
            Bucket(
                s, e, label, int(count), selected=bool(request.date_from or request.date_to) and s >= low and e <= high
            )
        )
    return result


def _label(iso: str, unit: str) -> str:
    if unit == "year":
        return iso[:4]
    return f"{MONTH_ABBREVIATIONS[int(iso[5:7]) - 1]} {iso[:4]}"


def date_facet(months: np.ndarray, request: SearchRequest, counts: np.ndarray | None = None) -> Facet:
    """Years with counts (newest first); once the range is within one year, that year's months.

    ``months`` are the matching paragraphs' month numbers (``counts``: how many
    paragraphs each stands for, from a backend's monthly histogram; None: one each).
    A value is ``selected`` when the request's range is exactly that year or
    that month, so selecting it again clears the dates, and a year shown
    above a chosen month selects the whole year.
    """
    dated = months != NO_DATE
    months = months[dated]
    weights = counts[dated] if counts is not None else None
    years = months // 12
    year = _single_year(request)
    if year:
        first = (int(year) - 1970) * 12
        inside = years == int(year) - 1970
        in_year = months[inside] - first
        per_month = np.bincount(in_year, weights=None if weights is None else weights[inside], minlength=12).astype(
            np.int64
        )
        items = []
        for m in np.flatnonzero(per_month):
            month = str(np.datetime64(first + int(m), "M"))
            items.append(FacetValue(month, _label(f"{month}-01", "month"), int(per_month[m]), _covers(request, month)))
        total = len(in_year) if weights is None else int(weights[inside].sum())
        selected_year = FacetValue(year, year, int(total), _covers(request, year))
        return Facet("date", "Date", [selected_year] + items)
    if not len(years):
        return Facet("date", "Date", [])
    low = int(years.min())
    per_year = np.bincount(years - low, weights=weights).astype(np.int64)
    values = [str(np.datetime64(low + int(i), "Y")) for i in np.flatnonzero(per_year)]
    items = [FacetValue(v, v, int(c), _covers(request, v)) for v, c in zip(values, per_year[per_year > 0], strict=True)]
    items.sort(key=lambda v: v.value, reverse=True)
    return Facet("date", "Date", items)


def _single_year(request: SearchRequest) -> str:
    if request.date_from and request.date_to and request.date_from[:4] == request.date_to[:4]:
        return request.date_from[:4]
    return ""


def _covers(request: SearchRequest, period: str) -> bool:
    """True when the request's range is exactly the year ``YYYY`` or the month ``YYYY-MM``."""
    first = np.datetime64(period)
    last = (first + 1).astype("datetime64[D]") - 1
    return request.date_from == str(first.astype("datetime64[D]")) and request.date_to == str(last)
