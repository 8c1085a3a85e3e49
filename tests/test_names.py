from search.backends.whoosh import WhooshBackend
from search.query.names import canonical_names
from search.query.params import build_request

from conftest import reindex


def test_variants_of_one_name_merge_under_the_most_frequent_full_form():
    shown = canonical_names(
        {
            "Joseph R. Biden Jr": 41,
            "Biden": 18,
            "Joseph R. Biden": 8,
            "Recep Tayyip Erdoğan": 3,
            "Erdogan": 5,
            "Anwar Ibrahim": 4,
        }
    )
    assert shown["Biden"] == shown["Joseph R. Biden"] == "Joseph R. Biden Jr"
    assert shown["Erdogan"] == "Recep Tayyip Erdoğan"
    assert shown["Anwar Ibrahim"] == "Anwar Ibrahim"


def test_an_ambiguous_short_form_is_left_alone():
    shown = canonical_names({"Jill Biden": 2, "Hunter Biden": 1, "Biden": 9})
    assert shown == {"Jill Biden": "Jill Biden", "Hunter Biden": "Hunter Biden", "Biden": "Biden"}


def test_speaker_facet_counts_and_filters_one_person_once(tmp_path, make_articles):
    source = make_articles(
        [
            {"id": "a", "text": '"Trade will grow," President Recep Tayyip Erdogan said.'},
            {"id": "b", "text": "Turkish President Erdogan said ties are strong."},
        ]
    )
    reindex([source], tmp_path / "ix", progress=False)
    index = WhooshBackend(tmp_path / "ix")
    result = index.search(build_request(""))
    speakers = {v.value: v.count for v in next(f for f in result.facets if f.name == "speaker").values}
    assert speakers == {"Recep Tayyip Erdogan": 2}
    assert all(h.paragraph.tags["speakers"] == ["Recep Tayyip Erdogan"] for h in result.hits)
    assert index.search(build_request("", {"speaker": ["Erdogan"]})).total == 2
    assert index.search(build_request("speaker:Erdogan")).total == 2


def test_a_nickname_and_the_full_first_name_are_one_person():
    shown = canonical_names({"Biden": 50, "Joe Biden": 3, "Joseph R. Biden Jr": 20, "Biden-Harris Administration": 2})
    assert shown["Biden"] == shown["Joe Biden"] == "Joseph R. Biden Jr"
    assert shown["Biden-Harris Administration"] == "Biden-Harris Administration"


def test_different_first_names_keep_a_bare_surname_apart():
    shown = canonical_names({"Biden": 50, "Joe Biden": 3, "Jill Biden": 4})
    assert shown["Biden"] == "Biden"


def test_a_group_of_speakers_is_not_a_longer_form_of_one():
    assert canonical_names({"G7": 19, "NATO and G7 leaders": 3})["G7"] == "G7"
