"""An LSTM recurrent network for sentiment: reads an IMDB review word by word, in order.

The program that the page *docs/recipes/lstm.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.lstm`` (files go to the current folder), or with
``cookbook train lstm``.
"""

# --8<-- [start:imports]
import math
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
# How many (training, test) reviews to keep, and how many reviews make one update of the
# weights. The chapter trains on all 25,000 reviews in batches of 1000: 25 updates per epoch.
# Here the first 1000 and 200 reviews, so that a CPU trains the LSTM quickly, in batches of
# 40, so that it still makes 25 updates per epoch. The chapter's run: None and 1000.
subset = (1000, 200)
batch_size = 40
# --8<-- [end:parameters]

# --8<-- [start:data]
number_of_features = 1000  # word ids below 1000: the 996 most frequent words, 1 and 2
sequence_length = 400  # every review becomes exactly 400 word ids

# Each review is a list of word ids; each target is 1 (positive) or 0 (negative).
(train_data, train_target), (test_data, test_target) = data.load_imdb(num_words=number_of_features)

if subset is not None:
    training_reviews, test_reviews = subset
    train_data, train_target = train_data[:training_reviews], train_target[:training_reviews]
    test_data, test_target = test_data[:test_reviews], test_target[:test_reviews]

# One row of 400 ids per review: zeros in front of a shorter review, the beginning cut off a
# longer one. Both keep the end of the review, the words the LSTM reads last.
train_features = keras.utils.pad_sequences(train_data, maxlen=sequence_length)
test_features = keras.utils.pad_sequences(test_data, maxlen=sequence_length)
print("training features:", train_features.shape, "test features:", test_features.shape)
# --8<-- [end:data]

# --8<-- [start:one-review]
# Two training reviews, as the loader gives them and as the network will read them: the first
# one shorter than 400 ids, which gets zeros in front, and the first one longer, which loses
# its beginning.
shorter = next(i for i, review in enumerate(train_data) if len(review) < sequence_length)
longer = next(i for i, review in enumerate(train_data) if len(review) > sequence_length)
results = {"padding_examples": []}
for i in (shorter, longer):
    review, padded = train_data[i], train_features[i]
    print(f"training review {i}, {len(review)} word ids:", review)
    print("padded:", padded)
    results["padding_examples"].append(
        {
            "review": i,
            "length": len(review),
            "first_ids": review[:10],
            "last_ids": review[-10:],
            "padded_first_ids": padded[:10].tolist(),
            "padded_last_ids": padded[-10:].tolist(),
        }
    )
# --8<-- [end:one-review]

# --8<-- [start:network]
keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together

network = keras.Sequential(
    [
        keras.Input(shape=(sequence_length,)),
        # Each word id becomes a learned vector of 128 numbers.
        layers.Embedding(input_dim=number_of_features, output_dim=128),
        # Reads the 400 vectors in order; hands on its state after the last one.
        layers.LSTM(units=128),
        layers.Dense(units=1, activation="sigmoid"),  # the probability of "positive"
    ]
)
network.compile(
    loss="binary_crossentropy",  # cross-entropy for two classes
    optimizer="adam",
    metrics=["accuracy"],
)
network.summary()
# --8<-- [end:network]

# --8<-- [start:training]
history = network.fit(
    train_features,  # features
    train_target,  # target vector
    epochs=epochs,
    verbose=verbose,
    batch_size=batch_size,  # reviews per update of the weights
    validation_data=(test_features, test_target),  # evaluated after every epoch
    callbacks=callbacks,
)
# --8<-- [end:training]

# --8<-- [start:evaluation]
test_loss, test_accuracy = network.evaluate(
    test_features, test_target, batch_size=batch_size, verbose=0
)
# The bar to beat: the accuracy of always answering the more frequent label of the test
# reviews. A network that has learnt nothing about the words scores that much.
majority_share = max(test_target.mean(), 1 - test_target.mean())
updates_per_epoch = math.ceil(len(train_features) / batch_size)  # a last, partial batch counts
updates_in_all = updates_per_epoch * len(history.history["loss"])
results.update(
    training_reviews=len(train_features),
    test_reviews=len(test_features),
    batch_size=batch_size,
    updates_per_epoch=updates_per_epoch,
    updates_in_all=updates_in_all,
    test_loss=test_loss,
    test_accuracy=test_accuracy,
    majority_share=float(majority_share),
)
print(f"test accuracy: {test_accuracy:.4f}, always the more frequent label: {majority_share:.4f}")
print(f"weight updates: {updates_per_epoch} per epoch, {updates_in_all} in all")
# --8<-- [end:evaluation]

# --8<-- [start:saving]
network.save(folder / "lstm.keras")  # architecture, weights and optimizer state
# --8<-- [end:saving]

# --8<-- [start:figure]
epoch_numbers = range(1, len(history.history["loss"]) + 1)

figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(11, 4.5))
loss_axes.plot(epoch_numbers, history.history["loss"], "r--", label="Training loss")
loss_axes.plot(epoch_numbers, history.history["val_loss"], "b-", label="Test loss")
# A network that answers 0.5 for every review has a cross-entropy of ln 2.
loss_axes.axhline(np.log(2), color="gray", linestyle=":", label="Always 50/50 (ln 2)")
# From zero to at least 1, so that a loss that hardly moves looks flat, not steep.
loss_axes.set_ylim(0, max(1, *history.history["loss"], *history.history["val_loss"]))
loss_axes.set_ylabel("Loss (binary cross-entropy)")
loss_axes.legend(loc="lower left")

accuracy_axes.plot(epoch_numbers, history.history["accuracy"], "r--", label="Training accuracy")
accuracy_axes.plot(epoch_numbers, history.history["val_accuracy"], "b-", label="Test accuracy")
accuracy_axes.axhline(
    majority_share, color="gray", linestyle=":", label="Always the more frequent label"
)
accuracy_axes.set_ylim(0, 1)
accuracy_axes.set_ylabel("Accuracy")
accuracy_axes.legend(loc="lower right")

for axes in (loss_axes, accuracy_axes):
    axes.set_xticks(list(epoch_numbers))
    axes.set_xlabel("Epoch")
figure.suptitle(
    f"LSTM on IMDB reviews (weight updates: {updates_per_epoch} per epoch, {updates_in_all} in all)"
)
figure.savefig(folder / "lstm.png")
# --8<-- [end:figure]
