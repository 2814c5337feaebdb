"""Pure classification core: article text → state actors, dyads, PLOVER event type, intensity, explanation.

Imports nothing from Kafka or Faust, so agents, the CLI and benchmarks share it. The modules below load compiled by
mypyc when a current build exists (see :mod:`streams.classifier.native`), as plain Python otherwise.
"""

from streams.classifier import native

native.activate(__path__)

from streams.classifier.core import CLASSIFIER_VERSION, Analysis, Classifier, get_classifier  # noqa: E402
from streams.classifier.text_cleaning import MAX_INPUT_CHARS  # noqa: E402

__all__ = ["CLASSIFIER_VERSION", "MAX_INPUT_CHARS", "Analysis", "Classifier", "get_classifier"]
