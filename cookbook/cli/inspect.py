"""``cookbook inspect``: open a saved model safely and describe it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import click

from cookbook import errors
from cookbook.cli.common import CheckedPath, handle_errors


def load_model_safely(path: Path):
    """Load a ``.keras`` file with Keras's ``safe_mode`` on (no arbitrary code from the file).

    A file that is not a complete ``.keras`` archive (truncated, corrupt, or something else
    renamed) raises a :class:`~cookbook.errors.CookbookError` with one clear sentence.
    """
    if path.suffix != ".keras":
        raise errors.CookbookError(f"{path} is not a .keras model file (Keras 3's format)")
    if not zipfile.is_zipfile(path):
        raise errors.CookbookError(
            f"{path} is not a valid .keras file (corrupt or truncated); "
            f"train it again with `cookbook train`"
        )
    from cookbook.runner import import_keras_quietly

    import_keras_quietly()
    import keras

    try:
        return keras.models.load_model(path, safe_mode=True)
    except Exception as err:  # Keras raises many types for a damaged archive
        raise errors.CookbookError(
            f"{path} could not be loaded ({type(err).__name__}: {str(err).splitlines()[0]}); "
            f"train it again with `cookbook train`"
        ) from err


@click.command()
@click.argument("model_file", type=CheckedPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@handle_errors
def inspect(model_file: Path, debug: bool) -> None:
    """Load a saved .keras MODEL_FILE (in safe mode) and print its layers and shapes."""
    model = load_model_safely(model_file)
    model.summary(print_fn=lambda line, **_: click.echo(line))
