# One image for the worker, the sources and the dashboard (the broker is the official apache/kafka image).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
COPY dashboard ./dashboard
RUN pip install --no-cache-dir .
ENV DYADWATCH_DATA_DIR=/data
VOLUME /data
ENTRYPOINT ["dyadwatch"]
