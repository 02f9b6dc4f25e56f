"""The chapter's lines that the site says fail or warn under Keras 3, run against the libraries.

*What changed since Keras 2* (``docs/changes.md``) and each recipe's "What changed" list say
what an old line of the chapter does today: that an import fails, that a call raises or warns,
and often with which message. Such a sentence is only as true as the installed release. So
every test here runs the line, checks the kind of failure (the exception type, the warning
category, or the logged warning) and that the message contains what the page quotes -- and
checks that the page really says it, so that the page and the test cannot drift apart. When
a release changes a message or a behaviour, a test fails and names the page to correct.

Each case runs in this process, in well under a second, except two that need a fresh
interpreter: the channels-first convolution without oneDNN (TensorFlow reads
``TF_ENABLE_ONEDNN_OPTS`` once, at import) and IPython's start-up. Keras is imported once.

Where a claim cannot be run here, the test says why and checks what it can:

* tf-keras's ``restore_best_weights`` from version 2.16, and SciKeras's failure with
  scikit-learn 1.6: neither package is installed (nor needed); the page states them as their
  sources do (tf-keras's ``callbacks.py`` at ``v2.15.0`` and ``v2.16.0``; scikeras #332).
* IPython's lazy magics from version 9.17: only the installed IPython's side of that boundary
  can be run, and is.
* TensorFlow's oneDNN rule (on by default on Linux for AVX512_VNNI, AVX512_BF16, AVX_VNNI or
  AMX): this machine's side of it is run with the default, and the other side by switching
  oneDNN off with ``TF_ENABLE_ONEDNN_OPTS=0``.

Last, one claim several pages make about their records: that the seeded binary classifier's
epochs come back, number for number, in the recipes that train the same network.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import platform
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import ROOT

DOCS = ROOT / "docs"


def page_text(page: str) -> str:
    """A page under ``docs/``, with every run of white space as one space (a quote may wrap)."""
    return " ".join((DOCS / page).read_text(encoding="utf-8").split())


def said(page: str, *texts: str) -> None:
    """Fail unless ``page`` says each of ``texts`` (white space may differ)."""
    text = page_text(page)
    for words in texts:
        wanted = " ".join(words.split())
        assert wanted in text, (
            f"docs/{page} no longer says {wanted!r}: correct the page or this test"
        )


def tiny_network(metrics: list[str] | None = None) -> keras.Model:
    """A compiled two-input, one-unit classifier: enough for `fit` and callbacks to run."""
    network = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, "sigmoid")])
    network.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=metrics or [])
    return network


TINY_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
TINY_Y = np.array([0, 1, 1, 0])


# --- imports that no longer exist ---------------------------------------------------------------

REMOVED = [
    # (the chapter's line, the exception, the message the page quotes)
    (
        "from keras.preprocessing.text import Tokenizer",
        ModuleNotFoundError,
        "No module named 'keras.preprocessing.text'",
    ),
    (
        "from keras.utils import np_utils",
        ImportError,
        "cannot import name 'np_utils' from 'keras.utils'",
    ),
    (
        "from keras.layers.convolutional import Conv2D, MaxPooling2D",
        ModuleNotFoundError,
        "No module named 'keras.layers.convolutional'",
    ),
    (
        "from keras.utils.vis_utils import model_to_dot",
        ModuleNotFoundError,
        "No module named 'keras.utils.vis_utils'",
    ),
    (
        "from keras.wrappers.scikit_learn import KerasClassifier",
        ModuleNotFoundError,
        "No module named 'keras.wrappers.scikit_learn'",
    ),
]


@pytest.mark.parametrize(("line", "error", "quote"), REMOVED, ids=[r[0] for r in REMOVED])
def test_a_removed_import_fails_with_the_quoted_message(line, error, quote):
    said("changes.md", line.split(";")[0], quote)
    with pytest.raises(error) as raised:
        exec(line, {})
    assert type(raised.value) is error
    assert quote in str(raised.value)


def test_the_recipe_pages_name_the_removed_modules():
    said(
        "recipes/cnn.md", "`keras.layers.convolutional` and `keras.utils.np_utils` no longer exist"
    )
    said(
        "recipes/regression.md", "`keras.preprocessing.text` no longer exists, so that import would"
    )


def test_pad_sequences_still_imports_from_keras_preprocessing():
    said("changes.md", "`keras.preprocessing.sequence.pad_sequences` is the same function as")
    from keras.preprocessing import sequence

    assert sequence.pad_sequences is keras.utils.pad_sequences


# --- layers and inputs ----------------------------------------------------------------------------

INPUT_SHAPE_WARNING = "Do not pass an `input_shape`/`input_dim` argument to a layer."


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.layers.Dense(16, activation="relu", input_shape=(1000,)),
        lambda: keras.layers.Dropout(0.2, input_shape=(1000,)),
    ],
    ids=["Dense", "Dropout"],
)
def test_input_shape_on_a_layer_warns(make):
    said("changes.md", "`input_shape=` on a layer still works but warns", INPUT_SHAPE_WARNING)
    said("recipes/dropout.md", "Keras 3 accepts with a warning")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = make()
    assert layer is not None  # it still works
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert any(INPUT_SHAPE_WARNING in m for m in messages), messages


def test_l2_takes_its_factor_positionally_but_not_as_l():
    said(
        "recipes/regularization.md",
        "`regularizers.l2(l=0.01)` fails in Keras 3, while the chapter's",
    )
    assert isinstance(keras.regularizers.l2(0.01), keras.regularizers.L2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'l'"):
        keras.regularizers.l2(l=0.01)


def test_embedding_input_length_is_deprecated():
    said("recipes/lstm.md", "`Embedding`'s `input_length` argument", "is deprecated in Keras 3")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.layers.Embedding(1000, 8, input_length=400)
    assert any("`input_length` is deprecated" in str(w.message) for w in caught)


# --- the channels-first convolution and TensorFlow's oneDNN rule ---------------------------------

NHWC_EAGER = "The Conv2D op currently only supports the NHWC tensor format on the CPU"
NHWC_FIT = "Conv2DCustomBackpropFilterOp only supports NHWC"
#: The CPU features for which TensorFlow switches oneDNN on by default on Linux (its util.cc,
#: ``DefaultOneDnnPolicy``), as /proc/cpuinfo names them.
ONEDNN_FEATURES = {"avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16"}

CHANNELS_FIRST = textwrap.dedent(
    """
    import json, os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras, numpy as np

    images = np.zeros((4, 1, 28, 28), "float32")
    target = keras.utils.to_categorical([0, 1, 2, 3], 10)
    network = keras.Sequential([
        keras.Input(shape=(1, 28, 28)),
        keras.layers.Conv2D(2, 5, data_format="channels_first"),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    network.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    calls = {
        "eager": lambda: network(images),
        "predict": lambda: network.predict(images, verbose=0),
        "fit": lambda: network.fit(images, target, epochs=1, verbose=0),
    }
    outcome = {}
    for name, call in calls.items():
        try:
            call()
            outcome[name] = None
        except Exception as err:
            outcome[name] = [type(err).__name__, str(err)]
    print(json.dumps(outcome))
    """
)


def channels_first_outcome(onednn: str | None) -> dict[str, list[str] | None]:
    """Run the chapter's layout with ``TF_ENABLE_ONEDNN_OPTS`` set to ``onednn`` (``None``: as
    TensorFlow decides). Per call: ``None`` if it ran, else the exception's type name and
    message. TensorFlow reads the variable once, at import: in this process when it agrees,
    else in a fresh interpreter."""
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == onednn:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(CHANNELS_FIRST, {})
        return json.loads(printed.getvalue().strip().splitlines()[-1])
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    if onednn is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = onednn
    done = subprocess.run(
        [sys.executable, "-c", CHANNELS_FIRST],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_fails_as_the_pages_say(outcome: dict[str, list[str] | None]) -> None:
    assert outcome["eager"] is not None and outcome["eager"][0] == "UnimplementedError"
    assert NHWC_EAGER in outcome["eager"][1]
    assert outcome["predict"] is not None and NHWC_EAGER in outcome["predict"][1]
    assert outcome["fit"] is not None and outcome["fit"][0] == "InvalidArgumentError"
    assert NHWC_FIT in outcome["fit"][1]


def cpu_features() -> set[str] | None:
    """This CPU's feature flags, on Linux (``None`` elsewhere: the rule the pages state is
    TensorFlow's rule for Linux)."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None
    text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^flags\s*:(.*)$", text, re.M)
    return set(match.group(1).split()) if match else None


@pytest.fixture(scope="module")
def tensorflow_backend() -> None:
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the channels-first failure is TensorFlow's (its CPU kernels)")


@pytest.mark.slow  # a TensorFlow process of its own
def test_channels_first_fails_without_onednn_with_the_quoted_messages(tensorflow_backend):
    """The chapter's layout on TensorFlow's own CPU kernels: oneDNN switched off."""
    said("changes.md", NHWC_EAGER, NHWC_FIT, "`TF_ENABLE_ONEDNN_OPTS`")
    said("recipes/cnn.md", NHWC_EAGER, NHWC_FIT, "`TF_ENABLE_ONEDNN_OPTS=0`")
    assert_fails_as_the_pages_say(channels_first_outcome("0"))


def test_channels_first_runs_or_fails_by_tensorflows_onednn_rule(tensorflow_backend):
    """Left to TensorFlow, the layout runs exactly where the CPU has one of the features the
    pages name, and fails with the quoted messages elsewhere."""
    said(
        "changes.md", "AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX", "AVX-512 alone does not qualify"
    )
    said("recipes/cnn.md", "AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX")
    said("performance.md", "AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX")
    features = cpu_features()
    if features is None:
        pytest.skip("the pages state TensorFlow's default for Linux on x86-64 CPUs")
    outcome = channels_first_outcome(None)
    if features & ONEDNN_FEATURES:
        assert outcome == {"eager": None, "predict": None, "fit": None}, outcome
    else:
        assert_fails_as_the_pages_say(outcome)


# --- drawing the network --------------------------------------------------------------------------

NAMESPACE_MAGICS = "IPython.core.magics.namespace"


def test_plot_model_without_dot_raises_or_only_prints(monkeypatch, tmp_path, capsys):
    """Without Graphviz's `dot`: `ImportError` in a script, a printed message once IPython's
    namespace magics are loaded (Keras looks for their module)."""
    said(
        "changes.md",
        "`ImportError: You must install graphviz`",
        "only prints that message and returns",
    )
    said(
        "recipes/architecture.md",
        "You must install graphviz",
        "only prints that message and returns",
    )
    network = tiny_network()
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` to be found
    target = tmp_path / "network.png"
    monkeypatch.delitem(sys.modules, NAMESPACE_MAGICS, raising=False)
    with pytest.raises(ImportError, match="You must install graphviz"):
        keras.utils.plot_model(network, to_file=target)
    monkeypatch.setitem(sys.modules, NAMESPACE_MAGICS, type(sys)(NAMESPACE_MAGICS))
    assert keras.utils.plot_model(network, to_file=target) is None
    assert "You must install graphviz" in capsys.readouterr().out
    assert not target.exists()  # writing nothing


IPYTHON_START = textwrap.dedent(
    f"""
    import json, sys
    import IPython
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    at_start = {NAMESPACE_MAGICS!r} in sys.modules
    shell.run_line_magic("who", "")
    print(json.dumps({{"version": IPython.__version__, "at_start": at_start,
                      "after_who": {NAMESPACE_MAGICS!r} in sys.modules}}))
    """
)


def test_ipython_loads_the_namespace_magics_as_the_pages_say():
    """IPython up to 9.16 loads them at start; from 9.17, at the first such magic. Only the
    installed IPython's side of that boundary can run here."""
    pytest.importorskip("IPython")
    said("changes.md", "IPython up to version 9.16", "IPython from version 9.17")
    said("recipes/architecture.md", "IPython up to version 9.16", "IPython from version 9.17")
    done = subprocess.run(
        [sys.executable, "-c", IPYTHON_START], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    version = tuple(int(part) for part in re.findall(r"\d+", seen["version"])[:2])
    assert seen["after_who"]
    assert seen["at_start"] is (version < (9, 17)), seen


def test_plot_models_defaults_are_the_ones_the_page_names():
    import inspect

    said("recipes/architecture.md", "`show_layer_names=True` (Keras 2 showed them by default)")
    said("recipes/architecture.md", "draws at 200 dots per inch")
    defaults = inspect.signature(keras.utils.plot_model).parameters
    assert defaults["show_layer_names"].default is False
    assert defaults["dpi"].default == 200


# --- saving ---------------------------------------------------------------------------------------

HDF5_REFUSED = "The filepath provided must end in `.keras` (Keras model format)"
WEIGHTS_NAME = "the filepath provided must end in `.weights.h5`"
LEGACY = "This file format is considered legacy."


def test_model_checkpoint_refuses_hdf5():
    said("changes.md", HDF5_REFUSED)
    said("recipes/checkpointing.md", "The filepath provided must end in `.keras`")
    said(
        "recipes/early-stopping.md",
        "refuses any other ending (`.hdf5` included) with a `ValueError`",
    )
    with pytest.raises(ValueError) as raised:
        keras.callbacks.ModelCheckpoint(filepath="models.hdf5")
    assert HDF5_REFUSED in str(raised.value)
    keras.callbacks.ModelCheckpoint(filepath="best_model.h5")  # .h5 is accepted


def test_weights_only_checkpoints_must_end_in_weights_h5():
    said("changes.md", WEIGHTS_NAME)
    said("recipes/checkpointing.md", "Weights-only files must end in `.weights.h5`")
    with pytest.raises(ValueError) as raised:
        keras.callbacks.ModelCheckpoint(filepath="weights.h5", save_weights_only=True)
    assert WEIGHTS_NAME in str(raised.value)


@pytest.mark.parametrize("name", ["best_model.h5", "models.hdf5"])
def test_saving_as_hdf5_still_works_with_a_legacy_warning(name, tmp_path):
    said("changes.md", LEGACY, '`model.save("models.hdf5")` itself still writes the legacy HDF5')
    said(
        "recipes/checkpointing.md", "accepts `.h5` as a legacy format, with a warning at every save"
    )
    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    logger = logging.getLogger("absl")  # Keras warns through absl's logger
    logger.addHandler(handler)
    try:
        tiny_network().save(tmp_path / name)
    finally:
        logger.removeHandler(handler)
    assert (tmp_path / name).is_file()
    assert LEGACY in logged.getvalue()


def test_checkpoint_epoch_numbers_count_from_one(tmp_path):
    said("changes.md", "since Keras 2.0.9 (November 2017) the number counts from **1**")
    said("recipes/checkpointing.md", "The epoch number counts from 1, like `fit`'s log")
    template = str(tmp_path / "model_{epoch:02d}.keras")
    network = tiny_network()
    checkpoint = keras.callbacks.ModelCheckpoint(filepath=template)
    network.fit(TINY_X, TINY_Y, epochs=1, verbose=0, callbacks=[checkpoint])
    assert [p.name for p in tmp_path.glob("model_*.keras")] == ["model_01.keras"]


# --- training: history keys, seeding, early stopping ----------------------------------------------


def test_the_history_keys_follow_the_metric_name():
    said(
        "changes.md",
        '`history.history["acc"]` raises `KeyError`',
        '`metrics=["acc"]` still logs `acc`',
    )
    said("recipes/accuracy-history.md", "the chapter's `history.history['acc']` raises `KeyError`")
    said("recipes/regression.md", 'With `metrics=["mse"]`, Keras 3 records `mse` and `val_mse`')
    histories = {}
    for metric in ("accuracy", "acc", "mse"):
        network = tiny_network([metric])
        fitted = network.fit(TINY_X, TINY_Y, epochs=1, verbose=0, validation_data=(TINY_X, TINY_Y))
        histories[metric] = fitted.history
    assert set(histories["accuracy"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    with pytest.raises(KeyError):
        histories["accuracy"]["acc"]  # the chapter's key
    assert set(histories["acc"]) == {"loss", "acc", "val_loss", "val_acc"}
    assert set(histories["mse"]) == {"loss", "mse", "val_loss", "val_mse"}


def first_kernel() -> np.ndarray:
    layer = keras.layers.Dense(3)
    layer.build((None, 3))
    return keras.ops.convert_to_numpy(layer.kernel)


def test_numpy_seeding_no_longer_fixes_the_starting_weights():
    said("changes.md", "two networks built after `np.random.seed(0)` start from different weights")
    np.random.seed(0)
    first = first_kernel()
    np.random.seed(0)
    assert not np.array_equal(first, first_kernel())
    keras.utils.set_random_seed(0)
    first = first_kernel()
    keras.utils.set_random_seed(0)
    assert np.array_equal(first, first_kernel())


def test_restore_best_weights_restores_when_training_ends_without_stopping():
    """Keras 3's EarlyStopping puts the best epoch's weights back at the end of training, also
    when patience never ran out (tf-keras does so from 2.16; Keras 2 up to 2.15 did not)."""
    said("changes.md", "in Keras 2 up to version 2.15, standalone or as `tf.keras`, only when")
    said(
        "changes.md",
        "in the `tf-keras` package (Keras 2 for TensorFlow 2.16 and newer) from version 2.16",
    )
    said(
        "recipes/early-stopping.md",
        "Keras 3, and the `tf-keras` package from version 2.16, restore",
    )
    network = tiny_network()
    stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=2, restore_best_weights=True
    )
    stopping.set_model(network)
    stopping.on_train_begin()
    # Three epochs, the second the best; the third is worse, but patience is not used up.
    for epoch, (val_loss, weight) in enumerate([(0.9, 1.0), (0.5, 2.0), (0.7, 3.0)]):
        network.set_weights([np.full(w.shape, weight, "float32") for w in network.get_weights()])
        stopping.on_epoch_end(epoch, {"val_loss": val_loss})
    assert stopping.stopped_epoch == 0  # training ran to its last epoch
    stopping.on_train_end()
    assert all(np.all(w == 2.0) for w in network.get_weights())


def test_to_categorical_counts_the_classes_it_sees_unless_told():
    said("recipes/multiclass.md", "it takes the largest label it sees plus one")
    assert keras.utils.to_categorical([0, 1, 2]).shape == (3, 3)
    assert keras.utils.to_categorical([0, 1, 2], num_classes=46).shape == (3, 46)


# --- the scikit-learn wrapper ---------------------------------------------------------------------


def create_network(X, y, optimizer="rmsprop"):
    network = keras.Sequential(
        [keras.Input(shape=(X.shape[1],)), keras.layers.Dense(y.shape[1], activation="softmax")]
    )
    network.compile(loss="categorical_crossentropy", optimizer=optimizer)
    return network


def test_the_chapters_grid_names_fail_on_the_new_wrapper():
    quote = "Invalid parameter 'optimizer' for estimator SKLearnClassifier"
    said("changes.md", quote, "`model_kwargs__optimizer`-style names fail with an `AttributeError`")
    said("recipes/tuning.md", quote)
    wrapper = keras.wrappers.SKLearnClassifier(model=create_network)
    with pytest.raises(ValueError) as raised:
        wrapper.set_params(optimizer="adam")
    assert quote in str(raised.value)
    with pytest.raises(AttributeError):
        wrapper.set_params(model_kwargs__optimizer="adam")


def test_cloning_the_wrapper_drops_fit_kwargs():
    from sklearn.base import clone

    said("changes.md", "the wrapper's `clone()` drops `fit_kwargs`")
    said("recipes/cross-validation.md", "`fit_kwargs`, but cloning drops it")
    wrapper = keras.wrappers.SKLearnClassifier(
        model=create_network, fit_kwargs={"epochs": 10, "batch_size": 100}
    )
    assert clone(wrapper).fit_kwargs is None


def test_scikit_learns_default_folds_and_params():
    import inspect

    from sklearn.model_selection import check_cv, cross_val_score, cross_validate

    said("changes.md", "has been 5 since scikit-learn 0.22")
    said("recipes/cross-validation.md", "`params` arrived in scikit-learn 1.4")
    assert check_cv(None).get_n_splits() == 5
    assert "params" in inspect.signature(cross_validate).parameters
    assert "params" in inspect.signature(cross_val_score).parameters


# --- the seeded binary classifier, number for number ---------------------------------------------


def record(name: str) -> dict:
    return json.loads((DOCS / "figures" / f"{name}.json").read_text(encoding="utf-8"))


def test_the_binary_classifiers_epochs_come_back_in_the_recipes_that_train_it():
    """Early stopping, checkpointing and the networks without L2 or dropout train the binary
    classifier's network on its data with its seed: their pages say the numbers are the same."""
    said("recipes/early-stopping.md", "first three epochs here, number for number")
    said("recipes/checkpointing.md", "validation losses of its three epochs, number for number")
    said(
        "recipes/regularization.md", "the [binary classifier](binary.md) itself, number for number"
    )
    said("recipes/dropout.md", "its first three epochs are that page's, number for number")
    binary = record("binary")["history"]["val_loss"]
    assert record("early-stopping")["history"]["val_loss"][: len(binary)] == binary
    assert record("checkpointing")["history"]["val_loss"] == binary
    rows = {r["network"]: r for r in record("regularization")["results"]["comparison"]}
    assert rows["without L2"]["test_cross_entropy"] == binary[-1]
    rows = {r["network"]: r for r in record("dropout")["results"]["comparison"]}
    without = rows["without dropout"]
    if without["at_epoch"] <= len(binary):
        assert without["lowest_test_loss"] == binary[without["at_epoch"] - 1]
    else:  # its first epochs are the binary ones, so its lowest is at most theirs
        assert without["lowest_test_loss"] <= min(binary)
