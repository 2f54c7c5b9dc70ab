"""A fake Telegram Bot API server (aiohttp) for end-to-end tests of the real bot.

It speaks the Bot API over real HTTP, so PTB runs unmodified with ``base_url`` pointed here
(``FANZHA_TELEGRAM_API_URL=http://127.0.0.1:PORT/bot``). The server runs on its own event loop in a
background thread, so the same object serves a bot in a subprocess (tests block on :meth:`wait_for`) and
a bot inside the test's own event loop (tests ``await`` :meth:`await_call`).

What it does:

* Methods: ``getMe``, ``getUpdates`` (long poll with ``timeout``; drops updates below ``offset``),
  ``sendMessage``, ``editMessageText``, ``editMessageReplyMarkup``, ``answerCallbackQuery``,
  ``answerInlineQuery``, ``setMyCommands``, ``deleteMyCommands`` (:meth:`menu` says what a chat sees),
  ``setMyDescription`` (≤ 512 characters),
  ``setMyShortDescription`` (≤ 120), ``deleteWebhook``, ``setWebhook``, ``getWebhookInfo``,
  ``getChatMember``, ``sendDocument`` (multipart), ``getFile`` + the download at
  ``/file/bot<token>/<path>`` (``getFile`` refuses a file over 20 MB with "Bad Request: file is too big", as
  Telegram does for bots). Other methods answer 404 like Telegram does.
* Bodies as PTB sends them: form-encoded (nested values JSON-encoded), multipart with files, or JSON.
* Every call is recorded (:attr:`calls`); faults can be injected per method: 429 with ``retry_after``,
  5xx, or a timeout (the server sleeps, then answers 504).
* Builders for updates a user can produce (text, forwards of all four ``forward_origin`` kinds, contact,
  photo with caption — from a real picture, in Telegram's sizes (90/320/800/1280/2560 px on the longer side,
  JPEG) with their ``file_size`` —, a file sent as a document with its MIME type and size, sticker, voice,
  callback query, inline query, group messages with mentions, the bot added to a group), with entity offsets
  in UTF-16 code units as Telegram counts them.
* :meth:`post_webhook` drives a bot in webhook mode: POSTs an update with ``Content-Type:
  application/json`` and the ``X-Telegram-Bot-Api-Secret-Token`` header.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DEFAULT_TOKEN = "123456789:AAFakeTokenForFanzhaTestsOnly_0123456"
GET_FILE_LIMIT = 20 * 1024 * 1024
"""The largest file a bot may download (Bot API ``getFile``)."""
PHOTO_SIDES = (90, 320, 800, 1280, 2560)
"""The longer sides of the sizes Telegram makes of a photo (those not larger than the picture itself)."""
BOT_ID = 123456789
BOT_USERNAME = "fanzha_test_bot"

# Parameters whose form value is JSON (PTB encodes nested objects as JSON strings in form bodies).
_JSON_PARAMS = frozenset({
    "reply_markup", "results", "commands", "allowed_updates", "entities", "caption_entities",
    "reply_parameters", "link_preview_options", "scope", "button", "media",
})
_INT_PARAMS = frozenset({
    "chat_id", "user_id", "message_id", "offset", "limit", "timeout", "cache_time", "reply_to_message_id",
    "max_connections", "message_thread_id",
})
_BOOL_PARAMS = frozenset({"is_personal", "drop_pending_updates", "show_alert", "disable_notification",
                          "protect_content", "allow_sending_without_reply"})


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def entity(text: str, part: str, kind: str, *, occurrence: int = 0, **extra: Any) -> dict[str, Any]:
    """A MessageEntity for ``part`` inside ``text`` with UTF-16 offset and length."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(part), **extra}


def user(user_id: int, first_name: str = "测试用户", *, language_code: str | None = "zh-hans",
         username: str | None = None, last_name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        out["last_name"] = last_name
    if username:
        out["username"] = username
    if language_code:
        out["language_code"] = language_code
    return out


def private_chat(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int, title: str = "测试群") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    index: int
    at: float
    status: int = 200
    fault: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None  # what the fake answered (e.g. the Message a sendMessage created)

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons of the call's reply_markup, flattened."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class _Fault:
    kind: str  # "429" | "5xx" | "timeout"
    retry_after: int = 1
    status: int = 500
    delay: float = 6.0


class FakeTelegram:
    """The fake server. ``start()`` it, point the bot at :attr:`api_url`, ``stop()`` it at the end."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_id: int = BOT_ID,
                 bot_username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "反诈助手", "username": bot_username,
                    "can_join_groups": True, "can_read_all_group_messages": True,
                    "supports_inline_queries": True}
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (file_path, content)
        self.file_sizes: dict[str, int] = {}  # file_id → a stated size standing for content too big to hold
        self.chat_members: dict[tuple[int, int], str] = {}  # (chat_id, user_id) → status
        self._lock = threading.Lock()
        self._calls_changed = threading.Condition(self._lock)
        self._listeners: list[Callable[[Call], None]] = []
        self.blocked_by: set[int] = set()  # users who blocked the bot: sendMessage to them gets 403
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._released = False
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._updates_ready: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ── lifecycle ──────────────────────────────────────────────────────────────────────────────────

    @property
    def api_url(self) -> str:
        """What PTB takes as ``base_url`` (and fanzha as ``FANZHA_TELEGRAM_API_URL``)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegram:
        started = threading.Event()
        errors: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_server())
            except BaseException as exc:  # reported to the starting thread
                errors.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-telegram", daemon=True)
        self._thread.start()
        if not started.wait(10) or errors:
            raise RuntimeError(f"fake Telegram server did not start: {errors}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    async def _start_server(self) -> None:
        self._updates_ready = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    # ── test controls ──────────────────────────────────────────────────────────────────────────────

    def fail_next(self, method: str, kind: str, *, times: int = 1, retry_after: int = 1, status: int = 500,
                  delay: float = 6.0) -> None:
        """Make the next ``times`` calls of ``method`` fail: ``"429"``, ``"5xx"`` or ``"timeout"``."""
        if kind not in ("429", "5xx", "timeout"):
            raise ValueError(kind)
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            for _ in range(times):
                queue.append(_Fault(kind, retry_after=retry_after, status=status, delay=delay))

    def set_chat_member(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` answers: ``creator``, ``administrator``, ``member``, …"""
        with self._lock:
            self.chat_members[(chat_id, user_id)] = status

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None, *,
                 size: int | None = None) -> None:
        """A file the bot may fetch; ``size`` states its size instead of ``len(content)`` (a 25 MB file
        without 25 MB in memory)."""
        with self._lock:
            self.files[file_id] = (file_path or f"documents/{file_id}", content)
            if size is not None:
                self.file_sizes[file_id] = size

    def add_listener(self, listener: Callable[[Call], None]) -> None:
        """Call ``listener(call)`` for every recorded call, on the server's thread. For load generators:
        ``wait_for`` wakes every waiting thread on each call, which with 50 simulated users costs more CPU
        than the bot under test."""
        with self._lock:
            self._listeners.append(listener)

    def mark(self) -> int:
        """The number of calls so far: pass it as ``since`` to wait only for later calls."""
        with self._lock:
            return len(self.calls)

    def calls_of(self, method: str, *, since: int = 0, **match: Any) -> list[Call]:
        with self._lock:
            return [c for c in self.calls[since:] if c.method == method and _matches(c, match)]

    def wait_for(self, method: str, *, since: int = 0, timeout: float = 15.0,
                 where: Callable[[Call], bool] | None = None, **match: Any) -> Call:
        """Block until the bot makes a successful ``method`` call matching ``match`` (param == value)."""
        deadline = time.monotonic() + timeout
        with self._calls_changed:
            while True:
                for call in self.calls[since:]:
                    if (call.method == method and call.fault is None and _matches(call, match)
                            and (where is None or where(call))):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.params.get("chat_id"), c.fault) for c in self.calls[since:]]
                    raise TimeoutError(f"no {method} {match} within {timeout}s; calls since: {seen}")
                self._calls_changed.wait(remaining)

    def assert_silent(self, method: str, *, since: int, within: float, **match: Any) -> None:
        """Wait ``within`` seconds and fail if the bot made a matching call (silence is the behaviour)."""
        try:
            call = self.wait_for(method, since=since, timeout=within, **match)
        except TimeoutError:
            return
        raise AssertionError(f"expected no {method} {match}, got: {call.params}")

    async def await_call(self, method: str, **kwargs: Any) -> Call:
        """:meth:`wait_for` for tests whose event loop runs the bot (waits in a thread)."""
        return await asyncio.to_thread(self.wait_for, method, **kwargs)

    def menu(self, chat_id: int, language_code: str | None = None) -> list[str]:
        """The commands a user with app language ``language_code`` sees in their private chat ``chat_id``,
        resolved from the ``setMyCommands``/``deleteMyCommands`` calls so far as Telegram resolves them: the
        chat's own list, then all private chats', then the default, each in the user's language first."""
        lists: dict[tuple[str, int | None, str], list[str]] = {}
        with self._lock:
            calls = [c for c in self.calls if c.method in ("setMyCommands", "deleteMyCommands")
                     and c.status == 200 and c.fault is None]
        for call in calls:
            scope = call.params.get("scope") or {"type": "default"}
            key = (scope["type"], scope.get("chat_id"), call.params.get("language_code") or "")
            names = [c["command"] for c in call.params.get("commands") or []]
            if names:
                lists[key] = names
            else:
                lists.pop(key, None)
        for kind, scope_chat in (("chat", chat_id), ("all_private_chats", None), ("default", None)):
            for code in (language_code or "", ""):
                if (kind, scope_chat, code) in lists:
                    return lists[(kind, scope_chat, code)]
        return []

    def sent_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A message the bot sent (as Telegram stores it, with later edits)."""
        with self._lock:
            return json.loads(json.dumps(self._messages[(chat_id, message_id)]))

    # ── updates ────────────────────────────────────────────────────────────────────────────────────

    def enqueue(self, update_body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for ``getUpdates`` (``update_id`` is assigned). Returns the full update."""
        update = self.make_update(update_body)
        with self._lock:
            self._pending.append(update)
        if self._loop is not None and self._updates_ready is not None:
            self._loop.call_soon_threadsafe(self._updates_ready.set)
        return update

    def make_update(self, update_body: dict[str, Any]) -> dict[str, Any]:
        """An update dict with a fresh ``update_id`` (for webhook posts and ``process_update``)."""
        return {"update_id": next(self._update_ids), **update_body}

    def pending_updates(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._pending)

    def message(self, sender: dict[str, Any], text: str | None = None, *, chat: dict[str, Any] | None = None,
                entities: Iterable[dict[str, Any]] = (), **fields: Any) -> dict[str, Any]:
        """A new message from ``sender`` (in their private chat unless ``chat`` is given), remembered so
        the bot can reply to it."""
        chat = chat or private_chat(sender)
        msg: dict[str, Any] = {"message_id": self._next_message_id(chat["id"]), "date": int(time.time()),
                               "chat": chat, "from": sender}
        if text is not None:
            msg["text"] = text
            if entities:
                msg["entities"] = list(entities)
        msg.update(fields)
        with self._lock:
            self._messages[(chat["id"], msg["message_id"])] = msg
        return msg

    def send_text(self, sender: dict[str, Any], text: str, **kwargs: Any) -> dict[str, Any]:
        return self.enqueue({"message": self.message(sender, text, **kwargs)})

    @staticmethod
    def forward_origin(kind: str, *, name: str = "王经理", title: str = "通知频道", chat_id: int = -1001234567890,
                       origin_user: dict[str, Any] | None = None) -> dict[str, Any]:
        """``forward_origin`` JSON for each kind, as Bot API 7+ sends it."""
        date = int(time.time()) - 3600
        if kind == "user":
            return {"type": "user", "date": date,
                    "sender_user": origin_user or user(555000111, name, language_code=None)}
        if kind == "hidden_user":
            return {"type": "hidden_user", "date": date, "sender_user_name": name}
        if kind == "chat":
            return {"type": "chat", "date": date,
                    "sender_chat": {"id": chat_id, "type": "supergroup", "title": title}}
        if kind == "channel":
            return {"type": "channel", "date": date, "message_id": 42,
                    "chat": {"id": chat_id, "type": "channel", "title": title, "username": "notice_channel"},
                    "author_signature": "编辑部"}
        raise ValueError(kind)

    def forwarded(self, sender: dict[str, Any], text: str, kind: str, **origin: Any) -> dict[str, Any]:
        return self.enqueue({"message": self.message(sender, text,
                                                     forward_origin=self.forward_origin(kind, **origin))})

    def contact(self, sender: dict[str, Any], phone_number: str, first_name: str = "客服",
                **kwargs: Any) -> dict[str, Any]:
        card = {"phone_number": phone_number, "first_name": first_name}
        return self.enqueue({"message": self.message(sender, contact=card, **kwargs)})

    def photo(self, sender: dict[str, Any], caption: str | None = None, *, image: bytes | None = None,
              **kwargs: Any) -> dict[str, Any]:
        """A photo message (queued for ``getUpdates``). Without ``image`` its sizes name no stored file."""
        if image is None:
            sizes = [{"file_id": f"photo{n}", "file_unique_id": f"u{n}", "width": w, "height": w,
                      "file_size": w * 10} for n, w in ((1, 90), (2, 320))]
        else:
            sizes = self.photo_sizes(image)
        fields: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            fields["caption"] = caption
        return self.enqueue({"message": self.message(sender, **fields, **kwargs)})

    def photo_sizes(self, image: bytes) -> list[dict[str, Any]]:
        """The ``photo`` array Telegram makes of a sent picture: the picture scaled to each of ``PHOTO_SIDES``
        not larger than itself (the largest at its own size when it is smaller than 2560 px), re-encoded as
        JPEG, smallest first, each stored for ``getFile`` with its ``file_size``."""
        import io

        from PIL import Image

        with Image.open(io.BytesIO(image)) as opened:
            picture = opened.convert("RGB")
        longer = max(picture.size)
        sides = [side for side in PHOTO_SIDES if side < longer] + [min(longer, PHOTO_SIDES[-1])]
        sizes = []
        for side in sides:
            scale = side / longer
            scaled = picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))))
            out = io.BytesIO()
            scaled.save(out, "JPEG", quality=87)
            uid = next(self._ids)
            file_id = f"ph{uid}"
            self.add_file(file_id, out.getvalue(), f"photos/file_{uid}.jpg")
            sizes.append({"file_id": file_id, "file_unique_id": f"phu{uid}", "width": scaled.width,
                          "height": scaled.height, "file_size": len(out.getvalue())})
        return sizes

    def document(self, sender: dict[str, Any], content: bytes, *, file_name: str, mime_type: str | None,
                 size: int | None = None, **fields: Any) -> dict[str, Any]:
        """A message (not queued: ``bot.send({"message": …})`` it) with a file sent "as a file", stored for
        ``getFile``; ``size`` states a size other than ``len(content)``."""
        uid = next(self._ids)
        file_id = f"file{uid}"
        self.add_file(file_id, content, f"documents/file_{uid}", size=size)
        doc: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"fileu{uid}", "file_name": file_name,
                               "file_size": len(content) if size is None else size}
        if mime_type is not None:
            doc["mime_type"] = mime_type
        return self.message(sender, document=doc, **fields)

    def media(self, sender: dict[str, Any], kind: str, **kwargs: Any) -> dict[str, Any]:
        """A sticker, voice message or document (things the bot cannot check)."""
        uid = next(self._ids)
        bodies = {
            "sticker": {"file_id": f"st{uid}", "file_unique_id": f"stu{uid}", "type": "regular", "width": 512,
                        "height": 512, "is_animated": False, "is_video": False, "emoji": "😀"},
            "voice": {"file_id": f"vo{uid}", "file_unique_id": f"vou{uid}", "duration": 3},
            "document": {"file_id": f"do{uid}", "file_unique_id": f"dou{uid}", "file_name": "a.pdf"},
        }
        return self.enqueue({"message": self.message(sender, **{kind: bodies[kind]}, **kwargs)})

    def click(self, sender: dict[str, Any], bot_message: dict[str, Any], data: str) -> dict[str, Any]:
        """A callback query: ``sender`` taps a button with ``data`` under ``bot_message``."""
        query = {"id": str(next(self._ids)), "from": sender, "message": bot_message,
                 "chat_instance": "ci-1", "data": data}
        return self.enqueue({"callback_query": query})

    def inline(self, sender: dict[str, Any], query: str) -> dict[str, Any]:
        return self.enqueue({"inline_query": {"id": str(next(self._ids)), "from": sender, "query": query,
                                              "offset": "", "chat_type": "sender"}})

    def bot_added(self, chat: dict[str, Any], by: dict[str, Any], *, old: str = "left",
                  new: str = "member") -> dict[str, Any]:
        """The body of a ``my_chat_member`` update (``bot.send`` it, or ``enqueue`` it for polling): ``by``
        changed the bot's status in ``chat`` from ``old`` to ``new``."""
        me = {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")}

        def member(status: str) -> dict[str, Any]:
            out: dict[str, Any] = {"status": status, "user": me}
            if status == "administrator":
                out.update({"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                            "can_delete_messages": True, "can_manage_video_chats": True,
                            "can_restrict_members": False, "can_promote_members": False, "can_change_info": False,
                            "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                            "can_delete_stories": False})
            elif status == "kicked":
                out["until_date"] = 0
            return out

        return {"my_chat_member": {"chat": chat, "from": by, "date": int(time.time()),
                                   "old_chat_member": member(old), "new_chat_member": member(new)}}

    def mention_text(self, text_after: str) -> tuple[str, list[dict[str, Any]]]:
        """``@bot text`` with its mention entity."""
        text = f"@{self.bot['username']} {text_after}"
        return text, [entity(text, f"@{self.bot['username']}", "mention")]

    # ── webhook driver ─────────────────────────────────────────────────────────────────────────────

    @staticmethod
    def post_webhook(url: str, update: dict[str, Any], secret_token: str | None,
                     timeout: float = 10.0) -> int:
        """POST an update to a bot in webhook mode, as Telegram does; returns the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # ── the server ─────────────────────────────────────────────────────────────────────────────────

    def _next_message_id(self, chat_id: int) -> int:
        with self._lock:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1))
            return next(counter)

    def _record(self, method: str, params: dict[str, Any], *, status: int = 200, fault: str | None = None,
                files: dict[str, bytes] | None = None, result: Any = None) -> Call:
        with self._calls_changed:
            call = Call(method, params, len(self.calls), time.time(), status, fault, files or {}, result)
            self.calls.append(call)
            self._calls_changed.notify_all()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(call)
        return call

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            params.update(body or {})
            return params, files
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                    params[key] = f"attach://{key}"
                    params.setdefault("_filenames", {})[key] = value.filename
                else:
                    params[key] = value
        for key, value in list(params.items()):
            if not isinstance(value, str):
                continue
            if key in _JSON_PARAMS:
                params[key] = json.loads(value)
            elif key in _INT_PARAMS and value.lstrip("-").isdigit():
                params[key] = int(value)
            elif key in _BOOL_PARAMS:
                params[key] = value.lower() == "true"
        return params, files

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params, files = await self._read_params(request)
        with self._lock:
            queue = self._faults.get(method)
            fault = queue.popleft() if queue else None
        if fault is not None:
            if fault.kind == "429":
                self._record(method, params, status=429, fault="429")
                return _error(429, f"Too Many Requests: retry after {fault.retry_after}",
                              parameters={"retry_after": fault.retry_after})
            if fault.kind == "5xx":
                self._record(method, params, status=fault.status, fault="5xx")
                return _error(fault.status, "Internal Server Error")
            self._record(method, params, status=504, fault="timeout")
            await asyncio.sleep(fault.delay)
            return _error(504, "Gateway Timeout")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            self._record(method, params, status=404)
            return _error(404, "Not Found: method not found")
        if method == "getUpdates":
            result = await self._m_getUpdates(params)
            return _ok(result)
        try:
            result = handler(params, files)
        except _ApiError as exc:
            self._record(method, params, status=exc.status)
            return _error(exc.status, exc.description)
        self._record(method, params, files=files, result=result)
        return _ok(result)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        with self._lock:
            found = next((content for file_path, content in self.files.values() if file_path == path), None)
        self._record("downloadFile", {"path": path}, status=200 if found is not None else 404)
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found, content_type="application/octet-stream")

    # Each _m_<method> gets (params, files) and returns the ``result`` or raises _ApiError.

    def release_long_polls(self) -> None:
        """From now on ``getUpdates`` answers at once (lets a stopping bot finish its last poll)."""
        self._released = True
        if self._loop is not None and self._updates_ready is not None:
            self._loop.call_soon_threadsafe(self._updates_ready.set)

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long poll. Recorded when it starts, so a test sees at once that the bot is polling."""
        call = self._record("getUpdates", params)
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        assert self._updates_ready is not None
        while True:
            with self._lock:
                # Updates below offset are confirmed: Telegram forgets them.
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
                batch = self._pending[:limit]
                if batch or time.monotonic() >= deadline or self._released:
                    self._updates_ready.clear()
                    break
                self._updates_ready.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_ready.wait(), max(0.0, deadline - time.monotonic()))
        call.result = batch
        return batch

    def _m_getMe(self, _params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any]:
        return dict(self.bot)

    def _bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise _ApiError(400, "Bad Request: chat not found")
        chat = self._known_chat(chat_id)
        msg: dict[str, Any] = {"message_id": self._next_message_id(chat_id), "date": int(time.time()),
                               "chat": chat, "from": {k: self.bot[k] for k in ("id", "is_bot", "first_name",
                                                                                "username")}}
        msg.update(content)
        if (params.get("reply_markup") or {}).get("inline_keyboard") is not None:  # as Telegram: only inline
            msg["reply_markup"] = params["reply_markup"]
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get("reply_to_message_id")
        if reply_to is not None:
            with self._lock:
                original = self._messages.get((chat_id, int(reply_to)))
            if original is not None:
                msg["reply_to_message"] = {k: v for k, v in original.items() if k != "reply_to_message"}
        with self._lock:
            self._messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _known_chat(self, chat_id: int) -> dict[str, Any]:
        with self._lock:
            for (cid, _mid), msg in self._messages.items():
                if cid == chat_id:
                    return msg["chat"]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "user"}
        return {"id": chat_id, "type": "supergroup", "title": "group"}

    def _m_sendMessage(self, params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any]:
        if params.get("chat_id") in self.blocked_by:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        text = params.get("text")
        if not text or not str(text).strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_len(str(text)) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._bot_message(params, text=text)

    def _edit(self, params: dict[str, Any], **changes: Any) -> dict[str, Any] | bool:
        if params.get("inline_message_id"):
            return True
        key = (params.get("chat_id"), params.get("message_id"))
        with self._lock:
            msg = self._messages.get(key)  # type: ignore[arg-type]
            if msg is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            if all(msg.get(k) == v for k, v in changes.items()):
                raise _ApiError(400, "Bad Request: message is not modified")
            for k, v in changes.items():
                if v is None:
                    msg.pop(k, None)
                else:
                    msg[k] = v
            msg["edit_date"] = int(time.time())
            return json.loads(json.dumps(msg))

    def _m_editMessageText(self, params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any] | bool:
        text = params.get("text")
        if not text:
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_len(str(text)) > 4096:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return self._edit(params, text=text, reply_markup=params.get("reply_markup"))

    def _m_editMessageReplyMarkup(self, params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any] | bool:
        return self._edit(params, reply_markup=params.get("reply_markup"))

    def _m_answerCallbackQuery(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        if not params.get("callback_query_id"):
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return True

    def _m_answerInlineQuery(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise _ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        return True

    def _m_setMyCommands(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(
                1 <= len(c.get("command", "")) <= 32 and 1 <= len(c.get("description", "")) <= 256
                for c in commands):
            raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    def _m_deleteMyCommands(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        _check_command_scope(params)
        return True

    def _m_setMyDescription(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        if len(str(params.get("description") or "")) > 512:
            raise _ApiError(400, "Bad Request: BOT_DESCRIPTION_INVALID")
        return True

    def _m_setMyShortDescription(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        if len(str(params.get("short_description") or "")) > 120:
            raise _ApiError(400, "Bad Request: BOT_ABOUT_INVALID")
        return True

    def _m_deleteWebhook(self, _params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        self.webhook = None
        return True

    def _m_setWebhook(self, params: dict[str, Any], _files: dict[str, bytes]) -> bool:
        self.webhook = params
        return True

    def _m_getWebhookInfo(self, _params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any]:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._pending)}

    def _m_getChatMember(self, params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any]:
        chat_id, user_id = params.get("chat_id"), params.get("user_id")
        with self._lock:
            status = self.chat_members.get((chat_id, user_id), "member")  # type: ignore[arg-type]
        member: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "u"}}
        if status == "administrator":
            member.update({"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                           "can_delete_messages": True, "can_manage_video_chats": True,
                           "can_restrict_members": True, "can_promote_members": False, "can_change_info": True,
                           "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                           "can_delete_stories": False})
        elif status == "creator":
            member["is_anonymous"] = False
        return member

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        if "document" not in files and not isinstance(params.get("document"), str):
            raise _ApiError(400, "Bad Request: there is no document in the request")
        uid = next(self._ids)
        content = files.get("document", b"")
        file_id = f"doc{uid}"
        self.files[file_id] = (f"documents/{file_id}", content)
        name = (params.get("_filenames") or {}).get("document") or "file"
        doc = {"file_id": file_id, "file_unique_id": f"docu{uid}", "file_name": name,
               "file_size": len(content)}
        extra: dict[str, Any] = {"document": doc}
        if params.get("caption"):
            extra["caption"] = params["caption"]
        return self._bot_message(params, **extra)

    def _m_getFile(self, params: dict[str, Any], _files: dict[str, bytes]) -> dict[str, Any]:
        file_id = params.get("file_id")
        with self._lock:
            found = self.files.get(str(file_id))
        if found is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, content = found
        size = self.file_sizes.get(str(file_id), len(content))
        if size > GET_FILE_LIMIT:
            raise _ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": size, "file_path": path}


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


_COMMAND_SCOPES = {"default": (), "all_private_chats": (), "all_group_chats": (),
                   "all_chat_administrators": (), "chat": ("chat_id",), "chat_administrators": ("chat_id",),
                   "chat_member": ("chat_id", "user_id")}


def _check_command_scope(params: dict[str, Any]) -> None:
    """What Telegram refuses in a command list's ``scope`` and ``language_code``."""
    scope = params.get("scope")
    if scope is not None:
        if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
            raise _ApiError(400, "Bad Request: unsupported scope type")
        if any(not isinstance(scope.get(field), int) for field in _COMMAND_SCOPES[scope["type"]]):
            raise _ApiError(400, "Bad Request: chat not found")
    code = params.get("language_code")
    if code not in (None, "") and not (isinstance(code, str) and len(code) == 2 and code.isalpha()
                                       and code.islower()):
        raise _ApiError(400, "Bad Request: invalid language code specified")


def _matches(call: Call, match: dict[str, Any]) -> bool:
    return all(call.params.get(k) == v for k, v in match.items())


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, **extra: Any) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description, **extra},
                             status=status)
