#!/usr/bin/env bash
# Installs everything dyadwatch needs on a fresh machine, idempotently and quickly when already done:
# Debian packages (Java, Maven, Chromium for browser tests), the .venv with pinned Python packages,
# and Apache Kafka's broker jars from Maven Central. Called by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

# 1. Python 3.11+ (the machine's own).
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "dyadwatch needs Python 3.11 or newer; found: $("$PY" --version 2>&1 || echo none)" >&2
  exit 1
fi

# 2. Debian packages: only what is missing; apt needs root (or sudo).
need_pkgs=()
command -v java >/dev/null || need_pkgs+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_pkgs+=(maven)
if [ "${DYADWATCH_SKIP_BROWSER:-0}" != "1" ] && [ ! -x /usr/bin/chromium ]; then need_pkgs+=(chromium fonts-dejavu-core); fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing Debian packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# 3. The virtual environment, reinstalled only when pyproject.toml changes.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.dyadwatch-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi

# 4. Kafka broker jars (cached in var/kafka-lib/<version>).
.venv/bin/dyadwatch kafka fetch >/dev/null

# 5. The classifier's modules compiled by mypyc (build/classifier-native), rebuilt only when their sources change.
#    Without the build the Python modules run: the same results, slower.
.venv/bin/python scripts/build_classifier.py >/dev/null || say "classifier not compiled; see the message above"
