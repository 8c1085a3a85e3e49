"""Date histograms of matching paragraphs: the timeline and the date facet."""
from __future__ import annotations

from datetime import date

import numpy as np

from search.text import MONTH_ABBREVIATIONS
from search.models import Bucket, Facet, FacetValue, SearchRequest

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
        unit = "week"
        starts = days - (days - 4) % 7  # weeks start on Monday (1970-01-05 was one)
        periods = np.arange(starts.min(), starts.max() + 1, 7)
        counts = np.array([np.count_nonzero(starts == p) for p in periods])
        spans = [(int(p), int(p) + 6) for p in periods]
        labels = [f"week of {iso_day(p)}" for p, _ in spans]
    else:
        unit = "month" if (last - first) <= MAX_MONTH_SPAN * 30.5 else "year"
        kind = "datetime64[M]" if unit == "month" else "datetime64[Y]"
        buckets = months[dated] if unit == "month" else months[dated] // 12
        low = int(buckets.min())
        counts = np.bincount(buckets - low)
        periods = np.arange(low, low + len(counts)).astype(kind)
        ends = (periods + 1).astype("datetime64[D]") - 1
        spans = [(int(s.astype("datetime64[D]").astype(np.int64)), int(e.astype(np.int64)))
                 for s, e in zip(periods, ends)]
        labels = [_label(iso_day(s), unit) for s, _ in spans]
    low = request.date_from or "0000-01-01"
    high = request.date_to or "9999-12-31"
    result = []
    for (start, end), label, count in zip(spans, labels, counts):
        s, e = iso_day(start), iso_day(end)
        result.append(Bucket(s, e, label, int(count), selected=bool(request.date_from or request.date_to)
                             and s >= low and e <= high))
    return unit, result


def _label(iso: str, unit: str) -> str:
    if unit == "year":
        return iso[:4]
    return f"{MONTH_ABBREVIATIONS[int(iso[5:7]) - 1]} {iso[:4]}"


def date_facet(months: np.ndarray, request: SearchRequest) -> Facet:
    """Years with counts (newest first); once the range is within one year, that year's months.

    A value is ``selected`` when the request's range is exactly that year or
    that month, so selecting it again clears the dates, and a year shown
    above a chosen month selects the whole year.
    """
    months = months[months != NO_DATE]
    years = months // 12
    year = _single_year(request)
    if year:
        first = (int(year) - 1970) * 12
        in_year = months[years == int(year) - 1970] - first
        counts = np.bincount(in_year, minlength=12)
        items = []
        for m in np.flatnonzero(counts):
            month = str(np.datetime64(first + int(m), "M"))
            items.append(FacetValue(month, _label(f"{month}-01", "month"), int(counts[m]), _covers(request, month)))
        selected_year = FacetValue(year, year, int(len(in_year)), _covers(request, year))
        return Facet("date", "Date", [selected_year] + items)
    if not len(years):
        return Facet("date", "Date", [])
    low = int(years.min())
    counts = np.bincount(years - low)
    values = [str(np.datetime64(low + int(i), "Y")) for i in np.flatnonzero(counts)]
    items = [FacetValue(v, v, int(c), _covers(request, v)) for v, c in zip(values, counts[counts > 0])]
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
