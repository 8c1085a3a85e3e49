"""Country tagger: aliases, demonyms, leaders' titles, capitals used for governments."""

from search.models import Article
from search.tagging import canonical_country, tag_article
from search.tagging.countries import find_countries


def countries(text):
    return [c for c, _ in find_countries(text)]


def test_canonical_names():
    assert canonical_country("Turkey") == "Türkiye"
    assert canonical_country("Turkiye") == "Türkiye"
    assert canonical_country("Türkiye") == "Türkiye"
    assert canonical_country("U.S.") == "United States"
    assert canonical_country("United States of America") == "United States"
    assert canonical_country("Britain") == "United Kingdom"
    assert canonical_country("Russian Federation") == "Russia"
    assert canonical_country("Russia") == "Russia"
    assert canonical_country("Brunei") == "Brunei"
    assert canonical_country("Republic of Korea") == "South Korea"
    assert canonical_country("Korea, Republic of") == "South Korea"
    assert canonical_country("Viet Nam") == "Vietnam"
    assert canonical_country("Iran, Islamic Republic of") == "Iran"
    assert canonical_country("Filipino") == "Philippines"
    assert canonical_country("Emirati") == "United Arab Emirates"
    assert canonical_country("Atlantis") is None


def test_aliases_are_one_country():
    assert countries("Turkey and Turkiye and Türkiye") == ["Türkiye"]
    assert countries("the U.S., the UK and Britain") == ["United States", "United Kingdom"]


def test_demonyms_and_leaders_titles():
    assert countries("The Malaysian Prime Minister met the Turkish President.") == ["Malaysia", "Türkiye"]
    assert countries("Emirati and Filipino officials") == ["United Arab Emirates", "Philippines"]
    assert countries("Sri Lankans living in Israel are safe.") == ["Sri Lanka", "Israel"]


def test_capital_used_for_the_government():
    assert countries("Ankara said the talks went well.") == ["Türkiye"]
    assert countries("Talks between Beijing and Washington resumed.") == ["China", "United States"]
    assert countries("Washington accused Teheran of breaching the deal.") == ["United States", "Iran"]


def test_city_named_only_as_a_place_is_not_a_country():
    assert countries("The talks were held in Beijing on Monday.") == []
    assert countries("Tokyo, Japan") == []
    assert countries("Colombo, March 6 (Daily Mirror)- Ambassadors met the leader.") == []
    assert countries("The Paris Agreement targets remain.") == []


def test_place_names_that_contain_a_country_word():
    assert countries("freedom of navigation in the South China Sea and the Indian Ocean") == []
    assert countries("professors at the American University of Kabul") == []


def test_us_dollar_amounts_are_not_the_us():
    assert countries("trade stood at around US$ 6 billion") == []


def test_leader_named_later_implies_the_country():
    art = Article(
        id="t",
        paragraphs=[
            "Turkish President Recep Tayyip Erdogan held talks in Putrajaya.",
            "Erdogan arrived in Malaysia on Monday for a two-day official visit.",
        ],
    )
    tags = tag_article(art)
    assert tags[1].countries == ["Malaysia", "Türkiye"]
    assert "Erdogan" in tags[1].evidence["countries"]["Türkiye"]


def test_a_listed_leader_implies_the_country_without_a_title():
    art = Article(id="t", paragraphs=["Vladimir Putin and Xi Jinping made statements for the press."])
    assert set(tag_article(art)[0].countries) == {"Russia", "China"}


def test_a_listed_leaders_short_form_alone_implies_the_country_and_speaks():
    art = Article(id="t", paragraphs=["Putin said the talks were useful.", "Li said the economy grew."])
    putin, li = tag_article(art)
    assert (putin.countries, putin.speakers) == (["Russia"], ["Putin"])
    assert (li.countries, li.speakers) == ([], [])  # "Li" stands for no one leader


def test_an_unlisted_leader_is_resolved_from_a_titled_mention_in_the_article():
    art = Article(
        id="t",
        paragraphs=[
            "Chilean President Maria Lopez arrived in Oslo on Monday.",
            "Lopez met business leaders on Tuesday.",
        ],
    )
    assert tag_article(art)[1].countries == ["Chile"]


def test_a_leaders_ambiguous_short_form_implies_nothing():
    art = Article(id="t", paragraphs=["Mr Li opened the new factory."])
    assert tag_article(art)[0].countries == []


def test_gaza_and_the_west_bank_as_the_subject_are_palestine_but_not_as_a_place():
    assert [c for c, _ in find_countries("Gaza rejected the proposal on Monday.")] == ["Palestine"]
    assert [c for c, _ in find_countries("The West Bank faces new settlements.")] == ["Palestine"]
    assert find_countries("Aid trucks entered Gaza on Monday.") == []


def test_the_us_state_of_georgia_is_not_the_country():
    assert find_countries("Georgia voters went to the polls in Atlanta, Georgia.") == []
    assert find_countries("The Georgia governor signed the bill.") == []
    assert [c for c, _ in find_countries("Georgia and Armenia signed a border deal.")] == ["Georgia", "Armenia"]


def test_kosovo_is_written_as_named_and_macau_is_china():
    assert countries("Kosovo and Serbia agreed to normalise relations.") == ["Kosovo", "Serbia"]
    assert countries("Kosovar officials met their Serbian counterparts.") == ["Kosovo", "Serbia"]
    assert canonical_country("Pristina") == "Kosovo"
    assert countries("Casinos in Macau reopened.") == ["China"]


def test_more_capitals_stand_for_their_governments_but_not_as_places():
    assert countries("Baku and Yerevan signed a peace deal in Washington.") == ["Azerbaijan", "Armenia"]
    assert countries("Kinshasa accused Kigali of backing the rebels.") == ["DR Congo", "Rwanda"]
    assert countries("She flew to Dublin for a conference.") == []
