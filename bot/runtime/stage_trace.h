// StageTrace: when switched on (`[testing] stage_trace`), the moments the
// latest hot lead passed each stage on its way to Slack, read back through
// GET /v1/testing/stages, so the benchmark prints where the time goes. A
// stage keeps only its latest moment: the breakdown is meant for one lead
// at a time. Off (the default), Mark costs one relaxed atomic load.
// Thread-safe: Mark and Read from any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

namespace leadrouter {
class HttpServer;
}

namespace leadrouter::stage_trace {

enum class Stage {
  kRequestRead,   // the intake request read whole by the HTTP server
  kPipelineDone,  // pipeline::ProcessBody returned
  kCommitted,     // the commit that handed a job over returned
  kHandedOver,    // the loop picked the handed-over jobs up
  kSlackWritten,  // chat.postMessage written to the socket
  kSlackAnswered, // its answer read
};

void Enable(bool on);
bool Enabled();
// Notes steady-clock `now` (ns since its epoch) for `stage`, when enabled.
void Mark(Stage stage);
void MarkAt(Stage stage, int64_t steady_ns);
// Steady clock now, in ns since its epoch (the same on every process of the
// machine on Linux, so a benchmark can compare).
int64_t SteadyNowNs();
// {"request_read": ns, "pipeline_done": ns, …}; a stage never marked is 0.
nlohmann::json Read();

// Switches the trace on and installs GET /v1/testing/stages (200, Read()
// plus "now": SteadyNowNs()). `server` must outlive its routes.
void RegisterStageTrace(HttpServer& server);

}  // namespace leadrouter::stage_trace
