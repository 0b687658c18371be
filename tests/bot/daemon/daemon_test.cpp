// The daemon's wiring, in this process: a real `serve` on 127.0.0.1 with a
// temp database and no Slack tokens, whose loop the test can reach.
#include "bot/daemon/daemon.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "bot/daemon/log.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/run_until.h"

using leadrouter::Daemon;
using leadrouter::LoadConfigString;
using leadrouter::testing::TempDir;

namespace {

// Every log line, from any thread, into a string read once the daemon has
// stopped; the previous logger comes back afterwards.
class ThreadSafeLogCapture {
 public:
  ThreadSafeLogCapture() : previous_(spdlog::default_logger()) {
    leadrouter::logging::Init(leadrouter::logging::Format::kJson, spdlog::level::debug,
                              {}, std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  }
  ~ThreadSafeLogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Polls until the daemon answers /healthz, or a few seconds pass.
bool Healthy(uint16_t port) {
  leadrouter::test::HttpClient http(port);
  return leadrouter::testing::PollUntil([&] {
    try {
      return http.Send("GET", "/healthz").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  });
}

}  // namespace

TEST_CASE("a handler that throws is logged with what it threw and the daemon keeps "
          "serving",
          "[bot][daemon]") {
  TempDir dir;
  auto load = LoadConfigString("[server]\nlisten = \"127.0.0.1:0\"\n[storage]\npath = \"" +
                               dir.File("leadrouter.db") + "\"\n");
  REQUIRE(load.ok());
  leadrouter::Secrets secrets;
  leadrouter::SystemClock clock;
  ThreadSafeLogCapture log;
  {
    Daemon daemon(load.config, secrets, clock);
    REQUIRE(daemon.Start());
    std::thread serving([&] { daemon.Run(); });
    REQUIRE(Healthy(daemon.port()));

    // Handlers run in the order they were posted: once `after` has run, so
    // have both throws.
    std::atomic<bool> after{false};
    boost::asio::post(daemon.TEST_loop(),
                      [] { throw std::logic_error("no post recorded for lead 12"); });
    boost::asio::post(daemon.TEST_loop(), [] { throw 42; });
    boost::asio::post(daemon.TEST_loop(), [&] { after = true; });
    REQUIRE(leadrouter::testing::PollUntil([&] { return after.load(); }));
    CHECK(Healthy(daemon.port()));

    daemon.RequestStop();
    serving.join();
  }
  const std::string text = log.text();
  CHECK(text.find("loop.handler_threw") != std::string::npos);
  CHECK(text.find("std::logic_error") != std::string::npos);
  CHECK(text.find("no post recorded for lead 12") != std::string::npos);
  CHECK(text.find("\"exception\":\"int\"") != std::string::npos);
  CHECK(text.find("leadrouter.stopped") != std::string::npos);
}
