"""The old name of `labs.tutor.reading`, kept because the front layer (`engines.py`) and older
tests import it from here. New code imports `labs.tutor.reading`."""

from .reading import *  # noqa: F403
from .reading import __all__  # noqa: F401
