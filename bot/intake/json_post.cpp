#include "bot/intake/json_post.h"

#include <utility>

#include "bot/http/request_gate.h"
#include "bot/daemon/log.h"
#include "bot/metrics/metrics.h"

namespace leadrouter {
namespace {

std::string Event(std::string_view subject, const char* what) {
  return std::string(subject) + "." + what;
}

}  // namespace

bool AdmitPost(RequestGate& gate, const HttpRequest& request, SystemTime now,
               std::string_view subject, const Responder& respond,
               std::string_view media_type) {
  std::optional<HttpResponse> rejection = gate.Check(request, now, media_type);
  if (!rejection) return true;
  logging::Info(Event(subject, "refused"),
                {{"status", rejection->status}, {"client", request.remote_ip}});
  if (subject == "lead") {
    metrics::Global().LeadRejected("http", "http_" + std::to_string(rejection->status));
  }
  respond(std::move(*rejection));
  return false;
}

void RejectBody(const Status& status, std::string_view subject,
                nlohmann::json fields, const Responder& respond) {
  if (!fields.is_object()) fields = nlohmann::json::object();
  fields["field"] = status.field();
  fields["error"] = status.message();
  logging::Info(Event(subject, "rejected"), fields);
  if (subject == "lead") {
    metrics::Global().LeadRejected("http", status.field().empty() ? "body" : status.field());
  }
  respond(HttpResponse::Error(400, status.message(), status.field()));
}

void RespondStoreFailed(const Status& status, std::string_view subject,
                        const Responder& respond) {
  logging::Error(Event(subject, "store_failed"), {{"error", status.message()}});
  respond(HttpResponse::Error(500, "nothing was stored; retry"));
}

HttpResponse JsonText(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace leadrouter
