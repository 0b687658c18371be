// OptOutService: POST /v1/optout, an opt-out reported by one of our own
// systems (an unsubscribe page, a support tool). The request passes the
// same gate as a lead (bearer or v0 signature, rate, JSON only), the body is
// checked by the pipeline on the loop, then applied in one storage-writer
// transaction (bot/follow_up/opt_out); only after that commit does the caller get its
// 202.
// Thread rule: loop thread only.
#pragma once

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/http/http_server.h"

namespace leadrouter {

class RequestGate;
class StorageWriter;

class OptOutService {
 public:
  // Every reference must outlive the service.
  OptOutService(const Config& config, StorageWriter& writer, RequestGate& gate,
                const Clock& clock);

  // Installs POST /v1/optout.
  void RegisterRoutes(HttpServer& server);

  // 202 {"opted_out": [{"channel", "address", "new"}], "leads",
  // "cancelled_steps"} after the commit; 400 naming the field; 401, 415,
  // 429 from the gate; 500 when nothing could be stored.
  void HandleOptOut(const HttpRequest& request, Responder respond);

 private:
  const Config& config_;
  StorageWriter& writer_;
  RequestGate& gate_;
  const Clock& clock_;
};

}  // namespace leadrouter
