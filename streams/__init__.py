"""dyadwatch's moving parts: the embedded broker, ingestion sources, the classifier core, Faust agents, the CLI."""

__version__ = "0.1.0"
