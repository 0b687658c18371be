// Timelines in free text: "by Friday", "our lease ends in March", "closing in
// 30 days", "in a year or two", "not anytime soon", "lo antes posible".
// Pure: the day the message arrived is passed in.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "pipeline/phrase.h"

namespace leadrouter::pipeline {

// Horizon limits, in days from the day the message arrived. Two months is
// about what a purchase takes from offer to keys, so a deadline inside it
// means acting now; half a year or more is a plan, not a deadline.
constexpr int kNearHorizonDays = 65;
constexpr int kFarHorizonDays = 180;

struct TimeMention {
  std::string words;  // as written: "by Friday", "lease ends 2/15"
  int days = 0;       // roughly how far ahead
};

struct Timeline {
  std::optional<TimeMention> near;  // within kNearHorizonDays
  std::optional<TimeMention> mid;   // between the two limits
  std::optional<TimeMention> far;   // kFarHorizonDays or more, or "someday",
                                    // or a near one negated ("not anytime soon")
};

// Reads every time expression in `text` and keeps the nearest of each kind.
// Negated near expressions ("not this year") count as far; past dates
// ("we saw it Jan 3") are ignored.
Timeline ReadTimeline(const TokenizedText& text,
                      std::chrono::system_clock::time_point now);

}  // namespace leadrouter::pipeline
