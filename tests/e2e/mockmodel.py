#!/usr/bin/env python3
"""Scripted mock model server for driving real agent CLIs offline.

One threaded HTTP/1.1 server (stdlib only) speaks the three wire protocols the
agent CLIs use:

* Anthropic Messages  -- ``POST /v1/messages`` (``?beta=true`` too), ``HEAD /``,
  ``POST /v1/messages/count_tokens``. Claude Code, and Copilot CLI in its
  ``anthropic`` provider mode.
* OpenAI Responses    -- ``POST /v1/responses``. Codex.
* Gemini              -- ``POST /v1beta/models/M:streamGenerateContent?alt=sse``,
  ``:generateContent``, ``:countTokens``. Gemini CLI.

Every reply carries a Content-Length (SSE included; the whole event stream is
built first), so keep-alive clients never wait for a close.

Script (JSON file, or a list passed to :class:`MockModel`)::

    {"cwd": "/abs/project",            # optional: relative paths -> absolute
     "steps": [
       {"tool": "write", "path": "foo.txt", "content": "x\\n"},
       {"tool": "shell", "command": "echo x > bar.txt"},
       {"text": "done"}
     ]}

A bare list is accepted as ``steps``. Vendor-neutral steps are mapped to each
CLI's own tool, chosen from the tools the request offers:

=========  ==========================  ================================
step       tool picked (first offered)  input
=========  ==========================  ================================
write      Write (Claude)               file_path (absolute), content
           create (Copilot)             path (absolute), file_text
           apply_patch (Codex)          ``*** Add File:`` patch
           write_file (Gemini)          file_path, content
shell      Bash / bash                  command (+ description for Copilot)
           exec_command / shell (Codex) cmd / command
           run_shell_command (Gemini)   command
call       ``{"tool":"call","name":N,"input":{...}}`` sent as is
=========  ==========================  ================================

Stateless: the step played is the number of tool results already in the
request's conversation. When the script is exhausted, or the request offers no
tools (title generation, quota probes, ...), the answer is plain text
``"done"``. Gemini JSON side requests (``responseMimeType:
application/json``, e.g. the next-speaker check) get ``{"next_speaker":
"user", ...}``.

Every request is appended as one JSON line to the log file: method, path,
protocol, the parsed body, the step played and the reply kind. Secrets in
headers / query strings are not logged.

Command line::

    python3 mockmodel.py --script S.json --log L.jsonl [--port-file F]
                         [--port 0] [--max-lifetime 900] [--idle-timeout 300]

prints ``PORT <n>`` on stdout once listening (and writes ``<n>`` to
``--port-file``). Env fallbacks: ``MOCKMODEL_SCRIPT``, ``MOCKMODEL_LOG``,
``MOCKMODEL_PORT_FILE``. The server stops by itself after ``--max-lifetime``
seconds, or ``--idle-timeout`` seconds without a request.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DONE_TEXT = "done"
_SECRET_HEADER = re.compile(r"auth|key|token|cookie|secret", re.I)


# --------------------------------------------------------------------------
# script handling


def load_script(src) -> dict:
    """Normalise a script (path, JSON text, list or dict) to {"cwd", "steps"}."""
    if src is None:
        return {"cwd": None, "steps": []}
    if isinstance(src, (str, os.PathLike)):
        s = str(src)
        if s.lstrip().startswith(("{", "[")):
            data = json.loads(s)
        else:
            with open(s, encoding="utf-8") as fh:
                data = json.load(fh)
    else:
        data = src
    if isinstance(data, list):
        data = {"steps": data}
    return {"cwd": data.get("cwd"), "steps": list(data.get("steps", []))}


def _abs(path: str, cwd: str | None) -> str:
    if cwd and not os.path.isabs(path):
        return os.path.join(cwd, path)
    return path


def _rel(path: str, cwd: str | None) -> str:
    if cwd and os.path.isabs(path):
        try:
            return os.path.relpath(path, cwd)
        except ValueError:
            return path
    return path


# --------------------------------------------------------------------------
# per-protocol helpers


def _anthropic_tool_names(body: dict) -> list[str]:
    return [t.get("name", "") for t in body.get("tools") or [] if isinstance(t, dict)]


def _responses_tool_names(body: dict) -> list[str]:
    names = []
    for t in body.get("tools") or []:
        if isinstance(t, dict):
            names.append(t.get("name") or t.get("type") or "")
    return names


def _gemini_tool_names(body: dict) -> list[str]:
    names = []
    for t in body.get("tools") or []:
        for fd in (t or {}).get("functionDeclarations") or []:
            names.append(fd.get("name", ""))
    return names


def count_tool_results(protocol: str, body: dict) -> int:
    n = 0
    if protocol == "anthropic":
        for m in body.get("messages") or []:
            c = m.get("content")
            if isinstance(c, list):
                n += sum(1 for b in c if isinstance(b, dict) and b.get("type") == "tool_result")
    elif protocol == "responses":
        inp = body.get("input")
        if isinstance(inp, list):
            n += sum(
                1
                for it in inp
                if isinstance(it, dict)
                and it.get("type") in ("function_call_output", "custom_tool_call_output",
                                       "local_shell_call_output", "mcp_tool_call_output")
            )
    elif protocol == "gemini":
        for c in body.get("contents") or []:
            for p in c.get("parts") or []:
                if isinstance(p, dict) and "functionResponse" in p:
                    n += 1
    return n


def map_step(step: dict, offered: list[str], cwd: str | None):
    """Return (tool_name, input_dict_or_patch_str, kind) or None for text.

    kind: "json" (arguments object) or "custom" (freeform string, Codex
    apply_patch)."""
    tool = step.get("tool")
    if tool is None:
        return None
    have = set(offered)
    if tool == "call":
        name = step["name"]
        inp = step.get("input", {})
        return name, inp, ("custom" if isinstance(inp, str) else "json")
    if tool == "write":
        path, content = step["path"], step.get("content", "")
        if "Write" in have:  # Claude Code
            return "Write", {"file_path": _abs(path, cwd), "content": content}, "json"
        if "create" in have:  # Copilot CLI
            return "create", {"path": _abs(path, cwd), "file_text": content}, "json"
        if "apply_patch" in have:  # Codex
            lines = content.splitlines() or [""]
            patch = "*** Begin Patch\n*** Add File: %s\n%s\n*** End Patch\n" % (
                _rel(path, cwd), "\n".join("+" + ln for ln in lines))
            return "apply_patch", patch, "custom"
        if "write_file" in have:  # Gemini CLI
            return "write_file", {"file_path": _abs(path, cwd), "content": content}, "json"
        raise KeyError("no write tool offered among %r" % sorted(have))
    if tool == "shell":
        cmd = step["command"]
        desc = step.get("description", "run a shell command")
        if "Bash" in have:
            return "Bash", {"command": cmd, "description": desc}, "json"
        if "bash" in have:  # Copilot
            return "bash", {"command": cmd, "description": desc}, "json"
        if "exec_command" in have:  # Codex unified exec
            return "exec_command", {"cmd": cmd}, "json"
        if "shell_command" in have:
            return "shell_command", {"command": cmd}, "json"
        if "shell" in have:
            return "shell", {"command": ["bash", "-lc", cmd]}, "json"
        if "run_shell_command" in have:  # Gemini
            return "run_shell_command", {"command": cmd, "description": desc}, "json"
        raise KeyError("no shell tool offered among %r" % sorted(have))
    raise ValueError("unknown step tool %r" % tool)


def _sse(events: list[tuple[str | None, dict]], crlf: bool = False) -> bytes:
    nl = "\r\n" if crlf else "\n"
    out = []
    for name, data in events:
        if name:
            out.append("event: %s%s" % (name, nl))
        out.append("data: %s%s%s" % (json.dumps(data, separators=(",", ":")), nl, nl))
    return "".join(out).encode()


# ---- Anthropic Messages


def anthropic_reply(body: dict, action) -> tuple[bytes, str]:
    model = body.get("model", "claude-mock")
    mid = "msg_mock_%d" % next(_ids)
    usage = {"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 0,
             "cache_read_input_tokens": 0}
    if action["kind"] == "text":
        block = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": action["text"]}
        stop = "end_turn"
        full_block = {"type": "text", "text": action["text"]}
    else:
        block = {"type": "tool_use", "id": action["id"], "name": action["name"], "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(action["input"])}
        stop = "tool_use"
        full_block = {"type": "tool_use", "id": action["id"], "name": action["name"],
                      "input": action["input"]}
    if not body.get("stream"):
        msg = {"id": mid, "type": "message", "role": "assistant", "model": model,
               "content": [full_block], "stop_reason": stop, "stop_sequence": None,
               "usage": usage}
        return json.dumps(msg).encode(), "application/json"
    events = [
        ("message_start", {"type": "message_start", "message": {
            "id": mid, "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": usage}}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": block}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta",
                           "delta": {"stop_reason": stop, "stop_sequence": None},
                           "usage": {"output_tokens": 5}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return _sse(events), "text/event-stream"


# ---- OpenAI Responses


def responses_reply(body: dict, action) -> tuple[bytes, str]:
    model = body.get("model", "gpt-mock")
    rid = "resp_mock_%d" % next(_ids)
    if action["kind"] == "text":
        item = {"type": "message", "id": "msg_mock_%d" % next(_ids), "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": action["text"], "annotations": []}]}
    elif action["format"] == "custom":
        item = {"type": "custom_tool_call", "id": "ctc_mock_%d" % next(_ids),
                "call_id": action["id"], "name": action["name"], "input": action["input"],
                "status": "completed"}
    else:
        item = {"type": "function_call", "id": "fc_mock_%d" % next(_ids),
                "call_id": action["id"], "name": action["name"],
                "arguments": json.dumps(action["input"]), "status": "completed"}
    created = int(time.time())
    base = {"id": rid, "object": "response", "created_at": created, "model": model,
            "output": [], "status": "in_progress"}
    usage = {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
             "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
             "total_tokens": 15}
    done = dict(base, status="completed", output=[item], usage=usage)
    if body.get("stream") is False:
        return json.dumps(done).encode(), "application/json"
    events = [
        ("response.created", {"type": "response.created", "sequence_number": 0,
                              "response": base}),
        ("response.output_item.added", {"type": "response.output_item.added",
                                        "sequence_number": 1, "output_index": 0,
                                        "item": item}),
        ("response.output_item.done", {"type": "response.output_item.done",
                                       "sequence_number": 2, "output_index": 0,
                                       "item": item}),
        ("response.completed", {"type": "response.completed", "sequence_number": 3,
                                "response": done}),
    ]
    return _sse(events), "text/event-stream"


# ---- Gemini


def gemini_reply(body: dict, action, model: str, stream: bool) -> tuple[bytes, str]:
    if action["kind"] == "text":
        part = {"text": action["text"]}
    elif action["kind"] == "json":
        part = {"text": action["text"]}
    else:
        part = {"functionCall": {"name": action["name"], "args": action["input"],
                                 "id": action["id"]}}
    chunk = {"candidates": [{"content": {"role": "model", "parts": [part]},
                             "finishReason": "STOP", "index": 0}],
             "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5,
                               "totalTokenCount": 15},
             "modelVersion": model}
    if stream:
        return _sse([(None, chunk)], crlf=True), "text/event-stream"
    return json.dumps(chunk).encode(), "application/json"


def _gemini_json_answer(body: dict) -> str | None:
    gc = body.get("generationConfig") or {}
    if gc.get("responseMimeType") != "application/json":
        return None
    schema = gc.get("responseJsonSchema") or gc.get("responseSchema") or {}
    props = (schema or {}).get("properties") or {}
    ans = {}
    for k, v in props.items():
        if k == "next_speaker":
            ans[k] = "user"
        elif k in ("model_choice",):
            ans[k] = "flash"
        else:
            t = (v or {}).get("type", "string")
            t = t.lower() if isinstance(t, str) else "string"
            ans[k] = {"string": "mock", "boolean": False, "number": 0, "integer": 0,
                      "array": [], "object": {}}.get(t, "mock")
    return json.dumps(ans)


_ids = itertools.count(1)


# --------------------------------------------------------------------------
# server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mockmodel/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # -- plumbing
    def _send(self, code: int, payload: bytes, ctype: str = "application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        if ctype == "text/event-stream":
            self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    def _read_body(self) -> tuple[bytes, object]:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip" and raw:
            import gzip
            raw = gzip.decompress(raw)
        elif self.headers.get("Content-Encoding", "").lower() == "zstd" and raw:
            pass  # not decodable with stdlib; logged raw
        try:
            return raw, (json.loads(raw) if raw else None)
        except (ValueError, UnicodeDecodeError):
            return raw, None

    def _log(self, rec: dict):
        self.server.mock._log(rec)

    # -- verbs
    def do_HEAD(self):
        self.server.mock._touch()
        self._log({"method": "HEAD", "path": self._clean_path()})
        self._send(200, b"", "text/plain")

    def do_GET(self):
        self.server.mock._touch()
        path = self._clean_path()
        self._log({"method": "GET", "path": path})
        u = urllib.parse.urlsplit(self.path).path
        if u.rstrip("/").endswith("/models"):
            self._send(200, json.dumps({"object": "list", "data": [], "models": []}).encode())
        elif u == "/" or u == "":
            self._send(200, b"ok", "text/plain")
        else:
            self._send(404, json.dumps({"error": {"message": "not found"}}).encode())

    def do_POST(self):
        mock = self.server.mock
        mock._touch()
        raw, body = self._read_body()
        path = self._clean_path()
        u = urllib.parse.urlsplit(self.path).path
        rec = {"method": "POST", "path": path}
        try:
            if u.endswith("/count_tokens") or u.endswith(":countTokens"):
                rec["protocol"] = "count_tokens"
                rec["body"] = body
                self._log(rec)
                return self._send(200, json.dumps({"input_tokens": 10,
                                                   "totalTokens": 10}).encode())
            if u.endswith("/messages"):
                proto, offered = "anthropic", _anthropic_tool_names(body or {})
            elif u.endswith("/responses"):
                proto, offered = "responses", _responses_tool_names(body or {})
            elif ":streamGenerateContent" in u or ":generateContent" in u:
                proto, offered = "gemini", _gemini_tool_names(body or {})
            else:
                rec["body"] = body if body is not None else raw.decode("utf-8", "replace")
                self._log(rec)
                return self._send(404, json.dumps({"error": {"message": "not found"}}).encode())
            body = body or {}
            rec.update(protocol=proto, tools=offered, body=body)
            n = count_tool_results(proto, body)
            rec["tool_results"] = n
            action = mock._action(proto, body, offered, n)
            rec["reply"] = {k: v for k, v in action.items() if k != "id"}
            self._log(rec)
            if proto == "anthropic":
                payload, ctype = anthropic_reply(body, action)
            elif proto == "responses":
                payload, ctype = responses_reply(body, action)
            else:
                m = re.search(r"/models/([^:/]+):", u)
                payload, ctype = gemini_reply(body, action, m.group(1) if m else "gemini",
                                              ":streamGenerateContent" in u)
            self._send(200, payload, ctype)
        except Exception as exc:  # report, never hang the client
            rec["error"] = "%s: %s" % (type(exc).__name__, exc)
            self._log(rec)
            self._send(500, json.dumps({"error": {"message": rec["error"]}}).encode())

    def _clean_path(self) -> str:
        sp = urllib.parse.urlsplit(self.path)
        q = [(k, ("REDACTED" if _SECRET_HEADER.search(k) else v))
             for k, v in urllib.parse.parse_qsl(sp.query, keep_blank_values=True)]
        return sp.path + ("?" + urllib.parse.urlencode(q) if q else "")


class MockModel:
    """In-process handle. Use as a context manager::

        with MockModel(steps, log_path) as m:
            ... m.port ...; m.requests()
    """

    def __init__(self, script=None, log_path: str | None = None, port: int = 0,
                 max_lifetime: float = 900.0, idle_timeout: float = 300.0):
        self.script = load_script(script)
        self.log_path = log_path
        self._lock = threading.Lock()
        self._records: list[dict] = []
        self._last = time.monotonic()
        self._started = time.monotonic()
        self.max_lifetime = max_lifetime
        self.idle_timeout = idle_timeout
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.mock = self
        self.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self._watch: threading.Thread | None = None
        self._stop = threading.Event()

    # -- behaviour
    def _action(self, proto: str, body: dict, offered: list[str], n: int) -> dict:
        if proto == "gemini":
            js = _gemini_json_answer(body)
            if js is not None and not offered:
                return {"kind": "json", "text": js}
        steps = self.script["steps"]
        if not offered or n >= len(steps):
            return {"kind": "text", "text": DONE_TEXT, "step": n}
        step = steps[n]
        if "text" in step and "tool" not in step:
            return {"kind": "text", "text": step["text"], "step": n}
        name, inp, fmt = map_step(step, offered, self.script.get("cwd"))
        return {"kind": "tool", "name": name, "input": inp, "format": fmt,
                "id": "call_mock_%d_%d" % (n, next(_ids)), "step": n}

    def _touch(self):
        self._last = time.monotonic()

    def _log(self, rec: dict):
        rec = dict(rec, ts=round(time.time(), 3))
        with self._lock:
            self._records.append(rec)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(rec) + "\n")

    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._records)

    # -- lifecycle
    def start(self) -> "MockModel":
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        self._watch = threading.Thread(target=self._watchdog, daemon=True)
        self._watch.start()
        return self

    def _watchdog(self):
        while not self._stop.wait(0.5):
            now = time.monotonic()
            if now - self._started > self.max_lifetime or now - self._last > self.idle_timeout:
                self.httpd.shutdown()
                self._stop.set()

    def wait(self):
        while self._thread and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self):
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self.httpd.shutdown()  # returns once serve_forever has left
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--script", default=os.environ.get("MOCKMODEL_SCRIPT"))
    ap.add_argument("--log", default=os.environ.get("MOCKMODEL_LOG"))
    ap.add_argument("--port-file", default=os.environ.get("MOCKMODEL_PORT_FILE"))
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--max-lifetime", type=float, default=900.0)
    ap.add_argument("--idle-timeout", type=float, default=300.0)
    a = ap.parse_args(argv)
    m = MockModel(a.script, a.log, a.port, a.max_lifetime, a.idle_timeout)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(str(m.port))
        os.replace(tmp, a.port_file)
    print("PORT %d" % m.port, flush=True)
    m.start()
    try:
        m.wait()
    except KeyboardInterrupt:
        pass
    m.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
