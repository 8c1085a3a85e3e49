"""Sector tagger: taxonomy, list items, job-title, figurative and ceremonial exclusions."""

from search.tagging import sector_labels
from search.tagging.sectors import tag_sectors

IDS = [
    "diplomacy",
    "defence",
    "security",
    "energy",
    "science-technology",
    "space",
    "trade-investment",
    "infrastructure-transport",
    "agriculture-food",
    "health",
    "education-culture",
    "environment-climate",
    "humanitarian",
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
    text = (
        "Meanwhile, Science, Technology and Innovation (STI) were further identified as key "
        "areas for collaboration, with a focus on semiconductors, biotechnology, renewable "
        "energy, space and other STI-related fields."
    )
    assert set(sectors(text)) == {"science-technology", "energy", "space"}


def test_seed_first_paragraph():
    text = (
        "Malaysia and Turkiye have reaffirmed their strong commitment to deepening bilateral "
        "ties, with a particular focus on defence, energy security, as well as science and technology."
    )
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


def test_security_as_a_subject_but_not_energy_or_food_security():
    assert "security" in sectors("The two leaders agreed to deepen security cooperation.")
    assert "security" in sectors("They discussed regional security and maritime security.")
    assert "security" in sectors("They exchanged views on political, economic, and security cooperation.")
    assert "security" in sectors("Japan will strengthen cooperation with Sri Lanka in the maritime domain.")
    assert "security" not in sectors("Energy security was also highlighted.")
    assert "security" not in sectors("They discussed food security and health security.")
    assert "security" not in sectors("The resolution was adopted by the United Nations Security Council.")


def test_office_names_with_division_are_not_a_sector():
    text = "He was accompanied by the Director General of the International Security Cooperation Division."
    assert "security" not in sectors(text)


def test_a_relationship_word_qualified_by_another_sector_is_that_sector():
    # "economic cooperation", "security partnership", "bilateral debt restructuring": not diplomacy
    assert sectors("The two sides aim at strengthening bilateral economic cooperation.") == ["trade-investment"]
    assert "diplomacy" not in sectors("They held talks on the future of the bilateral security partnership.")
    assert "diplomacy" not in sectors("Japan facilitated discussions to speed up bilateral debt restructuring.")
    # ... but the relationship itself still is
    assert "diplomacy" in sectors("The leaders reaffirmed the strength of their bilateral relationship.")


def test_a_business_word_qualified_by_another_sector_is_not_trade():
    assert sectors("The port group grew its shipping business.") == ["infrastructure-transport"]
    assert sectors("They will secure nuclear fuel supply chains.") == ["energy"]
    assert "trade-investment" in sectors("The business community welcomed the agreement.")


def test_incidental_relationship_words_in_a_paragraph_about_other_sectors():
    text = (
        "G7 partners are working to meet the goals of the Paris Agreement, invest in clean energy "
        "and build resilient supply chains."
    )
    assert "diplomacy" not in sectors(text)
    assert "diplomacy" in sectors("The G7 partners will meet again in Tokyo for talks.")


def test_title_case_heading_is_read_as_words():
    assert sectors("Strategic and Enduring Partnership") == ["diplomacy"]
    assert "security" in sectors("Enduring Bilateral Security Cooperation")


def test_embassy_and_friendly_countries_are_diplomacy():
    assert "diplomacy" in sectors("The Embassy of Sri Lanka in Jakarta facilitated the trade meeting.")
    assert "diplomacy" in sectors("The economy recovered with the support of friendly countries like Bangladesh.")


def test_investor_friendly_climate_is_not_environment():
    assert "environment-climate" not in sectors("The reforms foster a more investor-friendly climate.")
    assert "environment-climate" in sectors("They agreed to act on climate change.")


def test_single_pass_scan_matches_per_kind_matching():
    from search.tagging import sectors as S

    tax = S._taxonomy()
    text = (
        "Meanwhile, the Embassy congratulated the leaders on bilateral ties and trade, "
        "while Defence Minister Marles discussed the oil palm industry and kidnapping."
    )
    words = S._TOKEN.findall(S.mask_exclusions(text))
    lows = [w.lower() for w in words]
    got = S._scan(tax.combined, words, lows, True)
    want = (
        list(S._matches(tax.exclude, words, lows, lows)),
        list(S._matches(tax.strong, words, lows, lows)),
        list(S._matches(tax.weak, words, lows, lows, names_off=True)),
        list(S._matches(tax.generic, words, lows, lows, names_off=True)),
    )
    assert tuple(got) == want


def test_exclusions_match_the_same_when_lower_casing_changes_the_length():
    """'İ'.lower() is two characters: the lower-cased fast path must not shift spans."""
    from search.tagging import sectors as S

    plain = "The Defence Minister met the Trade Minister in Ankara."
    dotted = "İSTANBUL: " + plain
    assert S.mask_exclusions(dotted)[len("İSTANBUL: ") :] == S.mask_exclusions(plain)
    assert "Defence" not in S.mask_exclusions(plain)
    assert sectors(dotted) == sectors(plain)


def test_a_body_of_a_sector_names_that_sector_but_an_office_or_party_does_not():
    # a port authority, a business forum, a university: the organisation is itself a sector subject
    assert "infrastructure-transport" in sectors("The operator signed a deal with the Harbour Port Authority.")
    assert "trade-investment" in sectors("An Indo-Pacific Business Forum will take place next week.")
    assert "education-culture" in sectors("She proposed to set up a Climate Change University.")
    # a high commission is a diplomatic mission (ANNOTATION.md: embassies), not a commission's name
    assert "diplomacy" in sectors("He had served as a counsellor at the High Commission.")
    # political and administrative units stay names
    assert "diplomacy" not in sectors("Members of the Liberal Democratic Party of Ruritania attended.")
    assert "security" not in sectors("He heads the Regional Security Cooperation Division.")


def test_defence_procurement_and_defence_trade_are_defence_not_trade():
    assert sectors("Allies are making larger investments in the military capabilities they share.") == ["defence"]
    assert sectors("The two ministers opened a defence trade dialogue on defence export licences.") == ["defence"]
    assert "trade-investment" in sectors("Both sides agreed to boost trade in textiles.")


def test_investing_in_a_relationship_is_figurative():
    assert sectors("Both leaders pledged to keep investing in the relationship.") == ["diplomacy"]
    assert "trade-investment" in sectors("Both leaders pledged to keep investing in renewable energy.")


def test_a_conflict_to_be_avoided_or_deterred_is_not_a_war():
    assert "humanitarian" not in sectors("Open channels of communication help to avoid conflict in the region.")
    assert "humanitarian" not in sectors("The alliance exists to deter aggression.")
    assert "humanitarian" in sectors("The conflict has displaced thousands of families.")


def test_infrastructure_and_technology_qualified_by_another_sector_are_that_sector():
    assert sectors("India offered to help build digital infrastructure.") == ["science-technology"]
    assert sectors("The new line will improve power grid connectivity.") == ["energy"]
    assert sectors("They agreed to promote clean energy technologies.") == ["energy"]
    assert "infrastructure-transport" in sectors("They agreed to upgrade rail infrastructure.")
    assert "science-technology" in sectors("They agreed to cooperate on emerging technologies.")


def test_a_defence_strategic_dialogue_is_defence():
    assert sectors("The two sides will hold a defence strategic dialogue.") == ["defence"]
    assert sectors("The two sides will hold a strategic dialogue.") == ["diplomacy"]


def test_a_meeting_for_a_discussion_is_diplomacy():
    ids, why = tag_sectors("The minister met the head of the lender for a discussion on loans.")
    assert ids == ["diplomacy", "trade-investment"]
    assert "discussion" in why["diplomacy"]


def test_sanctuary_and_capacity_building_alone_are_not_sectors():
    assert sectors("The group found sanctuary across the border.") == []
    assert sectors("The programme focuses on capacity building.") == []


def test_normalisation_is_diplomacy_only_for_relations():
    ids, why = tag_sectors("The two states agreed on the normalisation of relations.")
    assert ids == ["diplomacy"] and "normalisation of relations" in why["diplomacy"]
    assert "diplomacy" in sectors("Both countries normalized ties last year.")
    assert "diplomacy" not in sectors("The reforms aim at the normalization of prices.")


def test_general_terms_for_routes_rail_payments_and_metals():
    assert sectors("The harbour lies close to major sea routes.") == ["infrastructure-transport"]
    assert sectors("The light rail project was suspended.") == ["infrastructure-transport"]
    assert sectors("A new payment system was launched.") == ["trade-investment"]
    assert sectors("Output of steel and aluminium rose.") == ["trade-investment"]


def test_a_statement_cited_as_a_source_is_not_diplomacy():
    # ANNOTATION.md, seed paragraph 6 ("According to the statement, ...") is defence only
    text = "According to the joint statement, both sides will expand defence cooperation."
    assert sectors(text) == ["defence"]
    assert sectors("As noted in the March joint statement, both sides will expand defence cooperation.") == ["defence"]
    assert "diplomacy" in sectors("The leaders issued a joint statement on defence cooperation.")


def test_a_trade_mission_or_a_port_call_is_not_a_diplomatic_visit():
    assert sectors("The chamber will organise a visit by a business delegation to the capital.") == ["trade-investment"]
    assert sectors("The agreement allows regular visits by naval ships.") == ["defence"]
    assert "diplomacy" in sectors("The President will pay a visit to the capital next week.")


def test_military_uniforms_worn_by_gunmen_are_not_armed_forces():
    assert "defence" not in sectors("The gunmen wore military uniforms.")
    assert "defence" in sectors("The two militaries held joint exercises.")


def test_a_war_or_pandemic_that_only_dates_an_event_is_not_a_subject():
    assert "humanitarian" not in sectors("The firm was listed after the end of the civil war.")
    assert "health" not in sectors("The port signed the deal before the pandemic hit.")
    assert "humanitarian" in sectors("The civil war displaced thousands.")
    assert "health" in sectors("The pandemic strained hospitals.")


def test_the_armed_forces_words_of_war_speeches_are_defence():
    from search.tagging.sectors import tag_sectors

    assert "defence" in tag_sectors("We thank our defenders and every brigade on the frontline.")[0]
    assert "humanitarian" in tag_sectors("The occupiers shelled the city; twelve civilians were killed.")[0]
    assert "defence" not in tag_sectors("Both sides agreed to combat climate change together.")[0]


def test_cultural_and_humanitarian_cooperation_is_people_to_people():
    from search.tagging.sectors import tag_sectors

    sectors, _ = tag_sectors("The ministers praised the cultural and humanitarian cooperation of their peoples.")
    assert "education-culture" in sectors and "humanitarian" not in sectors
    assert "humanitarian" in tag_sectors("Humanitarian aid reached the refugees.")[0]


def test_ecosystem_is_environment_only_when_nothing_else_is_named():
    from search.tagging.sectors import tag_sectors

    assert "environment-climate" not in tag_sectors("The startup ecosystem attracts investment.")[0]
    assert tag_sectors("The lake's ecosystem is fragile.")[0] == ["environment-climate"]


def test_travel_corridors_data_security_and_drills():
    from search.tagging.sectors import tag_sectors

    assert "infrastructure-transport" in tag_sectors("The two cities will open a travel bubble in May.")[0]
    assert "security" in tag_sectors("The initiative sets standards for data security.")[0]
    assert "defence" in tag_sectors("The navy held drills near the islands.")[0]


def test_sanctions_tensions_accusations_and_sovereignty_are_diplomacy():
    assert sectors("Ruritania announced new sanctions on Freedonia's banks.") == ["diplomacy", "trade-investment"]
    assert "diplomacy" in sectors("Tensions have risen since the election.")
    assert sectors("The minister accused his neighbour of meddling in the vote.") == ["diplomacy"]
    assert "diplomacy" in sectors("They insisted on respect for the sovereignty of the islands.")


def test_war_crimes_are_not_security():
    assert sectors("The prosecutors documented war crimes against civilians in the occupied town.") == ["humanitarian"]
    assert "security" in sectors("Police cooperation against organised crime was discussed.")
    # crimes named beside a war are war crimes (ANNOTATION.md: security is transnational and organised crime)
    occupiers = sectors("The crimes of the occupiers will be punished; civilians were killed in the town.")
    assert occupiers == ["humanitarian"]
    court = sectors("Investigators of the International Criminal Court came to the town where civilians were killed.")
    assert court == ["humanitarian"]
    assert "security" in sectors("The ceasefire talks stalled as organised crime and smuggling grew.")
    assert "security" in sectors("Crimes against tourists rose after the war ended.")


def test_a_war_named_as_history_or_only_dating_an_event_is_not_humanitarian():
    # ANNOTATION.md, Clarifications: a war that only dates or explains an event is not its sector
    assert sectors("The veterans laid flowers at the memorial to those who fell in the Second World War.") == []
    assert sectors("Moscow will host the parade marking Victory in the Great Patriotic War.") == []
    assert sectors("The ministers spoke of rebuilding the country's schools after the war.") == ["education-culture"]
    assert "humanitarian" not in sectors("Both sides pledged funds for post-war reconstruction.")
    assert "humanitarian" in sectors("The war has displaced a million people.")


def test_construction_alone_is_infrastructure_only_when_nothing_more_specific_is_named():
    # a generic word: the construction of a refinery is energy, of a relationship is diplomacy
    assert sectors("Work began on the construction of a hydropower plant.") == ["energy"]
    assert sectors("Both sides praised the construction of their relationship.") == ["diplomacy"]
    assert sectors("Construction began in March.") == ["infrastructure-transport"]
    assert "infrastructure-transport" in sectors("The construction sector employs many migrant workers in Doha.")


def test_non_proliferation_and_arms_control_are_defence():
    # ANNOTATION.md, Clarifications: nuclear weapons, arms control and non-proliferation are defence
    assert "defence" in sectors("The ministers called for the complete denuclearisation of the peninsula.")
    assert "defence" in sectors("They discussed the future of Ruritania's nuclear programme.")
    assert "defence" in sectors("Talks on arms control resumed in Geneva.")
    # civil nuclear power is energy
    assert sectors("The two countries launched a civil nuclear programme to generate power.") == ["energy"]


def test_the_wars_in_syria_libya_and_yemen_are_humanitarian():
    # ANNOTATION.md: humanitarian covers wars and crises, named by their place (Gaza, Ukraine, Sudan, Myanmar…)
    assert "humanitarian" in sectors("The two presidents exchanged views on the situation in Syria.")
    assert "humanitarian" in sectors("Both sides urged a return to dialogue among the parties in Libya.")
    assert "humanitarian" in sectors("The envoy briefed his hosts on his recent trip to Yemen.")


def test_a_virus_its_infections_and_lockdowns_are_health():
    # ANNOTATION.md: health covers public health
    assert "health" in sectors("Scientists have yet to pinpoint where the virus first appeared.")
    assert "health" in sectors("No country wants to lift its curbs for fear of a new wave of infections.")
    assert "health" in sectors("The city has been under a lockdown for two weeks.")
    assert "health" in sectors("The World Health Organisation called the claims speculative.")


def test_a_qualifier_must_stand_right_before_the_word_it_qualifies():
    # a comma ends the qualifier: "trade wars, technology threats" names technology too
    assert "science-technology" in sectors("The dispute may outlast the trade wars, technology threats and tariffs.")
    # a verb phrase ending in a preposition does not qualify the noun after it
    assert "science-technology" in sectors("The rules call on technology firms to store data at home.")
    # an adjacent qualifier still does
    assert sectors("They agreed to promote clean energy technologies.") == ["energy"]


def test_tech_is_technology_and_a_tech_war_is_not_a_war():
    assert sectors("The two sides are locked in a struggle over trade and tech.") == [
        "science-technology",
        "trade-investment",
    ]
    assert "science-technology" in sectors("They set up a high-tech investment fund.")
    assert "humanitarian" not in sectors("The two giants were embroiled in a tech war last year.")


def test_security_as_an_item_of_a_list_of_sectors():
    # ANNOTATION.md: every sector named as an item of a list is tagged
    assert "security" in sectors("They are locked in a struggle over trade, security and tech.")
    assert "security" in sectors("We cooperate in the fields of security, energy and commerce.")
    # a compound is the other sector's, and security among relationship words is not a list of sectors
    assert sectors("They agreed to strengthen energy security.") == ["energy"]
    assert "security" not in sectors("The Quad is a force for regional peace, stability, security, and prosperity.")


def test_the_security_council_is_a_name_kept_through_the_organisation_exclusion():
    # the exclusion that blanks organisation names keeps the names that are terms themselves
    assert "diplomacy" in sectors("In his letter to the Security Council, the minister said the move had no basis.")
    assert "diplomacy" in sectors("The envoy briefed the UN Security Council on Friday.")
    assert "diplomacy" in sectors("Leaders of the Gulf Cooperation Council gathered in the capital.")
    # a national security council is an office of a government, not the UN's
    assert sectors("A former National Security Council official testified on Tuesday.") == []
    assert sectors("The Senate Committee on Foreign Relations heard him on Tuesday.") == []


def test_acronyms_written_in_title_case_are_the_same_names():
    assert "diplomacy" in sectors("The leaders gathered in Hanoi for the Asean gathering.")
    assert "diplomacy" in sectors("Norway, a close US ally and Nato member, joined the statement.")
    assert "energy" in sectors("Opec cut its output again.")


def test_rights_over_fish_or_sea_areas_are_not_human_rights():
    assert "humanitarian" not in sectors("The two sides also disagree on fishing rights in British waters.")
    assert "humanitarian" not in sectors("The tribunal found no legal basis for historic rights to the sea areas.")
    assert "humanitarian" in sectors("The ministers raised human rights and the rights of minorities.")


def test_an_exclusive_economic_zone_and_business_as_usual_are_not_trade():
    assert "trade-investment" not in sectors("The vessels entered our exclusive economic zone near the shoal.")
    assert "trade-investment" not in sectors('He said it could not be "business as usual" with the neighbour.')
    assert "trade-investment" in sectors("Business between the two countries doubled last year.")


def test_commercial_fishing_flights_and_launches_are_their_own_sectors():
    assert sectors("Commercial fishing may become possible in the Arctic high seas.") == ["agriculture-food"]
    assert "trade-investment" not in sectors("Commercial flights between the capitals resume in May.")
    assert "trade-investment" in sectors("Commercial ties between the two countries have grown.")


def test_exchanges_of_views_press_statements_and_contacts_are_diplomacy():
    assert sectors("There was also an exchange of views on current issues on the international agenda.") == [
        "diplomacy"
    ]
    assert sectors("The two presidents made statements for the press.") == ["diplomacy"]
    assert sectors("The two presidents also made press statements.") == ["diplomacy"]
    assert sectors("It was agreed to continue contacts at various levels.") == ["diplomacy"]
    # a weak term: beside another sector, one of them alone does not add diplomacy
    assert sectors("They exchanged views on trade and investment.") == ["trade-investment"]


def test_a_stated_position_on_other_states_is_diplomacy():
    from search.models import Article
    from search.tagging import Tagger

    art = Article(
        id="t",
        paragraphs=[
            'China wants to paint the United States as the aggressor, analyst Collin Koh said. "It is the old game."',
            "Mr Koh said China had changed its tone.",
            "China and the United States have traded barbs for months.",
        ],
    )
    position, one_state, no_speaker = Tagger().tag(art)
    assert position.sectors == ["diplomacy"]
    assert position.evidence["sectors"]["diplomacy"].startswith('a position on other states: "Collin Koh"')
    assert one_state.sectors == []  # a speaker, but one state only
    assert no_speaker.sectors == []  # two states, but nobody's stated position


def test_a_pandemic_that_only_dates_or_explains_an_event_is_not_health():
    assert "health" not in sectors("Talks resume on Monday after a six-week break caused by the coronavirus.")
    assert "health" not in sectors("The summit was held virtually due to the Covid-19 pandemic.")
    assert "health" not in sectors("They discussed regional developments in a post-coronavirus world.")
    assert "health" in sectors("The ministers discussed vaccine supplies amid the pandemic.")
    assert "health" in sectors("The pandemic has strained hospitals across the region.")


def test_people_fleeing_fighting_and_drone_strikes_are_conflict():
    assert "humanitarian" in sectors("Thousands have fled their homes as fighting intensified in Darfur.")
    assert {"defence", "humanitarian"} <= set(sectors("Overnight drone strikes hit the port city."))
    assert "humanitarian" not in sectors("The ministers discussed fighting corruption and money laundering.")


def test_it_as_information_technology_and_the_un_human_rights_council():
    assert "science-technology" in sectors("Investors were invited into renewable energy, tourism and IT.")
    assert "science-technology" not in sectors("IT IS A GREAT HONOUR TO BE HERE TODAY.")
    council = sectors("Its candidature for the UN Human Rights Council was discussed.")
    assert {"diplomacy", "humanitarian"} <= set(council)


def test_named_war_zones_are_conflict():
    assert "humanitarian" in sectors("The leaders discussed the situation around Nagorno-Karabakh.")
    assert "humanitarian" in sectors("The most difficult situation is in Donbas.")
    assert "humanitarian" in sectors("He expressed concern over the continued violence in Rakhine state.")


def test_friction_between_states_and_the_security_councils_members_are_diplomacy():
    assert sectors("Borduria called the patrols an illegal provocation.") == ["diplomacy"]
    assert sectors("The expulsions were a tit-for-tat response to the closure of the consulate in Szohod.") == [
        "diplomacy"
    ]
    assert sectors("The remarks drew a sharp rebuke from Syldavia.") == ["diplomacy"]
    assert sectors("Borduria is one of the five permanent members of the council.") == ["diplomacy"]


def test_the_relations_of_two_states_named_together_are_diplomacy_among_other_sectors():
    text = "Trade, technology and investment disputes have strained Borduria-Syldavia ties."
    assert "diplomacy" in sectors(text)
    assert "diplomacy" not in sectors("Trade, technology and investment disputes have strained supplier relations.")


def test_a_call_with_an_adverb_of_time_before_its_partner_is_diplomacy():
    assert "diplomacy" in sectors("I spoke today with the Prime Minister of Borduria about grain exports.")
    assert "diplomacy" in sectors("She talked again with her Syldavian counterpart on trade.")
    assert "diplomacy" not in sectors("The firm spoke today of record grain exports.")


def test_islamic_in_a_name_is_not_religious_affairs():
    assert sectors("The Organisation of Islamic Cooperation issued a statement.") == ["diplomacy"]
    assert sectors("The Islamic Revolutionary Guard Corps seized the vessel.") == []
    assert sectors("The ministers discussed cooperation in religious affairs.") == ["education-culture"]
