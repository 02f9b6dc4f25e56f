"""``cookbook inspect``: open a saved model safely and describe it."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import click

from cookbook import errors
from cookbook.cli.common import CheckedPath, handle_errors
from cookbook.files import not_a_regular_file

#: The largest model file ``inspect`` opens; the chapter's are a few megabytes.
MAX_BYTES = 2 << 30


def load_model_safely(path: Path):
    """Load a ``.keras`` file with Keras's ``safe_mode`` on (no arbitrary code from the file).

    Only a regular file is opened (a device such as ``/dev/zero`` or a named pipe would be
    read for ever), and only up to :data:`MAX_BYTES`. A file that is not a complete ``.keras``
    archive (truncated, corrupt, or something else renamed) raises a
    :class:`~cookbook.errors.CookbookError` with one clear sentence.
    """
    if path.suffix != ".keras":
        raise errors.CookbookError(f"{path} is not a .keras model file (Keras 3's format)")
    why = not_a_regular_file(path)
    if why is None and path.stat().st_size > MAX_BYTES:
        why = f"is larger than {MAX_BYTES >> 30} GB, more than any model of the chapter"
    if why:
        raise errors.CookbookError(f"{path} {why}, so it is not opened as a model file")
    if not zipfile.is_zipfile(path):
        raise errors.CookbookError(
            f"{path} is not a valid .keras file (corrupt or truncated); "
            f"train it again with `cookbook train`"
        )
    from cookbook.process import import_keras_quietly

    import_keras_quietly()
    import keras

    # Keras imports the packages a model file names (keras_hub, say) through sys.path; under
    # `python -m cookbook` that starts with the current folder, where anyone may have put a
    # file of that name. While the model loads, only installed packages may answer.
    saved = list(sys.path)
    here = os.getcwd()
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    try:
        return keras.models.load_model(path, safe_mode=True)
    except Exception as err:  # Keras raises many types for a damaged archive
        raise errors.CookbookError(
            f"{path} could not be loaded ({type(err).__name__}: {str(err).splitlines()[0]}); "
            f"train it again with `cookbook train`"
        ) from err
    finally:
        sys.path[:] = saved


@click.command()
@click.argument("model_file", type=CheckedPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@handle_errors
def inspect(model_file: Path, debug: bool) -> None:
    """Load a saved .keras MODEL_FILE (in safe mode) and print its layers and shapes."""
    model = load_model_safely(model_file)
    model.summary(print_fn=lambda line, **_: click.echo(line))
