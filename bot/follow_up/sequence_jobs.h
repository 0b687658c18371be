// SequenceJobs: the executors of follow-up steps (sequence.sms,
// sequence.email, sequence.webhook; written by bot/follow_up/sequence_enrollment).
// For each due step: decide on the storage writer (bot/follow_up/sequence_step: skip,
// wait for the send window, or send), hand the message to its channel's
// sender, then record what the delivery did in another transaction. A
// retryable failure goes back through the job queue's backoff; a refusal
// for this lead stops the channel for it; a configuration problem (bad
// credentials) becomes a dead letter for ops.
// Delivery is at least once: a crash between the send and its record sends
// the step again on restart; e-mails and webhooks carry a stable id so that
// the receiver can recognise the repeat.
// Thread rule: loop thread.
#pragma once

#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/delivery/delivery_result.h"
#include "bot/runtime/job_runner.h"
#include "bot/follow_up/sequence_step.h"

namespace leadrouter {

class SmtpSender;
class StorageWriter;
class TwilioSender;
class WebhookSender;

// The senders the daemon could set up; nullptr for a channel that is not
// configured (its steps are then skipped and recorded, as check-config warns).
struct FollowUpSenders {
  SmtpSender* email = nullptr;
  TwilioSender* sms = nullptr;
  WebhookSender* webhook = nullptr;
};

class SequenceJobs {
 public:
  // Every reference and sender must outlive this object and the runner's
  // use of it.
  SequenceJobs(StorageWriter& writer, JobRunner& runner, const Config& config,
               const Clock& clock, FollowUpSenders senders);

  void Register();

 private:
  void Execute(const storage::Job& job, JobDone done);
  void Deliver(const OutboundStep& step, JobDone done);
  void Record(OutboundStep step, DeliveryResult result, JobDone done);
  std::string Unavailable(const std::string& kind) const;

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  FollowUpSenders senders_;
};

}  // namespace leadrouter
