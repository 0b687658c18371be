#include "pipeline/sequence_plan.h"

#include <algorithm>

namespace leadrouter::pipeline {

const Sequence* SequenceForLead(const Sequences& sequences,
                                const ProcessedLead& lead) {
  // Spam is LOW_QUALITY today, but a config that gives LOW_QUALITY a
  // sequence must still never write to a spammer or a bot.
  if (lead.intent == Intent::kSpam || lead.honeypot) return nullptr;
  const auto it = sequences.by_segment.find(lead.segment);
  if (it == sequences.by_segment.end() || it->second.empty()) return nullptr;
  return &it->second;
}

std::vector<PlannedStep> PlanSequence(const Sequence& sequence,
                                      TimePoint enrolled_at) {
  std::vector<PlannedStep> plan;
  plan.reserve(sequence.size());
  for (size_t i = 0; i < sequence.size(); ++i) {
    plan.push_back({i, sequence[i].channel, enrolled_at + sequence[i].delay});
  }
  std::stable_sort(plan.begin(), plan.end(),
                   [](const PlannedStep& a, const PlannedStep& b) {
                     return a.due_at < b.due_at;
                   });
  return plan;
}

std::string ToString(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNone:
      return "";
    case SkipReason::kTakenOver:
      return "taken_over";
    case SkipReason::kOptedOut:
      return "opted_out";
    case SkipReason::kNoConsent:
      return "no_consent";
    case SkipReason::kChannelStopped:
      return "channel_stopped";
    case SkipReason::kUnreachable:
      return "unreachable";
    case SkipReason::kContacted:
      return "contacted";
  }
  return "";
}

SkipReason SkipReasonFor(const StepFacts& facts) {
  if (facts.taken_over) return SkipReason::kTakenOver;
  if (facts.opted_out) return SkipReason::kOptedOut;
  if (!facts.consented) return SkipReason::kNoConsent;
  if (facts.channel_stopped) return SkipReason::kChannelStopped;
  if (!facts.reachable) return SkipReason::kUnreachable;
  // A contact before enrolment (a returning lead) does not stop a new
  // sequence; one after it means a human is on the case.
  if (facts.last_human_contact &&
      *facts.last_human_contact >= facts.enrolled_at) {
    return SkipReason::kContacted;
  }
  return SkipReason::kNone;
}

}  // namespace leadrouter::pipeline
