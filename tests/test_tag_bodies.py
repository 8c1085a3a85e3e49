"""Bodies speaking, statements and descriptions joined by "and"."""

from search.tagging.speakers import tag_speakers


def speakers(paragraphs, title=""):
    return [names for names, _ in tag_speakers(paragraphs, title)]


def test_the_ministry_stands_for_the_ministry_named_in_full_earlier():
    got = speakers(
        [
            "The two countries will reopen their border, said Norway's Ministry of Foreign Affairs on Monday.",
            "The talks were productive, added the ministry in its statement.",
            "The Norway ministry said travel would resume in May.",
        ]
    )
    assert got == [["Norway's Ministry of Foreign Affairs"]] * 3


def test_it_and_the_statement_stand_for_the_body_that_issued_it():
    got = speakers(
        [
            "The Chilean Embassy said in a statement that the visit was a success.",
            "It added that more visits would follow.",
            "The statement also said trade had grown.",
        ]
    )
    assert got == [["Chilean Embassy"]] * 3


def test_two_descriptions_joined_by_and_are_two_speakers():
    got = speakers(
        [
            "Secretary of State Jane Doe met with Foreign Minister Kofi Mensah of Ghana.",
            "The Secretary and Foreign Minister reaffirmed their commitment to democracy.",
        ]
    )
    assert sorted(got[1]) == ["Jane Doe", "Kofi Mensah"]


def test_a_country_pair_in_a_name_is_not_a_person():
    got = speakers(
        [
            "The Norway-Chile Political Consultations were held in Oslo.",
            "Norway agreed to send a delegation.",
        ]
    )
    assert got == [[], []]


def test_an_unnamed_spokesperson_of_a_body_gives_the_body():
    got = speakers(
        [
            "A Norwegian foreign ministry spokesman in Oslo said the visit would go ahead.",
            "A Chilean Embassy spokeswoman said the talks had been useful.",
        ]
    )
    assert got == [["Norwegian foreign ministry"], ["Chilean Embassy"]]


def test_a_hyphenated_given_name_is_a_name_and_a_compound_adjective_is_not():
    got = speakers(
        [
            "South Korean President Kim Jae-in said the summit was a success.",
            "Oslo-based analyst firms said nothing.",
        ]
    )
    assert got == [["Kim Jae-in"], []]
