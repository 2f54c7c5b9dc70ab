# fanzha — the bot in a container, installed by scripts/install from requirements.lock exactly as `make install`
# does (torch's CPU wheel, every package hash-checked), with the base encoder rebuilt at build time.
#   docker build -t fanzha .
#   docker run -e TELEGRAM_BOT_TOKEN -e FANZHA_SECRET fanzha
# FANZHA_SECRET (≥ 32 bytes: python -c 'import secrets; print(secrets.token_urlsafe(48))') comes from the
# environment at run time, never from the image: `fanzha run` refuses to start without it. SQLite in /app/var by
# default; set FANZHA_DATABASE_URL for PostgreSQL (compose.yaml runs two webhook instances that way).

# Builder: the virtualenv and the encoder cache. Every package is a wheel (scripts/install passes
# --only-binary=:all:), so nothing is compiled and no compiler is installed here or in the final image.
FROM python:3.11-slim-trixie AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FANZHA_CACHE_DIR=/var/cache/fanzha
WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY scripts/install scripts/install
COPY bot bot
COPY nlp nlp
COPY data data
RUN scripts/install /app/.venv \
 && /app/.venv/bin/python -m compileall -q bot nlp

# Final: the same Python image with the built /app (source, .venv) owned by root and read-only to the bot, which
# runs as an unprivileged user owning only its cache and /app/var.
FROM python:3.11-slim-trixie
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/fanzha --shell /usr/sbin/nologin fanzha
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FANZHA_CACHE_DIR=/var/cache/fanzha \
    HEALTHCHECK_URL=http://127.0.0.1:8080/healthz
WORKDIR /app
COPY --from=builder /app /app
COPY --from=builder --chown=fanzha:fanzha /var/cache/fanzha /var/cache/fanzha
RUN install -d -o fanzha -g fanzha /app/var
VOLUME ["/app/var"]
USER 10001:10001
EXPOSE 8080
# /healthz answers while the process and its event loop do (it never asks the database, so an outage does not
# get the container restarted). HEALTHCHECK_URL: the webhook port in webhook mode (compose.yaml sets it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTHCHECK_URL'], timeout=4)"]
CMD ["fanzha", "run", "--listen", "0.0.0.0", "--health-port", "8080"]
