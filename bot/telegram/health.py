"""Health, readiness and Prometheus metrics over HTTP: ``/healthz``, ``/readyz``, ``/metrics``.

An orchestrator restarts a process whose ``/healthz`` stops answering, sends traffic only to instances whose
``/readyz`` is 200, and an operator watches ``/metrics``. In webhook mode the three paths are served by the
webhook's own server, on its port, beside the webhook path (:func:`configure_webhook_server`); in polling mode
on ``fanzha run --health-port`` (:func:`start_health_server`), off by default.

- ``/healthz``: 200 while the process and its event loop answer. Nothing else is asked: a database outage
  must not get every instance killed and restarted.
- ``/readyz``: 200 when the bot can do its work — the database answers a fresh connection, its schema is at
  the newest migration, the model is loaded (or deliberately off, ``FANZHA_USE_MODEL=0``), and Redis answers
  when it holds the rate limits. Otherwise 503; the JSON body names each check and what failed.
- ``/metrics``: the Prometheus text format (``prometheus_client``), one registry per bot (:class:`Metrics`).

The counters are fed by thin subclasses of the services the composition root builds (:class:`MeteredChecker`,
:class:`MeteredRateLimiter`, :class:`MeteredModeration`), so the verdict engine and the moderation rules stay
free of monitoring code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from tornado.httpserver import HTTPServer
from tornado.routing import AnyMatches, PathMatches, Rule, RuleRouter

from bot.check import Checker, CheckHints, _OpportunisticBatcher
from bot.moderation import Moderation, ReportResult, ReportStatus
from bot.telegram.ratelimit import CheckRateLimiter
from bot.telegram.services import SERVICES_KEY, Services

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

    from bot.verdict import Verdict

log = logging.getLogger(__name__)

METRICS_KEY = "metrics"
HEALTH_SERVER_KEY = "health_server"
HEALTH_PATHS = r"/(healthz|readyz|metrics)/?$"
UPDATES_GROUP = -100
"""Handler group of the update counter: before every other group, and it never stops an update."""
READY_TIMEOUT_SECONDS = 5.0
"""Longest a readiness check waits for the database or Redis: a probe that hangs is a failed probe."""
MAX_HEALTH_BODY_BYTES = 4096
"""The health server (polling mode) takes GETs only; it has no reason to read a body of any size."""

STAGES = ("numbers", "store", "rules", "model")
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
LEVELS = ("high", "suspicious", "low")
COMMON_UPDATES = ("message", "edited_message", "callback_query", "inline_query")


class Metrics:
    """Every metric the bot exports, in a registry of its own (two bots in one test process do not mix)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.updates = Counter("fanzha_updates", "Telegram updates received, by kind", ["kind"],
                               registry=registry)
        self.checks = Counter("fanzha_checks", "Verdicts given, by risk level", ["level"], registry=registry)
        self.stage_seconds = Histogram("fanzha_check_stage_seconds",
                                       "Time of one check's stages (model: waiting for and running its batch)",
                                       ["stage"], buckets=STAGE_BUCKETS, registry=registry)
        self.model_batch_size = Histogram("fanzha_model_batch_size", "Texts per model batch",
                                          buckets=BATCH_BUCKETS, registry=registry)
        self.model_batch_seconds = Histogram("fanzha_model_batch_seconds", "Time of one model batch",
                                             buckets=STAGE_BUCKETS, registry=registry)
        self.ocr_seconds = Histogram("fanzha_ocr_seconds",
                                     "Time a worker spent reading one picture (queueing excluded)",
                                     buckets=(0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0), registry=registry)
        self.rate_limited = Counter("fanzha_rate_limit_refusals",
                                    "Requests refused by a limit (scope: user checks, group checks, reports)",
                                    ["scope"], registry=registry)
        self.reports = Counter("fanzha_reports_filed", "Reports stored (one per reported number or text)",
                               registry=registry)
        self.appeals = Counter("fanzha_appeals_filed", "Appeals filed by numbers' owners", registry=registry)
        self.errors = Counter("fanzha_errors", "Failed updates and other errors PTB reported, by exception type",
                              ["kind"], registry=registry)
        for kind in COMMON_UPDATES:
            self.updates.labels(kind)
        for level in LEVELS:
            self.checks.labels(level)
        for stage in STAGES:
            self.stage_seconds.labels(stage)
        for scope in ("check", "group", "report"):
            self.rate_limited.labels(scope)
        self._services: Callable[[], Services | None] = lambda: None
        registry.register(_StateCollector(lambda: self._services()))

    def watch(self, services: Callable[[], Services | None]) -> None:
        """Read the model queue and the database pool from whatever ``services()`` returns at each scrape."""
        self._services = services

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _StateCollector(Collector):
    """Gauges read at scrape time: the model's queue and the database connection pool."""

    def __init__(self, services: Callable[[], Services | None]) -> None:
        self._services = services

    def collect(self) -> Iterable[GaugeMetricFamily]:
        svc = self._services()
        queue = GaugeMetricFamily("fanzha_model_queue_depth", "Texts waiting for the model's next batch")
        checker = svc.checker if svc is not None else None
        queue.add_metric([], float(checker.model_queue_depth() if isinstance(checker, MeteredChecker) else 0))
        yield queue
        pool = GaugeMetricFamily("fanzha_db_pool_connections", "Database connections in the pool, by state",
                                 labels=["state"])
        size = GaugeMetricFamily("fanzha_db_pool_size", "Connections the database pool keeps open")
        if svc is not None:
            engine_pool = svc.store.engine.pool
            for state, method in (("checked_out", "checkedout"), ("checked_in", "checkedin"),
                                  ("overflow", "overflow")):
                read = getattr(engine_pool, method, None)  # a StaticPool (in-memory SQLite) has none
                if read is not None:
                    pool.add_metric([state], float(read()))
            read_size = getattr(engine_pool, "size", None)
            if read_size is not None:
                size.add_metric([], float(read_size()))
        yield pool
        yield size


# --- the services, metered ------------------------------------------------------------------------------


class _MeteredClassifier:
    """The classifier as the checker's batcher sees it: each batch's size and time are recorded."""

    def __init__(self, classifier: Any, metrics: Metrics) -> None:
        self._classifier = classifier
        self._metrics = metrics

    def predict(self, texts: list[str]) -> list[Any]:
        started = time.perf_counter()
        try:
            return self._classifier.predict(texts)
        finally:
            self._metrics.model_batch_size.observe(len(texts))
            self._metrics.model_batch_seconds.observe(time.perf_counter() - started)


class _MeteredBatcher(_OpportunisticBatcher):
    """The checker's batcher; a check's model stage is its wait for and run of the batch it lands in."""

    def __init__(self, metrics: Metrics, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def predict(self, text: str) -> Any:
        started = time.perf_counter()
        try:
            return await super().predict(text)
        finally:
            self._metrics.stage_seconds.labels("model").observe(time.perf_counter() - started)

    def depth(self) -> int:
        return len(self._pending)


class MeteredChecker(Checker):
    """The bot's checker: counts verdicts by level and times the stages. Call :meth:`attach` once built."""

    metrics: Metrics | None = None

    def attach(self, metrics: Metrics) -> MeteredChecker:
        self.metrics = metrics
        if self._batcher is not None:
            self._batcher = _MeteredBatcher(metrics, _MeteredClassifier(self.classifier, metrics),
                                            self._model_thread, self._batcher.max_batch)
        return self

    def model_queue_depth(self) -> int:
        return self._batcher.depth() if isinstance(self._batcher, _MeteredBatcher) else 0

    async def check_text(self, text: str, hints: CheckHints | None = None) -> Verdict:
        return self._count(await super().check_text(text, hints))

    async def check_number(self, raw: str) -> Verdict:
        return self._count(await super().check_number(raw))

    def _prepare_text(self, text: str, hints: CheckHints) -> Any:
        prepared = super()._prepare_text(text, hints)
        # The times the parent just set, in this thread (another check finishing in the same instant could
        # replace them: then this records that check's times, which are as real).
        times = self.last_times
        if self.metrics is not None:
            for stage in ("numbers", "store", "rules"):
                self.metrics.stage_seconds.labels(stage).observe(getattr(times, stage))
        return prepared

    def _count(self, verdict: Verdict) -> Verdict:
        if self.metrics is not None:
            self.metrics.checks.labels(str(verdict.risk_level)).inc()
        return verdict


class MeteredRateLimiter(CheckRateLimiter):
    """The per-user and per-group check limits, counting refusals."""

    metrics: Metrics | None = None

    async def allow(self, user_id: int) -> bool:
        return self._count(await super().allow(user_id), "check")

    async def allow_group(self, chat_id: int, checks_per_minute: int) -> bool:
        return self._count(await super().allow_group(chat_id, checks_per_minute), "group")

    def _count(self, allowed: bool, scope: str) -> bool:
        if not allowed and self.metrics is not None:
            self.metrics.rate_limited.labels(scope).inc()
        return allowed


class MeteredModeration(Moderation):
    """Moderation, counting reports and appeals filed (and reports refused by the hourly limit)."""

    metrics: Metrics | None = None

    def submit_report(self, user_id: int, **kwargs: Any) -> ReportResult:
        result = super().submit_report(user_id, **kwargs)
        if self.metrics is not None:
            if result.status == ReportStatus.STORED:
                self.metrics.reports.inc(result.stored)
            elif result.status == ReportStatus.RATE_LIMITED:
                self.metrics.rate_limited.labels("report").inc()
        return result

    def submit_appeal(self, *args: Any, **kwargs: Any) -> Any:
        appeal = super().submit_appeal(*args, **kwargs)
        if self.metrics is not None:
            self.metrics.appeals.inc()
        return appeal


def register(application: Application, metrics: Metrics) -> None:
    """Count every update by kind and every error by type, and keep ``metrics`` in ``bot_data``."""
    application.bot_data[METRICS_KEY] = metrics
    metrics.watch(lambda: application.bot_data.get(SERVICES_KEY))

    async def count_update(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        metrics.updates.labels(update_kind(update)).inc()

    async def count_error(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        metrics.errors.labels(type(context.error).__name__).inc()

    application.add_handler(TypeHandler(Update, count_update), group=UPDATES_GROUP)
    application.add_error_handler(count_error)


def update_kind(update: Update) -> str:
    """``message``, ``callback_query``, … — the one field Telegram filled in."""
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "other"


# --- readiness ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _migration_heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from bot.store.engine import MIGRATIONS_DIR

    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def _probe_engine(url: URL) -> Engine:
    """An engine that opens a new connection for every probe (``NullPool``).

    The store's own pool would answer from a connection opened long ago: SQLite keeps reading a file that
    has since been removed or replaced, and PostgreSQL's pre-ping takes the pool's wait. A probe must see
    what a new connection would. SQLite is opened read-write without create, so a missing file stays missing.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database.startswith("file:"):  # already a URI: opened as given
            return create_engine(url, poolclass=NullPool)
        target = f"file:{quote(database)}?mode=rw"
        return create_engine("sqlite://", poolclass=NullPool,
                             creator=lambda: sqlite3.connect(target, uri=True, timeout=READY_TIMEOUT_SECONDS))
    connect_args = {"connect_timeout": int(READY_TIMEOUT_SECONDS)} if url.get_backend_name() == "postgresql" else {}
    return create_engine(url, poolclass=NullPool, hide_parameters=True, connect_args=connect_args)


class Readiness:
    """What ``/readyz`` reports: each check's state, and whether all of them are fine."""

    def __init__(self, application: Application) -> None:
        self._application = application
        self._engine: Engine | None = None

    async def check(self) -> tuple[bool, dict[str, str]]:
        svc: Services | None = self._application.bot_data.get(SERVICES_KEY)
        if svc is None:
            return False, {"services": "starting"}
        checks: dict[str, str] = {}
        try:
            checks.update(await asyncio.wait_for(asyncio.to_thread(self._database, svc), READY_TIMEOUT_SECONDS))
        except TimeoutError:
            checks["database"] = "no answer"
        checks["model"] = _model_state(svc)
        checks["redis"] = await _redis_state(svc)
        ok = all(state in ("ok", "off", "not configured") for state in checks.values())
        return ok, checks

    def _database(self, svc: Services) -> dict[str, str]:
        from alembic.runtime.migration import MigrationContext

        if self._engine is None:
            url = svc.store.engine.url
            memory = url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:"
            self._engine = svc.store.engine if memory else _probe_engine(url)  # a new in-memory one is empty
        try:
            with self._engine.connect() as connection:
                current = frozenset(MigrationContext.configure(connection).get_current_heads())
        except Exception as exc:  # the driver's message may name the host: the type says enough here
            return {"database": f"unreachable ({type(exc).__name__})", "migrations": "unknown"}
        if current == _migration_heads():
            return {"database": "ok", "migrations": "ok"}
        return {"database": "ok", "migrations": "not at head"}


def _model_state(svc: Services) -> str:
    if not svc.settings.use_model:
        return "off"
    classifier = svc.checker.classifier
    if classifier is None:
        return "not loaded"
    ready = getattr(classifier, "ready", True)  # an in-thread classifier is loaded once it exists
    return "ok" if ready else "not loaded"


async def _redis_state(svc: Services) -> str:
    from limits.storage import MemoryStorage

    storage = svc.limiter.storage
    if isinstance(storage, MemoryStorage):
        return "not configured"
    try:
        answered = await asyncio.wait_for(asyncio.to_thread(storage.check), READY_TIMEOUT_SECONDS)
    except Exception:
        answered = False
    return "ok" if answered else "unreachable"


# --- HTTP -----------------------------------------------------------------------------------------------


class _HealthzHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")  # type: ignore[assignment]

    def get(self, _name: str) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ok"}))

    head = get


class _ReadyzHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")  # type: ignore[assignment]

    def initialize(self, readiness: Readiness) -> None:
        self.readiness = readiness

    async def get(self, _name: str) -> None:
        try:
            ok, checks = await self.readiness.check()
        except Exception as exc:
            log.warning("readiness check failed: %s", type(exc).__name__)
            ok, checks = False, {"readiness": f"check failed ({type(exc).__name__})"}
        failed = [name for name, state in checks.items() if state not in ("ok", "off", "not configured")]
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ready" if ok else "not ready", "checks": checks, "failed": failed}))

    head = get


class _MetricsHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD")  # type: ignore[assignment]

    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def get(self, _name: str) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(self.metrics.exposition())

    head = get


def health_app(application: Application) -> tornado.web.Application:
    """The tornado application answering the three paths for ``application``'s bot."""
    readiness = Readiness(application)
    metrics: Metrics = application.bot_data[METRICS_KEY]
    return tornado.web.Application([
        (r"/(healthz)/?", _HealthzHandler),
        (r"/(readyz)/?", _ReadyzHandler, {"readiness": readiness}),
        (r"/(metrics)/?", _MetricsHandler, {"metrics": metrics}),
    ], log_function=_no_access_log)


def _no_access_log(_handler: tornado.web.RequestHandler) -> None:
    """A scrape every few seconds would drown the bot's own log lines."""


class _WebhookHTTPServer(HTTPServer):
    """PTB's webhook server with the health paths routed beside the webhook (everything else goes to PTB's
    application as before: its secret check, and a 404 for unknown paths)."""

    def initialize(self, request_callback: Any, *args: Any, health: tornado.web.Application | None = None,
                   **kwargs: Any) -> None:
        if health is not None:
            request_callback = RuleRouter([Rule(PathMatches(HEALTH_PATHS), health),
                                           Rule(AnyMatches(), request_callback)])
        super().initialize(request_callback, *args, **kwargs)


def configure_webhook_server(application: Application, *, max_body_size: int) -> None:
    """Shape the server PTB's ``run_webhook`` is about to create: the health paths beside the webhook, and
    requests larger than ``max_body_size`` refused from their headers.

    ``run_webhook`` builds its ``tornado.httpserver.HTTPServer`` itself and takes neither options nor other
    handlers. ``HTTPServer`` is a tornado ``Configurable``: ``configure`` chooses the class and options of the
    servers created after it in this process (the webhook server is the only one in webhook mode).
    """
    HTTPServer.configure(_WebhookHTTPServer, max_body_size=max_body_size, max_buffer_size=2 * max_body_size,
                         health=health_app(application))


async def start_health_server(application: Application, listen: str, port: int) -> None:
    """Polling mode: serve the three paths on ``listen:port`` until :func:`stop_health_server`."""
    server = HTTPServer(health_app(application), max_body_size=MAX_HEALTH_BODY_BYTES,
                        max_buffer_size=2 * MAX_HEALTH_BODY_BYTES)
    server.listen(port, address=listen)
    application.bot_data[HEALTH_SERVER_KEY] = server
    log.info("health endpoints on http://%s:%d/healthz, /readyz, /metrics", listen, port)


async def stop_health_server(application: Application) -> None:
    server: HTTPServer | None = application.bot_data.pop(HEALTH_SERVER_KEY, None)
    if server is not None:
        server.stop()
        await server.close_all_connections()


def attach_metrics(application: Application, checker: Checker, limiter: CheckRateLimiter,
                   moderation: Moderation) -> None:
    """Point the metered services at the bot's :class:`Metrics` (the services are built by class methods
    that take no such argument)."""
    metrics: Metrics | None = application.bot_data.get(METRICS_KEY)
    if metrics is None:
        return
    if isinstance(checker, MeteredChecker):
        checker.attach(metrics)
    for service in (limiter, moderation):
        if isinstance(service, MeteredRateLimiter | MeteredModeration):
            service.metrics = metrics

