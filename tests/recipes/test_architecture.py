"""Architecture: the chapter's ten-feature network, drawn by plot_model into a PNG that the
figure shows, and a clear message instead of a drawing where Graphviz's dot is missing."""

from __future__ import annotations

import shutil
import sys
import types

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import is_png, needs_graphviz

from cookbook import program


@needs_graphviz()
def test_network_is_the_chapters_and_its_counts_are_recorded(trained):
    outcome = trained("architecture")
    network, results = outcome.namespace["network"], outcome.record["results"]
    dense = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [16, 16, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "sigmoid"]
    assert network.input_shape == (None, 10)
    # n inputs x u units weights plus u biases, layer by layer.
    assert results["parameters_per_layer"] == [10 * 16 + 16, 16 * 16 + 16, 16 * 1 + 1]
    assert results["parameters"] == network.count_params() == 465
    assert not network.compiled  # only drawn, never trained
    saved = keras.models.load_model(outcome.written[0].parent / "architecture.keras")
    assert saved.count_params() == 465 and saved.input_shape == (None, 10)
    for mine, theirs in zip(network.weights, saved.weights, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(mine), theirs.numpy())


@needs_graphviz()
def test_diagram_is_written_and_shown_in_the_figure(trained):
    outcome = trained("architecture")
    folder = outcome.written[0].parent
    assert outcome.record["files"] == ["architecture.keras", "architecture.png", "network.png"]
    assert is_png(folder / "network.png") and is_png(folder / "architecture.png")
    axes = outcome.namespace["figure"].axes[0]
    np.testing.assert_array_equal(axes.images[0].get_array(), plt.imread(folder / "network.png"))
    assert "176 + 272 + 17" in axes.get_title()
    # The record holds what the program prints run from its own folder, not the private
    # temporary folder the runner ran it in (which differs on every run).
    assert outcome.record["output"]["diagram"] == "The diagram is in network.png\n"


def test_without_dot_it_says_so_and_writes_nothing(tmp_path, monkeypatch, capsys):
    real_which = shutil.which

    def which(name, *args, **kwargs):
        return None if name == "dot" else real_which(name, *args, **kwargs)

    monkeypatch.setattr(shutil, "which", which)

    def no_drawing(*args, **kwargs):
        raise AssertionError("plot_model was called without dot")

    monkeypatch.setattr(keras.utils, "plot_model", no_drawing)
    namespace = program.execute(program.module_path("architecture"), {"folder": tmp_path})
    printed = capsys.readouterr().out
    assert "Graphviz's `dot` program is not installed" in printed
    assert "apt-get install graphviz" in printed
    assert namespace["can_draw"] is False and "figure" not in namespace
    assert namespace["results"]["parameters"] == 465  # the rest of the program still ran
    assert [path.name for path in tmp_path.iterdir()] == ["architecture.keras"]  # no drawing


@pytest.mark.parametrize("in_ipython", [False, True])
def test_plot_model_without_graphviz_as_the_page_says(tmp_path, monkeypatch, capsys, in_ipython):
    """The page: an ImportError in a plain script; a printed message and nothing written
    where IPython's namespace magics are loaded (Jupyter, IPython)."""
    from keras.src.utils import model_visualization

    monkeypatch.setattr(model_visualization, "check_graphviz", lambda: False)
    magics = "IPython.core.magics.namespace"
    if in_ipython:
        monkeypatch.setitem(sys.modules, magics, types.ModuleType(magics))
    else:
        monkeypatch.delitem(sys.modules, magics, raising=False)
    network = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(1)])
    target = tmp_path / "network.png"
    if in_ipython:
        # Keras prints through its own logging switch, which other recipes turn off.
        was_on = keras.config.is_interactive_logging_enabled()
        keras.config.enable_interactive_logging()
        try:
            assert keras.utils.plot_model(network, to_file=target) is None
        finally:
            if not was_on:
                keras.config.disable_interactive_logging()
        assert "You must install graphviz" in capsys.readouterr().out
    else:
        with pytest.raises(ImportError, match="You must install graphviz"):
            keras.utils.plot_model(network, to_file=target)
    assert not target.exists()
