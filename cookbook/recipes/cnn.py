"""A convolutional network for handwritten digits: which digit is in a 28x28 MNIST image?

The program that the page *docs/recipes/cnn.md* shows and explains, section by section.
Run it with ``python -m cookbook.recipes.cnn`` (files go to the current folder), or with
``cookbook train cnn``.
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
epochs = 2  # full passes over the training images
seed = 0  # the same seed gives the same starting weights, the same shuffles, the same results
folder = Path(".")  # where the model file and the figure are written
callbacks = []  # more Keras callbacks for fit, e.g. keras.callbacks.CSVLogger("log.csv")
verbose = 2  # what fit prints: 0 nothing, 1 a progress bar, 2 one line per epoch
# --8<-- [end:parameters]

# --8<-- [start:data]
channels, height, width = 1, 28, 28  # grey-scale images of 28x28 pixels
number_of_classes = 10  # the digits 0..9

# Images are uint8 arrays of shape (n, 28, 28), 0 for the background up to 255 for ink;
# the targets are the digits themselves.
(train_images, train_digits), (test_images, test_digits) = data.load_mnist()

# Conv2D wants an explicit channel axis. Keras's default layout is channels last:
# (images, height, width, channels). Pixels are scaled from 0..255 to 0..1.
train_features = train_images.reshape(-1, height, width, channels).astype("float32") / 255
test_features = test_images.reshape(-1, height, width, channels).astype("float32") / 255

# One-hot targets for the softmax output: a row of ten, with 1 in the digit's column.
# Naming the number of classes keeps ten columns even if a split lacked the digit 9.
train_target = keras.utils.to_categorical(train_digits, number_of_classes)
test_target = keras.utils.to_categorical(test_digits, number_of_classes)
print("training features:", train_features.shape, "test features:", test_features.shape)
# --8<-- [end:data]

# --8<-- [start:network]
keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together

network = keras.Sequential(
    [
        keras.Input(shape=(height, width, channels)),
        # 64 filters of 5x5 pixels; each one's weights are shared by every position in the
        # image, so a pattern it learns to find is found wherever it appears.
        layers.Conv2D(filters=64, kernel_size=(5, 5), activation="relu"),
        # Keep the strongest response of every 2x2 block: the 24x24 maps become 12x12.
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Dropout(0.5),
        layers.Flatten(),  # 12 x 12 x 64 feature maps become one vector of 9216 values
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(number_of_classes, activation="softmax"),  # ten probabilities
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
batch_size = 1000  # images per update of the weights
history = network.fit(
    train_features,
    train_target,
    epochs=epochs,
    verbose=verbose,
    batch_size=batch_size,
    validation_data=(test_features, test_target),  # evaluated after every epoch
    callbacks=callbacks,
)
# --8<-- [end:training]

# --8<-- [start:evaluation]
test_loss, test_accuracy = network.evaluate(test_features, test_target, verbose=0)

# The network's answer for an image is the digit with the highest probability.
predicted_digits = network.predict(test_features, verbose=0).argmax(axis=1)
results = {
    "test_loss": test_loss,
    "test_accuracy": test_accuracy,
    "test_mistakes": int((predicted_digits != test_digits).sum()),
    "test_images": len(test_digits),
    "updates_per_epoch": -(-len(train_features) // batch_size),  # a last, partial batch counts
    # The score to beat: always answering the most frequent digit gets its share right.
    "majority_share": float(np.bincount(test_digits).max() / len(test_digits)),
}
print(results)
# --8<-- [end:evaluation]

# --8<-- [start:saving]
network.save(folder / "cnn.keras")  # architecture, weights and optimizer state
# --8<-- [end:saving]

# --8<-- [start:figure]
figure, axes = plt.subplots(4, 8, figsize=(8, 4.8))
for i, ax in enumerate(axes.flat):  # the first 32 test images
    digit, answer = test_digits[i], predicted_digits[i]
    ax.imshow(test_images[i], cmap="gray_r")
    right = answer == digit
    title = f"{answer}" if right else f"{answer} (true {digit})"
    ax.set_title(title, color="black" if right else "red", fontsize=9)
    ax.set_axis_off()
figure.suptitle("The network's answers for the first test digits (mistakes in red)")
figure.savefig(folder / "cnn.png")
# --8<-- [end:figure]
