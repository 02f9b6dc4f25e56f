"""Adding dropout to a feed-forward network, and the same network without it for comparison.

The program that the page *docs/recipes/dropout.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.dropout`` (files go to the current folder), or with
``cookbook train dropout``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from cookbook import data

# --8<-- [end:imports]

# --8<-- [start:parameters]
epochs = 3  # full passes over the training data
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model file and the figure are written
callbacks = []  # more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")
verbose = 2  # what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch
extra_epochs = 7  # for the comparison only: how many epochs to train on after the chapter stops
# --8<-- [end:parameters]

# --8<-- [start:data]
# Keep the word ids below 1000: the 996 most frequent words (ids 4 to 999), plus 1, which
# starts every review, and 2, which stands for any other word (id 3 is never used).
number_of_features = 1000

# Each review is a list of word ids; each target is 1 (positive) or 0 (negative).
(train_data, train_target), (test_data, test_target) = data.load_imdb(num_words=number_of_features)

# One row per review, one column per word: 1 where the review uses the word.
train_features = data.multi_hot(train_data, number_of_features)
test_features = data.multi_hot(test_data, number_of_features)
print("training features:", train_features.shape, "test features:", test_features.shape)
# --8<-- [end:data]

# --8<-- [start:network]
keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together

network = keras.Sequential(
    [
        keras.Input(shape=(number_of_features,)),
        layers.Dropout(0.2),  # hides a fifth of each review's words at every training step
        layers.Dense(units=16, activation="relu"),
        layers.Dropout(0.5),  # hides half of the first hidden layer's outputs
        layers.Dense(units=16, activation="relu"),
        layers.Dropout(0.5),  # and half of the second's
        layers.Dense(units=1, activation="sigmoid"),  # the probability of "positive"
    ]
)
network.compile(
    loss="binary_crossentropy",  # cross-entropy for two classes
    optimizer="rmsprop",
    metrics=["accuracy"],
)
network.summary()  # the Dropout layers have no weights: they only act while training
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
# Outside training the Dropout layers pass everything through: evaluate uses the whole network.
test_loss, test_accuracy = network.evaluate(test_features, test_target, verbose=0)
results = {"test_loss": test_loss, "test_accuracy": test_accuracy}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:saving]
network.save(folder / "dropout.keras")  # the chapter's network, after the chapter's epochs
# --8<-- [end:saving]

# --8<-- [start:training-on]
# Not in the chapter: the same network goes on training from where it stopped (its weights and
# its optimizer's state are kept). `epochs` is the number of the last epoch, not a count, and
# `initial_epoch` numbers the new epochs on from the chapter's.
later = network.fit(
    train_features,
    train_target,
    initial_epoch=epochs,
    epochs=epochs + extra_epochs,
    verbose=verbose,
    batch_size=100,
    validation_data=(test_features, test_target),
    callbacks=callbacks,
)
# Both trainings, one after the other: one value per epoch, from the first.
with_dropout = {key: history.history[key] + later.history[key] for key in history.history}
# --8<-- [end:training-on]

# --8<-- [start:without-dropout]
keras.utils.set_random_seed(seed)  # the same seed as the network with dropout

# Not in the chapter: the same layers without Dropout, trained for as many epochs.
network_without_dropout = keras.Sequential(
    [
        keras.Input(shape=(number_of_features,)),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=1, activation="sigmoid"),
    ]
)
network_without_dropout.compile(
    loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"]
)
without_dropout = network_without_dropout.fit(
    train_features,
    train_target,
    epochs=epochs + extra_epochs,
    verbose=verbose,
    batch_size=100,
    validation_data=(test_features, test_target),
    callbacks=callbacks,
).history
# --8<-- [end:without-dropout]

# --8<-- [start:comparison]
# Where each network did best on the test reviews, and where it ended.
results["comparison"] = []
for name, curves in [("with dropout", with_dropout), ("without dropout", without_dropout)]:
    best = int(np.argmin(curves["val_loss"]))  # counted from 0
    results["comparison"].append(
        {
            "network": name,
            "lowest_test_loss": curves["val_loss"][best],
            "at_epoch": best + 1,
            "last_test_loss": curves["val_loss"][-1],
            "last_test_accuracy": curves["val_accuracy"][-1],
        }
    )
    print(results["comparison"][-1])
# --8<-- [end:comparison]

# --8<-- [start:figure]
epoch_numbers = range(1, len(with_dropout["loss"]) + 1)

figure, axes = plt.subplots(figsize=(9, 5.5))
for name, curves, colour in [
    ("with dropout", with_dropout, "tab:green"),
    ("without dropout", without_dropout, "tab:purple"),
]:
    axes.plot(epoch_numbers, curves["loss"], "--", color=colour, label=f"Training loss, {name}")
    axes.plot(epoch_numbers, curves["val_loss"], "-", color=colour, label=f"Test loss, {name}")
axes.axvline(epochs, color="grey", linestyle=":", label="The chapter stops (the saved model)")
axes.set_xticks(list(epoch_numbers))
axes.set_xlabel("Epoch")
axes.set_ylabel("Loss (binary cross-entropy)")
axes.set_title("The same network with and without dropout")
axes.legend()
figure.savefig(folder / "dropout.png")
# --8<-- [end:figure]
