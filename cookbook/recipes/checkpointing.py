"""Saving the model while it trains: one file overwritten every epoch, one file per epoch.

The program that the page *docs/recipes/checkpointing.md* shows and explains, section by
section. Run it with ``python -m cookbook.recipes.checkpointing`` (files go to the current
folder), or with ``cookbook train checkpointing``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
from keras import layers

from cookbook import data

# --8<-- [end:imports]

# --8<-- [start:parameters]
epochs = 3  # full passes over the training data
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model files and the figure are written
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
# The same name every epoch: the file always holds the latest model.
latest = keras.callbacks.ModelCheckpoint(filepath=folder / "models.keras")
# A template filled in from the epoch number (counted from 1) and the epoch's logs, the way
# str.format fills it: a file of its own for every epoch.
template = "model_{epoch:02d}_{val_loss:.2f}.keras"
every_epoch = keras.callbacks.ModelCheckpoint(filepath=folder / template)
# --8<-- [end:callbacks]

# --8<-- [start:training]
history = network.fit(
    train_features,  # features
    train_target,  # target vector
    epochs=epochs,
    verbose=verbose,
    batch_size=100,  # observations per update of the weights
    validation_data=(test_features, test_target),  # gives the val_loss in the file names
    callbacks=[latest, every_epoch, *callbacks],
)
# --8<-- [end:training]

# --8<-- [start:files]
# The name each epoch's file got, filled in from that epoch's logs as ModelCheckpoint did.
validation_loss = history.history["val_loss"]
checkpoints = [
    {"epoch": epoch, "file": template.format(epoch=epoch, val_loss=loss), "val_loss": loss}
    for epoch, loss in enumerate(validation_loss, start=1)
]
# models.keras was overwritten every epoch: it holds the last epoch's model.
latest_model = keras.models.load_model(folder / "models.keras")
latest_loss, latest_accuracy = latest_model.evaluate(test_features, test_target, verbose=0)
results = {
    "checkpoints": checkpoints,
    "models_keras_test_loss": latest_loss,
    "models_keras_test_accuracy": latest_accuracy,
}
print(results)
# --8<-- [end:files]

# --8<-- [start:figure]
epoch_numbers = range(1, len(validation_loss) + 1)

figure, axes = plt.subplots(figsize=(8, 5))
axes.plot(epoch_numbers, validation_loss, "bs-", label="Validation (test) loss: a file saved")
axes.plot(
    epoch_numbers[-1],
    latest_loss,
    "o",
    markersize=20,
    fillstyle="none",
    color="tab:orange",
    label="models.keras: the last epoch's model",
)
for checkpoint in checkpoints:  # each point labelled with its file's name
    point = (checkpoint["epoch"], checkpoint["val_loss"])
    axes.annotate(
        checkpoint["file"], point, xytext=(0, 16), textcoords="offset points", ha="center"
    )
axes.set_xticks(list(epoch_numbers))
axes.margins(x=0.2, y=0.3)  # room for the file names
axes.set_xlabel("Epoch")
axes.set_ylabel("Loss (binary cross-entropy)")
axes.set_title("Checkpoints saved while training (IMDB)")
axes.legend(loc="lower left")
figure.savefig(folder / "checkpointing.png")
# --8<-- [end:figure]
