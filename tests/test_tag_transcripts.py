"""Transcripts: labels in any case, a reporter's questions and stage directions."""

from search.models import Article
from search.tagging import tag_article
from search.tagging.speakers import tag_speakers


def speakers(paragraphs, title=""):
    return [names for names, _ in tag_speakers(paragraphs, title)]


def test_a_titled_name_in_mixed_case_labels_a_turn():
    got = speakers(
        [
            "Chancellor of Austria Otto Brandt: Madam President, dear guests,",
            "It is a pleasure to be back in this city.",
            "President of Chile Maria Lopez (retranslated) : Thank you, Chancellor.",
            "Our two countries have much to do together.",
        ]
    )
    assert got == [["Otto Brandt"], ["Otto Brandt"], ["Maria Lopez"], ["Maria Lopez"]]


def test_a_capitals_label_with_accented_letters():
    got = speakers(["PRIME MINISTER ŠTEFÁNIK: Good morning to all of you.", "We are ready."])
    assert got == [["Štefánik"], ["Štefánik"]]


def test_a_heading_is_not_a_mixed_case_label():
    got = speakers(
        ["Opening of the Peace Corps Office: The new office opened in March.", "Volunteers will arrive next year."]
    )
    assert got == [[], []]


def test_a_reporters_question_ends_the_turn_and_a_stage_direction_is_nobodys():
    got = speakers(
        [
            "PRESIDENT OKAFOR: We will sign the agreement today.",
            "(The agreement is signed.)",
            "It is a good day.",
            "Q Mr. President, when will the bridge open?",
            "Next year, I hope.",
        ]
    )
    assert got == [["Okafor"], [], ["Okafor"], [], []]


def test_a_name_card_after_a_linked_name_is_not_part_of_it():
    got = speakers(["Prime Minister of Norway Otto Brandt Brandt Otto Prime Minister of Norway: Thank you."])
    assert got == [["Otto Brandt"]]


def test_the_labelled_leader_adds_the_country_named_in_an_earlier_label():
    art = Article(
        id="t",
        paragraphs=[
            "Vladimir Putin met the Prime Minister of Hungary.",
            "President of Russia Vladimir Putin: Welcome to Moscow.",
        ],
    )
    assert "Russia" in tag_article(art)[0].countries


def test_a_speech_printed_whole_is_spoken_by_the_one_the_title_names():
    got = speakers(
        [
            "Dear colleagues!",
            "I thank the people of Norway for their support.",
            "Glory to our country!",
        ],
        title="Speech by President of Chile Maria Lopez in the National Congress",
    )
    assert got == [["Maria Lopez"]] * 3


def test_a_speech_whose_title_names_nobody_has_no_speaker():
    got = speakers(["Dear friends!", "Today was a hard day."], title="We will rebuild every city")
    assert got == [[], []]


def test_a_readout_line_is_spoken_by_the_spokesperson_it_is_attributable_to():
    got = speakers(["The following is attributable to Spokesperson Jane Doe:"])
    assert got == [["Jane Doe"]]


def test_both_sides_after_a_call_between_a_titled_and_an_untitled_leader():
    got = speakers(
        [
            "Ivan Petrov had a telephone conversation with President of Chile Maria Lopez.",
            "Both sides expressed satisfaction with the talks.",
        ]
    )
    assert sorted(got[1]) == ["Ivan Petrov", "Maria Lopez"]


def test_a_long_label_with_a_name_card_in_the_same_order():
    """Some sites repeat a name written surname first as it is, then the title again."""
    got = speakers(
        [
            "President of the Republic of Austria Karl Brandt: Dear colleague, welcome.",
            "We have much to discuss.",
            "Chairman of the State Council of the People’s Republic of China Wang Hailin Wang Hailin "
            "Chairman of the State Council of People's Republic of China (retranslated) : Thank you.",
            "Our cooperation is growing.",
        ]
    )
    assert got == [["Karl Brandt"], ["Karl Brandt"], ["Wang Hailin"], ["Wang Hailin"]]
