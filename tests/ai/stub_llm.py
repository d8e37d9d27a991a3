"""A local OpenAI-compatible server that replays scripted answers, so crews run offline over real HTTP.

Start it with `StubLLM()` as a context manager; script it with `answer_json`, `answer_text`, `fail`
and `delay`; read what it received from `requests`. It serves `POST /v1/chat/completions` (the only
endpoint crewai's native OpenAI provider calls for a crew) and answers anything else with 404.
Once the script is used up the last step repeats, so an agent loop that asks again gets the same answer.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROMPT_TOKENS = 120
COMPLETION_TOKENS = 45


@dataclass
class Step:
    status: int = 200
    content: str = ""
    delay: float = 0.0
    tool_call: tuple[str, dict[str, Any]] | None = None


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class StubLLM:
    steps: list[Step] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # Scripting -------------------------------------------------------------------------------------
    def answer_json(self, payload: object) -> StubLLM:
        return self.answer_text(json.dumps(payload))

    def answer_text(self, content: str) -> StubLLM:
        self.steps.append(Step(content=content))
        return self

    def call_tool(self, name: str, arguments: dict[str, Any]) -> StubLLM:
        """Answer with a function call, as a model does when it wants one of the agent's tools."""
        self.steps.append(Step(tool_call=(name, arguments)))
        return self

    def fail(self, status: int = 500) -> StubLLM:
        self.steps.append(Step(status=status, content='{"error": {"message": "scripted failure"}}'))
        return self

    def delay(self, seconds: float, content: str = "{}") -> StubLLM:
        self.steps.append(Step(content=content, delay=seconds))
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def completions(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # Serving ---------------------------------------------------------------------------------------
    def _next_step(self) -> Step:
        with self._lock:
            used = len(self.completions)
            if not self.steps:
                return Step(status=500, content='{"error": {"message": "the stub has no script"}}')
            return self.steps[min(used - 1, len(self.steps) - 1)]

    def _record(self, handler: BaseHTTPRequestHandler) -> Recorded:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {"_raw": raw.decode(errors="replace")}
        recorded = Recorded(handler.command, handler.path, dict(handler.headers.items()), body)
        with self._lock:
            self.requests.append(recorded)
        return recorded

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def do_POST(self) -> None:
                recorded = stub._record(self)
                if not self.path.endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not served by the stub"}}')
                    return
                step = stub._next_step()
                if step.delay:
                    time.sleep(step.delay)
                if step.status != 200:
                    self._send(step.status, step.content.encode())
                    return
                self._send(200, json.dumps(completion(recorded.body, step)).encode())

            def do_GET(self) -> None:
                stub._record(self)
                self._send(404, b'{"error": {"message": "not served by the stub"}}')

        return Handler

    def __enter__(self) -> StubLLM:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def completion(request: dict[str, Any], step: Step) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.content}
    finish_reason = "stop"
    if step.tool_call is not None:
        name, arguments = step.tool_call
        function = {"name": name, "arguments": json.dumps(arguments)}
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": function}],
        }
        finish_reason = "tool_calls"
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": COMPLETION_TOKENS,
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
        },
    }
