// Sequence plans: which follow-up steps a lead gets and when each is due
// (what enrolment writes as jobs), and whether a due step still goes out.
// Pure: times and facts are passed in as values. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/lead.h"
#include "pipeline/sequence.h"

namespace leadrouter::pipeline {

using TimePoint = std::chrono::system_clock::time_point;

struct PlannedStep {
  size_t index = 0;  // position in the segment's sequence
  Channel channel = Channel::kEmail;
  TimePoint due_at;
};

// The sequence a lead is enrolled in: its segment's, or none (nullptr) for
// spam and honeypot leads whatever the config says, and for segments with
// no sequence. The pointer is into `sequences`.
const Sequence* SequenceForLead(const Sequences& sequences,
                                const ProcessedLead& lead);

// One planned step per sequence step, due `delay` after `enrolled_at`, in
// due order (steps with equal delays keep their config order).
std::vector<PlannedStep> PlanSequence(const Sequence& sequence,
                                      TimePoint enrolled_at);

// What is known about the lead when a step comes due.
struct StepFacts {
  TimePoint enrolled_at;
  bool taken_over = false;       // a human owns the conversation (CRM override)
  bool opted_out = false;        // the lead opted out on this step's channel
  bool consented = true;  // the consent the config requires for the channel
  bool channel_stopped = false;  // a permanent failure earlier (bad number)
  bool reachable = true;  // a valid mobile number / e-mail for the channel
  // The last human contact (Mark contacted, the CRM's "contacted"); an
  // automated message is not a contact and must not be passed here.
  std::optional<TimePoint> last_human_contact;
};

enum class SkipReason {
  kNone,
  kTakenOver,
  kOptedOut,
  kNoConsent,
  kChannelStopped,
  kUnreachable,
  kContacted,
};

// "taken_over", "opted_out", … for the timeline; "" for kNone.
std::string ToString(SkipReason reason);

// kNone when the step should be sent, else the first reason that applies,
// in this order: taken over, opted out, no consent, channel stopped,
// unreachable, contacted since enrolment.
SkipReason SkipReasonFor(const StepFacts& facts);

}  // namespace leadrouter::pipeline
