#!/usr/bin/python3
"""A stand-in for Twilio's Messages API, and a generic webhook receiver, on
127.0.0.1 for delivery tests. Standard library only.

Prints "PORT <n>" as its first line on stdout once it listens.

Twilio's shape:
  POST /2010-04-01/Accounts/{sid}/Messages.json   form-encoded To, From or
      MessagingServiceSid, Body; HTTP basic auth sid:token.
      401 {"code": 20003} for wrong credentials, 404 {"code": 20404} for
      another account's path, 400 {"code": 21604} without To, 21602 without
      Body, 21603 without From/MessagingServiceSid; else 201 with a
      Message resource (sid "SM" + 32 hex, status "queued", or "accepted"
      through a messaging service).

Webhook receiver:
  POST /hook/...   recorded with its headers and body, answered 200
      {"ok": true}.

Test controls:
  GET  /_sim/messages   every accepted message (to, from, body,
                        messaging_service_sid, received_at, sid, raw form)
  GET  /_sim/hooks      every webhook request (path, headers, body,
                        received_at, status answered)
  GET  /_sim/requests   every Messages.json request, accepted or not: its
                        path, form, content_type, auth_user (the basic auth
                        user, never the password) and the status answered
  POST /_sim/script     {"to": "+1…" (optional), "path": "/hook/…" (optional:
                        a webhook rule), "status": 400, "code": 21211,
                        "message": "…", "times": 1 (-1: forever),
                        "retry_after": S, "delay_ms": N, "body": {…}
                        (optional: the JSON answered instead of Twilio's
                        error shape)}: the next matching requests get this
                        answer, rules in the order given
  POST /_sim/reset      forgets messages, hooks, requests and rules
"""
import argparse
import base64
import email.utils
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def segments(body):
    """How many SMS segments Twilio would bill `body` as."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in body):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return (units + multi - 1) // multi


class State:
    def __init__(self, account_sid, auth_token):
        self.lock = threading.Lock()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.reset()

    def reset(self):
        self.messages = []
        self.hooks = []
        self.requests = []
        self.rules = []

    def take_rule(self, path, to):
        """The first scripted rule for this request, consumed; or None."""
        for rule in self.rules:
            rule_path = rule.get("path")
            if rule_path is not None and rule_path != path:
                continue
            if rule_path is None and path.startswith("/hook/"):
                continue
            if "to" in rule and rule["to"] != to:
                continue
            times = rule.get("times", 1)
            if times > 0:
                rule["times"] = times - 1
                if rule["times"] == 0:
                    self.rules.remove(rule)
            return dict(rule)
        return None


def now_rfc2822():
    return email.utils.formatdate(usegmt=True)


def default_code(status):
    """Twilio's code for a scripted status that names none."""
    return {400: 21211, 401: 20003, 404: 20404, 429: 20429}.get(
        status, 20500 if status >= 500 else 20001)


def twilio_error(status, code, message):
    return {
        "code": code,
        "message": message,
        "more_info": "https://www.twilio.com/docs/errors/%d" % code,
        "status": status,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "twilio-sim"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    @property
    def state(self):
        return self.server.state

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, payload, headers=None):
        # 1xx, 204 and 304 answers have no body (RFC 9110); writing one
        # would be read as the start of the next answer.
        bodiless = status < 200 or status in (204, 304)
        data = b"" if bodiless else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        if not bodiless:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def hold(self, rule):
        """Waits out a scripted rule's delay_ms. Callers hold, then record the
        request, then answer: a caller holding its answer always finds its
        request recorded."""
        if rule is not None and rule.get("delay_ms"):
            time.sleep(rule["delay_ms"] / 1000.0)

    def answer_rule(self, rule, default_payload):
        headers = {}
        if rule.get("retry_after") is not None:
            headers["Retry-After"] = str(rule["retry_after"])
        status = rule.get("status", 500)
        payload = rule["body"] if "body" in rule else default_payload(rule, status)
        self.answer(status, payload, headers)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        with self.state.lock:
            if path == "/_sim/messages":
                payload = list(self.state.messages)
            elif path == "/_sim/hooks":
                payload = list(self.state.hooks)
            elif path == "/_sim/requests":
                payload = list(self.state.requests)
            else:
                payload = None
        if payload is None:
            self.answer(404, {"error": "not found"})
        else:
            self.answer(200, payload)

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.read_body()
        if path == "/_sim/script":
            rule = json.loads(body or b"{}")
            with self.state.lock:
                self.state.rules.append(rule)
            self.answer(200, {"ok": True})
        elif path == "/_sim/reset":
            with self.state.lock:
                self.state.reset()
            self.answer(200, {"ok": True})
        elif path.startswith("/hook/"):
            self.hook(path, body)
        elif path.startswith("/2010-04-01/Accounts/") and path.endswith("/Messages.json"):
            self.message(path, body)
        else:
            self.answer(404, twilio_error(404, 20404, "The requested resource %s was not found" % path))

    def hook(self, path, body):
        with self.state.lock:
            rule = self.state.take_rule(path, None)
        record = {
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "received_at": time.time(),
        }
        self.hold(rule)
        record["status"] = 200 if rule is None else rule.get("status", 500)
        with self.state.lock:
            self.state.hooks.append(record)
        if rule is None:
            self.answer(200, {"ok": True})
        else:
            self.answer_rule(
                rule, lambda r, s: {"ok": False, "error": r.get("message", "scripted failure")})

    def credentials(self):
        """(user, password) from basic auth, or None."""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        user, _, password = decoded.partition(":")
        return user, password

    def message(self, path, body):
        sid = path[len("/2010-04-01/Accounts/"):-len("/Messages.json")]
        # Twilio reads only a form; anything else (JSON, raw UTF-8 that was
        # not percent-encoded) leaves every parameter missing.
        form = {}
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            try:
                form = urllib.parse.parse_qs(body.decode("ascii"), keep_blank_values=True,
                                             encoding="utf-8", errors="strict")
            except (UnicodeDecodeError, ValueError):
                form = {}
        fields = {k: v[0] for k, v in form.items()}
        to = fields.get("To", "")
        credentials = self.credentials()
        request = {"path": path, "form": fields, "received_at": time.time(),
                   "content_type": self.headers.get("Content-Type", ""),
                   "auth_user": credentials[0] if credentials else None}

        def finish(status, payload, headers=None):
            request["status"] = status
            with self.state.lock:
                self.state.requests.append(request)
            self.answer(status, payload, headers)

        if credentials != (self.state.account_sid, self.state.auth_token):
            return finish(401, twilio_error(401, 20003, "Authenticate"))
        if sid != self.state.account_sid:
            return finish(404, twilio_error(
                404, 20404, "The requested resource %s was not found" % path))
        with self.state.lock:
            rule = self.state.take_rule(path, to)
        if rule is not None:
            self.hold(rule)
            request["status"] = rule.get("status", 500)
            request["code"] = rule.get("code")
            with self.state.lock:
                self.state.requests.append(request)
            self.answer_rule(rule, lambda r, s: twilio_error(
                s, r.get("code", default_code(s)), r.get("message", "scripted failure")))
            return
        if not to:
            return finish(400, twilio_error(400, 21604, "A 'To' phone number is required."))
        if not fields.get("From") and not fields.get("MessagingServiceSid"):
            return finish(400, twilio_error(400, 21603, "A 'From' phone number is required."))
        if not fields.get("Body"):
            return finish(400, twilio_error(400, 21602, "Message body is required."))

        message_sid = "SM" + secrets.token_hex(16)
        service = fields.get("MessagingServiceSid")
        created = now_rfc2822()
        text = fields["Body"]
        resource = {
            "account_sid": sid,
            "api_version": "2010-04-01",
            "body": text,
            "date_created": created,
            "date_sent": None,
            "date_updated": created,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": fields.get("From"),
            "messaging_service_sid": service,
            "num_media": "0",
            "num_segments": "0" if service else str(segments(text)),
            "price": None,
            "price_unit": "USD",
            "sid": message_sid,
            "status": "accepted" if service else "queued",
            "subresource_uris": {
                "media": "/2010-04-01/Accounts/%s/Messages/%s/Media.json" % (sid, message_sid)},
            "to": to,
            "uri": "/2010-04-01/Accounts/%s/Messages/%s.json" % (sid, message_sid),
        }
        with self.state.lock:
            self.state.messages.append({
                "sid": message_sid,
                "to": to,
                "from": fields.get("From"),
                "messaging_service_sid": service,
                "body": text,
                "received_at": time.time(),
                "form": fields,
            })
        finish(201, resource)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--auth-token", default="sim-auth-token")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.account_sid, args.auth_token)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
