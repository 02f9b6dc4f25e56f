"""Stopping training early: end training once the validation loss stops improving, and keep
the best model, in memory and on disk.

The program that the page *docs/recipes/early-stopping.md* shows and explains, section by
section. Run it with ``python -m cookbook.recipes.early_stopping`` (files go to the current
folder), or with ``cookbook train early-stopping``.
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
epochs = 20  # the most passes over the training data; early stopping decides how many run
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model file and the figure are written
callbacks = []  # more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")
verbose = 2  # what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch
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
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=1, activation="sigmoid"),  # the probability of "positive"
    ]
)
network.compile(
    loss="binary_crossentropy",  # cross-entropy for two classes
    optimizer="rmsprop",
    metrics=["accuracy"],
)
# --8<-- [end:network]

# --8<-- [start:callbacks]
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss",
    patience=2,  # stop after 2 epochs in a row without a new lowest val_loss
    restore_best_weights=True,  # then put the best epoch's weights back into the network
)
checkpoint = keras.callbacks.ModelCheckpoint(
    filepath=folder / "best_model.keras",
    monitor="val_loss",
    save_best_only=True,  # write the file only when val_loss reaches a new low
)
# --8<-- [end:callbacks]

# --8<-- [start:training]
history = network.fit(
    train_features,  # features
    train_target,  # target vector
    epochs=epochs,
    verbose=verbose,
    batch_size=100,  # observations per update of the weights
    validation_data=(test_features, test_target),  # watched by both callbacks
    callbacks=[early_stopping, checkpoint, *callbacks],
)
# --8<-- [end:training]

# --8<-- [start:evaluation]
validation_loss = history.history["val_loss"]
best_epoch = int(np.argmin(validation_loss)) + 1  # epochs count from 1
stopped_epoch = len(validation_loss)  # the last epoch that ran

# The network in memory holds the best epoch's weights again, and so does the file.
test_loss, test_accuracy = network.evaluate(test_features, test_target, verbose=0)
best_model = keras.models.load_model(folder / "best_model.keras")
file_loss, file_accuracy = best_model.evaluate(test_features, test_target, verbose=0)
results = {
    "best_epoch": best_epoch,
    "stopped_epoch": stopped_epoch,
    "epoch_limit": epochs,
    "stopped_early": stopped_epoch < epochs,
    "lowest_val_loss": min(validation_loss),
    "test_loss": test_loss,
    "test_accuracy": test_accuracy,
    "best_model_file_loss": file_loss,
}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:figure]
epoch_numbers = range(1, stopped_epoch + 1)

figure, axes = plt.subplots(figsize=(8, 5))
axes.plot(epoch_numbers, history.history["loss"], "r--", label="Training loss")
axes.plot(epoch_numbers, validation_loss, "b-", label="Validation (test) loss")
# The epochs that patience waited through: their weights are thrown away.
axes.axvspan(best_epoch, stopped_epoch, color="gray", alpha=0.15, label="Patience")
axes.plot(best_epoch, min(validation_loss), "g*", markersize=16, label="Best epoch: kept")
axes.set_xticks(list(epoch_numbers))
axes.set_xlabel("Epoch")
axes.set_ylabel("Loss (binary cross-entropy)")
axes.set_title(f"Early stopping: best epoch {best_epoch}, stopped after epoch {stopped_epoch}")
axes.legend()
figure.savefig(folder / "early-stopping.png")
# --8<-- [end:figure]
