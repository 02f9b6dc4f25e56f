"""Plotting the loss history and the accuracy history of one training run.

The program that the pages *docs/recipes/loss-history.md* and
*docs/recipes/accuracy-history.md* show and explain, section by section (each page leaves out
the other one's figure). Run it with ``python -m cookbook.recipes.history`` (files go to the
current folder), or with ``cookbook train loss-history accuracy-history``.
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
epochs = 15  # full passes over the training data
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model file and the figures are written
callbacks = []  # more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")
verbose = 2  # what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch
# --8<-- [end:parameters]

# --8<-- [start:data]
# Keep the word ids below 10000: the 9996 most frequent words (ids 4 to 9999), plus 1, which
# starts every review, and 2, which stands for any other word (id 3 is never used).
number_of_features = 10000
batch_size = 1000  # reviews per update of the weights

# Each review is a list of word ids; each target is 1 (positive) or 0 (negative).
(train_data, train_target), (test_data, test_target) = data.load_imdb(num_words=number_of_features)

# The chapter turns every review into a multi-hot row (one column per word) and stacks them
# into two matrices of 10000 columns. These datasets keep only the word ids and build the rows
# of one batch at a time, as float32, while the network trains on the batch before.
train_batches = data.multi_hot_dataset(
    train_data, train_target, number_of_features, batch_size, shuffle=True, seed=seed
)
test_batches = data.multi_hot_dataset(test_data, test_target, number_of_features, batch_size)

batch_features, batch_target = next(iter(train_batches))  # look at the first batch
print("one batch:", batch_features.shape, batch_features.dtype, "targets:", batch_target.shape)
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
    metrics=["accuracy"],  # recorded every epoch, next to the loss
)
network.summary()
# --8<-- [end:network]

# --8<-- [start:training]
history = network.fit(
    train_batches,  # batches of (features, target): no target and no batch_size here
    epochs=epochs,
    verbose=verbose,
    shuffle=False,  # the training batches reshuffle themselves every epoch
    validation_data=test_batches,  # evaluated after every epoch: the val_ keys
    callbacks=callbacks,
)
print("recorded per epoch:", list(history.history))
# --8<-- [end:training]

# --8<-- [start:best-epochs]
# Epochs count from 1; np.argmin and np.argmax count from 0.
lowest_loss_epoch = int(np.argmin(history.history["val_loss"])) + 1
highest_accuracy_epoch = int(np.argmax(history.history["val_accuracy"])) + 1
results = {
    "lowest_test_loss": min(history.history["val_loss"]),
    "lowest_test_loss_epoch": lowest_loss_epoch,
    "highest_test_accuracy": max(history.history["val_accuracy"]),
    "highest_test_accuracy_epoch": highest_accuracy_epoch,
    "last_test_loss": history.history["val_loss"][-1],
    "last_test_accuracy": history.history["val_accuracy"][-1],
}
print(results)
# --8<-- [end:best-epochs]

# --8<-- [start:saving]
network.save(folder / "history.keras")  # the network after its last epoch
# --8<-- [end:saving]

# --8<-- [start:loss_figure]
training_loss = history.history["loss"]
test_loss = history.history["val_loss"]
epoch_count = range(1, len(training_loss) + 1)

loss_figure, axes = plt.subplots(figsize=(8, 5))
axes.plot(epoch_count, training_loss, "r--", label="Training loss")
axes.plot(epoch_count, test_loss, "b-", label="Test loss")
axes.axvline(lowest_loss_epoch, color="0.6", linestyle=":", label="Lowest test loss")
axes.set_xlabel("Epoch")
axes.set_ylabel("Loss")
axes.set_title("Loss history: training vs test")
axes.legend()
loss_figure.savefig(folder / "loss_history.png")
# --8<-- [end:loss_figure]

# --8<-- [start:accuracy_figure]
training_accuracy = history.history["accuracy"]
test_accuracy = history.history["val_accuracy"]
epoch_count = range(1, len(training_accuracy) + 1)

accuracy_figure, axes = plt.subplots(figsize=(8, 5))
axes.plot(epoch_count, training_accuracy, "r--", label="Training accuracy")
axes.plot(epoch_count, test_accuracy, "b-", label="Test accuracy")
axes.axvline(highest_accuracy_epoch, color="0.6", linestyle=":", label="Highest test accuracy")
axes.set_xlabel("Epoch")
axes.set_ylabel("Accuracy Score")  # the chapter's label
axes.set_title("Accuracy history: training vs test")
axes.legend()
accuracy_figure.savefig(folder / "accuracy_history.png")
# --8<-- [end:accuracy_figure]
