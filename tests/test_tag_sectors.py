"""Sector tagger: taxonomy, list items, job-title, figurative and ceremonial exclusions."""
from search.tagging import sector_labels
from search.tagging.sectors import tag_sectors

IDS = [
    "diplomacy", "defence", "security", "energy", "science-technology", "space",
    "trade-investment", "infrastructure-transport", "agriculture-food", "health",
    "education-culture", "environment-climate", "humanitarian",
]


def sectors(text):
    return tag_sectors(text)[0]


def test_taxonomy_ids_and_labels_in_order():
    labels = sector_labels()
    assert list(labels) == IDS
    assert labels["diplomacy"] == "Diplomacy & political relations"
    assert labels["science-technology"] == "Science, technology & innovation"
    assert labels["humanitarian"] == "Conflict, humanitarian & rights"


def test_each_item_of_a_list_is_tagged():
    text = ("Meanwhile, Science, Technology and Innovation (STI) were further identified as key "
            "areas for collaboration, with a focus on semiconductors, biotechnology, renewable "
            "energy, space and other STI-related fields.")
    assert set(sectors(text)) == {"science-technology", "energy", "space"}


def test_seed_first_paragraph():
    text = ("Malaysia and Turkiye have reaffirmed their strong commitment to deepening bilateral "
            "ties, with a particular focus on defence, energy security, as well as science and technology.")
    assert sectors(text) == ["diplomacy", "defence", "energy", "science-technology"]


def test_inflections_and_multiword_terms():
    assert "energy" in sectors("The two sides discussed hydrocarbons and critical raw minerals.")
    assert "infrastructure-transport" in sectors("New ports and railways were opened.")
    assert "agriculture-food" in sectors("Exports of palm oil rose sharply.")
    assert "energy" not in sectors("Exports of palm oil rose sharply.")


def test_job_titles_do_not_make_a_sector():
    assert "defence" not in sectors("Defence Minister Richard Marles arrived in Colombo on Monday.")
    assert "energy" not in sectors("Energy Secretary Jennifer Granholm was accompanied by her staff.")
    assert "defence" in sectors("The two sides agreed to expand defence cooperation.")


def test_figurative_energy_is_not_a_sector():
    assert "energy" not in sectors("The leaders praised the energy of the talks.")
    assert "energy" not in sectors("The meeting brought new energy to the relationship.")
    assert "energy" in sectors("They agreed to invest in renewable energy projects.")


def test_guard_of_honour_is_ceremonial():
    text = "A Guard of Honour was accorded to the visiting Prime Minister, followed by a 19-gun salute."
    assert "defence" not in sectors(text)
    assert "defence" not in sectors("He inspected the military guard of honour.")


def test_organisation_names_do_not_make_a_sector():
    text = "The Gem and Jewellery Research and Training Institute of Sri Lanka signed the document."
    assert "science-technology" not in sectors(text)
    assert "education-culture" not in sectors(text)


def test_diplomacy_is_not_added_for_cooperation_in_another_sector():
    assert sectors("Both countries agreed to expand cooperation in fisheries.") == ["agriculture-food"]
    assert sectors("Both countries agreed to expand their cooperation.") == ["diplomacy"]


def test_narrative_paragraph_has_no_sector():
    assert sectors("He was accompanied by his wife.") == []


def test_evidence_names_the_matched_term():
    ids, why = tag_sectors("The two sides discussed semiconductors.")
    assert ids == ["science-technology"]
    assert "semiconductors" in why["science-technology"]
