"""A local OpenAI-compatible chat-completions server for tests: scripted answers and faults over real HTTP.

Each scripted step is a dict: ``{"review": {...}}`` (a JSON answer), ``{"content": "raw text"}``,
``{"status": 429|500, "headers": {...}}``, ``{"choices": [...]}`` (the answer's ``choices`` as given, e.g. empty), or
``{"delay": seconds, ...}`` (answer after sleeping). When the script
runs out, the last step repeats. ``requests`` records every request body received.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StubServer:
    def __init__(self, script: list[dict[str, Any]]) -> None:
        self.script = list(script)
        self.stopping = False
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append(body)
                stub.headers.append(dict(self.headers))
                step = stub.script[min(len(stub.requests) - 1, len(stub.script) - 1)]
                if step.get("delay"):
                    time.sleep(step["delay"])
                status = step.get("status", 200)
                if status != 200:
                    payload = json.dumps({"error": {"message": f"stub error {status}", "type": "stub"}}).encode()
                    self.send_response(status)
                    for k, v in step.get("headers", {}).items():
                        self.send_header(k, v)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                content = (
                    step["content"] if "content" in step else json.dumps(step.get("review", {}), ensure_ascii=False)
                )
                answer = {
                    "id": "chatcmpl-stub",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "stub"),
                    "choices": step["choices"]
                    if "choices" in step
                    else [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
                payload = json.dumps(answer, ensure_ascii=False).encode()
                try:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    if step.get("trickle"):
                        for i in range(len(payload)):
                            if stub.stopping:
                                return
                            self.wfile.write(payload[i : i + 1])
                            self.wfile.flush()
                            time.sleep(step["trickle"])
                    else:
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def use_tls(self, certfile: str, keyfile: str) -> None:
        """Serve HTTPS with the given (e.g. self-signed) certificate."""
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https"

    scheme = "http"

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{self.scheme}://{host}:{port}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stopping = True
        self.server.shutdown()
        self.server.server_close()
