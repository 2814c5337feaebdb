import json
import logging

from streams.runtime.worker_logs import JsonFormatter, RepeatFilter


def test_log_lines_are_json_with_their_context():
    record = logging.LogRecord("dyadwatch.worker", logging.WARNING, __file__, 1, "cannot reach %s", ("Kafka",), None)
    record.bootstrap = "127.0.0.1:9092"
    doc = json.loads(JsonFormatter().format(record))
    assert doc["msg"] == "cannot reach Kafka" and doc["level"] == "warning"
    assert doc["bootstrap"] == "127.0.0.1:9092" and doc["logger"] == "dyadwatch.worker"


def test_repeated_warnings_are_held_back_and_counted():
    repeats = RepeatFilter(interval_s=10.0)

    def record(at: float, level: int = logging.ERROR) -> logging.LogRecord:
        rec = logging.LogRecord("aiokafka", level, __file__, 1, "Unable connect to node %s", ("1",), None)
        rec.created = at
        return rec

    assert repeats.filter(record(100.0))
    assert not any(repeats.filter(record(100.0 + i / 10)) for i in range(1, 50))
    assert repeats.filter(record(100.0, logging.INFO))  # info is never held back
    again = record(111.0)
    assert repeats.filter(again) and again.suppressed_repeats == 49
