#include "pipeline/signals.h"

#include <string>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Fewer digits than any real subscriber number anywhere.
constexpr int kMinPhoneDigits = 7;

int CountDigits(const std::string& s) {
  int n = 0;
  for (char c : s) n += (c >= '0' && c <= '9') ? 1 : 0;
  return n;
}

int CountOccurrences(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos;
       at = hay.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace

int CountLinks(const std::string& text) {
  const std::string lower = AsciiLower(text);
  const int schemes =
      CountOccurrences(lower, "http://") + CountOccurrences(lower, "https://");
  // "https://www.x" is one link, not two.
  const int bare_www =
      CountOccurrences(lower, "www.") - CountOccurrences(lower, "://www.");
  return schemes + bare_www;
}

std::vector<Reason> SpamSignals(const ProcessedLead& lead, const Rules& rules) {
  std::vector<Reason> signals;
  if (lead.honeypot) {
    signals.push_back({"honeypot", 0, "a hidden form field was filled in"});
  }
  const int links = CountLinks(lead.message);
  if (links >= rules.spam_min_links) {
    signals.push_back(
        {"links", 0, std::to_string(links) + " links in the message"});
  }
  const std::vector<std::string> words = Words(lead.message);
  const std::vector<std::string> pitch =
      MatchingPhrases(words, rules.spam_phrases);
  if (!pitch.empty()) {
    signals.push_back({"spam_phrase", 0, "sales pitch: " + JoinQuoted(pitch)});
  }
  if (!lead.phone.raw.empty() &&
      CountDigits(lead.phone.raw) < kMinPhoneDigits) {
    signals.push_back(
        {"junk_phone", 0, "phone \"" + lead.phone.raw + "\" is too short"});
  }
  return signals;
}

bool IsSpam(const ProcessedLead& lead, const Rules& rules) {
  if (lead.honeypot) return true;
  return static_cast<int>(SpamSignals(lead, rules).size()) >=
         rules.spam_min_signals;
}

}  // namespace leadrouter::pipeline
