"""A single-node KRaft broker (broker + controller in one JVM) bound to 127.0.0.1, managed through a data folder.

The data folder holds everything about one broker: ``server.properties``, the KRaft log dirs, ``broker.json``
(pid, ports, cluster id) and ``broker.log``. ``start`` formats the folder on first use and returns once a
client can really fetch metadata; ``stop`` shuts it down cleanly and waits for the process to exit.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.kafka.broker.acls import ROLES, all_role_acls, create_acls
from streams.kafka.broker.credentials import ADMIN, SCRAM_MECHANISM, BrokerCredentials
from streams.kafka.broker.toolchain import ensure_broker_jars, java_major

LOG4J2_CONFIG = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
"""


class BrokerError(RuntimeError):
    """The broker could not be started, stopped or found; the message says why and what to do."""


@dataclass(frozen=True)
class BrokerState:
    pid: int
    port: int
    controller_port: int
    cluster_id: str
    secure: bool = False

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


class EmbeddedBroker:
    """One broker living in ``data_dir``; jars cached under ``jar_cache_root`` (shared by every data folder)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        jar_cache_root: Path,
        kafka_version: str,
        heap: str = "768m",
        server_overrides: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.jar_cache_root = jar_cache_root
        self.kafka_version = kafka_version
        self.heap = heap
        self.server_overrides = dict(server_overrides or {})  # server.properties entries, e.g. for tests

    # -- files -----------------------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.data_dir / "broker.json"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def log_dirs(self) -> Path:
        return self.data_dir / "kraft"

    @property
    def cluster_id_file(self) -> Path:
        return self.data_dir / "cluster.id"

    @property
    def credentials_file(self) -> Path:
        """Present only in a secure folder (``start(secure=True)``): the principals' passwords, mode 0600."""
        return self.data_dir / "credentials.json"

    def credentials(self) -> BrokerCredentials | None:
        """The principals of a secure folder, or None for a plaintext one."""
        return BrokerCredentials.load(self.credentials_file) if self.credentials_file.exists() else None

    def state(self) -> BrokerState | None:
        """The recorded broker, if its process is still alive."""
        try:
            state = BrokerState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        return state if pid_alive(state.pid) else None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no broker log)"

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(
        self, port: int = 9092, *, timeout: float = 90.0, secure: bool = False, topic_prefix: str = "dyadwatch"
    ) -> BrokerState:
        """Format on first use, start, and wait until metadata can be fetched. Idempotent if already running.

        ``secure`` (on first use of the folder; a secure folder stays secure): SASL/SCRAM-SHA-512 on the client
        listener, SASL/PLAIN between broker and controller, KRaft's StandardAuthorizer with no access unless an ACL
        grants it, one principal per role with random passwords (``credentials.json``) and the role ACLs of
        ``streams.kafka.broker.acls`` for the topics of ``topic_prefix``.
        """
        credentials = self._credentials_for(secure)
        running = self.state()
        if running:
            if running.port != port:
                raise BrokerError(
                    f"A broker from {self.data_dir} already runs on port {running.port} (pid {running.pid}); "
                    f"stop it first (`dyadwatch kafka stop --data-dir {self.data_dir}`) to use port {port}."
                )
            wait_for_metadata(running.bootstrap, timeout=timeout, options=self._admin_options(running.bootstrap))
            self._grant_role_acls(running, topic_prefix)
            return running
        java_major()
        if port_in_use(port):
            raise BrokerError(
                f"Port {port} on 127.0.0.1 is already taken by another program. Pick a free one with --port, "
                f"or find the owner with `ss -ltnp 'sport = :{port}'`."
            )
        lib = ensure_broker_jars(self.jar_cache_root, self.kafka_version)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if credentials and not self.credentials_file.exists():
            credentials.save(self.credentials_file)  # before formatting: the store will hold these users
        controller_port = free_port()
        props = self._write_config(port, controller_port, credentials)
        cluster_id = self._format_once(lib, props, credentials)
        self.log_file.write_text("")
        proc = subprocess.Popen(
            [*self._java(lib), "kafka.Kafka", str(props)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.data_dir / "broker.stderr", "wb"),  # noqa: SIM115 - handed to the child process
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal that started us is ours to forward, not the JVM's
            cwd=self.data_dir,
        )
        state = BrokerState(
            pid=proc.pid, port=port, controller_port=controller_port, cluster_id=cluster_id, secure=bool(credentials)
        )
        self.state_file.write_text(json.dumps(state.__dict__))
        if credentials:
            credentials.with_bootstrap(state.bootstrap).save(self.credentials_file)
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                self.state_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"The Kafka broker exited with code {proc.returncode} during start-up. "
                    f"Last lines of {self.log_file}:\n{self.log_tail()}\n{self._stderr_tail()}"
                )
            try:
                wait_for_metadata(
                    state.bootstrap,
                    timeout=min(2.0, max(0.1, deadline - time.monotonic())),
                    options=self._admin_options(state.bootstrap),
                )
            except BrokerError:
                if time.monotonic() > deadline:
                    self._kill(proc.pid)
                    raise BrokerError(
                        f"The Kafka broker did not answer metadata requests within {timeout:.0f}s. "
                        f"Last lines of {self.log_file}:\n{self.log_tail()}"
                    ) from None
            else:
                break
        self._grant_role_acls(state, topic_prefix)
        return state

    def stop(self, *, timeout: float = 30.0) -> bool:
        """Stop the broker cleanly (SIGTERM, then SIGKILL after ``timeout``). Returns False if none was running."""
        state = self.state()
        if state is None:
            self.state_file.unlink(missing_ok=True)
            return False
        self._kill(state.pid, timeout=timeout)
        self.state_file.unlink(missing_ok=True)
        return True

    # -- security --------------------------------------------------------------------------------------
    def _credentials_for(self, secure: bool) -> BrokerCredentials | None:
        """This folder's principals; new ones for a first secure start; refuse to secure a plaintext store."""
        existing = self.credentials()
        if existing or not secure:
            return existing
        if (self.log_dirs / "meta.properties").exists():
            raise BrokerError(
                f"{self.data_dir} holds a broker formatted without security; its users cannot be added at start. "
                "Use a new --data-dir for --secure (or delete this one: its topics and data are lost)."
            )
        return BrokerCredentials.generate(list(ROLES))

    def _admin_options(self, bootstrap: str) -> dict[str, Any]:
        """Client options of the super user on a secure folder, of an anonymous client on a plaintext one."""
        credentials = self.credentials()
        if credentials is None:
            return {"bootstrap_servers": bootstrap}
        return credentials.with_bootstrap(bootstrap).client_options(ADMIN)

    def _grant_role_acls(self, state: BrokerState, topic_prefix: str) -> None:
        if state.secure:
            import asyncio

            asyncio.run(create_acls(self._admin_options(state.bootstrap), all_role_acls(topic_prefix)))

    # -- internals -------------------------------------------------------------------------------------
    def _java(self, lib: Path) -> list[str]:
        log4j = self.data_dir / "log4j2.properties"
        log4j.write_text(LOG4J2_CONFIG.format(log=self.log_file))
        return [
            "java",
            f"-Xmx{self.heap}",
            "-Xms128m",
            "-XX:+UseG1GC",
            "-XX:TieredStopAtLevel=1" if os.environ.get("DYADWATCH_BROKER_FAST_JIT") else "-XX:+UseStringDeduplication",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j}",
            f"-Dkafka.logs.dir={self.data_dir}",
            "-cp",
            f"{lib}/*",
        ]

    def _write_config(self, port: int, controller_port: int, credentials: BrokerCredentials | None) -> Path:
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.log_dirs),
            # One node: internal topics must fit on it, or transactions and consumer groups never work.
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "10",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "num.partitions": "1",
            "auto.create.topics.enable": "false",
            "log.retention.check.interval.ms": "60000",
            "log.cleaner.backoff.ms": "5000",
            "message.max.bytes": str(8 * 1024 * 1024),
        }
        if credentials:
            props.update(secure_listener_config(port, controller_port, credentials))
        props.update(self.server_overrides)
        path = self.data_dir / "server.properties"
        path.unlink(missing_ok=True)  # may hold the admin password: created owner-only
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write("".join(f"{k}={v}\n" for k, v in props.items()))
        return path

    def _format_once(self, lib: Path, props: Path, credentials: BrokerCredentials | None) -> str:
        """Format the KRaft store on first use; refuse a store formatted for another cluster."""
        meta = self.log_dirs / "meta.properties"
        known = self.cluster_id_file.exists()
        cluster_id = self.cluster_id_file.read_text().strip() if known else new_cluster_id()
        if meta.exists():
            found = _read_properties(meta).get("cluster.id")
            if found != cluster_id:
                raise BrokerError(
                    f"{self.log_dirs} was formatted for cluster id {found!r}, but this data folder belongs to "
                    f"cluster {cluster_id!r}. Use another --data-dir, or delete {self.data_dir} to start afresh "
                    "(its topics and data are lost)."
                )
            return cluster_id
        self.cluster_id_file.write_text(cluster_id)
        tool = [
            "kafka.tools.StorageTool",
            "format",
            f"--cluster-id={cluster_id}",
            "-c",
            str(props),
            "--ignore-formatted",
        ]
        for user, password in (credentials.passwords if credentials else {}).items():
            tool += ["--add-scram", f"{SCRAM_MECHANISM}=[name={user},password={password}]"]
        # The main class and its arguments go through a java @argfile, so passwords never show in `ps`.
        argfile = self.data_dir / "format.args"
        argfile.unlink(missing_ok=True)
        with os.fdopen(os.open(argfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:
            fh.write("".join(_argfile_quote(arg) + "\n" for arg in tool))
        try:
            proc = subprocess.run([*self._java(lib), f"@{argfile}"], capture_output=True, text=True)
        finally:
            argfile.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise BrokerError(f"Formatting the KRaft store in {self.log_dirs} failed:\n{proc.stdout}{proc.stderr}")
        return cluster_id

    def _stderr_tail(self) -> str:
        try:
            text = (self.data_dir / "broker.stderr").read_text(errors="replace").strip()
        except OSError:
            return ""
        return "JVM stderr:\n" + "\n".join(text.splitlines()[-15:]) if text else ""

    @staticmethod
    def _kill(pid: int, timeout: float = 30.0) -> None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                _reap(pid)
                return
            time.sleep(0.1)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        while pid_alive(pid):
            time.sleep(0.05)
        _reap(pid)


def _argfile_quote(arg: str) -> str:
    """One argument of a java @argfile: double-quoted, backslashes and quotes escaped."""
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def secure_listener_config(port: int, controller_port: int, credentials: BrokerCredentials) -> dict[str, str]:
    """server.properties of a secure broker: SCRAM for clients, PLAIN broker→controller, the KRaft authorizer.

    KRaft controllers cannot check SCRAM (its credentials live in the metadata they serve), so the controller
    listener uses PLAIN with the admin user declared in its JAAS entry. Both listeners stay on 127.0.0.1.
    """
    admin = credentials.passwords[ADMIN]
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule"
    plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
    return {
        "listeners": f"SASL_PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"SASL_PLAINTEXT://127.0.0.1:{port}",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": SCRAM_MECHANISM,
        "sasl.mechanism.inter.broker.protocol": SCRAM_MECHANISM,
        f"listener.name.sasl_plaintext.{SCRAM_MECHANISM.lower()}.sasl.jaas.config": (
            f'{scram} required username="{ADMIN}" password="{admin}";'
        ),
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": (
            f'{plain} required username="{ADMIN}" password="{admin}" user_{ADMIN}="{admin}";'
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users": f"User:{ADMIN}",
        "allow.everyone.if.no.acl.found": "false",
    }


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _read_properties(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def wait_for_metadata(bootstrap: str, *, timeout: float = 30.0, options: dict[str, Any] | None = None) -> None:
    """Block until a Kafka client can fetch cluster metadata with at least one broker from ``bootstrap``.

    ``options`` are the client's connection options (``Settings.kafka_client_options()``: security, SASL).
    """
    import asyncio
    import logging

    from aiokafka.admin import AIOKafkaAdminClient

    # Connection-refused while the broker boots is expected; aiokafka would log each retry as an error.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

    async def probe() -> None:
        admin = AIOKafkaAdminClient(
            **{**(options or {}), "bootstrap_servers": bootstrap}, request_timeout_ms=max(1000, int(timeout * 1000))
        )
        try:
            await admin.start()
            cluster = await admin.describe_cluster()
            if not cluster.get("brokers"):
                raise BrokerError("metadata has no brokers yet")
        finally:
            await admin.close()

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            asyncio.run(asyncio.wait_for(probe(), timeout=max(0.5, deadline - time.monotonic())))
            logging.getLogger("aiokafka").setLevel(logging.NOTSET)
            return
        except Exception as exc:  # any client error means "not ready yet"
            last = exc
            time.sleep(0.2)
    logging.getLogger("aiokafka").setLevel(logging.NOTSET)
    raise BrokerError(f"No Kafka metadata from {bootstrap} within {timeout:.0f}s ({type(last).__name__}: {last})")


def new_cluster_id() -> str:
    """A random KRaft cluster id (base64url of a UUID). Like Kafka's own ``Uuid.randomUuid``, never one starting
    with '-': command-line tools would read it as an option (it broke 1 start in 64)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id
