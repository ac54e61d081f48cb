# connect-monitor: the daemon in a slim image, running as an unprivileged user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git clones registered remote codebases; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin monitor

WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY migrations ./migrations
COPY config ./config
RUN pip install ".[postgres]"

# The data directory holds the SQLite database, git clones and the scan cache.
ENV CONNECT_MONITOR_DATA_DIR=/data \
    CONNECT_MONITOR_CONFIG=/app/config/connect-monitor.toml
RUN mkdir -p /data && chown monitor:monitor /data
VOLUME ["/data"]

USER monitor

# Unhealthy only when the monitor is down (exit 3); "degraded" (a docs source failing,
# exit 1) is reported by `status` but is no reason to restart the container.
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["sh", "-c", "connect-monitor status --format json > /dev/null; test $? -ne 3"]

ENTRYPOINT ["connect-monitor"]
CMD ["run"]
