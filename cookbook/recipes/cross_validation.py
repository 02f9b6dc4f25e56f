"""k-fold cross-validation of a network with scikit-learn's ``cross_validate``.

The program that the page *docs/recipes/cross-validation.md* shows and explains, section by
section. Run it with ``python -m cookbook.recipes.cross_validation`` (files go to the current
folder), or with ``cookbook train cross-validation``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers
from keras.wrappers import SKLearnClassifier
from sklearn.datasets import make_classification
from sklearn.model_selection import cross_validate

# --8<-- [end:imports]

# --8<-- [start:parameters]
epochs = 10  # full passes over each fold's training rows
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the folds' model files and the figure are written
callbacks = []  # more Keras callbacks for every fold's fit, e.g. keras.callbacks.TerminateOnNaN()
verbose = 0  # what each fit prints: 0 nothing (the chapter's choice), 2 one line per epoch
rows = 10000  # how many of the chapter's 10000 rows to use (fewer for a quick try)
folds = 3  # k: the number of parts, and of networks trained
# --8<-- [end:parameters]

# --8<-- [start:data]
number_of_features = 100

# 10000 rows of 100 features, only 3 of which carry information about the two classes.
features, target = make_classification(
    n_samples=10000,
    n_features=number_of_features,
    n_informative=3,
    n_redundant=0,
    n_classes=2,
    weights=[0.5, 0.5],  # balanced classes
    random_state=0,  # the same rows every time
)
features, target = features[:rows], target[:rows]
print("features:", features.shape, "target:", target.shape)
# --8<-- [end:data]


# --8<-- [start:network]
def create_network(X, y):
    """Build and compile a fresh network; the wrapper calls this once for every fold.

    X and y are the training rows of that fold, with y one-hot encoded by the wrapper.
    """
    # Every fold's network starts from the same weights: the scores differ only by the rows
    # each one trains and is scored on.
    keras.utils.set_random_seed(seed)
    network = keras.Sequential(
        [
            keras.Input(shape=(X.shape[1],)),
            layers.Dense(units=16, activation="relu"),
            layers.Dense(units=16, activation="relu"),
            layers.Dense(units=y.shape[1], activation="softmax"),  # one unit per class
        ]
    )
    network.compile(
        loss="categorical_crossentropy",  # for one-hot targets
        optimizer="rmsprop",
        metrics=["accuracy"],
    )
    return network


# Looks like any scikit-learn classifier: fit(X, y), predict(X), score(X, y).
neural_network = SKLearnClassifier(model=create_network)
# --8<-- [end:network]


# --8<-- [start:cross-validation]
def accuracy(estimator, X, y):
    """The share of the rows ``X`` that the fitted ``estimator`` classifies right."""
    # The rows of a fold fit in one batch: call the network on them, as Keras advises for
    # that, rather than predict(), which the wrapper's own score() uses and which draws a
    # progress bar for every fold.
    probabilities = keras.ops.convert_to_numpy(estimator.model_(X))
    answers = estimator.classes_[probabilities.argmax(axis=1)]  # the most probable class
    return (answers == y).mean()


cv_results = cross_validate(
    neural_network,
    features,
    target,
    cv=folds,
    scoring=accuracy,
    # Arguments of every fold's fit. Set on the wrapper (fit_kwargs) they would be lost:
    # cross_validate clones the wrapper for every fold, and a clone forgets its fit_kwargs.
    params={"epochs": epochs, "batch_size": 100, "verbose": verbose, "callbacks": callbacks},
    return_estimator=True,  # keep every fold's trained network, not only its score
)
# --8<-- [end:cross-validation]

# --8<-- [start:evaluation]
fold_accuracy = cv_results["test_score"]  # each network's accuracy on the fold it never saw
results = {
    "fold_accuracy": fold_accuracy.tolist(),
    "mean_accuracy": float(np.mean(fold_accuracy)),
    "std_accuracy": float(np.std(fold_accuracy)),
}
print(results)

# Training loss and accuracy per epoch, averaged over the folds' networks.
histories = [estimator.history_.history for estimator in cv_results["estimator"]]
history = {key: np.mean([h[key] for h in histories], axis=0).tolist() for key in histories[0]}
# --8<-- [end:evaluation]

# --8<-- [start:saving]
for number, estimator in enumerate(cv_results["estimator"], start=1):
    estimator.model_.save(folder / f"fold_{number}.keras")
# --8<-- [end:saving]

# --8<-- [start:figure]
mean, spread = results["mean_accuracy"], results["std_accuracy"]
fold_numbers = range(1, folds + 1)

figure, axes = plt.subplots(figsize=(8, 5))
bars = axes.bar(fold_numbers, fold_accuracy, width=0.6, label="Accuracy on the held-out fold")
axes.bar_label(bars, fmt="%.3f", label_type="center", color="white")
axes.axhline(mean, color="tab:red", linestyle="--", label="Mean over the folds")
axes.axhspan(mean - spread, mean + spread, color="tab:red", alpha=0.15, label="± 1 std")
axes.set_xticks(list(fold_numbers), [f"Fold {k}" for k in fold_numbers])
axes.set_ylim(0, 1.15)
axes.set_ylabel("Accuracy")
axes.set_title(f"{folds}-fold cross-validation on {rows} rows: a fresh network per fold")
axes.legend(loc="upper center", ncol=3)
figure.savefig(folder / "cross-validation.png")
# --8<-- [end:figure]
