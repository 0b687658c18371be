"""What the Python stand-ins (property_sim.py, llm_sim.py) share: rules a
test scripts for the next answers, the requests seen, a JSON handler and
serving on 127.0.0.1 with the port printed first. Standard library only."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RuleBook:
    """Scripted rules, taken in order while they have uses ("times", 1 by
    default, -1 forever), and every request seen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.rules = []
        self.requests = []

    def take_rule(self):
        with self.lock:
            for rule in self.rules:
                if rule.get("times", 1) == 0:
                    continue
                if rule.get("times", 1) > 0:
                    rule["times"] = rule.get("times", 1) - 1
                return dict(rule)
        return None


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    @property
    def state(self):
        return self.server.state

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, data, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout under test)

    def answer_json(self, status, payload, headers=None):
        self.answer(status, json.dumps(payload).encode("utf-8"), headers)

    def control_get(self, path):
        """GET /_sim/requests; False for another path."""
        if path != "/_sim/requests":
            return False
        with self.state.lock:
            self.answer_json(200, list(self.state.requests))
        return True

    def control_post(self, path, body):
        """POST /_sim/script, /_sim/reset, or what `extra_control` takes;
        404 for another path."""
        with self.state.lock:
            if path == "/_sim/script":
                self.state.rules.append(body)
            elif path == "/_sim/reset":
                self.state.reset()
            elif not self.extra_control(path, body):
                return self.answer_json(404, {"error": "no such path"})
        self.answer_json(200, {"ok": True})

    def extra_control(self, path, body):
        return False


def serve(handler, state, port):
    """Serves `handler` with `state` until interrupted; prints "PORT <n>"."""
    # A real service takes a burst of connections; Python's default listen
    # backlog of 5 would drop them and turn a burst into timeouts.
    ThreadingHTTPServer.request_queue_size = 512
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.state = state
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
