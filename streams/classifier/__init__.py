"""Pure classification core: article text → state actors, dyads, PLOVER event type, intensity, explanation.

Imports nothing from Kafka or Faust, so agents, the CLI and benchmarks share it.
"""

from streams.classifier.core import CLASSIFIER_VERSION, Analysis, Classifier, get_classifier
from streams.classifier.text_cleaning import MAX_INPUT_CHARS

__all__ = ["CLASSIFIER_VERSION", "MAX_INPUT_CHARS", "Analysis", "Classifier", "get_classifier"]
