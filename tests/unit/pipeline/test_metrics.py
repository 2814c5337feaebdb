from streams.runtime.metrics import PipelineMetrics


def test_metrics_render_prometheus_text_with_lag():
    metrics = PipelineMetrics()
    metrics.records_in.labels("classify").inc(3)
    metrics.dead_letters.labels("classify", "oversize").inc()
    metrics.alerts.labels("watch:PRK-RUS").inc()
    metrics.latency.labels("count").observe(0.002)
    metrics.handled("p.articles", 2, 41)
    text = metrics.render(lambda topic, partition: 50 if (topic, partition) == ("p.articles", 2) else None).decode()
    assert 'dyadwatch_records_in_total{agent="classify"} 3.0' in text
    assert 'dyadwatch_dead_letters_total{agent="classify",error_kind="oversize"} 1.0' in text
    assert 'dyadwatch_alerts_total{rule="watch:PRK-RUS"} 1.0' in text
    assert 'dyadwatch_consumer_lag{partition="2",topic="p.articles"} 8.0' in text
    assert 'dyadwatch_processing_seconds_bucket{agent="count",le="0.0025"} 1.0' in text
    metrics.forget_partitions(set())
    assert "dyadwatch_consumer_lag{" not in metrics.render(lambda t, p: 0).decode()
