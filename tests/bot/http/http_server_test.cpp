#include "bot/http/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <mutex>
#include <thread>

#include "bot/http/request_gate.h"
#include "tests/support/http_client.h"

namespace leadrouter {
namespace {

using namespace std::chrono_literals;
using test::HttpClient;
using test::RawConnection;

// A server on 127.0.0.1:0 with its loop on a background thread. Routes:
// GET /ok (200), POST /echo (200, echoes the body), POST /later (202 after a
// 50 ms timer), GET /throw (throws), POST /intake (RequestGate, then 201).
class TestServer {
 public:
  explicit TestServer(HttpServerOptions options = {})
      : work_(loop_.get_executor()) {
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(loop_, options);
    server_->Route("GET", "/ok", [](const HttpRequest&, Responder respond) {
      respond(HttpResponse::Json(200, {{"ok", true}}));
    });
    server_->Route("POST", "/echo",
                   [](const HttpRequest& req, Responder respond) {
                     respond(HttpResponse::Json(
                         200, {{"body", req.body}, {"path", req.path}}));
                   });
    server_->Route(
        "POST", "/later", [this](const HttpRequest&, Responder respond) {
          auto timer = std::make_shared<boost::asio::steady_timer>(loop_, 50ms);
          timer->async_wait([timer, respond](const boost::system::error_code&) {
            respond(HttpResponse::Json(202, {{"queued", true}}));
          });
        });
    server_->Route("GET", "/throw", [](const HttpRequest&, Responder) {
      throw std::runtime_error("handler exploded");
    });
    RequestGateOptions gate_options;
    gate_options.bearer_token = "tok";
    gate_options.webhook_secret = "whsec";
    gate_options.rate_burst = 3;
    gate_options.rate_per_second = 0.01;
    gate_ = std::make_unique<RequestGate>(gate_options);
    server_->Route(
        "POST", "/intake", [this](const HttpRequest& req, Responder respond) {
          if (auto refused =
                  gate_->Check(req, std::chrono::system_clock::now())) {
            return respond(std::move(*refused));
          }
          respond(HttpResponse::Json(201, {{"accepted", true}}));
        });
    Status s = server_->Start();
    REQUIRE(s.ok());
    thread_ = std::thread([this] { loop_.run(); });
  }

  ~TestServer() {
    if (thread_.joinable()) {
      OnLoop([this] { server_->Stop(); });
      work_.reset();
      loop_.stop();
      thread_.join();
    }
  }

  // Runs `f` on the loop thread and waits for it.
  template <typename F>
  auto OnLoop(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(loop_, [&task] { task(); });
    return result.get();
  }

  size_t open_connections() {
    return OnLoop([this] { return server_->open_connections(); });
  }
  size_t idle_connections() {
    return OnLoop([this] { return server_->idle_connections(); });
  }
  uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }

 private:
  boost::asio::io_context loop_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<RequestGate> gate_;
  std::thread thread_;
};

nlohmann::json Body(const test::ClientResponse& r) {
  return nlohmann::json::parse(r.body);
}

// Waits up to `limit` for the server to report `n` open connections.
bool WaitForConnections(TestServer& s, size_t n,
                        std::chrono::milliseconds limit = 2s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (s.open_connections() == n) return true;
    std::this_thread::sleep_for(5ms);
  }
  return s.open_connections() == n;
}

// Waits up to `limit` for `n` of the open connections to be idle.
bool WaitForIdle(TestServer& s, size_t n, std::chrono::milliseconds limit = 2s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (s.idle_connections() != n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST_CASE("routes answer with JSON, Content-Length and Server",
          "[http][server]") {
  TestServer s;
  HttpClient c(s.port());
  SECTION("200") {
    auto r = c.Send("GET", "/ok?x=1");
    CHECK(r.status == 200);
    CHECK(Body(r)["ok"] == true);
    CHECK(r.Header("Server") == "leadrouter");
    CHECK(r.Header("Content-Length") == std::to_string(r.body.size()));
    CHECK(r.Header("Content-Type") == "application/json");
  }
  SECTION("202 from a handler that answers after a timer") {
    auto r = c.Send("POST", "/later", {}, "{}");
    CHECK(r.status == 202);
    CHECK(Body(r)["queued"] == true);
    CHECK(c.Send("GET", "/ok").status == 200);
  }
  SECTION("404 for an unknown path") {
    auto r = c.Send("GET", "/nope");
    CHECK(r.status == 404);
    CHECK(Body(r).contains("error"));
  }
  SECTION("405 with Allow for a known path and another method") {
    auto r = c.Send("DELETE", "/echo");
    CHECK(r.status == 405);
    CHECK(r.Header("Allow") == "POST");
  }
  SECTION("500 when a handler throws, and the connection keeps working") {
    auto r = c.Send("GET", "/throw");
    CHECK(r.status == 500);
    CHECK(Body(r).contains("error"));
    CHECK(c.Send("GET", "/ok").status == 200);
    CHECK(c.connections_opened() == 1);
  }
}

TEST_CASE("413 when the body exceeds the limit", "[http][server]") {
  TestServer s;
  SECTION("by Content-Length, without reading the body") {
    RawConnection raw(s.port());
    raw.Write(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n");
    std::string reply = raw.ReadUntilClosed(3s);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(
        reply.find(R"({"error":"body exceeds 65536 bytes","field":"body"})") !=
        std::string::npos);
    CHECK(raw.peer_closed());
  }
  SECTION("by chunked streaming") {
    RawConnection raw(s.port());
    raw.Write(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunk(16 * 1024, 'a');
    std::string framed = "4000\r\n" + chunk + "\r\n";
    for (int i = 0; i < 5; ++i) raw.Write(framed);
    std::string reply = raw.ReadUntilClosed(3s);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(raw.peer_closed());
  }
  SECTION("exactly the limit is fine") {
    HttpClient c(s.port());
    CHECK(c.Send("POST", "/echo", {}, std::string(65536, 'b')).status == 200);
  }
  HttpClient after(s.port());
  CHECK(after.Send("GET", "/ok").status == 200);
}

TEST_CASE("400 for malformed HTTP, then close; the server stays up",
          "[http][server]") {
  TestServer s;
  SECTION("bad start line") {
    std::string reply =
        test::RawExchange(s.port(), "THIS IS NOT HTTP\r\n\r\n", 3s);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  }
  SECTION("bad chunked encoding") {
    std::string reply = test::RawExchange(
        s.port(),
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
        3s);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  }
  SECTION("bad header line") {
    std::string reply = test::RawExchange(
        s.port(), "GET /ok HTTP/1.1\r\nHost x no colon\r\n\r\n", 3s);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  }
  HttpClient c(s.port());
  CHECK(c.Send("GET", "/ok").status == 200);
}

TEST_CASE("intake checks: 401, 415 and 429 over HTTP", "[http][server][gate]") {
  TestServer s;
  HttpClient c(s.port());
  const test::HeaderList json = {{"Content-Type", "application/json"}};
  auto with = [&](test::HeaderList extra) {
    test::HeaderList h = json;
    h.insert(h.end(), extra.begin(), extra.end());
    return h;
  };
  SECTION(
      "401 for missing, wrong bearer, bad signature and a stale timestamp") {
    auto missing = c.Send("POST", "/intake", json, "{}");
    CHECK(missing.status == 401);
    CHECK(missing.Header("WWW-Authenticate") == "Bearer");
    CHECK(c.Send("POST", "/intake", with({{"Authorization", "Bearer nope"}}),
                 "{}")
              .status == 401);
    std::string ts =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
    CHECK(c.Send("POST", "/intake",
                 with({{"X-Leadrouter-Timestamp", ts},
                       {"X-Leadrouter-Signature", SignV0("wrong", ts, "{}")}}),
                 "{}")
              .status == 401);
    std::string stale = std::to_string(std::stoll(ts) - 301);
    CHECK(
        c.Send("POST", "/intake",
               with({{"X-Leadrouter-Timestamp", stale},
                     {"X-Leadrouter-Signature", SignV0("whsec", stale, "{}")}}),
               "{}")
            .status == 401);
    SECTION("good bearer and good signature pass") {
      CHECK(c.Send("POST", "/intake", with({{"Authorization", "Bearer tok"}}),
                   "{}")
                .status == 201);
      CHECK(
          c.Send("POST", "/intake",
                 with({{"X-Leadrouter-Timestamp", ts},
                       {"X-Leadrouter-Signature", SignV0("whsec", ts, "{}")}}),
                 "{}")
              .status == 201);
    }
  }
  SECTION("415 names Content-Type") {
    auto r = c.Send(
        "POST", "/intake",
        {{"Authorization", "Bearer tok"}, {"Content-Type", "text/plain"}},
        "{}");
    CHECK(r.status == 415);
    CHECK(Body(r)["field"] == "Content-Type");
  }
  SECTION("429 with Retry-After after the burst") {
    for (int i = 0; i < 3; ++i) {
      CHECK(c.Send("POST", "/intake", with({{"Authorization", "Bearer tok"}}),
                   "{}")
                .status == 201);
    }
    auto r = c.Send("POST", "/intake", with({{"Authorization", "Bearer tok"}}),
                    "{}");
    CHECK(r.status == 429);
    CHECK(std::stoi(r.Header("Retry-After")) >= 1);
  }
}

TEST_CASE("keep-alive serves many requests over one connection",
          "[http][server]") {
  TestServer s;
  HttpClient c(s.port());
  for (int i = 0; i < 50; ++i) {
    auto r = c.Send("POST", "/echo", {}, std::to_string(i));
    REQUIRE(r.status == 200);
    CHECK(Body(r)["body"] == std::to_string(i));
  }
  CHECK(c.connections_opened() == 1);
  CHECK(s.open_connections() == 1);
  SECTION("HTTP/1.0 closes unless it asks for keep-alive") {
    RawConnection plain(s.port());
    plain.Write("GET /ok HTTP/1.0\r\n\r\n");
    plain.ReadUntilClosed(2s);
    CHECK(plain.peer_closed());
    RawConnection kept(s.port());
    kept.Write("GET /ok HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    std::string reply = kept.ReadUntil("{\"ok\":true}", 2s);
    CHECK(reply.find("200") != std::string::npos);
    CHECK_FALSE(kept.peer_closed());
  }
}

TEST_CASE("pipelined requests are answered in order", "[http][server]") {
  TestServer s;
  RawConnection raw(s.port());
  raw.Write(
      "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: "
      "close\r\n\r\nlast");
  std::string reply = raw.ReadUntilClosed(3s);
  size_t a = reply.find("HTTP/1.1 202");
  size_t b = reply.find("HTTP/1.1 200", a);
  size_t c = reply.find("HTTP/1.1 404", b);
  size_t d = reply.find("HTTP/1.1 200", c);
  REQUIRE(a == 0);
  REQUIRE(b != std::string::npos);
  REQUIRE(c != std::string::npos);
  REQUIRE(d != std::string::npos);
  CHECK(reply.find("first", b) < c);
  CHECK(reply.find("last", d) != std::string::npos);
}

TEST_CASE("slow and idle clients are timed out", "[http][server]") {
  HttpServerOptions options;
  options.header_timeout = 200ms;
  options.body_timeout = 200ms;
  options.idle_timeout = 700ms;
  TestServer s(options);
  SECTION("half a request head, then a stall: 408 and close") {
    RawConnection raw(s.port());
    raw.Write("GET /ok HTTP/1.1\r\nHo");
    auto start = std::chrono::steady_clock::now();
    std::string reply = raw.ReadUntilClosed(3s);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(raw.peer_closed());
    CHECK(reply.rfind("HTTP/1.1 408", 0) == 0);
    CHECK(took >= 150ms);
    CHECK(took < 2s);
  }
  SECTION("a body that never finishes: 408 and close") {
    RawConnection raw(s.port());
    raw.Write(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    std::string reply = raw.ReadUntilClosed(3s);
    CHECK(raw.peer_closed());
    CHECK(reply.rfind("HTTP/1.1 408", 0) == 0);
  }
  SECTION("a connection that never sends: closed silently") {
    RawConnection raw(s.port());
    std::string reply = raw.ReadUntilClosed(3s);
    CHECK(raw.peer_closed());
    CHECK(reply.empty());
  }
  SECTION("idle keep-alive: closed after idle_timeout, not header_timeout") {
    RawConnection raw(s.port());
    raw.Write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.ReadUntil("{\"ok\":true}", 2s);
    raw.ReadUntilClosed(400ms);
    CHECK_FALSE(raw.peer_closed());  // past header_timeout, within idle
    std::string rest = raw.ReadUntilClosed(2s);
    CHECK(raw.peer_closed());
    CHECK(rest.empty());
  }
  CHECK(WaitForConnections(s, 0));
}

TEST_CASE("at the cap, a new connection takes the oldest idle one's place",
          "[http][server][cap]") {
  HttpServerOptions options;
  options.max_connections = 2;
  TestServer s(options);
  RawConnection oldest(s.port());
  REQUIRE(WaitForConnections(s, 1));
  HttpClient kept(s.port());
  CHECK(kept.Send("GET", "/ok").status == 200);
  REQUIRE(WaitForConnections(s, 2));
  REQUIRE(WaitForIdle(s, 2));
  HttpClient newcomer(s.port());
  CHECK(newcomer.Send("GET", "/ok").status == 200);
  oldest.ReadUntilClosed(2s);
  CHECK(oldest.peer_closed());
  CHECK(s.open_connections() == 2);
  // The keep-alive connection that was used more recently is still there.
  CHECK(kept.Send("GET", "/ok").status == 200);
}

TEST_CASE("at the cap with every connection busy, a new one gets a plain 503",
          "[http][server][cap]") {
  HttpServerOptions options;
  options.max_connections = 2;
  TestServer s(options);
  // Two requests whose heads are still arriving: nothing idle to close.
  RawConnection a(s.port()), b(s.port());
  a.Write("GET /ok HTTP/1.1\r\n");
  b.Write("GET /ok HTTP/1.1\r\n");
  REQUIRE(WaitForConnections(s, 2));
  REQUIRE(WaitForIdle(s, 0));
  RawConnection extra(s.port());
  std::string reply = extra.ReadUntilClosed(2s);
  CHECK(extra.peer_closed());
  CHECK(reply.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
  CHECK(reply.find("Retry-After: 1\r\n") != std::string::npos);
  CHECK(reply.find("too many open connections") != std::string::npos);
  CHECK(s.open_connections() == 2);
  // The busy requests were not harmed, and once one of them is idle again
  // it makes room for the next newcomer.
  a.Write("Host: x\r\n\r\n");
  CHECK(a.ReadUntil("\r\n\r\n", 2s).find("200 OK") != std::string::npos);
  REQUIRE(WaitForIdle(s, 1));
  HttpClient next(s.port());
  CHECK(next.Send("GET", "/ok").status == 200);
}

// Log lines from every thread, kept apart from the sink that fills them.
struct Lines {
  size_t Count(std::string_view needle) {
    std::lock_guard<std::mutex> lock(mutex);
    size_t n = 0;
    for (const auto& line : lines) n += line.find(needle) != std::string::npos;
    return n;
  }
  std::mutex mutex;
  std::vector<std::string> lines;
};

class LineSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LineSink(std::shared_ptr<Lines> lines) : lines_(std::move(lines)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(lines_->mutex);
    lines_->lines.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::shared_ptr<Lines> lines_;
};

// Fills the process's descriptor table (under a lowered soft limit) with
// copies of /dev/null, so the next accept() fails with EMFILE; Free(n) gives
// n descriptors back. Restores everything on destruction.
class DescriptorTableFiller {
 public:
  DescriptorTableFiller() {
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = std::min<rlim_t>(saved_.rlim_cur, 2048);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    REQUIRE(null_fd >= 0);
    fds_.push_back(null_fd);
    for (int fd; (fd = ::dup(null_fd)) >= 0;) fds_.push_back(fd);
    REQUIRE(errno == EMFILE);
  }
  ~DescriptorTableFiller() {
    for (int fd : fds_) ::close(fd);
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  void Free(size_t n) {
    for (; n > 0 && !fds_.empty(); --n) {
      ::close(fds_.back());
      fds_.pop_back();
    }
  }

 private:
  rlimit saved_{};
  std::vector<int> fds_;
};

double ProcessCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

bool WaitForLine(Lines& sink, std::string_view needle, size_t count,
                 std::chrono::milliseconds limit = 3s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (sink.Count(needle) < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Hidden ([.]): under the sanitizers the runtime itself needs descriptors
// (UBSan's vptr check opens a pipe), so a full table makes it report false
// errors. Run it by name in a build without -DLEADROUTER_SANITIZE=ON.
TEST_CASE(
    "out of descriptors: said once, idle connections make room, no spinning",
    "[.][http][server][descriptors]") {
  auto sink = std::make_shared<Lines>();
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<LineSink>(sink)));
  struct Restore {
    std::shared_ptr<spdlog::logger> logger;
    ~Restore() { spdlog::set_default_logger(logger); }
  } restore{previous};
  constexpr char kShortage[] = "out of file descriptors";
  constexpr char kAgain[] = "accepting connections again";

  HttpServerOptions options;
  options.max_connections = 100000;  // only the descriptor table limits
  options.accept_pause = 50ms;
  TestServer s(options);
  RawConnection idle(s.port());
  REQUIRE(WaitForConnections(s, 1));
  {
    DescriptorTableFiller table;
    // accept() finds no descriptor for `waiting`: the idle connection is
    // closed to make room and `waiting` is served.
    table.Free(1);
    auto waiting = std::make_unique<RawConnection>(s.port());
    CHECK(WaitForLine(*sink, kShortage, 1));
    idle.ReadUntilClosed(2s);
    CHECK(idle.peer_closed());
    CHECK(WaitForLine(*sink, kAgain, 1));
    waiting->Write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(waiting->ReadUntil("\r\n\r\n", 2s).find("200 OK") !=
          std::string::npos);

    // Now nothing is idle (`waiting` is mid-request) and the table is full
    // again: the server waits, retrying after each pause, without spinning.
    waiting->Write("GET /ok HTTP/1.1\r\n");
    REQUIRE(WaitForIdle(s, 0));
    table.Free(1);
    RawConnection blocked(s.port());
    REQUIRE(WaitForLine(*sink, kShortage, 2));
    const double cpu_before = ProcessCpuSeconds();
    std::this_thread::sleep_for(500ms);
    CHECK(ProcessCpuSeconds() - cpu_before < 0.2);
    CHECK(sink->Count(kShortage) == 2);  // once per shortage, not per retry
    // A descriptor comes free: the blocked connection is taken in.
    waiting->Write("Connection: close\r\n\r\n");
    waiting->ReadUntilClosed(2s);
    waiting.reset();
    CHECK(WaitForLine(*sink, kAgain, 2));
    blocked.Write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(blocked.ReadUntil("\r\n\r\n", 2s).find("200 OK") !=
          std::string::npos);
  }
}

TEST_CASE("Stop closes the acceptor and every open connection",
          "[http][server]") {
  TestServer s;
  RawConnection idle(s.port());
  HttpClient busy(s.port());
  CHECK(busy.Send("GET", "/ok").status == 200);
  REQUIRE(WaitForConnections(s, 2));
  uint16_t port = s.port();
  s.OnLoop([&] { s.server().Stop(); });
  idle.ReadUntilClosed(2s);
  CHECK(idle.peer_closed());
  CHECK(s.open_connections() == 0);
  CHECK_THROWS(RawConnection(port));
}

TEST_CASE("Start reports an address already in use", "[http][server]") {
  TestServer s;
  boost::asio::io_context loop;
  HttpServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(s.port());
  HttpServer second(loop, options);
  Status status = second.Start();
  CHECK_FALSE(status.ok());
  CHECK(status.ToString().find(options.listen) != std::string::npos);
}

}  // namespace
}  // namespace leadrouter
