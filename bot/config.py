"""The one settings class, read from the environment (and an optional ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import PROJECT_ROOT
from nlp.paths import SHIPPED_MODEL_DIR

DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "fanzha.db"


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
    # Key for hashing reporter ids (HMAC). Must be set in production; the default only suits tests.
    secret: str = Field(default="fanzha-dev-secret-change-me", validation_alias="FANZHA_SECRET")

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests build ``Settings`` directly instead)."""
    return Settings()
