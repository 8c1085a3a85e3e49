"""The tagger's learned parts: small linear models over named features, run with numpy.

Each model is a logistic regression: the score of an output is the sum of the
weights of the features present plus a bias, through the logistic function.
The weights are trained by ``tools/train_tags.py`` on the labelled paragraphs
and shipped as JSON in ``search/data/tag_model.json``; nothing is fetched at
run time. Features are names ("w:ceasefire", "rule:defence"), so a model's
evidence can say which features carried a decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "tag_model.json"


@dataclass
class LinearModel:
    """Logistic regression over named features, one column of weights per output."""

    outputs: list[str]
    features: list[str]
    weights: np.ndarray  # (features, outputs)
    bias: np.ndarray  # (outputs,)
    threshold: float = 0.5
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.features)}

    def rows(self, present: list[str]) -> list[int]:
        return [self.index[f] for f in dict.fromkeys(present) if f in self.index]

    def probabilities(self, present: list[str]) -> np.ndarray:
        """The probability of each output given the features present."""
        rows = self.rows(present)
        z = self.weights[rows].sum(axis=0) + self.bias if rows else self.bias.copy()
        return 1.0 / (1.0 + np.exp(-z))

    def carried_by(self, present: list[str], output: int, top: int = 3) -> list[str]:
        """The present features that raised this output most."""
        rows = self.rows(present)
        weights = self.weights[rows, output]
        order = np.argsort(-weights)[:top]
        return [self.features[rows[i]] for i in order if weights[i] > 0]

    def to_json(self) -> dict:
        """Sparse: only the weights that are not zero, rounded."""
        columns = {}
        for j, output in enumerate(self.outputs):
            column = self.weights[:, j]
            columns[output] = {
                self.features[i]: round(float(column[i]), 4) for i in np.flatnonzero(np.abs(column) >= 5e-4)
            }
        return {
            "threshold": self.threshold,
            "bias": dict(zip(self.outputs, map(lambda b: round(float(b), 4), self.bias), strict=True)),
            "weights": columns,
        }

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        outputs = list(data["bias"])
        features = sorted({f for column in data["weights"].values() for f in column})
        index = {f: i for i, f in enumerate(features)}
        weights = np.zeros((len(features), len(outputs)))
        for j, output in enumerate(outputs):
            for f, w in data["weights"][output].items():
                weights[index[f], j] = w
        return cls(outputs, features, weights, np.array([data["bias"][o] for o in outputs]), data["threshold"])


@dataclass
class TagModel:
    """All learned parts; a part left out (None) is done by the rules alone."""

    sectors: LinearModel | None = None

    def to_json(self) -> dict:
        return {"sectors": self.sectors.to_json()} if self.sectors else {}

    @classmethod
    def from_json(cls, data: dict) -> TagModel:
        return cls(sectors=LinearModel.from_json(data["sectors"]) if "sectors" in data else None)


def save(model: TagModel, path: Path = MODEL_PATH) -> None:
    path.write_text(
        json.dumps({"about": __doc__.split("\n\n")[0], **model.to_json()}, indent=0, sort_keys=True) + "\n",
        encoding="utf-8",
    )


@cache
def shipped() -> TagModel:
    """The weights shipped with the package (the rules alone if the file is absent)."""
    if not MODEL_PATH.exists():
        return TagModel()
    return TagModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
