"""Standardising features before they reach a network: the chapter's small array, scaled.

The program that the page *docs/recipes/preprocessing.md* shows and explains, section by
section. Run it with ``python -m cookbook.recipes.preprocessing`` (the figure goes to the
current folder), or with ``cookbook train preprocessing``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.preprocessing import StandardScaler

# --8<-- [end:imports]

# --8<-- [start:parameters]
seed = 0  # nothing here is random; every recipe takes a seed
folder = Path(".")  # where the figure is written
# --8<-- [end:parameters]

# --8<-- [start:data]
# Five observations (rows) of two features (columns) on very different scales.
features = np.array(
    [
        [-100.1, 3240.1],
        [-200.2, -234.1],
        [5000.5, 150.1],
        [6000.6, -125.1],
        [9000.9, -673.1],
    ]
)
# --8<-- [end:data]

# --8<-- [start:scaling]
scaler = StandardScaler()
scaler.fit(features)  # learn one mean and one standard deviation per column
features_standardized = scaler.transform(features)  # (value - mean) / standard deviation

print("learned means:", scaler.mean_)
print("learned standard deviations:", scaler.scale_)
print(features_standardized)
# --8<-- [end:scaling]

# --8<-- [start:check]
# Every column now has mean 0 and standard deviation 1, up to floating-point error (a mean of
# about 1e-17 instead of 0); rounding shows the values they stand for, and + 0.0 turns -0.0
# into 0.0.
means = np.round(features_standardized.mean(axis=0), 12) + 0.0
standard_deviations = np.round(features_standardized.std(axis=0), 12)
print("means:", means, "standard deviations:", standard_deviations)

results = {
    "means_after": means.tolist(),
    "standard_deviations_after": standard_deviations.tolist(),
    "learned_means": scaler.mean_.tolist(),
    "learned_standard_deviations": scaler.scale_.tolist(),
    "standardized": np.round(features_standardized, 8).tolist(),
}
# --8<-- [end:check]

# --8<-- [start:keras-layer]
# The same standardisation as a Keras layer: adapt learns each column's mean and variance,
# and a network that starts with this layer carries its own preprocessing when it is saved.
normalizer = keras.layers.Normalization(axis=-1)  # one mean and variance per column
normalizer.adapt(features)
features_normalized = keras.ops.convert_to_numpy(normalizer(features))

# The layer computes in float32, so it agrees with the scaler to float32's precision.
results["keras_layer_agrees"] = bool(
    np.allclose(features_normalized, features_standardized, atol=1e-5)
)
print("Normalization layer agrees with StandardScaler:", results["keras_layer_agrees"])
# --8<-- [end:keras-layer]

# --8<-- [start:figure]
figure, (before, after) = plt.subplots(1, 2, figsize=(10, 4.5))
panels = [
    (before, features, "Before: the raw values"),
    (after, features_standardized, "After: mean 0, standard deviation 1 per column"),
]
for axes, points, title in panels:
    axes.scatter(points[:, 0], points[:, 1])
    for number, (x, y) in enumerate(points, start=1):  # number the observations
        axes.annotate(str(number), (x, y), xytext=(5, 5), textcoords="offset points")
    axes.set_aspect("equal", adjustable="datalim")  # the same scale on both axes
    axes.set_xlabel("Feature 1")
    axes.set_ylabel("Feature 2")
    axes.set_title(title)
figure.savefig(folder / "preprocessing.png")
# --8<-- [end:figure]
