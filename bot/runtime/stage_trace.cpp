#include "bot/runtime/stage_trace.h"

#include <array>
#include <atomic>
#include <chrono>

#include "bot/http/http_server.h"

namespace leadrouter::stage_trace {
namespace {

constexpr std::array<const char*, 6> kNames = {
    "request_read", "pipeline_done", "committed",
    "handed_over",  "slack_written", "slack_answered"};

std::atomic<bool> enabled{false};
std::array<std::atomic<int64_t>, kNames.size()> marks{};

}  // namespace

void Enable(bool on) { enabled.store(on, std::memory_order_relaxed); }

bool Enabled() { return enabled.load(std::memory_order_relaxed); }

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void MarkAt(Stage stage, int64_t steady_ns) {
  if (!Enabled()) return;
  marks[static_cast<size_t>(stage)].store(steady_ns, std::memory_order_relaxed);
}

void Mark(Stage stage) {
  if (!Enabled()) return;
  MarkAt(stage, SteadyNowNs());
}

nlohmann::json Read() {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < kNames.size(); ++i) {
    out[kNames[i]] = marks[i].load(std::memory_order_relaxed);
  }
  return out;
}

void RegisterStageTrace(HttpServer& server) {
  Enable(true);
  server.Route("GET", "/v1/testing/stages", [](const HttpRequest&, Responder respond) {
    // Unauthenticated like /v1/testing/jobs: moments, nothing about a lead.
    nlohmann::json body = Read();
    body["now"] = SteadyNowNs();
    respond(HttpResponse::Json(200, body));
  });
}

}  // namespace leadrouter::stage_trace
