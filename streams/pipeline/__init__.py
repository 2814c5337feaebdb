"""The stream pipeline: the Faust app, its agents, event-time windows and de-duplication."""
