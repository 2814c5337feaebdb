"""What every process shares at run time: settings, metrics, logs, memory and supervision."""
