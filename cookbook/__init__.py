"""keras-cookbook: the classic chapter of Keras recipes, ported to Keras 3.

Each recipe is a plain program in :mod:`cookbook.recipes`, the one its docs page shows;
:mod:`cookbook.data` supplies the datasets (real, or an offline sample) and
:mod:`cookbook.runner` runs recipes for the ``cookbook`` command.
"""

import os as _os

__version__ = "0.2.0"

# TensorFlow reads these when it is first imported; setting them here (cheaply, before any
# recipe imports Keras) keeps its start-up log lines off a learner's terminal.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
