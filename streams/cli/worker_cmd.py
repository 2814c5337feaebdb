"""``dyadwatch worker``: run the stream pipeline (classify → fan out → count → alert) against Kafka."""

from __future__ import annotations

import asyncio
import logging
import logging.config
import time
from pathlib import Path
from typing import Annotated

import typer
from aiokafka.errors import KafkaError

from streams.cli.options import BootstrapOption, settings_for
from streams.runtime import gc_policy
from streams.runtime.settings import Settings
from streams.runtime.worker_logs import logging_config

log = logging.getLogger("dyadwatch.worker")

RETRY_S = 3.0  # pause between attempts to reach the broker (each attempt waits up to PROBE_S for an answer)
PROBE_S = 3.0


WebPortOption = Annotated[
    int | None, typer.Option("--web-port", help="HTTP port for /metrics (default $DYADWATCH_WORKER_WEB_PORT or 6066).")
]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Folder for the worker's table store (default $DYADWATCH_DATA_DIR).")
]
RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Alert rules YAML (default: streams/alerting/default_rules.yaml).")
]
LogLevelOption = Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")]


def worker(
    bootstrap: BootstrapOption = None,
    web_port: WebPortOption = None,
    data_dir: DataDirOption = None,
    rules: RulesOption = None,
    log_level: LogLevelOption = "info",
) -> None:
    """Start a worker. Several workers with the same topic prefix share the partitions between them."""
    from streams.alerting.rules import RulesError, load_rules

    updates = {"worker_web_port": web_port, "data_dir": data_dir, "rules_file": rules}
    settings = settings_for(bootstrap).model_copy(update={k: v for k, v in updates.items() if v is not None})
    logging.config.dictConfig(logging_config(log_level))
    try:
        rule_set = load_rules(settings.rules_file)
    except RulesError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    wait_for_broker(settings)
    _run(settings, rule_set, log_level)


def wait_for_broker(settings: Settings) -> None:
    """Block until the cluster answers and the registry topics exist; say clearly what is wrong meanwhile."""
    from streams.kafka.admin import ensure_topics
    from streams.kafka.broker.embedded import BrokerError, wait_for_metadata

    while True:
        try:
            wait_for_metadata(settings.bootstrap_servers, timeout=PROBE_S, options=settings.kafka_client_options())
            conflicts = [o for o in asyncio.run(ensure_topics(settings)) if o.status == "conflict"]
            for outcome in conflicts:
                log.error("topic does not match the registry", extra={"topic": outcome.name, "detail": outcome.detail})
            return
        except (BrokerError, OSError) as exc:
            log.warning(
                f"cannot reach Kafka at {settings.bootstrap_servers}; retrying in {RETRY_S:.0f}s",
                extra={"bootstrap": settings.bootstrap_servers, "error": str(exc)},
            )
        except KafkaError as exc:  # typically: topics missing and this principal may not create them
            log.error(
                f"the registry topics are not ready: {exc}. Create them with `dyadwatch topics create` as a principal "
                f"allowed to; retrying in {RETRY_S:.0f}s",
                extra={"prefix": settings.topic_prefix, "error": repr(exc)},
            )
        time.sleep(RETRY_S)


async def ensure_changelogs(settings: Settings, names: list[str]) -> None:
    """Create the tables' compacted changelog topics, co-partitioned with the registry topics; a refusal raises."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from schemas.topics import TOPICS
    from streams.kafka.admin import create_topic

    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id="dyadwatch-worker-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        configs = {"cleanup.policy": "compact", **settings.topic_configs()}
        partitions = TOPICS["dyad-events"].partitions
        for name in names:
            if name not in existing:
                await create_topic(
                    admin, NewTopic(name, partitions, settings.replication_factor, topic_configs=configs)
                )
    finally:
        await admin.close()


def _run(settings: Settings, rule_set, log_level: str) -> None:
    import faust

    from streams.pipeline.agents.faust_internals import disable_spinner
    from streams.pipeline.app import create_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    gc_policy.tune()
    app = create_app(settings, rule_set)
    gc_policy.freeze_once_started(app)
    # Created before Faust starts, so they are in the consumer's first metadata (else a table's first write
    # can find "0 partitions" for its changelog and crash the agent).
    try:
        asyncio.run(ensure_changelogs(settings, sorted(app.tables.changelog_topics)))
    except KafkaError as exc:
        log.error(f"cannot create the worker's changelog topics: {exc}", extra={"error": repr(exc)})
        raise typer.Exit(2) from None
    log.info(
        "worker starting",
        extra={
            "bootstrap": settings.bootstrap_servers,
            "prefix": settings.topic_prefix,
            "rules": len(rule_set.rules),
            "web_port": settings.worker_web_port,
            "data_dir": str(settings.data_dir),
        },
    )
    runner = faust.Worker(
        app,
        loglevel=log_level,
        logging_config=logging_config(log_level),
        redirect_stdouts=False,
        workdir=settings.data_dir,
    )
    # Faust's terminal spinner sets the root logger to DEBUG, so every debug call of Faust and aiokafka (several
    # per record) was formatted and then dropped by the handler: a third of the worker's time. No spinner.
    disable_spinner(runner)
    runner.execute_from_commandline()
