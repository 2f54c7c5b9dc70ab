"""The one settings class, read from the environment (and an optional ``.env`` file)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import PROJECT_ROOT
from nlp.paths import SHIPPED_MODEL_DIR

DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "fanzha.db"
DEFAULT_DEV_SECRET_PATH = PROJECT_ROOT / "var" / "dev-secret"
MIN_SECRET_BYTES = 32
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class Settings(BaseSettings):
    """Everything configurable. Environment names are given by ``validation_alias``."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: str | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DB_PATH}", validation_alias="FANZHA_DATABASE_URL"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="FANZHA_ADMIN_IDS"
    )
    # Exactly PTB's ``base_url``; the file URL is the same with ``/file/bot``.
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="FANZHA_TELEGRAM_API_URL"
    )
    # Key for hashing reporter ids (HMAC). No default: a public constant would let anyone who has the source
    # turn a stored hash back into a Telegram id by trying ids. ``fanzha run`` refuses one shorter than
    # MIN_SECRET_BYTES; development mode generates one (:func:`with_secrets`).
    secret: str = Field(default="", validation_alias="FANZHA_SECRET")
    # "1": development mode. ``fanzha run`` generates the secrets it is not given (FANZHA_SECRET is kept in
    # ``dev_secret_file`` and reused, so hashes stay valid across restarts; a webhook secret per start).
    dev: bool = Field(default=False, validation_alias="FANZHA_DEV")
    dev_secret_file: Path = Field(default=DEFAULT_DEV_SECRET_PATH, validation_alias="FANZHA_DEV_SECRET_FILE")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", validation_alias="FANZHA_DATA_DIR")
    model_dir: Path = Field(default=SHIPPED_MODEL_DIR, validation_alias="FANZHA_MODEL_DIR")
    # FANZHA_CACHE_DIR (where the base encoder is rebuilt) is read where it is used: nlp.encoder.default_cache_dir.
    # "0" disables the transformer (rules + numbers only); used by fast tests.
    use_model: bool = Field(default=True, validation_alias="FANZHA_USE_MODEL")
    # The bot runs the model in a child process (own GIL: twice the model throughput under load, see
    # nlp/process.py); "0" keeps it in a thread of the bot's process (one process, less memory).
    model_process: bool = Field(default=True, validation_alias="FANZHA_MODEL_PROCESS")
    # The encoder's number type: "auto" = bfloat16 on CPUs with native bfloat16 (about 2× faster, test-set
    # figures within 0.004 of float32, see nlp.classifier.inference_dtype), else float32.
    model_dtype: Literal["auto", "float32", "bfloat16"] = Field(default="auto", validation_alias="FANZHA_MODEL_DTYPE")
    # Seconds one check may take: a stage not begun when they are spent is skipped, and the verdict, given from
    # the stages that finished, says so. Every stage is linear in the text, so a normal message never comes near.
    check_budget_seconds: float = Field(default=3.0, gt=0, validation_alias="FANZHA_CHECK_BUDGET_SECONDS")

    # Forwarded messages and album pictures that arrive in one burst are collected and answered with one verdict
    # on the conversation once this long passes without another. Telegram delivers a multi-message forward or an
    # album as separate updates a few to a few hundred milliseconds apart; 1 s covers that with room for a slow
    # network, and a single forward (a burst of one) is still answered about 1.1 s after it arrives.
    conversation_window_seconds: float = Field(default=1.0, gt=0, le=10,
                                               validation_alias="FANZHA_CONVERSATION_WINDOW_SECONDS")

    # Reports and rate limits.
    report_threshold: int = Field(default=3, validation_alias="FANZHA_REPORT_THRESHOLD")
    reports_per_hour: int = Field(default=10, validation_alias="FANZHA_REPORTS_PER_HOUR")
    checks_per_minute: int = Field(default=20, validation_alias="FANZHA_CHECKS_PER_MINUTE")
    # Checks per minute for a whole group, counted apart from its members' own limit: a poster who used up
    # their private checks must not make the bot blind in a group, nor do group posts use up anyone's checks.
    group_checks_per_minute: int = Field(default=60, validation_alias="FANZHA_GROUP_CHECKS_PER_MINUTE")
    # Where the per-user check counts live (a ``limits`` storage URI): memory:// for one instance,
    # redis://host:6379/0 to share them between instances.
    rate_limit_storage: str = Field(default="memory://", validation_alias="FANZHA_RATE_LIMIT_STORAGE")

    # Worker processes that read screenshots (OCR, ``bot.ocr.pool``); "0" switches pictures off: a photo's caption
    # is still checked, and a picture alone gets the polite "I cannot read this" reply.
    ocr_workers: int = Field(default=1, ge=0, validation_alias="FANZHA_OCR_WORKERS")
    ocr_threads: int = Field(default=2, ge=1, le=16, validation_alias="FANZHA_OCR_THREADS")

    # Webhook mode.
    webhook_secret: str | None = Field(default=None, validation_alias="FANZHA_WEBHOOK_SECRET")

    log_level: str = Field(default="INFO", validation_alias="FANZHA_LOG_LEVEL")
    # "1": a failed ``fanzha run`` start shows the full traceback and the log so far, not one line.
    debug: bool = Field(default=False, validation_alias="FANZHA_DEBUG")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        """Accept the plain ``1,2,3`` form (and spaces), not only JSON."""
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError(f"FANZHA_ADMIN_IDS must be comma-separated user ids, got {value!r}") from exc
        return value

    @property
    def telegram_file_url(self) -> str:
        """The Bot API file URL that goes with ``telegram_api_url``."""
        base = self.telegram_api_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


class SecretMissing(ValueError):
    """A secret ``fanzha run`` needs is not set (or too short); the message says how to make one."""


def with_secrets(settings: Settings, *, webhook: bool = False) -> Settings:
    """``settings`` with the secrets ``fanzha run`` needs, or :class:`SecretMissing`.

    FANZHA_SECRET must be at least ``MIN_SECRET_BYTES`` bytes; in webhook mode FANZHA_WEBHOOK_SECRET must be
    set too (Telegram proves it is Telegram with it). In development mode (FANZHA_DEV=1) a missing
    FANZHA_SECRET is generated once into ``dev_secret_file`` (mode 0600) and read from there afterwards, and a
    missing webhook secret is generated for this start. A secret that is set but too short is refused even in
    development mode: it was chosen by someone, and silently replacing it would change every stored hash.
    """
    secret = settings.secret
    if not secret and settings.dev:
        secret = _dev_secret(settings.dev_secret_file)
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        problem = "is not set" if not secret else f"is shorter than {MIN_SECRET_BYTES} bytes"
        raise SecretMissing(f"FANZHA_SECRET {problem}: set it to a random value of at least {MIN_SECRET_BYTES} "
                            f"bytes, made with: {MAKE_SECRET} (or FANZHA_DEV=1 for a development secret kept in "
                            f"{settings.dev_secret_file})")
    webhook_secret = settings.webhook_secret
    if webhook and not webhook_secret:
        if not settings.dev:
            raise SecretMissing(f"webhook mode needs FANZHA_WEBHOOK_SECRET (or --secret-token), made with: "
                                f"{MAKE_SECRET} (or FANZHA_DEV=1 to generate one at each start)")
        webhook_secret = secrets.token_urlsafe(48)
    return settings.model_copy(update={"secret": secret, "webhook_secret": webhook_secret})


def _dev_secret(path: Path) -> str:
    """The development secret in ``path``, created (0600, never readable by others) on first use."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another instance made it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")
    return secret


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests build ``Settings`` directly instead)."""
    return Settings()
