"""A local stand-in for the Telegram Bot API, for python-telegram-bot's real Bot to talk to."""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any

from tests.fakes._server import Recorded, Reply, StubServer

METHOD_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


class TelegramStub(StubServer):
    """`POST /bot<token>/getMe` and `/sendMessage` (form or JSON), as the Bot API answers."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Makker",
            "username": "makker_test_bot",
        }
        self._message_ids = itertools.count(1000)

    @property
    def base_url(self) -> str:
        """What to give Bot(base_url=...) (and Settings.telegram_api_base_url)."""
        return f"{self.url}/bot"

    @property
    def sent(self) -> list[Recorded]:
        """The sendMessage requests, in order."""
        return [r for r in self.requests if r.path.endswith("/sendMessage")]

    def scriptable(self, path: str) -> bool:
        """Scripted failures hit sendMessage, never the getMe of Bot.initialize()."""
        return path.endswith("/sendMessage")

    def handle(self, request: Recorded) -> Reply:
        """Answer getMe and sendMessage; anything else is 404 as on the real API."""
        match = METHOD_PATH.match(request.path)
        if match is None or match["token"] != self.token:
            return _error(404, "Not Found")
        if match["method"] == "getMe":
            return Reply(200, {"ok": True, "result": self.bot_user})
        if match["method"] == "sendMessage":
            return self._send_message(request.form)
        return _error(404, "Not Found")

    def fail_flood(self, retry_after: int = 3) -> None:
        """Next sendMessage: 429 with parameters.retry_after, as flood control answers."""
        self.script(
            _error(
                429,
                f"Too Many Requests: retry after {retry_after}",
                parameters={"retry_after": retry_after},
            )
        )

    def fail_blocked(self) -> None:
        """Next sendMessage: 403, the user blocked the bot."""
        self.script(_error(403, "Forbidden: bot was blocked by the user"))

    def fail_chat_not_found(self) -> None:
        """Next sendMessage: 400, no such chat."""
        self.script(_error(400, "Bad Request: chat not found"))

    def fail_server_error(self) -> None:
        """Next sendMessage: 502 from Telegram's front end."""
        self.script(_error(502, "Bad Gateway"))

    def _send_message(self, form: dict[str, str]) -> Reply:
        """The sent Message object."""
        if not form.get("chat_id") or not form.get("text"):
            return _error(400, "Bad Request: message text is empty")
        result: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(form["chat_id"]), "type": "private"},
            "from": self.bot_user,
            "text": form["text"],
        }
        if "reply_markup" in form:
            result["reply_markup"] = json.loads(form["reply_markup"])
        return Reply(200, {"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> Reply:
    """The Bot API's error document."""
    payload: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        payload["parameters"] = parameters
    return Reply(status, payload)
