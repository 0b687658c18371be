// One follow-up step when it comes due, on the storage writer: whether it
// still goes out (the skip rule, the consent the config requires, the SMS
// send window in the lead's local time), the message it sends (templates
// rendered with the lead and its current owner), and afterwards what the
// delivery did to the lead (sent, or the channel stopped for good).
// bot/follow_up/sequence_jobs drives these around the actual delivery.
// Thread rule: storage writer thread only, inside the caller's transaction.
// Every function throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/delivery/delivery_result.h"
#include "pipeline/sequence.h"

namespace leadrouter {
namespace storage {
class Database;
struct Job;
}  // namespace storage

// A step ready to hand to its channel's sender.
struct OutboundStep {
  int64_t lead_id = 0;
  size_t step = 0;
  std::string segment;
  pipeline::Channel channel = pipeline::Channel::kEmail;
  std::string to;        // E.164 (sms), "Name <addr>" (email), the URL (webhook)
  std::string subject;   // email
  std::string body;      // the rendered template (optional for webhook)
  std::string html;      // email: the rendered HTML alternative, if any
  std::string reply_to;  // email: the owner's address, when known
  // Stable across retries of this step, so a receiver can tell a repeat:
  // "lead-7.step-2.1773526061000" (the e-mail's Message-ID is built on it,
  // the webhook sends it as Idempotency-Key).
  std::string delivery_id;
  nlohmann::json event;  // webhook: the whole signed body
};

struct StepDecision {
  enum class Kind { kSend, kSkip, kWait };
  Kind kind = Kind::kSkip;
  std::string reason;     // kSkip: why (also on the timeline); kWait: why it waits
  SystemTime wait_until;  // kWait: the next opening of the send window
  OutboundStep step;      // kSend
};

// Decides a due sequence.* job at `now`. A skip is recorded here, in the
// same transaction: a `sequence_step_skipped` timeline event {step,
// channel, reason}. `channel_unavailable` non-empty (the sender is not
// configured) skips with that reason.
StepDecision DecideStep(storage::Database& db, const storage::Job& job, SystemTime now,
                        const Config& config, const std::string& channel_unavailable);

// Records what the channel's sender made of `step`: sent (`sequence_step_sent`
// {step, channel, provider_id}); refused for good for this lead
// (`sequence_channel_stopped` {channel, detail}: the channel is stopped for
// the lead and its pending steps on that channel cancelled; a provider's
// "unsubscribed" is stored as an opt-out of the address). Returns how the
// job itself ends: done after a send or a refusal, else the sender's
// outcome (retry, or a dead letter for a configuration problem).
JobOutcome RecordDelivery(storage::Database& db, const OutboundStep& step,
                          const DeliveryResult& result, SystemTime now);

}  // namespace leadrouter
