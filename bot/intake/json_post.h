// What every authenticated JSON POST route (leads, CRM events) shares: the
// gate before the body is read, the 400 for a body the pipeline rejected,
// the 500 when the transaction failed, and the answer sent after a commit.
// Each logs under the route's subject ("lead", "crm"): "<subject>.refused",
// "<subject>.rejected", "<subject>.store_failed".
// Thread rule: loop thread only.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bot/runtime/clock.h"
#include "bot/http/http_server.h"
#include "pipeline/status.h"

namespace leadrouter {

class RequestGate;

// Runs `request` through the gate (401, 429, 415). On a refusal answers it
// through `respond`, logs it and returns false; true means the route may go
// on to the body (and `respond` was not called).
// `media_type` is the Content-Type the route takes.
bool AdmitPost(RequestGate& gate, const HttpRequest& request, SystemTime now,
               std::string_view subject, const Responder& respond,
               std::string_view media_type = "application/json");

// Answers 400 {"error", "field"} for `status` and logs it with `fields`
// (an object: timings and the like) plus the field and the error.
void RejectBody(const Status& status, std::string_view subject,
                nlohmann::json fields, const Responder& respond);

// Answers 500 for a write that failed: nothing was committed, so the sender
// must try again. Logs `status` (a storage message, never request content).
void RespondStoreFailed(const Status& status, std::string_view subject,
                        const Responder& respond);

// An answer with `status` and a body that is already serialized JSON.
HttpResponse JsonText(int status, std::string body);

// Milliseconds of steady time since `start`, for log lines.
double MillisSince(std::chrono::steady_clock::time_point start);

}  // namespace leadrouter
