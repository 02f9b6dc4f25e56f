"""A feed-forward network for regression: predict a number instead of a class.

The program that the page *docs/recipes/regression.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.regression`` (files go to the current folder), or with
``cookbook train regression``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
from keras import layers
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

# --8<-- [end:imports]

# --8<-- [start:parameters]
epochs = 10  # full passes over the training data
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model file and the figure are written
callbacks = []  # more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")
verbose = 2  # what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch
# --8<-- [end:parameters]

# --8<-- [start:data]
# 10000 observations of 3 features; the target is an exact linear function of all three
# (no noise). random_state=0 makes the same data every time.
features, target = make_regression(
    n_samples=10000, n_features=3, n_informative=3, n_targets=1, noise=0.0, random_state=0
)

# Two thirds for training, one third for testing, the same split every time.
train_features, test_features, train_target, test_target = train_test_split(
    features, target, test_size=0.33, random_state=0
)
print("training features:", train_features.shape, "test features:", test_features.shape)
# --8<-- [end:data]

# --8<-- [start:network]
keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together

network = keras.Sequential(
    [
        keras.Input(shape=(train_features.shape[1],)),
        layers.Dense(units=32, activation="relu"),
        layers.Dense(units=32, activation="relu"),
        layers.Dense(units=1),  # no activation: the output can be any real number
    ]
)
network.compile(
    loss="mse",  # mean squared error, the quantity the optimizer minimises
    optimizer="RMSprop",
    metrics=["mse"],  # the same quantity, reported under its own name
)
network.summary()
# --8<-- [end:network]

# --8<-- [start:training]
history = network.fit(
    train_features,  # features
    train_target,  # target vector
    epochs=epochs,
    verbose=verbose,
    batch_size=100,  # observations per update of the weights
    validation_data=(test_features, test_target),  # evaluated after every epoch
    callbacks=callbacks,
)
# --8<-- [end:training]

# --8<-- [start:evaluation]
test_loss, test_mse = network.evaluate(test_features, test_target, verbose=0)
predicted_target = network.predict(test_features, verbose=0)[:, 0]  # one column: flatten it

results = {
    "test_mse": test_mse,
    "test_rmse": test_mse**0.5,  # the typical error, in the target's own units
    "test_target_std": float(test_target.std()),  # the spread the error is measured against
    "test_r2": r2_score(test_target, predicted_target),  # share of the variance explained
}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:saving]
network.save(folder / "regression.keras")  # architecture, weights and optimizer state
# --8<-- [end:saving]

# --8<-- [start:figure]
figure, axes = plt.subplots(figsize=(6, 6))
axes.scatter(test_target, predicted_target, s=4, alpha=0.3, label="Test observations")
limits = [test_target.min(), test_target.max()]
axes.plot(limits, limits, "k--", label="Perfect prediction")  # the diagonal y = x
axes.set_xlabel("True target")
axes.set_ylabel("Predicted target")
axes.set_title("Predicted against true target on the test data")
axes.legend()
figure.savefig(folder / "regression.png")
# --8<-- [end:figure]
