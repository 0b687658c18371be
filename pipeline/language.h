// Which language a lead wrote in, for routing to Spanish speakers: English
// or Spanish by counting common function words, and nothing when the text
// is too short or too mixed to say. An honest small detector, not a model.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leadrouter::pipeline {

struct DetectedLanguage {
  std::string code;  // "en", "es"; empty when it cannot tell
  std::string why;   // "6 Spanish words (hola, quiero, casa, …), 1 English"
};

// Needs at least kMinLanguageWords function words and twice as many of one
// language as of the other; otherwise the code is empty and `why` says so.
inline constexpr int kMinLanguageWords = 2;
DetectedLanguage DetectLanguage(std::string_view text);

// "en" for "en", "EN", "en-US", "English"; "es" for "es", "es-MX",
// "Spanish", "Español"/"espanol"; other names lower-cased as given.
std::string LanguageCode(std::string_view name);

}  // namespace leadrouter::pipeline
