#include "bot/follow_up/opt_out_service.h"

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "bot/intake/json_post.h"
#include "bot/daemon/log.h"
#include "bot/follow_up/opt_out.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/opt_out_request.h"
#include "storage/database.h"

namespace leadrouter {
namespace {

constexpr char kOptOutPath[] = "/v1/optout";
constexpr char kSubject[] = "optout";

// The caller's label and reason, as one line for the timeline.
std::string Detail(const pipeline::OptOutRequest& request) {
  if (request.source.empty()) return request.reason;
  if (request.reason.empty()) return request.source;
  return request.source + ": " + request.reason;
}

std::vector<storage::OptOut> OptOuts(const pipeline::OptOutRequest& request,
                                     SystemTime now) {
  std::vector<storage::OptOut> out;
  for (pipeline::Channel channel : request.channels) {
    storage::OptOut o;
    o.channel = pipeline::ToString(channel);
    o.address = channel == pipeline::Channel::kSms ? request.phone_e164
                                                   : request.email;
    o.source = "api";
    o.detail = Detail(request);
    o.at = now;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

OptOutService::OptOutService(const Config& config, StorageWriter& writer,
                             RequestGate& gate, const Clock& clock)
    : config_(config), writer_(writer), gate_(gate), clock_(clock) {}

void OptOutService::RegisterRoutes(HttpServer& server) {
  server.Route("POST", kOptOutPath,
               [this](const HttpRequest& r, Responder done) {
                 HandleOptOut(r, std::move(done));
               });
}

void OptOutService::HandleOptOut(const HttpRequest& request,
                                 Responder respond) {
  const SystemTime now = clock_.Now();
  if (!AdmitPost(gate_, request, now, kSubject, respond)) return;

  auto started = std::chrono::steady_clock::now();
  Result<pipeline::OptOutRequest> parsed =
      pipeline::ParseOptOutBody(request.body, config_.rules.default_region);
  if (!parsed.ok()) {
    return RejectBody(parsed.status(), kSubject, nlohmann::json::object(),
                      respond);
  }
  auto opt_outs = std::make_shared<std::vector<storage::OptOut>>(
      OptOuts(parsed.value(), now));
  writer_.Call<OptOutResult>(
      [opt_outs, now](storage::Database& db) {
        return ApplyOptOut(db, *opt_outs, now);
      },
      [respond = std::move(respond), started](Result<OptOutResult> out) {
        if (!out.ok()) {
          return RespondStoreFailed(out.status(), kSubject, respond);
        }
        const OptOutResult& r = out.value();
        // Channels and counts only: the addresses are the person's.
        nlohmann::json channels = nlohmann::json::array();
        for (const ChannelOptOutResult& c : r.channels) {
          channels.push_back({{"channel", c.channel}, {"new", c.added}});
        }
        logging::Info("optout.applied",
                      {{"channels", channels},
                       {"leads", r.leads},
                       {"cancelled_steps", r.cancelled_steps},
                       {"total_ms", MillisSince(started)}});
        respond(HttpResponse::Json(202, OptOutAnswer(r)));
      });
}

}  // namespace leadrouter
