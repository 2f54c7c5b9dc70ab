# fanzha — the bot in a container (SQLite in /app/var by default; set FANZHA_DATABASE_URL for PostgreSQL).
# Run it with TELEGRAM_BOT_TOKEN and FANZHA_SECRET (≥ 32 bytes: python -c 'import secrets; print(secrets.token_urlsafe(48))')
# in the environment; `fanzha run` refuses to start without the secret.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlp ./nlp
COPY data ./data
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir -e . \
 && fanzha model prepare
ENV FANZHA_DATABASE_URL=sqlite:////app/var/fanzha.db
VOLUME ["/app/var"]
CMD ["fanzha", "run"]
