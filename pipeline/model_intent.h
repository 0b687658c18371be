// The language model behind IntentClassifier: when the rules are unsure,
// whether a checked model reading replaces their decision, and how it is
// written into the lead so that the route, the post and the DM say why
// ("the model read: …"). Pure: the reading comes in as a value
// (pipeline/llm_exchange.h); no I/O, no clock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/intent.h"
#include "pipeline/llm_exchange.h"

namespace leadrouter::pipeline {

// The rules are unsure of `lead` when its intent is one of `unsure_intents`
// or, with `without_evidence`, when their decision named no words of the
// message. Returns why ("GENERAL_INQUIRY: no deadline, …"), or nullopt
// when the rules are sure: spam, support and a clear buying signal are
// never unsure unless listed, and a honeypot never is.
std::optional<std::string> WhyUnsure(const ProcessedLead& lead,
                                     const std::vector<Intent>& unsure_intents,
                                     bool without_evidence);

// "the model read: “…” (gpt-4o-mini, 0.91)": the reason a model reading
// gives, on the timeline, the route and the cards.
std::string ModelReason(const ModelReading& reading, const std::string& model);

// An IntentClassifier over one model answer: the model's intent and lead
// type when the answer passed its checks, else the rules' result with a
// reason saying why the model was not used.
class ModelIntentClassifier : public IntentClassifier {
 public:
  ModelIntentClassifier(const IntentClassifier& rules, LlmAnswer answer,
                        std::string model)
      : rules_(rules), answer_(std::move(answer)), model_(std::move(model)) {}
  IntentResult Classify(
      const ProcessedLead& lead,
      std::chrono::system_clock::time_point now) const override;

 private:
  const IntentClassifier& rules_;  // outlives this object
  LlmAnswer answer_;
  std::string model_;
};

// `lead` as the model read it: its intent, lead type and segment (the
// rules' segment stays when the model gives none or LOW_QUALITY: the model
// may not bury a lead), the model's reason first among the intent, segment
// and score reasons (0 points: the score is the rules'). A model's SPAM
// keeps the lead's segment: the caller sends it to triage, never nowhere.
ProcessedLead WithModelReading(ProcessedLead lead, const ModelReading& reading,
                               const std::string& model);

}  // namespace leadrouter::pipeline
