# One image for the worker, the sources and the dashboard (the broker is the official apache/kafka image). It runs
# the same compiled classifier as `make run`: the build stage compiles the mypyc modules with
# scripts/build_classifier.py, and the image refuses to build if that build is missing or stale.

# -- build: compilers, the virtual environment, the classifier's compiled builds -----------------------------------
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
COPY dashboard ./dashboard
COPY scripts/build_classifier.py ./scripts/build_classifier.py
# Editable install: the compiled builds live in /app/build, where the classifier looks for them (beside its sources).
# mypy (mypyc) and setuptools as pinned in pyproject.toml's dev extra; only the compiler, not the test tools.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir -e . "mypy==1.20.2" "setuptools>=77" "types-PyYAML==6.0.12.20261122"
RUN /opt/venv/bin/python scripts/build_classifier.py \
 && /opt/venv/bin/python -c "from streams.classifier import native; \
assert native.is_current(), 'classifier build is stale'"

# -- runtime: the venv, the sources and their compiled builds; no compilers ---------------------------------------
FROM python:3.11-slim
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    DYADWATCH_DATA_DIR=/data \
    DYADWATCH_CLASSIFIER_NATIVE=true
# The same check the worker's import makes: the compiled build loads in this image, else the build fails.
RUN python -c "from streams.classifier import native; assert native.status.loaded, native.status"
VOLUME /data
ENTRYPOINT ["dyadwatch"]
