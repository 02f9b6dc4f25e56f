"""A feed-forward network for binary classification: is an IMDB review positive or negative?

The program that the page *docs/recipes/binary.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.binary`` (files go to the current folder), or with
``cookbook train binary``.
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
test_loss, test_accuracy = network.evaluate(test_features, test_target, verbose=0)
results = {"test_loss": test_loss, "test_accuracy": test_accuracy}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:prediction]
# predict gives each review's probability of "positive"; above 0.5 the answer is "positive".
probabilities = network.predict(test_features, verbose=0)[:, 0]
predicted_target = (probabilities > 0.5).astype(test_target.dtype)
print("probabilities:", probabilities[:5].round(3))
print("answers:      ", predicted_target[:5])
print("true labels:  ", test_target[:5])

# The share of right answers is the accuracy evaluate gave. The score to beat is that of
# always answering the more frequent label.
right_share = float((predicted_target == test_target).mean())
majority_share = float(max(test_target.mean(), 1 - test_target.mean()))
results["majority_share"] = majority_share
print(f"right answers: {right_share:.4f}, always the more frequent label: {majority_share:.4f}")
# --8<-- [end:prediction]

# --8<-- [start:saving]
network.save(folder / "binary.keras")  # architecture, weights and optimizer state
# --8<-- [end:saving]

# --8<-- [start:figure]
training_accuracy = history.history["accuracy"]
test_accuracy_per_epoch = history.history["val_accuracy"]
epoch_numbers = range(1, len(training_accuracy) + 1)

figure, axes = plt.subplots(figsize=(8, 5))
axes.plot(epoch_numbers, training_accuracy, "r--", label="Training accuracy")
axes.plot(epoch_numbers, test_accuracy_per_epoch, "b-", label="Test accuracy")
axes.set_xticks(list(epoch_numbers))
axes.set_xlabel("Epoch")
axes.set_ylabel("Accuracy")
axes.set_title("Binary classification of IMDB reviews")
axes.legend()
figure.savefig(folder / "binary.png")
# --8<-- [end:figure]
