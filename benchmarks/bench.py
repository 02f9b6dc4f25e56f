"""Speed and memory of the heavy recipes at full size: the cookbook against a plain port.

Run from the repository root (after ``pip install -e .``)::

    python benchmarks/bench.py                 # every case, 3 epochs each
    python benchmarks/bench.py --epochs 2 --cases history,binary

Every case runs twice, each time in a fresh Python process so that peak memory is its own:
once as **the cookbook** runs it (the recipe programs through ``cookbook.runner.train`` on the
full-size sample data, exactly the shapes of the real datasets), and once as **a
straightforward port** -- the chapter's code with only the fixes Keras 3 forces (``Tokenizer``
replaced by an equivalent float64 loop, ``keras.Input``, the scikit-learn wrapper), trained as
the chapter trains it (both history figures train their own network). It prints one table:
epochs, steady-state seconds per epoch (the median of the epochs after each training's first),
wall time and peak resident memory for both, and the ratios.

A side that cannot run on this machine (the port's channels-first convolution needs
TensorFlow's oneDNN, which TensorFlow turns on only where the CPU has AVX512_VNNI,
AVX512_BF16, AVX_VNNI or AMX) or dies (out of memory) becomes a
row that says why; the benchmark always runs to the end. Nothing here is a test: the machines
are shared and noisy, so read the figures, do not assert them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import zh
from fits import steady_epoch, timing_fits
from machine import describe

CASES = ("history", "binary", "dropout", "cnn", "lstm", "tuning")
LSTM_ROWS = 5000  # the LSTM case trains on this many reviews and extrapolates to 25000
LSTM_FULL = 25000
TUNING_ROWS = 10000
COLUMNS = [
    "case", "epochs", "port s/epoch", "port wall s", "port peak MB",
    "cookbook s/epoch", "cookbook wall s", "cookbook peak MB", "epoch ratio", "memory ratio",
]  # fmt: skip
#: What a cell shows where there is no number (the side failed).
NO_NUMBER = "–"
#: Failures with a known cause on some machines, and what the table says about them.
KNOWN_FAILURES = (
    (
        re.compile(r"NHWC"),
        "fails here: Conv2D channels_first needs oneDNN "
        "(on with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX)",
    ),
    (
        re.compile(r"MemoryError|Unable to allocate|OOM when allocating"),
        "fails here: out of memory",
    ),
)


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
    """Run ``case``'s recipes as ``cookbook train --data sample --size full`` runs them."""
    from cookbook import runner
    from cookbook.settings import Settings

    with tempfile.TemporaryDirectory() as out:
        if case == "lstm":
            cookbook_lstm(epochs, Path(out))
            return
        settings = Settings(data="sample", size="full", epochs=epochs, out=Path(out))
        for outcome in runner.train(COOKBOOK_RECIPES[case], settings):
            if outcome.status != "done":
                raise SystemExit(f"{outcome.name} {outcome.status}: {outcome.message}")


def cookbook_lstm(epochs: int, folder: Path) -> None:
    """The LSTM recipe's program on the first LSTM_ROWS full-size reviews (a few batches)."""
    from cookbook import data, program

    overrides = {
        "subset": (LSTM_ROWS, LSTM_ROWS),
        "epochs": epochs,
        "folder": folder,
        "verbose": 0,
    }
    with data.using(source="sample", size="full"):
        program.execute(program.module_path("lstm"), overrides)


# --------------------------------------------------------------------------------------
# The straightforward port: the chapter's code with the minimum Keras 3 fixes
# --------------------------------------------------------------------------------------


def sequences_to_matrix(sequences: Any, num_words: int) -> Any:
    """What ``Tokenizer.sequences_to_matrix(mode="binary")`` did: a float64 matrix, row by row."""
    import numpy as np

    matrix = np.zeros((len(sequences), num_words))
    for i, seq in enumerate(sequences):
        for j in seq:
            if j < num_words:
                matrix[i][j] = 1.0
    return matrix


def port_feed_forward(
    num_words: int, epochs: int, batch_size: int, dropout: bool, trainings: int
) -> None:
    """The chapter's IMDB feed-forward network, trained ``trainings`` times."""
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


def port_cnn(epochs: int) -> None:
    """The chapter's convolutional network: channels first, float64 pixels."""
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


def port_lstm(epochs: int) -> None:
    """The chapter's LSTM on the first LSTM_ROWS full-size reviews (a few batches)."""
    import keras
    from keras import layers

    from cookbook.data import load_imdb

    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=1000, source="sample", size="full")
    x_train, y_train = x_train[:LSTM_ROWS], y_train[:LSTM_ROWS]
    x_test, y_test = x_test[:LSTM_ROWS], y_test[:LSTM_ROWS]
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


def port_tuning(epochs: int) -> None:
    """The chapter's grid search (one epoch count: ``epochs``) on TUNING_ROWS rows."""
    import keras
    from keras import layers
    from sklearn.datasets import make_classification
    from sklearn.model_selection import GridSearchCV

    features, target = make_classification(
        n_samples=TUNING_ROWS, n_features=100, n_informative=3, n_redundant=0, n_classes=2,
        weights=[0.5, 0.5], random_state=0,
    )  # fmt: skip

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

    grid = {
        "model_kwargs": [{"optimizer": o} for o in ("rmsprop", "adam")],
        "fit_kwargs": [{"epochs": epochs, "batch_size": b, "verbose": 0} for b in (5, 10, 100)],
    }
    search = GridSearchCV(keras.wrappers.SKLearnClassifier(model=create_network), grid, cv=3)
    search.fit(features, target)


def port_case(case: str, epochs: int) -> None:
    """Run ``case`` as the straightforward port."""
    if case == "history":
        port_feed_forward(10000, epochs, 1000, dropout=False, trainings=2)
    elif case == "binary":
        port_feed_forward(1000, epochs, 100, dropout=False, trainings=1)
    elif case == "dropout":
        port_feed_forward(1000, epochs, 100, dropout=True, trainings=1)
    elif case == "cnn":
        port_cnn(epochs)
    elif case == "lstm":
        port_lstm(epochs)
    elif case == "tuning":
        port_tuning(epochs)


# --------------------------------------------------------------------------------------
# One side of one case, in a child process
# --------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_one(side: str, case: str, epochs: int) -> None:
    """Child process: run one case on one side, print its measurements as one JSON line."""
    from cookbook.process import import_keras_quietly

    import_keras_quietly()
    import keras
    import matplotlib

    matplotlib.use("Agg")
    keras.config.disable_interactive_logging()
    start = time.perf_counter()
    # Whatever the programs print goes to stderr: stdout carries the measurements only.
    with timing_fits() as fits, contextlib.redirect_stdout(sys.stderr):
        (port_case if side == "port" else cookbook_case)(case, epochs)
    wall = time.perf_counter() - start
    measured = {"steady": steady_epoch(fits), "wall": wall, "peak_rss_mb": peak_rss_mb()}
    print(json.dumps({**measured, "epochs": [fit.epochs for fit in fits]}))


class CaseFailed(Exception):
    """One side of a case could not run here; the message says why, for the table."""


def child_command(side: str, case: str, epochs: int) -> list[str]:
    """The command that measures one side of one case in a fresh process."""
    return [sys.executable, __file__, "--child", side, case, "--epochs", str(epochs)]


def run_child(side: str, case: str, epochs: int) -> dict[str, Any]:
    """Measure one side of one case in a fresh process; raise :class:`CaseFailed` if it fails."""
    proc = subprocess.run(child_command(side, case, epochs), capture_output=True, text=True)
    if proc.returncode != 0:
        raise CaseFailed(failure_reason(proc.returncode, proc.stderr))
    try:  # the last line: a library may write to the file descriptor itself
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise CaseFailed("fails here: printed no measurements") from None


def failure_reason(returncode: int, stderr: str) -> str:
    """A table cell for a failed child: a known cause in words, or the short error."""
    for pattern, reason in KNOWN_FAILURES:
        if pattern.search(stderr):
            return reason
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else ""
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"fails here: killed by {name or -returncode}{hint}"
    return f"fails here: {short_error(stderr)}"


def short_error(stderr: str, limit: int = 120) -> str:
    """The last ``Name: message`` line of a traceback (else the last line), shortened."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b", line)]
    text = (errors or lines or ["no error message"])[-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------


def measure_case(case: str, epochs: int) -> list[Any]:
    """One table row: both sides of ``case`` measured, each in its own process."""
    sides: dict[str, dict[str, Any] | str] = {}
    for side in ("port", "cookbook"):
        try:
            sides[side] = run_child(side, case, epochs)
        except CaseFailed as failed:
            sides[side] = str(failed)
    scale = LSTM_FULL / LSTM_ROWS if case == "lstm" else 1.0
    port, ours = sides["port"], sides["cookbook"]
    return [
        case,
        epochs,
        *side_cells(port, scale),
        *side_cells(ours, scale),
        *ratio_cells(port, ours, scale),
    ]


def side_cells(side: dict[str, Any] | str, scale: float) -> list[Any]:
    """A side's three cells: seconds per epoch, wall seconds, peak MB; or why it failed."""
    if isinstance(side, str):
        return [side, NO_NUMBER, NO_NUMBER]
    return [round(side["steady"] * scale, 2), round(side["wall"], 1), round(side["peak_rss_mb"])]


def ratio_cells(port: dict[str, Any] | str, ours: dict[str, Any] | str, scale: float) -> list:
    """The cookbook's epoch time and peak memory as fractions of the port's."""
    if isinstance(port, str) or isinstance(ours, str):
        return [NO_NUMBER, NO_NUMBER]
    ours_epoch, port_epoch = round(ours["steady"] * scale, 2), round(port["steady"] * scale, 2)
    epoch = round(ours_epoch / port_epoch, 2) if port_epoch else NO_NUMBER
    return [epoch, round(ours["peak_rss_mb"] / port["peak_rss_mb"], 2)]


def command_seconds(args: list[str], repeat: int = 3) -> float | str:
    """Best wall time of a ``cookbook`` command over a few runs; why it failed if it did."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "cookbook", *args], capture_output=True, text=True
        )
        if proc.returncode != 0:
            return failure_reason(proc.returncode, proc.stderr)
        best = min(best, time.perf_counter() - start)
    return best


def command_timings(figures: bool) -> dict[str, float | str]:
    """How long the light commands take (they never import TensorFlow), and ``figures``."""
    found: dict[str, float | str] = {
        "cookbook --help (s)": rounded(command_seconds(["--help"]), 2),
        "cookbook list (s)": rounded(command_seconds(["list"]), 2),
    }
    if figures:
        with tempfile.TemporaryDirectory() as out:
            seconds = command_seconds(["figures", "--data", "sample", "-q", "--out", out], 1)
            found["cookbook figures --data sample (s)"] = rounded(seconds, 1)
    return found


def rounded(value: float | str, digits: int) -> float | str:
    """``value`` rounded when it is a number (a failure's text stays as it is)."""
    return round(value, digits) if isinstance(value, float) else value


def write_record(path: Path, epochs: int, rows: list[list[Any]], commands: dict) -> None:
    """The JSON record the docs' ``<!-- table: benchmarks -->`` shows."""
    from cookbook import records
    from cookbook.files import write_json
    from cookbook.process import import_keras_quietly

    import_keras_quietly()
    command = "python benchmarks/bench.py " + " ".join(sys.argv[1:])
    plural = "" if epochs == 1 else "s"
    record = {
        "caption": (
            f"Full-size sample data (the real datasets' shapes), {epochs} epoch{plural} per "
            f"training; LSTM timed on {LSTM_ROWS} reviews and scaled to {LSTM_FULL}. "
            f"Command: `{command}`"
        ),
        "columns": COLUMNS,
        "rows": rows,
        "machine": describe(),
        "versions": records.versions(),
        "commands": commands,
    }
    record["zh"] = zh.part(record, zh.bench_caption(epochs, LSTM_ROWS, LSTM_FULL, command))
    write_json(path, record)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; unknown cases are refused before anything runs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per training (default 3)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma list of {CASES}")
    parser.add_argument("--json", type=Path, help="also write the table as a JSON record here")
    parser.add_argument(
        "--figures", action="store_true", help="also time `cookbook figures --data sample`"
    )
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.cases = [case for case in args.cases.split(",") if case]
    unknown = set(args.cases) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> None:
    """Measure the chosen cases, print the table as it grows, and write the record."""
    args = parse_args(argv)
    if args.child:
        measure_one(*args.child, args.epochs)
        return
    print(" | ".join(COLUMNS))
    rows = []
    for case in args.cases:
        rows.append(measure_case(case, args.epochs))
        print(" | ".join(str(cell) for cell in rows[-1]), flush=True)
    commands = command_timings(args.figures)
    for key, value in commands.items():
        print(f"{key}: {value}")
    if args.json:
        write_record(args.json, args.epochs, rows, commands)


if __name__ == "__main__":
    main()
