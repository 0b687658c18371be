#include "pipeline/sms_keyword.h"

#include <array>

namespace leadrouter::pipeline {
namespace {

constexpr std::array<const char*, 8> kStopWords = {
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
    "END",  "QUIT",    "REVOKE",      "OPTOUT"};
constexpr std::array<const char*, 3> kStartWords = {"START", "UNSTOP", "YES"};

// A keyword is at most 11 letters; anything longer is a sentence.
constexpr size_t kMaxKeyword = 16;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::string Normalized(std::string_view body) {
  size_t b = 0, e = body.size();
  while (b < e && IsSpace(body[b])) ++b;
  while (e > b && IsSpace(body[e - 1])) --e;
  if (e - b > kMaxKeyword) return "";
  std::string out(body.substr(b, e - b));
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

template <size_t N>
bool OneOf(const std::string& word, const std::array<const char*, N>& words) {
  for (const char* w : words) {
    if (word == w) return true;
  }
  return false;
}

}  // namespace

SmsKeyword ClassifySmsReply(std::string_view body) {
  std::string word = Normalized(body);
  if (word.empty()) return SmsKeyword::kNone;
  if (OneOf(word, kStopWords)) return SmsKeyword::kStop;
  if (OneOf(word, kStartWords)) return SmsKeyword::kStart;
  return SmsKeyword::kNone;
}

std::string SmsKeywordText(std::string_view body) {
  return ClassifySmsReply(body) == SmsKeyword::kNone ? "" : Normalized(body);
}

}  // namespace leadrouter::pipeline
