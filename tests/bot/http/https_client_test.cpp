// HttpsClient against real servers on 127.0.0.1: the Twilio stand-in's
// webhook receiver (plain HTTP/1.1 keep-alive), a local TLS server with a
// certificate made at test time, and small raw servers in this file for
// what a well-behaved server never does (never answer, close a keep-alive
// connection behind our back).
#include "bot/http/https_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"
#include "tests/support/run_until.h"
#include "tests/support/tls_test_server.h"
#include "tests/support/twilio_sim.h"

using leadrouter::HttpsClient;
using leadrouter::HttpsClientOptions;
using leadrouter::HttpsRequest;
using leadrouter::HttpsResponse;
using leadrouter::testing::RunUntil;
using leadrouter::testing::TwilioSim;
using nlohmann::json;
using namespace std::chrono_literals;

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

HttpsClientOptions Options(const std::string& base_url) {
  HttpsClientOptions options;
  options.base_url = base_url;
  options.timeout = 5s;
  options.log_name = "test.https";
  return options;
}

// Sends one request and runs the loop until it is answered.
HttpsResponse SendAndWait(asio::io_context& loop, HttpsClient& client, HttpsRequest request) {
  std::optional<HttpsResponse> response;
  client.Send(std::move(request), [&](HttpsResponse r) { response = std::move(r); });
  REQUIRE(RunUntil(loop, [&] { return response.has_value(); }));
  return *response;
}

HttpsRequest Post(std::string target, std::string body) {
  HttpsRequest request;
  request.target = std::move(target);
  request.headers = {{"Content-Type", "application/json"}};
  request.body = std::move(body);
  return request;
}

// A server on 127.0.0.1 that reads each request's head and body, answers
// 200 "ok" with Connection: keep-alive, and then closes the connection
// anyway, as a server whose idle timeout struck does. Or, with
// `answer` false, accepts and never says a word.
class RawServer {
 public:
  RawServer(asio::io_context& loop, bool answer)
      : acceptor_(loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        answer_(answer),
        state_(std::make_shared<State>()) {
    asio::co_spawn(loop, Accept(acceptor_, answer_, state_), asio::detached);
  }
  ~RawServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& socket : state_->held) socket->close(ignored);
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return state_->accepted; }
  int answered() const { return state_->answered; }

 private:
  struct State {
    int accepted = 0;
    int answered = 0;
    std::vector<std::shared_ptr<tcp::socket>> held;
  };

  static asio::awaitable<void> Accept(tcp::acceptor& acceptor, bool answer,
                                      std::shared_ptr<State> state) {
    for (;;) {
      boost::system::error_code ec;
      auto socket = std::make_shared<tcp::socket>(
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec)));
      if (ec) co_return;
      ++state->accepted;
      state->held.push_back(socket);
      if (answer) asio::co_spawn(acceptor.get_executor(), AnswerOnce(socket, state), asio::detached);
    }
  }

  static asio::awaitable<void> AnswerOnce(std::shared_ptr<tcp::socket> socket,
                                          std::shared_ptr<State> state) {
    boost::system::error_code ec;
    asio::streambuf buffer;
    const std::size_t head = co_await asio::async_read_until(
        *socket, buffer, "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::string text(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
    std::size_t length = 0;
    if (auto at = text.find("Content-Length: "); at != std::string::npos)
      length = std::stoul(text.substr(at + 16));
    if (buffer.size() < head + length) {
      co_await asio::async_read(*socket, buffer, asio::transfer_exactly(head + length - buffer.size()),
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    const std::string reply =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
        "Connection: keep-alive\r\n\r\nok";
    co_await asio::async_write(*socket, asio::buffer(reply),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    ++state->answered;
    socket->close(ec);
  }

  tcp::acceptor acceptor_;
  bool answer_;
  std::shared_ptr<State> state_;
};

}  // namespace

TEST_CASE("https client: requests made in a row reuse one keep-alive connection",
          "[bot][http][https_client]") {
  TwilioSim sim;
  asio::io_context loop;
  HttpsClient client(loop, Options(sim.hook_url("crm")));
  REQUIRE(client.status().ok());
  for (int i = 0; i < 3; ++i) {
    HttpsResponse response = SendAndWait(loop, client, Post("", R"({"n":)" + std::to_string(i) + "}"));
    INFO(response.transport_error);
    CHECK(response.status == 200);
    CHECK(json::parse(response.body) == json{{"ok", true}});
    CHECK(response.Header("content-type").find("application/json") == 0);
  }
  CHECK(client.connections_opened() == 1);

  json hooks = sim.Hooks();
  REQUIRE(hooks.size() == 3);
  CHECK(hooks[2]["path"] == "/hook/crm");
  CHECK(hooks[2]["body"] == R"({"n":2})");
  CHECK(hooks[2]["headers"]["Host"] == "127.0.0.1:" + std::to_string(sim.port()));
  CHECK(hooks[2]["headers"]["Content-Length"] == "7");
  CHECK(hooks[2]["headers"]["User-Agent"] == "leadrouter");
  CHECK(hooks[2]["headers"]["Content-Type"] == "application/json");
}

TEST_CASE("https client: requests sent together run at once, each on its own connection",
          "[bot][http][https_client]") {
  TwilioSim sim;
  sim.Script({{"path", "/hook/slow"}, {"status", 200}, {"delay_ms", 300}, {"times", -1}});
  asio::io_context loop;
  HttpsClient client(loop, Options(sim.hook_url("slow")));
  int answered = 0;
  for (int i = 0; i < 3; ++i) {
    client.Send(Post("", "{}"), [&](HttpsResponse r) {
      CHECK(r.status == 200);
      ++answered;
    });
  }
  REQUIRE(RunUntil(loop, [&] { return answered == 3; }));
  // One at a time they would have shared a single connection.
  CHECK(client.connections_opened() == 3);
  CHECK(sim.Hooks().size() == 3);
}

TEST_CASE("https client: a target is joined to the base path, and the base query is kept",
          "[bot][http][https_client]") {
  TwilioSim sim;
  asio::io_context loop;
  HttpsClient with_query(loop, Options(sim.base_url() + "/hook/base?key=k1"));
  CHECK(SendAndWait(loop, with_query, Post("", "{}")).status == 200);
  CHECK(SendAndWait(loop, with_query, Post("/step", "{}")).status == 200);
  HttpsClient with_slash(loop, Options(sim.base_url() + "/hook/"));
  CHECK(SendAndWait(loop, with_slash, Post("/a", "{}")).status == 200);
  CHECK(SendAndWait(loop, with_slash, Post("b", "{}")).status == 200);
  HttpsClient without_slash(loop, Options(sim.base_url() + "/hook"));
  CHECK(SendAndWait(loop, without_slash, Post("c", "{}")).status == 200);

  json hooks = sim.Hooks();
  REQUIRE(hooks.size() == 5);
  CHECK(hooks[0]["path"] == "/hook/base?key=k1");
  CHECK(hooks[1]["path"] == "/hook/base/step?key=k1");
  CHECK(hooks[2]["path"] == "/hook/a");
  CHECK(hooks[3]["path"] == "/hook/b");
  CHECK(hooks[4]["path"] == "/hook/c");
}

TEST_CASE("https client: a keep-alive connection the server closed meanwhile is retried once",
          "[bot][http][https_client]") {
  asio::io_context loop;
  RawServer server(loop, /*answer=*/true);
  HttpsClient client(loop, Options("http://127.0.0.1:" + std::to_string(server.port())));
  HttpsResponse first = SendAndWait(loop, client, Post("/one", "{}"));
  CHECK(first.status == 200);
  // The server closes right after it counts an answer, so from here the
  // pooled connection is stale.
  REQUIRE(RunUntil(loop, [&] { return server.answered() == 1; }));
  HttpsResponse second = SendAndWait(loop, client, Post("/two", "{}"));
  INFO(second.transport_error);
  CHECK(second.status == 200);
  CHECK(second.body == "ok");
  CHECK(client.connections_opened() == 2);
  CHECK(server.answered() == 2);
}

TEST_CASE("https client: verifies a local TLS server against ca_file",
          "[bot][http][https_client][tls]") {
  leadrouter::testing::TempDir dir;
  const auto certificate = leadrouter::testing::MakeSelfSignedCertificate(dir);
  asio::io_context loop;
  leadrouter::testing::TlsTestServer server(loop, certificate);
  server.SetBody([](const std::string& target) { return json{{"target", target}}.dump(); });
  const std::string port = std::to_string(server.port());

  SECTION("trusted through ca_file, by name and by address") {
    for (const std::string host : {"localhost", "127.0.0.1"}) {
      HttpsClientOptions options = Options("https://" + host + ":" + port + "/v1/");
      options.ca_file = certificate.cert_file;
      HttpsClient client(loop, options);
      REQUIRE(client.status().ok());
      HttpsResponse response = SendAndWait(loop, client, Post("events", "{}"));
      INFO(host << ": " << response.transport_error);
      CHECK(response.status == 200);
      CHECK(json::parse(response.body)["target"] == "/v1/events");
    }
    CHECK(server.served() == 2);
  }

  SECTION("refused without ca_file: the system store does not know it") {
    HttpsClient client(loop, Options("https://localhost:" + port));
    REQUIRE(client.status().ok());
    HttpsResponse response = SendAndWait(loop, client, Post("/x", "{}"));
    CHECK(response.status == 0);
    CHECK(response.transport_error.find("certificate verify failed") != std::string::npos);
    CHECK(server.served() == 0);
  }

  SECTION("refused when the certificate names another host") {
    leadrouter::testing::TempDir other_dir;
    const auto other = leadrouter::testing::MakeSelfSignedCertificate(other_dir, "DNS:api.example.com");
    leadrouter::testing::TlsTestServer impostor(loop, other);
    HttpsClientOptions options = Options("https://localhost:" + std::to_string(impostor.port()));
    options.ca_file = other.cert_file;
    HttpsClient client(loop, options);
    HttpsResponse response = SendAndWait(loop, client, Post("/x", "{}"));
    CHECK(response.status == 0);
    CHECK(response.transport_error.find("certificate verify failed") != std::string::npos);
    CHECK(impostor.served() == 0);
  }

  SECTION("a ca_file that does not load makes the client unusable") {
    HttpsClientOptions options = Options("https://localhost:" + port);
    options.ca_file = dir.File("missing.pem");
    HttpsClient client(loop, options);
    REQUIRE_FALSE(client.status().ok());
    CHECK(client.status().message().rfind("ca_file: ", 0) == 0);
    HttpsResponse response = SendAndWait(loop, client, Post("/x", "{}"));
    CHECK(response.status == 0);
    CHECK(response.transport_error == client.status().message());
    CHECK(client.connections_opened() == 0);
  }
}

TEST_CASE("https client: plain http is refused unless the host is loopback",
          "[bot][http][https_client]") {
  asio::io_context loop;
  for (const char* url : {"http://api.twilio.com", "http://10.0.0.1:8080/hook",
                          "http://127.example.com/", "http://[::2]/"}) {
    HttpsClient client(loop, Options(url));
    INFO(url);
    REQUIRE_FALSE(client.status().ok());
    CHECK(client.status().message().rfind("insecure_url: ", 0) == 0);
  }
  HttpsClient insecure(loop, Options("http://api.twilio.com"));
  HttpsResponse response = SendAndWait(loop, insecure, Post("/x", "{}"));
  CHECK(response.status == 0);
  CHECK(response.transport_error.rfind("insecure_url: ", 0) == 0);
  CHECK(insecure.connections_opened() == 0);

  for (const char* url : {"http://127.0.0.1:9/", "http://localhost:9", "http://[::1]:9/x",
                          "https://api.twilio.com"}) {
    INFO(url);
    CHECK(HttpsClient(loop, Options(url)).status().ok());
  }
  HttpsClientOptions bad = Options("ftp://127.0.0.1/");
  bad.url_key = "twilio.base_url";
  CHECK(HttpsClient(loop, bad).status().message().rfind("invalid_url: twilio.base_url ", 0) == 0);
}

TEST_CASE("https client: a server that never answers times out as a transport error",
          "[bot][http][https_client]") {
  asio::io_context loop;
  RawServer silent(loop, /*answer=*/false);
  HttpsClientOptions options = Options("http://127.0.0.1:" + std::to_string(silent.port()));
  options.timeout = 300ms;
  HttpsClient client(loop, options);
  const auto start = SteadyClock::now();
  HttpsResponse response = SendAndWait(loop, client, Post("/x", "{}"));
  CHECK(SteadyClock::now() - start < 2s);
  CHECK(response.status == 0);
  CHECK(response.transport_error.find("within 300 ms") != std::string::npos);
  CHECK(silent.accepted() == 1);
}

TEST_CASE("https client: a refused connection names the address",
          "[bot][http][https_client]") {
  asio::io_context loop;
  const uint16_t port = leadrouter::testing::FreePort();
  HttpsClient client(loop, Options("http://127.0.0.1:" + std::to_string(port)));
  HttpsResponse response = SendAndWait(loop, client, Post("/x", "{}"));
  CHECK(response.status == 0);
  CHECK(response.transport_error ==
        "connect 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  CHECK(client.connections_opened() == 0);
}

TEST_CASE("https client: destroying the client cancels a request in flight without calling back",
          "[bot][http][https_client]") {
  TwilioSim sim;
  sim.Script({{"path", "/hook/slow"}, {"status", 200}, {"delay_ms", 1000}});
  asio::io_context loop;
  bool called = false;
  {
    HttpsClient client(loop, Options(sim.hook_url("slow")));
    client.Send(Post("", "{}"), [&](HttpsResponse) { called = true; });
    REQUIRE(RunUntil(loop, [&] { return client.connections_opened() == 1; }));
  }
  const auto start = SteadyClock::now();
  loop.restart();
  loop.run_for(1500ms);
  // The loop ran out of work: nothing was left waiting for the server's
  // late answer, and the callback never ran.
  CHECK(loop.stopped());
  CHECK(SteadyClock::now() - start < 1000ms);
  CHECK_FALSE(called);
}

TEST_CASE("https client: a header holding a line break is refused before any connection",
          "[bot][http][https_client]") {
  TwilioSim sim;
  asio::io_context loop;
  HttpsClient client(loop, Options(sim.hook_url()));
  HttpsRequest request = Post("", "{}");
  request.headers.emplace_back("Idempotency-Key", "k1\r\nX-Injected: yes");
  HttpsResponse response = SendAndWait(loop, client, request);
  CHECK(response.status == 0);
  CHECK(response.transport_error.find("line break") != std::string::npos);
  CHECK(client.connections_opened() == 0);
  CHECK(sim.Hooks().empty());
}

TEST_CASE("https response: headers by any case, Retry-After in seconds only",
          "[bot][http][https_client]") {
  HttpsResponse response;
  response.headers = {{"Retry-After", " 7 "}, {"X-Request-Id", "r1"}};
  CHECK(response.Header("x-request-id") == "r1");
  CHECK(response.Header("X-Missing").empty());
  CHECK(response.RetryAfter() == std::chrono::seconds(7));
  response.headers = {{"retry-after", "Wed, 21 Oct 2026 07:28:00 GMT"}};
  CHECK_FALSE(response.RetryAfter().has_value());
  response.headers = {{"Retry-After", "-3"}};
  CHECK_FALSE(response.RetryAfter().has_value());
  response.headers.clear();
  CHECK_FALSE(response.RetryAfter().has_value());
}
