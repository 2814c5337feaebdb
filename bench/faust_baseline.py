"""The engine's own ceiling: a bare Faust agent on the articles topic, with the worker's Faust settings and nothing
of ours in between. ``passthrough`` produces every record unchanged to another topic; ``consume`` only counts.

Run as a child process by ``bench.pipeline_bench`` (``python -m bench.faust_baseline MODE SOURCE TARGET``, broker
and data folder from the ``DYADWATCH_*`` environment) and measured exactly as the worker is: by its consumer
group's committed lag and its CPU time.
"""

from __future__ import annotations

import argparse
import logging

import faust

from streams.pipeline.app import (
    COMMIT_INTERVAL_S,
    HEARTBEAT_INTERVAL_S,
    PRODUCER_BATCH_BYTES,
    PRODUCER_LINGER_S,
    SESSION_TIMEOUT_S,
)
from streams.runtime import gc_policy
from streams.runtime.settings import Settings

MODES = ("passthrough", "consume")


def group_id(settings: Settings, mode: str) -> str:
    return f"{settings.topic_prefix}-faust-{mode}"


def create_app(settings: Settings, mode: str, source: str, target: str) -> faust.App:
    """One agent, raw bytes in and out, record by record as a Faust user writes it."""
    (settings.data_dir / f"faust-{mode}").mkdir(parents=True, exist_ok=True)
    app = faust.App(
        group_id(settings, mode),
        broker=[f"kafka://{server.strip()}" for server in settings.bootstrap_servers.split(",")],
        processing_guarantee="at_least_once",
        datadir=str(settings.data_dir / f"faust-{mode}"),
        topic_disable_leader=True,
        broker_commit_interval=COMMIT_INTERVAL_S,
        broker_session_timeout=SESSION_TIMEOUT_S,
        broker_heartbeat_interval=HEARTBEAT_INTERVAL_S,
        consumer_auto_offset_reset="earliest",
        producer_linger=PRODUCER_LINGER_S,
        producer_max_batch_size=PRODUCER_BATCH_BYTES,
        producer_acks=-1,
        web_enabled=False,
    )
    source_topic = app.topic(source, key_serializer="raw", value_serializer="raw", internal=False)
    target_topic = app.topic(target, key_serializer="raw", value_serializer="raw", internal=False)

    if mode == "passthrough":

        @app.agent(source_topic)
        async def passthrough(stream: faust.Stream) -> None:
            async for event in stream.events():
                await target_topic.send(key=event.key, value=event.value)

    else:

        @app.agent(source_topic)
        async def consume(stream: faust.Stream) -> None:
            async for _ in stream.events():
                pass

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("source")
    parser.add_argument("target")
    args = parser.parse_args(argv)
    gc_policy.tune()  # the worker's garbage-collector policy, so the ceiling is not lower for want of it
    app = create_app(Settings(), args.mode, args.source, args.target)
    gc_policy.freeze_once_started(app)
    faust.Worker(app, loglevel=logging.WARNING, quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
