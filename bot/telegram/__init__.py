"""The Telegram adapter: the only package that imports ``telegram``.

``app`` is the composition root (builds the Application, registers feature handlers in a documented
order, owns the services); ``public``, ``inline`` and ``groups`` are feature modules of handlers;
``buttons`` builds and parses callback data; ``ratelimit`` is the per-user check limit; ``logs`` keeps
phone numbers and message text out of the logs.
"""
