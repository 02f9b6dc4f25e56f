"""L2 weight regularisation of a feed-forward network, and the same network without it.

The program that the page *docs/recipes/regularization.md* shows and explains, section by
section. Run it with ``python -m cookbook.recipes.regularization`` (files go to the current
folder), or with ``cookbook train regularization``.
"""

# --8<-- [start:imports]
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers, regularizers

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
        # Each of these two layers adds 0.01 * (the sum of its squared weights) to the loss.
        layers.Dense(units=16, activation="relu", kernel_regularizer=regularizers.l2(0.01)),
        layers.Dense(units=16, activation="relu", kernel_regularizer=regularizers.l2(0.01)),
        layers.Dense(units=1, activation="sigmoid"),  # the probability of "positive"
    ]
)
network.compile(
    loss="binary_crossentropy",  # cross-entropy for two classes (plus the penalties)
    optimizer="rmsprop",
    metrics=["accuracy"],
)
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
# The loss Keras reports is the cross-entropy *plus* the L2 penalties. `network.losses` holds
# each layer's penalty for the weights as they are now; taking them away leaves the
# cross-entropy alone, the part that says how well the network fits the reviews. The sum
# becomes a NumPy number first: PyTorch warns when a tensor it tracks gradients for is
# turned straight into a float.
penalty = float(keras.ops.convert_to_numpy(sum(network.losses)))
test_cross_entropy = test_loss - penalty
results = {
    "test_loss": test_loss,
    "test_accuracy": test_accuracy,
    "l2_penalty": penalty,
    "test_cross_entropy": test_cross_entropy,
}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:saving]
network.save(folder / "regularization.keras")  # architecture, weights and optimizer state
# --8<-- [end:saving]

# --8<-- [start:without-l2]
# Not in the chapter: the same network without the penalty. The same seed gives it the same
# starting weights and the same batches, so the penalty is the only difference.
keras.utils.set_random_seed(seed)

network_without_l2 = keras.Sequential(
    [
        keras.Input(shape=(number_of_features,)),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=1, activation="sigmoid"),
    ]
)
network_without_l2.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
history_without_l2 = network_without_l2.fit(
    train_features,
    train_target,
    epochs=epochs,
    verbose=verbose,
    batch_size=100,
    validation_data=(test_features, test_target),
    callbacks=callbacks,
)
# Without a penalty, the reported loss is the cross-entropy.
loss_without_l2, accuracy_without_l2 = network_without_l2.evaluate(
    test_features, test_target, verbose=0
)
# --8<-- [end:without-l2]

# --8<-- [start:comparison]
# How closely each network fits the reviews it was trained on: the cross-entropy on the
# training data (the L2 network's loss there, less its penalty). The gap between it and the
# test cross-entropy is how much a network has overfitted.
training_loss, _ = network.evaluate(train_features, train_target, verbose=0)
training_cross_entropy = training_loss - penalty
training_cross_entropy_without_l2, _ = network_without_l2.evaluate(
    train_features, train_target, verbose=0
)

# The first hidden layer's weights: one row per word, one column per unit.
weights = network.layers[0].get_weights()[0]
weights_without_l2 = network_without_l2.layers[0].get_weights()[0]

results["comparison"] = [
    {
        "network": "with L2",
        "training_cross_entropy": training_cross_entropy,
        "test_cross_entropy": test_cross_entropy,
        "test_accuracy": test_accuracy,
        "mean_absolute_weight": float(np.mean(np.abs(weights))),
    },
    {
        "network": "without L2",
        "training_cross_entropy": training_cross_entropy_without_l2,
        "test_cross_entropy": loss_without_l2,
        "test_accuracy": accuracy_without_l2,
        "mean_absolute_weight": float(np.mean(np.abs(weights_without_l2))),
    },
]
print(results["comparison"])
# --8<-- [end:comparison]

# --8<-- [start:figure]
figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))

# Left: the first layer's weights, counted in the same bins for both networks.
bins = np.histogram_bin_edges(np.concatenate([weights.ravel(), weights_without_l2.ravel()]), 60)
left.hist(weights_without_l2.ravel(), bins=bins, color="tab:orange", alpha=0.5, label="without L2")
left.hist(weights.ravel(), bins=bins, color="tab:green", alpha=0.6, label="with L2 (0.01)")
left.set_xlabel("First-layer weight")
left.set_ylabel("Number of weights")
left.set_title("L2 pulls the weights towards zero")
left.legend()

# Right: what each network's reported test loss is made of.
names = ["with L2", "without L2"]
cross_entropies = [test_cross_entropy, loss_without_l2]
right.bar(names, cross_entropies, color="tab:blue", label="cross-entropy")
right.bar(names, [penalty, 0.0], bottom=cross_entropies, color="tab:red", label="L2 penalty")
right.set_ylabel("Test loss, as evaluate reports it")
right.set_title("Only the cross-entropy compares")
right.legend()
figure.savefig(folder / "regularization.png")
# --8<-- [end:figure]
