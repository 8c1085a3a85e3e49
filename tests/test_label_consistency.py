"""tools/label_consistency.py: the classes of paragraphs and the F1 it reports for them."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

from label_consistency import f1, visible_class  # noqa: E402


def _row(sectors, speakers=(), countries=()):
    return {"sectors": list(sectors), "speakers": list(speakers), "countries": list(countries)}


def test_a_paragraph_is_classed_by_what_the_tagger_sees_in_it():
    assert visible_class(_row(["diplomacy"])) == ""
    three_states = _row([], ["Ana Ruiz"], ["Borduria", "Syldavia", "Elbonia"])
    assert visible_class(three_states) == "speaker, 2+ countries, no sector"
    assert visible_class(_row(["defence"], [], ["Borduria"])) == "no speaker, 1 country, another sector"


def test_f1_if_one_sector_were_right_or_a_class_were_tagged_diplomacy():
    missed = _row(["defence"], ["Ana Ruiz"], ["Borduria"])
    rows = [({"diplomacy", "defence"}, {"defence"}, missed), ({"trade-investment"}, {"trade-investment"}, _row([]))]
    assert f1(rows) == 0.8  # 2 right, 1 missed
    assert f1(rows, right_on="diplomacy") == 1.0
    assert f1(rows, add_to=visible_class(missed)) == 1.0
    assert f1(rows, add_to="speaker, 0 countries, no sector") == 0.8
