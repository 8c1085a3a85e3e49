"""The shipped learned part loads offline from the package and names the words that carried it."""

import json
import socket

import numpy as np

from search.models import Article
from search.tagging import Tagger, learned
from search.tagging.learned import MODEL_PATH, LinearModel, TagModel


def test_the_shipped_model_loads_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    learned.shipped.cache_clear()
    model = learned.shipped()
    assert model.sectors is not None and model.sectors.outputs == ["diplomacy"]
    assert MODEL_PATH.stat().st_size < 500_000


def test_the_shipped_vocabulary_holds_only_words_and_pairs_no_sentences():
    weights = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["sectors"]["weights"]["diplomacy"]
    words = [f.split(":", 1)[1] for f in weights if f.startswith(("w:", "b:"))]
    assert words and all(len(w.split("_")) <= 2 and " " not in w for w in words)


def test_a_learned_sector_names_the_words_that_carried_it():
    model = LinearModel(
        ["diplomacy"],
        ["w:contact", "b:up_contact", "rule:none"],
        np.array([[2.0], [1.5], [0.1]]),
        np.array([-1.0]),
        0.6,
    )
    art = Article(id="t", paragraphs=["They will keep up contacts."])
    tags = Tagger(TagModel(sectors=model)).tag(art)[0]
    assert "diplomacy" in tags.sectors
    why = tags.evidence["sectors"]["diplomacy"]
    assert why.startswith("learned from") and '"contacts"' in why and '"up contacts"' in why


def test_a_model_round_trips_through_its_json_form():
    model = LinearModel(["diplomacy"], ["w:talk", "rule:none"], np.array([[0.5], [-0.25]]), np.array([0.1]), 0.6)
    again = LinearModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.outputs == model.outputs and again.threshold == 0.6
    assert np.allclose(again.probabilities(["w:talk"]), model.probabilities(["w:talk"]))


def test_the_leaders_a_paragraph_names_are_a_feature_of_the_diplomacy_model():
    model = LinearModel(["diplomacy"], ["leaders:2", "rule:none"], np.array([[3.0], [0.1]]), np.array([-1.0]), 0.6)
    art = Article(
        id="t",
        paragraphs=[
            "President Vladimir Putin and Prime Minister Narendra Modi laid wreaths together.",
            "The weather was mild for the season.",
        ],
    )
    first, second = Tagger(TagModel(sectors=model)).tag(art)
    assert "diplomacy" in first.sectors and "diplomacy" not in second.sectors
    assert "leaders of 2 countries named" in first.evidence["sectors"]["diplomacy"]


def test_a_speaker_on_two_states_and_a_capital_acting_are_features_of_the_diplomacy_model():
    model = LinearModel(
        ["diplomacy"],
        ["speaker_on_states", "capital_as_government", "rule:none"],
        np.array([[3.0], [3.0], [0.1]]),
        np.array([-2.0]),
        0.6,
    )
    art = Article(
        id="t",
        paragraphs=[
            "Analyst Mary Hale said China and Australia would keep talking.",
            "Beijing has been unusually vocal about the incursions.",
            "Mary Hale said the weather in China was mild.",
        ],
    )
    first, second, third = Tagger(TagModel(sectors=model)).tag(art)
    assert "speaker on states" in first.evidence["sectors"]["diplomacy"]
    assert "capital as government" in second.evidence["sectors"]["diplomacy"]
    assert "diplomacy" not in third.sectors
