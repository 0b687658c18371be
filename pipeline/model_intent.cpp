#include "pipeline/model_intent.h"

#include <algorithm>
#include <cstdio>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// How much of the evidence a reason quotes.
constexpr size_t kMaxEvidence = 160;

}  // namespace

std::optional<std::string> WhyUnsure(const ProcessedLead& lead,
                                     const std::vector<Intent>& unsure_intents,
                                     bool without_evidence) {
  if (lead.honeypot) return std::nullopt;
  const std::string first =
      lead.intent_reasons.empty() ? "" : lead.intent_reasons.front().detail;
  const std::string label = ToString(lead.intent);
  if (std::find(unsure_intents.begin(), unsure_intents.end(), lead.intent) !=
      unsure_intents.end()) {
    return first.empty() ? label : label + ": " + first;
  }
  const bool sure_kind = lead.intent == Intent::kSpam ||
                         lead.intent == Intent::kSupportRequest;
  if (without_evidence && !sure_kind &&
      (lead.intent_reasons.empty() ||
       lead.intent_reasons.front().rule == "default")) {
    return label + ": the rules named no words of the message";
  }
  return std::nullopt;
}

std::string ModelReason(const ModelReading& reading, const std::string& model) {
  char confidence[16];
  std::snprintf(confidence, sizeof confidence, "%.2f", reading.confidence);
  return "the model read: \"" +
         std::string(CutUtf8(reading.evidence, kMaxEvidence)) + "\" (" + model +
         ", " + confidence + ")";
}

IntentResult ModelIntentClassifier::Classify(
    const ProcessedLead& lead,
    std::chrono::system_clock::time_point now) const {
  IntentResult rules = rules_.Classify(lead, now);
  if (!answer_.reading) {
    rules.reasons.push_back(
        {"model_not_used", 0, "the model's answer was not used: " + answer_.failure});
    return rules;
  }
  const ModelReading& r = *answer_.reading;
  IntentResult out;
  out.intent = r.intent;
  out.reasons.push_back({"model", 0, ModelReason(r, model_)});
  out.lead_type = r.lead_type.value_or(rules.lead_type);
  out.lead_type_reasons =
      r.lead_type ? std::vector<Reason>{{"model", 0, ModelReason(r, model_)}}
                  : std::move(rules.lead_type_reasons);
  return out;
}

ProcessedLead WithModelReading(ProcessedLead lead, const ModelReading& reading,
                               const std::string& model) {
  const Reason reason{"model", 0, ModelReason(reading, model)};
  lead.intent = reading.intent;
  lead.intent_reasons.insert(lead.intent_reasons.begin(), reason);
  if (reading.lead_type) {
    lead.lead_type = *reading.lead_type;
    lead.lead_type_reasons.insert(lead.lead_type_reasons.begin(), reason);
  }
  if (reading.segment && *reading.segment != Segment::kLowQuality &&
      lead.segment != Segment::kLowQuality) {
    lead.segment = *reading.segment;
    lead.segment_reasons.insert(lead.segment_reasons.begin(), reason);
  }
  lead.score_reasons.insert(lead.score_reasons.begin(), reason);
  return lead;
}

}  // namespace leadrouter::pipeline
