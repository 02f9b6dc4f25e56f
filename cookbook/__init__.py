"""keras-cookbook: the classic chapter of Keras recipes, ported to Keras 3.

Each recipe lives in :mod:`cookbook.recipes` as one readable module with a ``run(settings)``
entry point; :mod:`cookbook.data` supplies the datasets (real or offline sample) and
:mod:`cookbook.plotting` draws the figures. The ``cookbook`` command runs them all.
"""

import os as _os

__version__ = "0.1.0"

# TensorFlow reads these when it is first imported; setting them here (cheaply, before any
# recipe imports Keras) keeps its start-up log lines off a learner's terminal.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
