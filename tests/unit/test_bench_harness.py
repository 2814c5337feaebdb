"""The benchmark harness itself on a tiny synthetic input: the report writes its three files with the agreed keys,
and the demo articles are valid and in event-time order. No broker, no benchmark is run here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bench.bench_cluster import wait_until
from bench.pipeline_bench import demo_articles, percentiles
from bench.report import write_report
from schemas import RawArticle

RESULTS = {
    "machine": {"cores": "2", "python": "3.11", "kafka": "4.1.1"},
    "started": "2026-01-01 00:00 UTC",
    "command": "python -m bench.run --articles 10",
    "throughput": {
        "articles": 10,
        "workers": 1,
        "passthrough_articles_per_s": 5000.0,
        "passthrough_articles_per_cpu_s": 9000.0,
        "faust_passthrough_articles_per_s": 3200.0,
        "faust_consume_articles_per_s": 6000.0,
        "pipeline_articles_per_s": 2500.0,
        "pipeline_articles_per_cpu_s": 3000.0,
        "startup_s": 4.0,
        "worker_rss_mb": 150.0,
    },
    "scaleout": {"articles": 10, "workers": 2, "pipeline_articles_per_s": 4000.0},
    "latency": {
        "rate_target": 1000.0,
        "rate_achieved": 999.0,
        "articles": 10,
        "count": percentiles([100.0, 200.0, 300.0, 400.0]),
        "alert": percentiles([150.0, 250.0]),
    },
    "latency_2workers": {
        "rate_target": 1000.0,
        "rate_achieved": 998.0,
        "articles": 10,
        "workers": 2,
        "count": percentiles([300.0, 600.0, 900.0, 1200.0]),
        "alert": percentiles([350.0, 450.0]),
    },
    "memory": {
        "articles": 1_000_000,
        "rss_samples": [[500_000, 180.0], [1_000_000, 190.0]],
        "worker_rss_mb_at_end": 190.0,
        "untrimmed_rss_samples": [[500_000, 200.0], [1_000_000, 250.0]],
        "untrimmed_rss_mb_at_end": 250.0,
    },
    "classifier": {
        "classifier_articles_per_s": 3000.0,
        "geotext_articles_per_s": 1000.0,
        "worker_classify_articles_per_s": 2500.0,
    },
}


def test_write_report_produces_markdown_json_and_chart(tmp_path):
    write_report(RESULTS, tmp_path)
    flat = json.loads((tmp_path / "benchmarks.json").read_text())
    assert {
        k: flat[k]
        for k in (
            "pipeline_articles_per_s",
            "passthrough_articles_per_s",
            "latency_p99_ms",
            "worker_rss_mb_at_1m",
            "classifier_articles_per_s",
            "geotext_articles_per_s",
        )
    } == {
        "pipeline_articles_per_s": 2500.0,
        "passthrough_articles_per_s": 5000.0,
        "latency_p99_ms": round(RESULTS["latency"]["count"]["p99"], 1),
        "worker_rss_mb_at_1m": 190.0,
        "classifier_articles_per_s": 3000.0,
        "geotext_articles_per_s": 1000.0,
    }
    md = (tmp_path / "benchmarks.md").read_text()
    assert "python -m bench.run --articles 10" in md and "2,500.0/s" in md and "0.50" in md
    assert "benchmarks.png" in md
    assert "pipeline ≥ 5,000 articles/s: **missed**" in md
    assert "pipeline ≥ 0.50 × the raw passthrough: **met**" in md
    assert "worker RSS < 400 MB at 1,000,000 articles: **met**" in md
    assert "two workers sharing the partitions (if one cannot keep up at 1,000/s): **missed**" in md
    assert "| the same with 2 workers at 1000/s (achieved 998.0/s), article → count | 750 / 1,155 / 1,191 ms |" in md
    assert flat["latency_p99_ms_2workers"] == round(RESULTS["latency_2workers"]["count"]["p99"], 1)
    assert "explanations included, ≥ 10,000 articles/s on one core (reuters_dev): **missed** (2,500.00)" in md
    assert "| 2,500.0/s | geotext 0.4.0: 1,000.0/s | 2.50 | ≥ 10,000/s |" in md
    assert flat["worker_classify_articles_per_s"] == 2500.0
    assert "| +10.0 MB | without heap trimming: +50.0 MB (ends at 250.0 MB) | 0.76 of its end RSS |" in md
    assert (tmp_path / "benchmarks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_partial_run_still_reports_what_it_measured(tmp_path):
    write_report({k: RESULTS[k] for k in ("machine", "started", "command", "throughput")}, tmp_path)
    flat = json.loads((tmp_path / "benchmarks.json").read_text())
    assert flat["pipeline_articles_per_s"] == 2500.0 and flat["latency_p99_ms"] is None
    md = (tmp_path / "benchmarks.md").read_text()
    assert "p99 article → count < 1,000 ms at 1,000 articles/s: not measured in this run" in md


def test_a_further_run_that_failed_is_reported_in_its_place(tmp_path):
    from bench.run import _recorded_failure

    def stalled(**kwargs):
        raise TimeoutError("condition not met within 300s: uncommitted records per partition {'x-articles:3': 7}")

    failed = _recorded_failure(stalled, rate=1000.0)
    write_report({**RESULTS, "latency_2workers": failed}, tmp_path)
    md = (tmp_path / "benchmarks.md").read_text()
    assert "| the same with 2 workers at 1000/s | not measured: TimeoutError: condition not met within 300s" in md
    assert "the same with two workers sharing the partitions (if one cannot keep up at 1,000/s): not measured" in md


def test_demo_articles_are_valid_and_in_event_time_order():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    articles = list(demo_articles(20, seed=5, start=start, span=timedelta(hours=1)))
    assert len(articles) == 20 and all(isinstance(a, RawArticle) for a in articles)
    times = [a.published_at for a in articles]
    assert times == sorted(times) and start <= times[0] and times[-1] < start + timedelta(hours=1)
    assert [a.id for a in articles] == [a.id for a in demo_articles(20, seed=5, start=start, span=timedelta(hours=1))]


def test_the_pipeline_is_judged_against_a_bare_faust_agent_of_the_same_run(tmp_path):
    write_report(RESULTS, tmp_path)
    flat = json.loads((tmp_path / "benchmarks.json").read_text())
    assert flat["faust_passthrough_articles_per_s"] == 3200.0 and flat["faust_consume_articles_per_s"] == 6000.0
    md = (tmp_path / "benchmarks.md").read_text()
    assert "pipeline ≥ 0.60 × a bare Faust passthrough agent (the engine's own ceiling): **met** (0.78)" in md
    assert "| Faust passthrough: 3,200.0/s | 0.78 | ≥ 0.60 |" in md
    assert "| Faust consume-only: 6,000.0/s | 0.42 | — |" in md
    slow = {**RESULTS, "throughput": {**RESULTS["throughput"], "pipeline_articles_per_s": 1000.0}}
    write_report(slow, tmp_path)
    assert "the engine's own ceiling): **missed** (0.31)" in (tmp_path / "benchmarks.md").read_text()


def test_worker_profile_groups_py_spy_stacks_by_stage(tmp_path):
    from bench.worker_profile import shares

    raw = tmp_path / "raw.txt"
    raw.write_text(
        "run (a.py:1);handle (streams/pipeline/agents/classify.py:70);classify (streams/classifier/core.py:9) 4\n"
        "run (a.py:1);handle (streams/pipeline/agents/classify.py:70);"
        "classify_article (streams/pipeline/agents/classify.py:36) 2\n"
        "run (a.py:1);Fetcher._fetcher (faust/transport/consumer.py:177) 3\n"
        "run (a.py:1);select (selectors.py:468) 1\n"
        "WorkerThread.run (mode/threads.py:62);run (a.py:1);select (selectors.py:468) 10\n"
    )
    assert shares(raw) == {
        "idle (Faust's consumer thread waiting)": 50.0,
        "classifier": 30.0,
        "Kafka fetch + Faust dispatch": 15.0,
        "idle (event loop waiting)": 5.0,
    }
    results = {k: RESULTS[k] for k in ("machine", "started", "command")}
    results["profile"] = {
        "articles": 900,
        "seconds": 60.0,
        "articles_per_s": 15.0,
        "articles_per_cpu_s": 20.0,
        "shares_pct": shares(raw),
    }
    write_report(results, tmp_path)
    assert "| classifier | 30.0 % |" in (tmp_path / "benchmarks.md").read_text()


def test_a_report_is_written_again_from_one_runs_json(tmp_path, monkeypatch):
    from bench import report

    write_report(RESULTS, tmp_path / "run")
    monkeypatch.setattr("sys.argv", ["report", str(tmp_path / "run" / "benchmarks.json"), "--out", str(tmp_path / "d")])
    report.main()
    assert (tmp_path / "d" / "benchmarks.md").read_text() == (tmp_path / "run" / "benchmarks.md").read_text()


def test_a_wait_that_times_out_says_what_it_was_waiting_for():
    with pytest.raises(TimeoutError, match=r"within 0s: uncommitted records per partition \{'articles:3': 2\}"):
        wait_until(
            lambda: False, timeout=0.0, poll=0.0, state=lambda: "uncommitted records per partition {'articles:3': 2}"
        )
