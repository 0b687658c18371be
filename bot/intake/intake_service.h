// IntakeService: the HTTP routes that take leads in and report health.
// A lead is checked (auth, rate, type), run through the pipeline on the loop,
// then written with its timeline and jobs in one transaction by the storage
// writer; only after that commit does the sender get its 202.
// Thread rule: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/daemon/health.h"
#include "bot/http/http_server.h"

namespace leadrouter {

class RequestGate;
class StorageWriter;

class IntakeService {
 public:
  // Every reference must outlive the service.
  IntakeService(const Config& config, StorageWriter& writer, RequestGate& gate,
                const Clock& clock, const SlackHealth& slack);

  // Installs POST /v1/leads and GET /healthz.
  void RegisterRoutes(HttpServer& server);

  // Adds `key` to /healthz's 200 answer, as `report` says at the time of
  // the request (loop thread). For parts /healthz does not know by name.
  void AddHealthReport(std::string key, std::function<nlohmann::json()> report);

  void HandleLead(const HttpRequest& request, Responder respond);
  void HandleHealth(const HttpRequest& request, Responder respond);

 private:
  const Config& config_;
  StorageWriter& writer_;
  RequestGate& gate_;
  const Clock& clock_;
  const SlackHealth& slack_;
  std::vector<std::pair<std::string, std::function<nlohmann::json()>>> reports_;
};

}  // namespace leadrouter
