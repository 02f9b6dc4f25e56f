"""Drawing a network's architecture with ``keras.utils.plot_model``.

The program that the page *docs/recipes/architecture.md* shows and explains, section by
section. Run it with ``python -m cookbook.recipes.architecture`` (files go to the current
folder), or with ``cookbook train architecture``. Drawing needs Graphviz's ``dot`` program.
"""

# --8<-- [start:imports]
import shutil
from pathlib import Path

import keras
import matplotlib.pyplot as plt
from keras import layers

# --8<-- [end:imports]

# --8<-- [start:parameters]
seed = 0  # the same seed gives the same starting weights
folder = Path(".")  # where the model file, the diagram and the figure are written
# --8<-- [end:parameters]

# --8<-- [start:network]
keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend together

# The chapter's network, for ten features. It is only drawn, never trained, so it is not
# compiled.
network = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=16, activation="relu"),
        layers.Dense(units=1, activation="sigmoid"),
    ]
)
network.summary()  # the same architecture as a table

# A Dense layer with n inputs and u units has n * u weights and u biases.
results = {
    "parameters_per_layer": [layer.count_params() for layer in network.layers],
    "parameters": network.count_params(),
}
print(results)
# --8<-- [end:network]

# --8<-- [start:saving]
# The architecture and the starting weights: keras.models.load_model("architecture.keras")
# gives the network back, to summarise or draw it elsewhere (where Graphviz is installed).
network.save(folder / "architecture.keras")
# --8<-- [end:saving]

# --8<-- [start:diagram]
# plot_model hands the drawing to Graphviz's `dot` program, which pip cannot install.
can_draw = shutil.which("dot") is not None
if can_draw:
    keras.utils.plot_model(network, show_shapes=True, to_file=folder / "network.png")
    print("The diagram is in", folder / "network.png")
else:
    print(
        "Graphviz's `dot` program is not installed, so plot_model cannot draw the network "
        "(no network.png is written). Install Graphviz (Debian/Ubuntu: sudo apt-get install "
        "graphviz; macOS: brew install graphviz; conda: conda install graphviz) and run this "
        "again. network.summary() above shows the same architecture as text."
    )
# --8<-- [end:diagram]

# --8<-- [start:figure]
if can_draw:
    # plot_model draws at 200 dots per inch: width / 200 inches is the size it was drawn for.
    diagram = plt.imread(folder / "network.png")
    height, width = diagram.shape[:2]
    figure, axes = plt.subplots(figsize=(width / 200 + 1, height / 200 + 1))
    axes.imshow(diagram)
    axes.set_axis_off()
    counts = " + ".join(str(count) for count in results["parameters_per_layer"])
    axes.set_title(
        "keras.utils.plot_model(network, show_shapes=True)\n"
        f"{results['parameters']} parameters, layer by layer: {counts}"
    )
    figure.savefig(folder / "architecture.png")
# --8<-- [end:figure]
