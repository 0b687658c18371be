// Metrics: what the daemon counts, in Prometheus's model (prometheus-cpp's
// core library), served as text by GET /metrics (bot/metrics/metrics_service).
// Labels are bounded: never a lead id, name, e-mail or phone; free-form
// values (a lead's source, a Web API method) pass through a LabelCap.
// Thread-safe: counting calls may come from the loop or the storage writer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/lead_milestone.h"

namespace prometheus {
class Registry;
}

namespace leadrouter::metrics {

// How many distinct values a free-form label keeps before "other".
inline constexpr size_t kMaxSources = 50;
inline constexpr size_t kMaxMethods = 40;
inline constexpr size_t kMaxKinds = 60;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Intake. `channel` is the front door ("http", "email", "crm"); `reason`
  // for a rejection is the HTTP status's meaning or the field refused.
  void LeadReceived(std::string_view channel, std::string_view source,
                    std::string_view status);  // accepted | duplicate | replayed
  void LeadRejected(std::string_view channel, std::string_view reason);
  void LeadRouted(std::string_view route, std::string_view pool,
                  std::string_view segment);

  // Speed, in seconds: a lead's intake to its first message in Slack (the
  // shark-tank post, its DM card or its triage post).
  void ObserveIntakeToSlack(double seconds);

  // From a lead's intake to its first owner (a claim or an assignment) and
  // to its first recorded human contact (Mark contacted, the CRM), once
  // each per lead, when the transaction that wrote it has committed.
  void ObserveTimeToClaim(double seconds);
  void ObserveTimeToFirstContact(double seconds);
  // The same, for a milestone the storage writer reports as committed.
  void ObserveMilestone(const storage::LeadMilestone& milestone);

  // The job runner: one call per finished attempt.
  void JobFinished(std::string_view kind, std::string_view outcome);

  // Slack's Web API, one call per answer (`result` "ok" or Slack's error or
  // "http_503", "transport"); a 429 is counted apart as well.
  void SlackCall(std::string_view method, std::string_view result);
  void SlackRateLimited(std::string_view method);

  // Follow-up deliveries (sms, email, webhook) by outcome.
  void Delivery(std::string_view channel, std::string_view outcome);

  // Inbound e-mail: a raw message stored (`via` the door it came by: http,
  // pipe, imap, mailgun, postmark; `status` accepted | duplicate), and what
  // a parse made of it (`outcome` lead | not_a_lead | dead_letter |
  // unknown_sender; `source` the matching rule's name, "" for none). A
  // replay is parsed, and counted, again.
  void EmailReceived(std::string_view via, std::string_view status);
  void EmailParsed(std::string_view outcome, std::string_view source);

  // The language model: one call per lead it was asked about (`outcome`
  // answered | cached | fallback | unavailable | rate_limited | timeout |
  // breaker_open | daily_limit), and the tokens its `usage` reported
  // (`kind` prompt | completion).
  void LlmCall(std::string_view outcome);
  void LlmTokens(std::string_view kind, double tokens);

  // The queue as the database has it, set just before a scrape. A kind
  // missing from `kinds` that was there before goes back to zero.
  struct JobGauges {
    std::string kind;
    double due = 0, scheduled = 0, running = 0, dead = 0;
    double oldest_due_seconds = 0;
  };
  void SetJobGauges(const std::vector<JobGauges>& kinds);
  void SetSlackState(std::string_view state);

  // SQLite's WAL: one call per checkpoint (`by` thread | commit, `outcome`
  // complete | partial | failed), and its size in pages, set at a scrape.
  void Checkpoint(std::string_view by, std::string_view outcome);
  void SetWalPages(double pages);

  // Everything above plus the process_* figures, in the text format.
  std::string Render();

  prometheus::Registry& registry();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The daemon's one set of metrics, for the places that count.
Metrics& Global();

}  // namespace leadrouter::metrics
