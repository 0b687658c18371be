#!/usr/bin/python3
"""A stand-in for a property-data and a person-data provider on 127.0.0.1,
for enrichment tests. Standard library only.

Prints "PORT <n>" as its first line on stdout once it listens.

Provider shape (what leadrouter's generic provider is pointed at):
  GET /v1/property?address=…&zip=…&mls=…   the record stored under the mls
      id, else under the address, answered 200 as JSON; 404
      {"error": "not found"} when there is none.
  GET /v1/person?email=…                   the record stored under the
      e-mail, the same way.
  Every provider request must carry "X-Api-Key: <--api-key>", else 401.

Test controls:
  POST /_sim/records   {"<mls id, address or e-mail>": {…answer…}, …}
  POST /_sim/script    {"status": 429, "times": 1 (-1: forever),
                        "retry_after": S, "delay_ms": N,
                        "raw": "text answered as is" | "body": {…}}: the
                        next provider requests get this answer, rules in
                        the order given
  GET  /_sim/requests  every provider request: path, query (decoded),
                       api_key_ok, status answered, at (monotonic seconds)
  POST /_sim/reset     forgets records, rules and requests
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

    def reset(self):
        super().reset()
        self.records = {}


class Handler(JsonHandler):
    server_version = "property-sim"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if self.control_get(url.path):
            return
        if url.path in ("/v1/property", "/v1/person"):
            return self.provider(url)
        self.answer_json(404, {"error": "no such path"})

    def provider(self, url):
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        key_ok = self.headers.get("X-Api-Key") == self.state.api_key
        entry = {"path": url.path, "query": query, "api_key_ok": key_ok,
                 "at": time.monotonic()}
        with self.state.lock:
            self.state.requests.append(entry)
        if not key_ok:
            entry["status"] = 401
            return self.answer_json(401, {"error": "bad api key"})
        rule = self.state.take_rule()
        if rule is not None:
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
                return self.answer_json(status, {"error": "scripted"}, headers)
        if url.path == "/v1/person":
            keys = [query.get("email", "")]
        else:
            keys = [query.get("mls", ""), query.get("address", "")]
        with self.state.lock:
            record = next((self.state.records[k] for k in keys
                           if k and k in self.state.records), None)
        if record is None:
            entry["status"] = 404
            return self.answer_json(404, {"error": "not found"})
        entry["status"] = 200
        self.answer_json(200, record)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        self.control_post(url.path, json.loads(self.read_body() or b"{}"))

    def extra_control(self, path, body):
        if path != "/_sim/records":
            return False
        self.state.records.update(body)
        return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-key", default="sim-property-key")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    serve(Handler, State(args.api_key), args.port)


if __name__ == "__main__":
    main()
