#!/usr/bin/python3
"""A stand-in for an OpenAI-compatible chat/completions server on 127.0.0.1,
for language-model tests. Standard library only.

Prints "PORT <n>" as its first line on stdout once it listens.

  POST /v1/chat/completions   answers by the first scripted rule that still
      has uses; with none, a valid reading of GENERAL_INQUIRY quoting the
      first word of the lead's message. Every request must carry
      "Authorization: Bearer <--api-key>", else 401.

Test controls:
  POST /_sim/script  {"status": 200, "times": 1 (-1: forever),
                      "retry_after": S, "delay_ms": N,
                      "content": "message content as is" | "reading": {…},
                      "finish_reason": "stop", "refusal": "…",
                      "body": {…whole answer…} | "raw": "text"}
  GET  /_sim/requests every request: body (parsed), auth_ok, status, at
  POST /_sim/reset    forgets rules and requests
"""
import argparse
import json
import time
import urllib.parse

from scripted_sim import JsonHandler, RuleBook, serve


class State(RuleBook):
    def __init__(self, api_key):
        super().__init__()
        self.api_key = api_key


def lead_message(body):
    try:
        return json.loads(body["messages"][1]["content"])["lead_message"]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""


def completion(content, finish_reason="stop", refusal=None):
    message = {"role": "assistant", "content": content}
    if refusal is not None:
        message = {"role": "assistant", "content": None, "refusal": refusal}
    return {"id": "chatcmpl-sim", "object": "chat.completion",
            "model": "sim",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 300, "completion_tokens": 40,
                      "total_tokens": 340}}


class Handler(JsonHandler):
    server_version = "llm-sim"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if not self.control_get(url.path):
            self.answer_json(404, {"error": "no such path"})

    def chat(self, raw):
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        auth_ok = (self.headers.get("Authorization") ==
                   "Bearer " + self.state.api_key)
        entry = {"body": body, "auth_ok": auth_ok, "at": time.monotonic()}
        with self.state.lock:
            self.state.requests.append(entry)
        if not auth_ok:
            entry["status"] = 401
            return self.answer_json(401, {"error": {
                "message": "Incorrect API key provided", "type":
                "invalid_request_error", "code": "invalid_api_key"}})
        rule = self.state.take_rule() or {}
        if rule.get("delay_ms"):
            time.sleep(rule["delay_ms"] / 1000.0)
        headers = {}
        if rule.get("retry_after") is not None:
            headers["Retry-After"] = str(rule["retry_after"])
        status = rule.get("status", 200)
        entry["status"] = status
        if "raw" in rule:
            return self.answer(status, rule["raw"].encode("utf-8"), headers)
        if "body" in rule:
            return self.answer_json(status, rule["body"], headers)
        if status != 200:
            return self.answer_json(status, {"error": {
                "message": "scripted", "type": "server_error"}}, headers)
        if "refusal" in rule:
            return self.answer_json(200, completion(None, "stop",
                                                    rule["refusal"]), headers)
        if "content" in rule:
            content = rule["content"]
        else:
            words = (lead_message(body or {}) or "hello").split()
            reading = rule.get("reading") or {
                "intent": "GENERAL_INQUIRY", "segment": "WARM_BUYER",
                "lead_type": "buyer", "confidence": 0.6,
                "evidence": words[0] if words else "hello"}
            content = json.dumps(reading)
        self.answer_json(200, completion(
            content, rule.get("finish_reason", "stop")), headers)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        raw = self.read_body()
        if url.path == "/v1/chat/completions":
            return self.chat(raw)
        self.control_post(url.path, json.loads(raw or b"{}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-key", default="sk-sim")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    serve(Handler, State(args.api_key), args.port)


if __name__ == "__main__":
    main()
