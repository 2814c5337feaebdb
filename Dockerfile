# One image for the worker, the sources and the dashboard (the broker is the official apache/kafka image). It runs
# the same compiled classifier as `make run`: the build stage compiles the mypyc modules and the Rust core (native/)
# with scripts/build_classifier.py, and the image refuses to build if either is missing or stale.

# -- build: compilers, the virtual environment, the classifier's compiled builds -----------------------------------
FROM python:3.11-slim AS build
ARG RUST_TOOLCHAIN=1.95.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV RUSTUP_HOME=/opt/rustup CARGO_HOME=/opt/cargo PATH=/opt/cargo/bin:$PATH
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | sh -s -- -y --profile minimal --default-toolchain "${RUST_TOOLCHAIN}" --no-modify-path
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
COPY dashboard ./dashboard
COPY native ./native
COPY scripts/build_classifier.py ./scripts/build_classifier.py
# Editable install: the compiled builds live in /app/build, where the classifier looks for them (beside its sources).
# mypy (mypyc) and setuptools as pinned in pyproject.toml's dev extra; only the compiler, not the test tools.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir -e . "mypy==1.20.2" "setuptools>=77" "types-PyYAML==6.0.12.20261122"
RUN /opt/venv/bin/python scripts/build_classifier.py \
 && rm -rf build/rust-target \
 && /opt/venv/bin/python -c "from streams.classifier import native, rust_core; \
assert native.is_current() and rust_core.is_current(), 'classifier builds are stale'"

# -- runtime: the venv, the sources and their compiled builds; no compilers ---------------------------------------
FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    DYADWATCH_DATA_DIR=/data \
    DYADWATCH_CLASSIFIER_NATIVE=true \
    DYADWATCH_CLASSIFIER_RUST=true
# The same check the worker's import makes: both compiled builds load in this image, else the build fails.
RUN python -c "from streams.classifier import native, rust_core; rust_core.load_module(); \
assert native.status.loaded and rust_core.status.loaded, (native.status, rust_core.status)"
VOLUME /data
ENTRYPOINT ["dyadwatch"]
