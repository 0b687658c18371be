// IntakeService: the HTTP routes that take leads in and report health.
// A lead is checked (auth, rate, type), run through the pipeline on the loop,
// then written with its timeline and jobs in one transaction by the storage
// writer; only after that commit does the sender get its 202.
// Thread rule: loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bot/clock.h"
#include "bot/config.h"
#include "bot/health.h"
#include "bot/http/http_server.h"

namespace leadrouter {

class JobRunner;
class RequestGate;
class StorageWriter;
namespace storage {
class Database;
}
namespace pipeline {
struct ProcessedLead;
}

// What the intake transaction did with one processed lead.
struct AcceptedLead {
  int64_t lead_id = 0;
  bool duplicate = false;
  std::optional<int64_t> duplicate_of;
  size_t jobs_written = 0;  // the caller wakes the job runner when > 0
  std::string route;        // the first route's kind; empty for a duplicate
};

// The intake transaction's work for one lead, whatever door it came in by
// (a JSON POST, an e-mail): store it (or recognise a returning lead),
// record its consent, decide its route and write the jobs that follow.
// REQUIRES: on the storage writer thread, inside its transaction. Throws
// SQLite::Exception on a database failure (the caller rolls back).
AcceptedLead AcceptLead(storage::Database& db, const pipeline::ProcessedLead& lead,
                        SystemTime now, const Config& config);

class IntakeService {
 public:
  // Every reference must outlive the service.
  IntakeService(const Config& config, StorageWriter& writer, JobRunner& runner,
                RequestGate& gate, const Clock& clock, const SlackHealth& slack);

  // Installs POST /v1/leads and GET /healthz.
  void RegisterRoutes(HttpServer& server);

  void HandleLead(const HttpRequest& request, Responder respond);
  void HandleHealth(const HttpRequest& request, Responder respond);

 private:
  const Config& config_;
  StorageWriter& writer_;
  JobRunner& runner_;
  RequestGate& gate_;
  const Clock& clock_;
  const SlackHealth& slack_;
};

}  // namespace leadrouter
