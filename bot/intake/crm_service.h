// CrmService: POST /v1/crm/events, the CRM's override webhook. The request
// passes the same gate as a lead (bearer or v0 signature, rate, JSON only),
// the event is checked by the pipeline on the loop, then applied in one
// storage-writer transaction (bot/intake/crm_apply); only after that commit does
// the CRM get its 202, and the job runner is woken for the thread note.
// Thread rule: loop thread only.
#pragma once

#include <functional>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/http/http_server.h"
#include "pipeline/crm_event.h"

namespace leadrouter {

class JobRunner;
class RequestGate;
class StorageWriter;

class CrmService {
 public:
  // Every reference must outlive the service.
  CrmService(const Config& config, StorageWriter& writer, JobRunner& runner,
             RequestGate& gate, const Clock& clock);

  // Installs POST /v1/crm/events.
  void RegisterRoutes(HttpServer& server);

  // Called after the commit of each new event that named no lead we know
  // (a redelivery of one is not new).
  void OnUnmatched(std::function<void(const pipeline::CrmEvent&)> fn);

  // 202 {"event_id", "status": "applied" | "duplicate" | "unmatched",
  // "lead_id" (or null), "cancelled_jobs"} after the commit; 400 naming the
  // field; 401, 415, 429 from the gate; 500 when nothing could be stored.
  void HandleEvent(const HttpRequest& request, Responder respond);

 private:
  const Config& config_;
  StorageWriter& writer_;
  JobRunner& runner_;
  RequestGate& gate_;
  const Clock& clock_;
  std::function<void(const pipeline::CrmEvent&)> on_unmatched_;
};

}  // namespace leadrouter
