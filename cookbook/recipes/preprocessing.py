"""Standardising features before they reach a network.

A network starts from small random weights, well below 1 in size: Keras's default
``glorot_uniform`` draws them from ±sqrt(6 / (inputs + outputs)), about ±0.08 for the
1000-input layers of this chapter. Each unit adds up its inputs
times those weights, so a feature measured in thousands swamps one measured in tenths: its
products are huge, the first layer's outputs saturate or explode, the gradients are badly
scaled, and training becomes slow and unstable. And because a unit mixes all its inputs, the
large-valued feature dominates whether or not it matters.

*Standardising* fixes both problems: for each feature (column) subtract its mean and divide by
its standard deviation, so that every feature has mean 0 and standard deviation 1. Then all
features speak at the same volume, and their values are of the same order as the weights.
scikit-learn's ``StandardScaler`` does it in two steps: ``fit`` learns each column's mean and
standard deviation, ``transform`` applies them. (It uses the population standard deviation,
``ddof=0``: NumPy's default, not pandas's.)

Fit the scaler on the **training data only**, and use that same fitted scaler to transform the
validation and test data and, later, every new observation::

    scaler = StandardScaler().fit(train_features)
    train_standardized = scaler.transform(train_features)
    test_standardized = scaler.transform(test_features)  # the training mean and std

Fitting it on all the data would let the test set's statistics leak into training, and a
network deployed later has only the training statistics to go by. The scaler is part of the
model: keep it with the network.

When is it needed? Almost always for numeric features of different units or ranges. It is not
needed when every feature is already on the same small scale -- the multi-hot word vectors of
the IMDB recipes are all 0 or 1.

This recipe trains no network: it standardises the chapter's small two-feature array and
records what the scaler learned.

What changed since Keras 2:

* Nothing in the scaling itself: it is scikit-learn, not Keras. The arithmetic has not moved.
* Keras 3 also offers ``keras.layers.Normalization``, which learns the same mean and variance
  with ``adapt(train_features)`` and then standardises inside the model, so the saved model
  carries its own preprocessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sklearn.preprocessing import StandardScaler

from cookbook import core, plotting

NAME = "preprocessing"


# --8<-- [start:data]
def load_features() -> np.ndarray:
    """The chapter's five observations of two features on very different scales."""
    return np.array(
        [
            [-100.1, 3240.1],
            [-200.2, -234.1],
            [5000.5, 150.1],
            [6000.6, -125.1],
            [9000.9, -673.1],
        ]
    )


# --8<-- [end:data]


# --8<-- [start:scale]
def standardize(features: np.ndarray) -> tuple[StandardScaler, np.ndarray]:
    """Learn each column's mean and standard deviation, then rescale the columns with them.

    Returns the fitted scaler (to transform any later data the same way) and the result.
    """
    scaler = StandardScaler()
    scaler.fit(features)  # learn: one mean and one standard deviation per column
    return scaler, scaler.transform(features)  # apply: (x - mean) / std


# --8<-- [end:scale]


def run(settings: core.Settings) -> core.Result:
    """Standardise the chapter's array; no network, no files."""
    features = load_features()
    scaler, standardized = standardize(features)
    means, stds = standardized.mean(axis=0), standardized.std(axis=0)
    metrics: dict[str, float] = {}
    for column, (mean, std) in enumerate(zip(means, stds, strict=True), start=1):
        # Floating point leaves the means at about 1e-16 and the stds a hair off 1; rounding
        # to 12 decimals records the exact 0 and 1 they stand for.
        metrics[f"feature_{column}_mean"] = round(float(mean), 12) + 0.0  # + 0.0: no "-0.0"
        metrics[f"feature_{column}_std"] = round(float(std), 12)
    details: dict[str, Any] = {
        "features": features.tolist(),
        "standardized": standardized.round(8).tolist(),
        "learned_mean": scaler.mean_.tolist(),
        "learned_std": scaler.scale_.tolist(),
    }
    return core.Result(
        metrics=metrics,
        data=core.data_info("chapter array", "chapter", settings, len(features), 0),
        details=details,
        artifacts={"features": features, "standardized": standardized},
    )


def _scatter(ax: Any, points: np.ndarray, title: str, unit: str) -> None:
    """One panel: the five observations, numbered, their mean, and a box of one standard
    deviation around it, on equal axes so the two features' spreads can be compared."""
    mean, std = points.mean(axis=0), points.std(axis=0)
    ax.add_patch(
        Rectangle(
            tuple(mean - std),
            2 * std[0],
            2 * std[1],
            facecolor="tab:blue",
            alpha=0.12,
            edgecolor="tab:blue",
            label="mean ± 1 std per feature",
        )
    )
    ax.scatter(points[:, 0], points[:, 1], s=60, color="tab:blue", zorder=3)
    ax.plot(*mean, marker="x", markersize=10, color="0.2", linestyle="none", label="mean")
    for number, (x, y) in enumerate(points, start=1):
        ax.annotate(str(number), (x, y), xytext=(6, 6), textcoords="offset points")
    ax.set_aspect("equal", adjustable="datalim")  # equal scales show which feature dominates
    ax.set_xlabel(f"Feature 1 ({unit})")
    ax.set_ylabel(f"Feature 2 ({unit})")
    ax.set_title(title)
    ax.legend(loc="upper right")


def figure(result: core.Result) -> Figure:
    """The five observations before and after standardisation, each on equal axes."""
    raw, standardized = result.artifacts["features"], result.artifacts["standardized"]
    fig, (left, right) = plotting.new_figure(1, 2, size=(10.0, 4.8))
    raw_std = raw.std(axis=0)
    _scatter(
        left,
        raw,
        f"Before: std {raw_std[0]:,.0f} and {raw_std[1]:,.0f}",
        "raw value",
    )
    _scatter(right, standardized, "After: mean 0, std 1 for both", "standard deviations")
    fig.suptitle("Standardising features with StandardScaler")
    return fig
