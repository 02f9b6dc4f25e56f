"""Drawing a network's architecture.

A picture of a network shows at a glance what its code says line by line: which layers there
are, in what order, and what shape of data flows between them. It is the quickest check that
a model is wired the way you meant -- that the input has the width of your features, that each
layer's output fits the next layer's input, that the last layer has one unit per answer --
and it belongs in any write-up of a model.

``keras.utils.plot_model(network, show_shapes=True, to_file="network.png")`` draws the network
as a graph: one box per layer, arrows for the data flow, and, with ``show_shapes=True``, each
layer's input and output shape. ``None`` in a shape is the batch dimension, which is not fixed
until data arrives. The drawing is done by Graphviz, in two parts: the ``pydot`` Python package
describes the graph and the Graphviz ``dot`` *program* lays it out. ``pydot`` is a dependency
of this cookbook; ``dot`` is not a Python package and must be installed with the system's
package manager. Without it this recipe stops with a message saying how to install it.

The same network in text form is ``network.summary()``: one row per layer with its output
shape and its number of parameters. A ``Dense`` layer with ``n`` inputs and ``u`` units has
``n * u`` weights plus ``u`` biases -- ``10 * 16 + 16 = 176`` for the first layer here. The
recipe records those numbers too, and saves the (untrained) model as ``architecture.keras``
so you can load it and draw or summarise it yourself.

What changed since Keras 2:

* ``keras.utils.vis_utils.model_to_dot`` moved to ``keras.utils.model_to_dot``; the chapter's
  IPython ``SVG(model_to_dot(...).create(...))`` display is not needed to write a file.
* The input is a ``keras.Input(shape=(10,))`` rather than ``input_shape=(10,)`` on the first
  layer, and the diagram no longer draws a separate ``InputLayer`` box: each layer's box shows
  its input and output shape.
* ``plot_model`` draws layer names only with ``show_layer_names=True`` (the default was
  ``True`` in Keras 2), draws at 200 dpi instead of 96, and can also show each layer's
  activation (``show_layer_activations=True``).
* Without Graphviz, ``plot_model`` raises ``ImportError`` -- unless IPython is importable, in
  which case it prints a message and returns without writing anything (and Keras itself imports
  IPython whenever it is installed, so this happens in plain scripts too). This recipe checks
  for ``dot`` first and turns every one of these cases into one clear error.
* Addition to the chapter: the model is saved and its parameter counts are recorded. Like the
  chapter's, it is not compiled: it is never trained, and a compiled but untrained model makes
  ``load_model`` warn that the optimizer's saved state does not match.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import keras
import matplotlib.image
from keras import layers
from matplotlib.figure import Figure

from cookbook import core, plotting
from cookbook.errors import GraphvizMissing
from cookbook.io import atomic_path, save_model

NAME = "architecture"
NUMBER_OF_FEATURES = 10  # the chapter's network takes ten features
DIAGRAM_FILE = "network.png"


# --8<-- [start:model]
def build_network(number_of_features: int = NUMBER_OF_FEATURES) -> keras.Sequential:
    """Two hidden layers of 16 ReLU units and one sigmoid output unit."""
    network = keras.Sequential(
        [
            keras.Input(shape=(number_of_features,)),
            layers.Dense(units=16, activation="relu"),
            layers.Dense(units=16, activation="relu"),
            layers.Dense(units=1, activation="sigmoid"),
        ]
    )
    return network  # only drawn, never trained: no need to compile it


# --8<-- [end:model]


# --8<-- [start:plot]
def draw(network: keras.Model, target: Path) -> Path:
    """Draw ``network`` into the PNG file ``target`` (written atomically)."""
    if shutil.which("dot") is None:  # check first: fail before writing anything
        raise GraphvizMissing()
    with atomic_path(target) as tmp:  # a temporary name ending in .png, as plot_model needs
        try:
            keras.utils.plot_model(network, show_shapes=True, to_file=tmp)
        except ImportError as err:  # Keras's way of saying it cannot run `dot`
            raise GraphvizMissing() from err
        if tmp.stat().st_size == 0:  # with IPython loaded, plot_model prints, not raises
            raise GraphvizMissing()
    return target


# --8<-- [end:plot]


def describe(network: keras.Model) -> list[dict[str, Any]]:
    """One entry per layer, like ``network.summary()``: type, output shape, parameters.

    (Not the layer names: Keras numbers them per process -- ``dense``, ``dense_1``, ... -- so
    they depend on what else ran before.)
    """
    return [
        {
            "layer": number,
            "type": type(layer).__name__,
            "units": layer.units,
            "activation": keras.activations.serialize(layer.activation),
            "output_shape": [None if size is None else int(size) for size in layer.output.shape],
            "parameters": int(layer.count_params()),
        }
        for number, layer in enumerate(network.layers, start=1)
    ]


def run(settings: core.Settings) -> core.Result:
    """Draw the network into ``OUT/architecture/network.png`` and save it, untrained, as
    ``OUT/architecture/architecture.keras``. No data, no training."""
    network = build_network()
    folder = settings.folder(NAME)
    diagram = draw(network, folder / DIAGRAM_FILE)
    model_file = save_model(network, folder / "architecture.keras")
    layer_list = describe(network)
    parameters = sum(layer["parameters"] for layer in layer_list)
    return core.Result(
        metrics={"parameters": parameters},
        files=[diagram, model_file],
        details={
            "input_shape": [None, NUMBER_OF_FEATURES],
            "layers": layer_list,
            "parameters": parameters,
        },
        # The picture itself, not its path: the figure must not depend on the file staying.
        artifacts={"diagram": matplotlib.image.imread(diagram)},
    )


def figure(result: core.Result) -> Figure:
    """The diagram ``plot_model`` drew, with the parameter count of each layer in the title."""
    image = result.artifacts["diagram"]
    height, width = image.shape[:2]
    # plot_model draws at 200 dpi; showing it at half size gives about the width of the other
    # figures, with room for the title above and the stamp below.
    scale = 0.5
    fig, ax = plotting.new_figure(
        size=(width * scale / plotting.DPI + 1.2, height * scale / plotting.DPI + 0.9)
    )
    ax.imshow(image, interpolation="antialiased")
    ax.set_axis_off()
    counts = " + ".join(str(layer["parameters"]) for layer in result.details["layers"])
    ax.set_title(
        f"keras.utils.plot_model(network, show_shapes=True)\n"
        f"{result.details['parameters']} parameters: {counts} (weights and biases, layer by layer)"
    )
    return fig
