"""The Faust app of the worker, created from the settings: topics, agents, tables and the metrics page.

Wiring only; each agent's step lives in ``streams/pipeline/agents/``, the logic they call in plain modules.

Processing guarantee: at-least-once delivery with idempotent state, not Faust's ``exactly_once``. Faust picks a
record's transaction by its *destination* partition (``faust/transport/consumer.py``, ``TransactionManager.send``),
so a fanned-out record and the input offset it came from commit in different transactions, and the local
RocksDB store is written outside any transaction. Instead every table update is idempotent (window tallies keep
the highest input and source positions they counted, the dedup memory recognises a replay by its offset, alert
ids derive from (rule, dyad, window)), the output topics are keyed so that a replayed record supersedes its twin,
and no input is acked before the broker acknowledged what it produced (``streams/pipeline/agents/delivery.py``). Records
Faust itself skips while recovering at start-up are re-read by the agents (``streams/pipeline/agents/gap_filler.py``).
"""

from __future__ import annotations

import hashlib
import socket
from typing import Any

import faust

from schemas.topics import TOPICS
from streams.alerting.rules import RuleSet
from streams.pipeline.agents import classify, count
from streams.pipeline.agents.alert import AlertStep
from streams.pipeline.agents.classify import Classifier
from streams.pipeline.agents.faust_internals import set_changelog_buffer_limit
from streams.pipeline.agents.gap_filler import GapFiller
from streams.pipeline.agents.stage import Pipeline
from streams.pipeline.partials import TOPIC_SUFFIX as PARTIALS
from streams.pipeline.partials import topic_name as partials_topic_name
from streams.runtime import heap_trim
from streams.runtime.metrics import CONTENT_TYPE, PipelineMetrics
from streams.runtime.settings import Settings

COMMIT_INTERVAL_S = 1.0
# A dead worker's partitions move to the others after this long; a restarted one takes its own back at once
# (static membership, below), so a kill -9 and restart costs seconds, not a whole session timeout.
SESSION_TIMEOUT_S = 10.0
HEARTBEAT_INTERVAL_S = 3.0
PRODUCER_LINGER_S = 0.005
PRODUCER_BATCH_BYTES = 256 * 1024
CHANGELOG_BUFFER_RECORDS = 10_000


def create_app(settings: Settings, rules: RuleSet, classifier: Classifier | None = None) -> faust.App:
    """A worker app for ``settings``; its id (consumer group, changelog topics) carries the topic prefix."""
    if classifier is None:
        from streams.classifier import get_classifier

        classifier = get_classifier()
    app = faust.App(
        f"{settings.topic_prefix}-worker",
        broker=[f"kafka://{server.strip()}" for server in settings.bootstrap_servers.split(",")],
        processing_guarantee="at_least_once",
        store="rocksdb://",
        datadir=str(settings.data_dir / "worker"),
        topic_partitions=TOPICS["dyad-events"].partitions,
        topic_replication_factor=settings.replication_factor,  # changelog and repartition topics
        topic_disable_leader=True,
        broker_commit_interval=COMMIT_INTERVAL_S,
        broker_session_timeout=SESSION_TIMEOUT_S,
        broker_heartbeat_interval=HEARTBEAT_INTERVAL_S,
        consumer_group_instance_id=instance_id(settings),
        consumer_auto_offset_reset="earliest",
        producer_max_request_size=settings.max_message_bytes + 64 * 1024,
        # Batch sends: with Faust's default linger of 0 every record went out in its own produce request.
        producer_linger=PRODUCER_LINGER_S,
        producer_max_batch_size=PRODUCER_BATCH_BYTES,
        producer_acks=-1,
        web_host="127.0.0.1",
        web_bind="127.0.0.1",
        web_port=settings.worker_web_port,
        web_in_thread=False,
        **_security(settings),
    )
    # Faust holds table changelog records in this buffer and makes the agents wait, record by record, once it
    # holds more than 100; each such wait costs a timer and a task. Commits still drain it (see ``run_stage``).
    set_changelog_buffer_limit(app, CHANGELOG_BUFFER_RECORDS)
    pipeline = Pipeline(
        settings=settings,
        rules=rules,
        metrics=PipelineMetrics(),
        gaps=GapFiller(settings, group_id=app.conf.id),
        producer=app.producer,
        topics={
            suffix: app.topic(
                settings.topic(suffix),
                partitions=spec.partitions,
                key_serializer="raw",
                value_serializer="raw",
                internal=False,
            )
            for suffix, spec in TOPICS.items()
        }
        | {PARTIALS: partials_topic(app)},
    )
    classify.register(app, pipeline, classifier)
    count.register(app, pipeline, AlertStep(app, pipeline))
    _wire_metrics(app, pipeline)
    if settings.heap_trim_interval_s > 0 and heap_trim.available():

        @app.timer(interval=settings.heap_trim_interval_s)
        async def trim_heap() -> None:
            heap_trim.trim_heap()

    return app


def partials_topic(app: faust.App) -> Any:
    """The worker's internal topic from classify to count: partitioned like dyad-events, its keys' partitions
    the same, bounded by size like dyad-events (``streams/pipeline/partials.py``)."""
    spec = TOPICS["dyad-events"]
    return app.topic(
        partials_topic_name(app.conf.id),
        partitions=spec.partitions,
        key_serializer="raw",
        value_serializer="raw",
        internal=True,
        config=spec.config(),
    )


def instance_id(settings: Settings) -> str:
    """The worker's static group membership id: one per host and data folder, stable across restarts."""
    basis = f"{socket.gethostname()}|{settings.data_dir.resolve()}"
    return f"{settings.topic_prefix}-worker-{hashlib.sha256(basis.encode()).hexdigest()[:12]}"


def _wire_metrics(app: faust.App, pipeline: Pipeline) -> None:
    def highwater(topic: str, partition: int) -> int | None:
        from faust.types import TP

        try:
            return app.consumer.highwater(TP(topic, partition))
        except Exception:  # not assigned (any more) or not fetched yet
            return None

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        return web.bytes(pipeline.metrics.render(highwater), content_type=CONTENT_TYPE)

    @app.on_partitions_revoked.connect
    async def on_revoked(app: faust.App, revoked: set[Any], **kwargs: Any) -> None:
        for forgetful in (*pipeline.partition_state, pipeline.gaps):
            forgetful.forget({tp.partition for tp in revoked})
        kept = app.consumer.assignment() - set(revoked)
        pipeline.metrics.forget_partitions({(tp.topic, tp.partition) for tp in kept})


def _security(settings: Settings) -> dict[str, Any]:
    """Faust's spelling of the settings' Kafka security options."""
    opts = settings.kafka_client_options()
    if settings.sasl_mechanism:
        return {
            "broker_credentials": faust.SASLCredentials(
                username=opts["sasl_plain_username"],
                password=opts["sasl_plain_password"],
                mechanism=settings.sasl_mechanism,
                ssl_context=opts.get("ssl_context"),
            )
        }
    if "ssl_context" in opts:
        return {"broker_credentials": faust.SSLCredentials(opts["ssl_context"])}
    return {}
