"""Speed and memory of the heavy recipes at full size: the cookbook against a plain port.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/bench.py                 # every case, 3 epochs each
    python benchmarks/bench.py --epochs 2 --cases history,binary

Every case runs twice, each time in a fresh Python process so that peak memory is its own:
once as **the cookbook** runs it (``cookbook.runner.run_recipe`` on the full-size sample
data, exactly the shapes of the real datasets), and once as **a straightforward port** --
the chapter's code with only the fixes Keras 3 forces (``Tokenizer`` replaced by an
equivalent float64 loop, ``keras.Input``, the scikit-learn wrapper), trained as the chapter
trains it (both history figures train their own network). It prints one table: epochs,
steady-state seconds per epoch (the median of the epochs after the first), wall time and
peak resident memory for both, and the ratios. Nothing here is a test: the machines are
shared and noisy, so read the figures, do not assert them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = ("history", "binary", "dropout", "cnn", "lstm", "tuning")
LSTM_ROWS = 5000  # the LSTM case trains on this many reviews and extrapolates to 25000


# --------------------------------------------------------------------------------------
# Measuring inside one process
# --------------------------------------------------------------------------------------

EPOCH_TIMES: list[float] = []


def install_epoch_timer() -> None:
    """Time every epoch of every ``fit`` in this process (benchmark-only instrumentation)."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            EPOCH_TIMES.append(time.perf_counter() - self.started)

    original = keras.Model.fit

    def timed_fit(self, *args, callbacks=None, **kwargs):
        return original(self, *args, callbacks=[*(callbacks or []), EpochTimer()], **kwargs)

    keras.Model.fit = timed_fit


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --------------------------------------------------------------------------------------
# The cookbook side: the recipes themselves, full-size sample data
# --------------------------------------------------------------------------------------

COOKBOOK_RECIPES = {
    "history": ["loss-history", "accuracy-history"],
    "binary": ["binary"],
    "dropout": ["dropout"],
    "cnn": ["cnn"],
    "tuning": ["tuning"],
}


def cookbook_case(case: str, epochs: int) -> None:
    from cookbook import core, runner

    with tempfile.TemporaryDirectory() as out:
        settings = core.Settings(data="sample", size="full", epochs=epochs, out=Path(out))
        if case == "lstm":
            lstm_batches(epochs, port=False)
            return
        for name in COOKBOOK_RECIPES[case]:
            runner.run_recipe(name, settings)


# --------------------------------------------------------------------------------------
# The straightforward port: the chapter's code with the minimum Keras 3 fixes
# --------------------------------------------------------------------------------------


def sequences_to_matrix(sequences, num_words):
    """What ``Tokenizer.sequences_to_matrix(mode="binary")`` did: a float64 matrix, row by row."""
    import numpy as np

    matrix = np.zeros((len(sequences), num_words))
    for i, seq in enumerate(sequences):
        for j in seq:
            if j < num_words:
                matrix[i][j] = 1.0
    return matrix


def port_feed_forward(num_words, epochs, batch_size, dropout, trainings):
    import keras
    from keras import layers

    from cookbook.data import load_imdb

    (x_train, y_train), (x_test, y_test) = load_imdb(
        num_words=num_words, source="sample", size="full"
    )
    train_features = sequences_to_matrix(x_train, num_words)
    test_features = sequences_to_matrix(x_test, num_words)
    for _ in range(trainings):  # the chapter trains the history network once per figure
        network = keras.Sequential([keras.Input(shape=(num_words,))])
        if dropout:
            network.add(layers.Dropout(0.2))
        network.add(layers.Dense(16, activation="relu"))
        if dropout:
            network.add(layers.Dropout(0.5))
        network.add(layers.Dense(16, activation="relu"))
        if dropout:
            network.add(layers.Dropout(0.5))
        network.add(layers.Dense(1, activation="sigmoid"))
        network.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
        network.fit(
            train_features, y_train, epochs=epochs, verbose=0, batch_size=batch_size,
            validation_data=(test_features, y_test),
        )  # fmt: skip


def port_cnn(epochs):
    import keras
    from keras import layers

    from cookbook.data import load_mnist

    keras.config.set_image_data_format("channels_first")  # as the chapter sets it
    (train_data, train_target), (test_data, test_target) = load_mnist(source="sample", size="full")
    train_features = train_data.reshape(len(train_data), 1, 28, 28) / 255  # float64
    test_features = test_data.reshape(len(test_data), 1, 28, 28) / 255
    train_target = keras.utils.to_categorical(train_target)
    test_target = keras.utils.to_categorical(test_target)
    network = keras.Sequential(
        [
            keras.Input(shape=(1, 28, 28)),
            layers.Conv2D(64, (5, 5), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Dropout(0.5),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    network.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    network.fit(
        train_features, train_target, epochs=epochs, verbose=0, batch_size=1000,
        validation_data=(test_features, test_target),
    )  # fmt: skip


def lstm_batches(epochs, port):
    """The LSTM on LSTM_ROWS reviews (a few batches); the table extrapolates to 25000."""
    import keras
    from keras import layers

    from cookbook.data import load_imdb

    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=1000, source="sample", size="full")
    x_train, y_train = x_train[:LSTM_ROWS], y_train[:LSTM_ROWS]
    x_test, y_test = x_test[:LSTM_ROWS], y_test[:LSTM_ROWS]
    if port:
        train_features = keras.utils.pad_sequences(x_train, maxlen=400)
        test_features = keras.utils.pad_sequences(x_test, maxlen=400)
        network = keras.Sequential(
            [
                keras.Input(shape=(None,)),
                layers.Embedding(input_dim=1000, output_dim=128),
                layers.LSTM(units=128),
                layers.Dense(units=1, activation="sigmoid"),
            ]
        )
        network.compile(loss="binary_crossentropy", optimizer="Adam", metrics=["accuracy"])
        network.fit(
            train_features, y_train, epochs=epochs, verbose=0, batch_size=1000,
            validation_data=(test_features, y_test),
        )  # fmt: skip
        return
    from cookbook.recipes import lstm

    train_features, test_features = lstm.pad(x_train), lstm.pad(x_test)
    network = lstm.build_network()
    lstm.train(network, (train_features, y_train), (test_features, y_test), epochs=epochs)


def port_tuning(epochs_override):
    import keras
    from keras import layers
    from sklearn.model_selection import GridSearchCV

    from cookbook.data import classification

    features, target = classification(limit=TUNING_ROWS)

    def create_network(X, y, optimizer="rmsprop"):
        network = keras.Sequential(
            [
                keras.Input(shape=(X.shape[1],)),
                layers.Dense(16, activation="relu"),
                layers.Dense(16, activation="relu"),
                layers.Dense(y.shape[1], activation="softmax"),
            ]
        )
        network.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
        return network

    epochs = [epochs_override] if epochs_override else [5, 10]
    grid = {
        "model_kwargs": [{"optimizer": o} for o in ("rmsprop", "adam")],
        "fit_kwargs": [
            {"epochs": e, "batch_size": b, "verbose": 0} for e in epochs for b in (5, 10, 100)
        ],
    }
    search = GridSearchCV(keras.wrappers.SKLearnClassifier(model=create_network), grid, cv=3)
    search.fit(features, target)


TUNING_ROWS = 10000


def port_case(case: str, epochs: int) -> None:
    if case == "history":
        port_feed_forward(10000, epochs, 1000, dropout=False, trainings=2)
    elif case == "binary":
        port_feed_forward(1000, epochs, 100, dropout=False, trainings=1)
    elif case == "dropout":
        port_feed_forward(1000, epochs, 100, dropout=True, trainings=1)
    elif case == "cnn":
        port_cnn(epochs)
    elif case == "lstm":
        lstm_batches(epochs, port=True)
    elif case == "tuning":
        port_tuning(epochs)


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------


def measure_one(side: str, case: str, epochs: int) -> None:
    """Child process: run one case on one side, print its measurements as JSON."""
    from cookbook import core

    core.import_keras_quietly()
    install_epoch_timer()
    import keras

    keras.config.disable_interactive_logging()
    start = time.perf_counter()
    (port_case if side == "port" else cookbook_case)(case, epochs)
    wall = time.perf_counter() - start
    print(json.dumps({"epoch_times": EPOCH_TIMES, "wall": wall, "peak_rss_mb": peak_rss_mb()}))


def run_child(side: str, case: str, epochs: int) -> dict:
    args = [sys.executable, __file__, "--child", side, case, "--epochs", str(epochs)]
    proc = subprocess.run(args, capture_output=True, text=True, env={**os.environ})
    if proc.returncode != 0:
        raise SystemExit(f"{side} {case} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def steady(times: list[float]) -> float:
    later = times[1:] if len(times) > 1 else times
    return statistics.median(later) if later else float("nan")


def command_seconds(args: list[str], repeat: int = 3) -> float:
    """Best wall time of a ``cookbook`` command over a few runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cookbook", *args], check=True, capture_output=True, text=True
        )
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()}, no GPU used"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per training (default 3)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma list of {CASES}")
    parser.add_argument("--json", type=Path, help="also write the table as a JSON record here")
    parser.add_argument(
        "--figures", action="store_true", help="also time `cookbook figures --data sample`"
    )
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure_one(*args.child, args.epochs)
        return
    cases = [c for c in args.cases.split(",") if c]
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    columns = [
        "case", "epochs", "port s/epoch", "port wall s", "port peak MB",
        "cookbook s/epoch", "cookbook wall s", "cookbook peak MB", "epoch ratio", "memory ratio",
    ]  # fmt: skip
    print(" | ".join(columns))
    rows = []
    for case in cases:
        port = run_child("port", case, args.epochs)
        ours = run_child("cookbook", case, args.epochs)
        scale = 25000 / LSTM_ROWS if case == "lstm" else 1.0
        p_ep, o_ep = steady(port["epoch_times"]) * scale, steady(ours["epoch_times"]) * scale
        row = [
            case, args.epochs, round(p_ep, 2), round(port["wall"], 1),
            round(port["peak_rss_mb"]), round(o_ep, 2), round(ours["wall"], 1),
            round(ours["peak_rss_mb"]), round(o_ep / p_ep, 2),
            round(ours["peak_rss_mb"] / port["peak_rss_mb"], 2),
        ]  # fmt: skip
        rows.append(row)
        print(" | ".join(str(cell) for cell in row), flush=True)
    extras = {
        "cookbook --help (s)": round(command_seconds(["--help"]), 2),
        "cookbook list (s)": round(command_seconds(["list"]), 2),
    }
    if args.figures:
        with tempfile.TemporaryDirectory() as out:
            extras["cookbook figures --data sample (s)"] = round(
                command_seconds(["figures", "--data", "sample", "-q", "--out", out], repeat=1), 1
            )
    for key, value in extras.items():
        print(f"{key}: {value}")
    if args.json:
        from cookbook.core import import_keras_quietly, versions
        from cookbook.io import write_json

        import_keras_quietly()

        command = "python benchmarks/bench.py " + " ".join(sys.argv[1:])
        write_json(
            args.json,
            {
                "caption": (
                    f"Full-size sample data (the real datasets' shapes), {args.epochs} epochs "
                    f"per training; LSTM timed on {LSTM_ROWS} reviews and scaled to 25000. "
                    f"Command: `{command}`"
                ),
                "columns": columns,
                "rows": rows,
                "machine": machine(),
                "versions": versions(),
                "commands": extras,
            },
        )


if __name__ == "__main__":
    main()
