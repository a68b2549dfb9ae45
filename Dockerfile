# syntax=docker/dockerfile:1
# The Mentorat image: one image for `mentorat api` (the default command) and `mentorat worker`.
# No secret is baked in: settings come from MENTORAT_* environment variables at run time.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: resolve the locked dependencies and install the project into /app/.venv with uv ---
FROM ${PYTHON_IMAGE} AS build

ARG UV_VERSION=0.13.9
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1

RUN pip install "uv==${UV_VERSION}"

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

# Then the project itself, installed as a regular (non-editable) package so the runtime stage needs only the venv.
COPY domain/ domain/
COPY workflows/ workflows/
COPY projections/ projections/
COPY api/ api/
COPY application/ application/
COPY i18n/ i18n/
COPY worker/ worker/
COPY eventstore/ eventstore/
COPY mentorat/ mentorat/
COPY web/ web/
RUN uv sync --frozen --no-dev --no-editable

# --- runtime: the interpreter, the venv, an unprivileged user ---
FROM ${PYTHON_IMAGE} AS runtime

RUN groupadd --system --gid 10001 mentorat \
    && useradd --system --uid 10001 --gid mentorat --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin mentorat

WORKDIR /app
COPY --from=build /app/.venv /app/.venv

ENV PATH="/app/.venv/bin:${PATH}" \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MENTORAT_API_HOST=0.0.0.0 \
    MENTORAT_API_PORT=8000 \
    MENTORAT_LOG_FORMAT=json

USER 10001:10001

EXPOSE 8000
# uvicorn and the Temporal worker both shut down cleanly on SIGINT (Ctrl-C). The worker has no SIGTERM
# handler, and as PID 1 it would ignore SIGTERM until Docker kills it at the end of the grace period.
STOPSIGNAL SIGINT
CMD ["mentorat", "api"]
