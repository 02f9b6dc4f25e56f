"""A feed-forward network for multiclass classification: which of 46 topics is a Reuters
newswire about?

The program that the page *docs/recipes/multiclass.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.multiclass`` (files go to the current folder), or with
``cookbook train multiclass``.
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
# --8<-- [end:parameters]

# --8<-- [start:data]
# Keep the word ids below 5000: the 4996 most frequent words (ids 4 to 4999), plus 1, which
# starts every newswire, and 2, which stands for any other word (id 3 is never used).
number_of_features = 5000
number_of_classes = 46  # Reuters topics, numbered 0..45

# Each newswire is a list of word ids; each target is its topic's number.
(train_data, train_topics), (test_data, test_topics) = data.load_reuters(
    num_words=number_of_features
)

# One row per newswire, one column per word: 1 where the newswire uses the word.
train_features = data.multi_hot(train_data, number_of_features)
test_features = data.multi_hot(test_data, number_of_features)

# One-hot targets: a row of 46, with 1 in the column of the true topic. Naming the number of
# classes keeps all 46 columns even when a split lacks the last topics.
train_target = keras.utils.to_categorical(train_topics, number_of_classes)
test_target = keras.utils.to_categorical(test_topics, number_of_classes)
print("training features:", train_features.shape, "training target:", train_target.shape)
# --8<-- [end:data]

# --8<-- [start:network]
keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together

network = keras.Sequential(
    [
        keras.Input(shape=(number_of_features,)),
        layers.Dense(units=100, activation="relu"),
        layers.Dense(units=100, activation="relu"),
        # One probability per topic; softmax makes the 46 of them sum to 1.
        layers.Dense(units=number_of_classes, activation="softmax"),
    ]
)
network.compile(
    loss="categorical_crossentropy",  # cross-entropy for one-hot targets
    optimizer="rmsprop",
    metrics=["accuracy"],
)
network.summary()
# --8<-- [end:network]

# --8<-- [start:training]
history = network.fit(
    train_features,  # features
    train_target,  # one-hot target matrix
    epochs=epochs,
    verbose=verbose,
    batch_size=100,  # observations per update of the weights
    validation_data=(test_features, test_target),  # evaluated after every epoch
    callbacks=callbacks,
)
# --8<-- [end:training]

# --8<-- [start:evaluation]
test_loss, test_accuracy = network.evaluate(test_features, test_target, verbose=0)

# The predicted topic is the one with the highest probability.
predicted_topics = network.predict(test_features, verbose=0).argmax(axis=1)

# Per topic: how many test newswires it has, and how many of those the network gets right.
stories = np.bincount(test_topics, minlength=number_of_classes)
right = np.bincount(test_topics[predicted_topics == test_topics], minlength=number_of_classes)

# The topics that occur in the test data, most frequent first (ties keep topic order).
order = np.argsort(-stories, kind="stable")
order = order[stories[order] > 0]
topic_accuracy = right[order] / stories[order]

results = {
    "test_loss": test_loss,
    "test_accuracy": test_accuracy,
    "topics_in_test": len(order),
    "topics_never_right": int((right[order] == 0).sum()),
    # The score to beat: always answering the most frequent topic gets its share right.
    "majority_share": float(stories.max() / len(test_topics)),
    "most_frequent_topics": [
        {"topic": int(t), "test_newswires": int(stories[t]), "right": int(right[t])}
        for t in order[:10]
    ],
}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:saving]
network.save(folder / "multiclass.keras")  # architecture, weights and optimizer state
# --8<-- [end:saving]

# --8<-- [start:figure]
positions = np.arange(len(order))
never = positions[right[order] == 0]

figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True, height_ratios=[2, 1])
top.bar(positions, topic_accuracy, label="Accuracy on the topic's test newswires")
top.plot(never, np.zeros(len(never)), "rx", label="Never right")  # a bar of height 0 is invisible
top.axhline(test_accuracy, color="black", linestyle="--", label="Accuracy over all newswires")
top.set_ylabel("Test accuracy")
top.set_title("Test accuracy per topic, most frequent topics first")
top.legend()
bottom.bar(positions, stories[order], color="grey")
bottom.set_yscale("log")  # a few topics have hundreds of newswires, many only a handful
bottom.set_ylabel("Test newswires")
bottom.set_xticks(positions, [str(t) for t in order], rotation=90, fontsize=7)
bottom.set_xlabel("Topic")
figure.savefig(folder / "multiclass.png")
# --8<-- [end:figure]
