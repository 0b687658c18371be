#include "pipeline/language.h"

#include <array>
#include <string_view>
#include <vector>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Words that are common in one language and rare in the other. Words both
// share ("no", "a", "me") are left out on purpose: they prove nothing.
constexpr std::array<std::string_view, 40> kSpanish = {
    "hola", "quiero", "casa", "gracias", "para", "por", "favor", "el",
    "la", "los", "las", "una", "estoy", "busco", "buscando", "comprar",
    "vender", "necesito", "tengo", "que", "con", "mi", "es", "del",
    "pero", "buenas", "buenos", "dias", "días", "tardes", "interesado",
    "interesada", "propiedad", "precio", "llamar", "puede", "usted",
    "somos", "muy", "donde"};
constexpr std::array<std::string_view, 40> kEnglish = {
    "the", "and", "hello", "hi", "want", "house", "home", "thanks",
    "thank", "please", "for", "with", "looking", "buy", "sell", "need",
    "have", "my", "is", "are", "we", "you", "would", "like", "interested",
    "property", "price", "call", "can", "could", "this", "that", "what",
    "when", "where", "of", "to", "in", "it", "be"};

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view w) {
  for (std::string_view x : list) {
    if (x == w) return true;
  }
  return false;
}

std::string Examples(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size() && i < 3; ++i) {
    out += (i ? ", " : "") + words[i];
  }
  return out + (words.size() > 3 ? ", …" : "");
}

}  // namespace

DetectedLanguage DetectLanguage(std::string_view text) {
  std::vector<std::string> es, en;
  for (const std::string& w : Words(text)) {
    if (In(kSpanish, w)) es.push_back(w);
    if (In(kEnglish, w)) en.push_back(w);
  }
  const int n_es = static_cast<int>(es.size());
  const int n_en = static_cast<int>(en.size());
  const std::string counts = std::to_string(n_es) + " Spanish word" +
                             (n_es == 1 ? "" : "s") +
                             (es.empty() ? "" : " (" + Examples(es) + ")") +
                             ", " + std::to_string(n_en) + " English";
  DetectedLanguage out;
  if (n_es >= kMinLanguageWords && n_es >= 2 * n_en) {
    out.code = "es";
  } else if (n_en >= kMinLanguageWords && n_en >= 2 * n_es) {
    out.code = "en";
  }
  out.why = out.code.empty() ? "cannot tell: " + counts : counts;
  return out;
}

std::string LanguageCode(std::string_view name) {
  std::string lower = AsciiLower(Trim(name));
  const std::string base = lower.substr(0, lower.find_first_of("-_"));
  if (base == "en" || base == "eng" || base == "english") return "en";
  if (base == "es" || base == "spa" || base == "spanish" ||
      base == "espanol" || base == "español") {
    return "es";
  }
  return lower;
}

}  // namespace leadrouter::pipeline
