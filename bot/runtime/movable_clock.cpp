#include "bot/runtime/movable_clock.h"

#include <nlohmann/json.hpp>

#include "bot/daemon/duration.h"
#include "bot/http/http_server.h"
#include "bot/http/request_gate.h"
#include "bot/runtime/job_runner.h"
#include "bot/daemon/log.h"

namespace leadrouter {

void RegisterClockControl(HttpServer& server, RequestGate& gate,
                          MovableClock& clock, JobRunner& runner) {
  server.Route("POST", "/v1/testing/clock",
               [&](const HttpRequest& request, Responder respond) {
    if (auto rejection = gate.Check(request, clock.Now())) {
      return respond(std::move(*rejection));
    }
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("advance") ||
        !body["advance"].is_string()) {
      return respond(HttpResponse::Error(
          400, "must be a duration string like \"5m\"", "advance"));
    }
    auto by = ParseDuration(body["advance"].get<std::string>());
    if (!by || by->count() < 0) {
      return respond(HttpResponse::Error(
          400, "must be a duration string like \"5m\"", "advance"));
    }
    clock.Advance(*by);
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            clock.Now().time_since_epoch()).count();
    logging::Warn("testing.clock_moved",
                  {{"advance_ms", by->count()}, {"now_unix_ms", now_ms}});
    runner.Wake();
    respond(HttpResponse::Json(200, {{"now_unix_ms", now_ms}}));
  });
  server.Route("GET", "/v1/testing/jobs",
               [&runner](const HttpRequest&, Responder respond) {
    // Like /healthz, unauthenticated and not rate-limited: tests poll it,
    // and it tells nothing about any lead.
    respond(HttpResponse::Json(200, {{"idle", runner.TEST_Idle()},
                                     {"in_flight", runner.in_flight()}}));
  });
}

}  // namespace leadrouter
