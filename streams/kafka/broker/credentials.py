"""The secure embedded broker's principals and their random passwords, kept in one file only its owner can read.

``credentials.json`` in the broker's data folder (mode 0600) names the security protocol, the SASL mechanism,
the bootstrap address and one password per principal: ``admin`` (the broker itself and the operator: a super
user) and one per role of ``streams.kafka.broker.acls.ROLES``. ``settings_for`` turns one principal into the
``DYADWATCH_SASL_*`` settings every client reads.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from streams.runtime.settings import Settings

ADMIN = "admin"
SECURITY_PROTOCOL = "SASL_PLAINTEXT"
SCRAM_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class BrokerCredentials:
    passwords: dict[str, str]  # principal name -> password
    bootstrap_servers: str = ""

    @classmethod
    def generate(cls, roles: list[str]) -> BrokerCredentials:
        """Fresh random passwords (URL-safe: no quoting needed in JAAS or SCRAM arguments) for admin and ``roles``."""
        return cls({name: secrets.token_urlsafe(24) for name in (ADMIN, *roles)})

    @classmethod
    def load(cls, path: Path) -> BrokerCredentials:
        data = json.loads(path.read_text())
        return cls(dict(data["passwords"]), data.get("bootstrap_servers", ""))

    def save(self, path: Path) -> None:
        """Write the file readable by its owner only (created 0600, never world-readable for a moment)."""
        body = {
            "security_protocol": SECURITY_PROTOCOL,
            "sasl_mechanism": SCRAM_MECHANISM,
            "bootstrap_servers": self.bootstrap_servers,
            "passwords": self.passwords,
        }
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(body, fh, indent=2)
        os.replace(tmp, path)

    def with_bootstrap(self, bootstrap_servers: str) -> BrokerCredentials:
        return BrokerCredentials(self.passwords, bootstrap_servers)

    def settings_for(self, user: str, base: Settings | None = None) -> Settings:
        """``base`` (default: from the environment) connecting as ``user`` to this broker."""
        if user not in self.passwords:
            raise KeyError(f"no principal {user!r}; known: {', '.join(sorted(self.passwords))}")
        return (base or Settings()).model_copy(
            update={
                "bootstrap_servers": self.bootstrap_servers,
                "security_protocol": SECURITY_PROTOCOL,
                "sasl_mechanism": SCRAM_MECHANISM,
                "sasl_username": user,
                "sasl_password": SecretStr(self.passwords[user]),
            }
        )

    def client_options(self, user: str) -> dict[str, Any]:
        return self.settings_for(user).kafka_client_options()

    def environment(self, user: str) -> dict[str, str]:
        """The ``DYADWATCH_*`` variables that make every dyadwatch command connect as ``user``."""
        return {
            "DYADWATCH_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "DYADWATCH_SECURITY_PROTOCOL": SECURITY_PROTOCOL,
            "DYADWATCH_SASL_MECHANISM": SCRAM_MECHANISM,
            "DYADWATCH_SASL_USERNAME": user,
            "DYADWATCH_SASL_PASSWORD": self.passwords[user],
        }
