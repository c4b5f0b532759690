# syntax=docker/dockerfile:1
# R57 Publisher image: one image for every service of compose.yaml (scheduler, executor, ui,
# api, migrate); the command chooses the role. Secrets and configuration come from the
# environment at run time (env_file in compose.yaml), never from the image.

# Pinned base: Python 3.11 (one of the versions the smoke matrix tests: 3.11.2 through 3.13) on
# Debian 12 (bookworm), whose postgresql-client-15 matches the postgres:15 server of compose.yaml
# (pg_dump must be at least the server's major version).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: compilers available, the project installed into a virtualenv --------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY publisher ./publisher
COPY connectors ./connectors
COPY media ./media
COPY ui ./ui
# The same install step as the README's (a plain, non-editable install of this source tree, with
# the dependency versions of constraints.txt: each has a wheel for every supported Python).
RUN pip install -c constraints.txt .

# --- runtime: no compilers, no pip cache, a non-root user ------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    PUBLISHER_DATA_DIR=/data
# postgresql-client-15: pg_dump/pg_restore for `publisher backup|restore`;
# fonts-dejavu-core: Vietnamese fallback font of the infographic templates;
# espeak-ng: the embedded Vietnamese voice of the audio bulletins (docs/bulletins.md);
# tini: PID 1 that forwards SIGTERM (-g: to the whole process group, so `publisher ui`'s
# Streamlit child stops too) and workers finish in-flight deliveries.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 fonts-dejavu-core \
       espeak-ng tini \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 publisher \
    && useradd --system --uid 10001 --gid publisher --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin publisher \
    && mkdir -p /data/media \
    && chown -R publisher:publisher /data
COPY --from=build /opt/venv /opt/venv
USER publisher
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8501 8780
# A default probe for any role: the database answers and the schema is current. compose.yaml
# gives each service a sharper one (worker heartbeat on this host, HTTP endpoints).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["publisher", "health", "--only", "database", "--only", "migrations"]
ENTRYPOINT ["tini", "-g", "--"]
CMD ["publisher", "--help"]
