// What a lead's message says, read once: money ready, deadlines, hedges,
// help with the website, pitches and attempts to steer the classifier, and
// whether the writer buys, sells or rents. Intent, lead type, segment and
// score all decide from this one reading, so they never disagree about the
// words. Pure: the time the message arrived is passed in.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "pipeline/phrase.h"
#include "pipeline/rules.h"
#include "pipeline/timeline.h"

namespace leadrouter::pipeline {

struct MessageReading {
  TokenizedText text;
  // Money ready to move: "pre-approval", "approved for a mortgage", "have
  // financing", "cash", "préstamo aprobado". Negated or planned ones ("not
  // pre-approved yet", "should get pre-approved") are kept apart.
  std::vector<PhraseHit> money;
  std::vector<PhraseHit> money_denied;
  // Ready to act: "ready to buy", "make an offer".
  std::vector<PhraseHit> ready;
  Timeline timeline;
  std::vector<PhraseHit> deadline_extra;  // Rules::urgent_phrases
  // "just looking", "just curious", "not planning", "solo estoy mirando",
  // plus Rules::tire_kicker_phrases.
  std::vector<PhraseHit> hedges;
  // "no rush", "not in a hurry", "at some point": a hedge only when the
  // message asks for nothing concrete.
  std::vector<PhraseHit> soft_hedges;
  std::vector<PhraseHit> asks;  // "tour", "could you", "send", "please"
  std::vector<PhraseHit> support;  // built-in plus Rules::support_phrases
  bool stop_word_only = false;     // the whole message is "STOP"
  std::vector<PhraseHit> injection;  // "ignore previous instructions"…
  std::string injection_marker;      // "SYSTEM:", "URGENT_BUYER", … as found
  std::vector<PhraseHit> pitch;      // offers aimed at the brokerage
  bool junk_text = false;            // "asdkjh qweoiu", "test", "qwerty"
  std::vector<PhraseHit> seller;
  std::vector<PhraseHit> renter;
  std::vector<PhraseHit> buyer;
  std::vector<PhraseHit> investor;
};

// Reads `message` (already sanitized) as of `now`.
MessageReading ReadMessage(std::string_view message,
                           std::chrono::system_clock::time_point now,
                           const Rules& rules);

}  // namespace leadrouter::pipeline
