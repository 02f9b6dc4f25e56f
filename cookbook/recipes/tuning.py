"""Tuning hyperparameters with a grid search: scikit-learn's ``GridSearchCV`` over a network.

The program that the page *docs/recipes/tuning.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.tuning`` (files go to the current folder), or with
``cookbook train tuning``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
from keras import layers
from keras.wrappers import SKLearnClassifier
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

# --8<-- [end:imports]

# --8<-- [start:parameters]
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model file and the figure are written
callbacks = []  # more Keras callbacks for every fit, e.g. keras.callbacks.TerminateOnNaN()
verbose = 0  # what each fit prints: 0 nothing (the chapter's choice), 2 one line per epoch
rows = 1500  # how many of the chapter's 10000 rows to search (the cost grows with them)
# The grid: every optimizer with every number of epochs and every batch size.
optimizers = ["rmsprop", "adam"]
epoch_choices = [5, 10]
batch_sizes = [5, 10, 100]
folds = 3  # the chapter's scikit-learn used 3 folds by default; since version 0.22 it is 5
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
def create_network(X, y, optimizer="rmsprop"):
    """A new network, compiled: the wrapper calls this for every fit, with its rows."""
    # The same seed for every fit: the same starting weights and shuffles, so the scores
    # differ only by the hyperparameters and by the rows each fold trains on.
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
        optimizer=optimizer,
        metrics=["accuracy"],
    )
    return network


# Looks like any scikit-learn classifier: fit(X, y), predict(X), score(X, y).
neural_network = SKLearnClassifier(model=create_network)
# --8<-- [end:network]

# --8<-- [start:search]
# Each value in the grid is a whole dict: the builder's arguments (model_kwargs) and fit's
# (fit_kwargs). GridSearchCV clones the wrapper for every fit, and a clone forgets the
# fit_kwargs set on the wrapper itself, but not those the grid sets after cloning.
hyperparameters = {
    "model_kwargs": [{"optimizer": name} for name in optimizers],
    "fit_kwargs": [
        {"epochs": epochs, "batch_size": batch_size}
        for epochs in epoch_choices
        for batch_size in batch_sizes
    ],
}


def accuracy(estimator, X, y):
    """The share of the rows ``X`` that the fitted ``estimator`` classifies right."""
    # The rows of a fold fit in one batch: call the network on them, as Keras advises for
    # that, rather than predict(), which the wrapper's own score() uses and which draws a
    # progress bar for every fold.
    probabilities = keras.ops.convert_to_numpy(estimator.model_(X))
    answers = estimator.classes_[probabilities.argmax(axis=1)]  # the most probable class
    return (answers == y).mean()


grid = GridSearchCV(
    estimator=neural_network, param_grid=hyperparameters, scoring=accuracy, cv=folds
)
# Arguments of grid.fit go to every fit: every fold of every grid point, and the refit of
# the best combination on all the rows.
grid.fit(features, target, verbose=verbose, callbacks=callbacks)
# --8<-- [end:search]

# --8<-- [start:results]
cv_results = grid.cv_results_  # one entry per grid point, in the grid's order
table = [
    {
        "optimizer": point["model_kwargs"]["optimizer"],
        "epochs": point["fit_kwargs"]["epochs"],
        "batch_size": point["fit_kwargs"]["batch_size"],
        "fold_accuracy": [float(cv_results[f"split{k}_test_score"][number]) for k in range(folds)],
        "mean": float(cv_results["mean_test_score"][number]),
        "std": float(cv_results["std_test_score"][number]),
        "rank": int(cv_results["rank_test_score"][number]),
    }
    for number, point in enumerate(cv_results["params"])
]
best = table[grid.best_index_]
results = {
    "best_params": {key: best[key] for key in ("optimizer", "epochs", "batch_size")},
    "best_cv_accuracy": float(grid.best_score_),
    "grid": sorted(table, key=lambda point: point["rank"]),
}
print(results["best_params"], "mean accuracy", results["best_cv_accuracy"])
# --8<-- [end:results]

# --8<-- [start:saving]
# refit=True (the default) trained the best combination once more, on all the rows.
network = grid.best_estimator_.model_
history = grid.best_estimator_.history_
network.save(folder / "tuning.keras")
# --8<-- [end:saving]

# --8<-- [start:figure]
points = results["grid"][::-1]  # the best at the top
labels = [f"{p['optimizer']}, {p['epochs']} epochs, batch {p['batch_size']}" for p in points]
means = [point["mean"] for point in points]
spreads = [point["std"] for point in points]

figure, axes = plt.subplots(figsize=(8, 6))
axes.errorbar(means, labels, xerr=spreads, fmt="o", color="0.4", capsize=4)
axes.errorbar(best["mean"], labels[-1], xerr=best["std"], fmt="o", color="tab:blue", capsize=4)
# Points whose mean falls in this band are not clearly worse than the best one.
axes.axvspan(best["mean"] - best["std"], best["mean"] + best["std"], color="tab:blue", alpha=0.1)
axes.set_xlabel(f"Mean accuracy over {folds} folds (bars: ± 1 standard deviation)")
axes.set_title(f"Grid search on {rows} rows: the best combination in blue")
figure.tight_layout()
figure.savefig(folder / "tuning.png")
# --8<-- [end:figure]
