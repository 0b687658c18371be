#include "bot/email/imap_poll_plan.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace leadrouter {
namespace {

// The unsigned number at the start of `text` (after spaces), if any.
std::optional<uint32_t> LeadingNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

// Calls `line_fn` with each line of `text`, without its CR LF.
template <typename Fn>
void EachLine(std::string_view text, Fn line_fn) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line_fn(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// The number after "[CODE " in a response-code line, case-insensitively.
std::optional<uint32_t> ResponseCode(std::string_view line, std::string_view code) {
  std::string upper(line);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const std::string needle = "[" + std::string(code) + " ";
  const auto at = upper.find(needle);
  if (at == std::string::npos) return std::nullopt;
  return LeadingNumber(line.substr(at + needle.size()));
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) !=
        std::toupper(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<ImapMailboxStatus> ParseMailboxStatus(std::string_view untagged) {
  std::optional<uint32_t> uidvalidity;
  uint32_t uidnext = 0;
  EachLine(untagged, [&](std::string_view line) {
    if (!StartsWithNoCase(line, "* OK ")) return;
    if (auto v = ResponseCode(line, "UIDVALIDITY")) uidvalidity = *v;
    if (auto n = ResponseCode(line, "UIDNEXT")) uidnext = *n;
  });
  if (!uidvalidity || *uidvalidity == 0) return std::nullopt;
  return ImapMailboxStatus{*uidvalidity, uidnext};
}

std::vector<uint32_t> ParseSearch(std::string_view untagged) {
  std::vector<uint32_t> uids;
  EachLine(untagged, [&](std::string_view line) {
    if (!StartsWithNoCase(line, "* SEARCH")) return;
    std::string_view rest = line.substr(8);
    while (!rest.empty()) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const auto n = LeadingNumber(rest);
      if (!n) break;
      uids.push_back(*n);
      const auto space = rest.find(' ');
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space);
    }
  });
  return uids;
}

ImapPollPlan PlanImapPoll(const std::optional<ImapCursor>& stored,
                          const ImapMailboxStatus& mailbox) {
  ImapPollPlan plan;
  if (stored && stored->uidvalidity == mailbox.uidvalidity) {
    plan.after_uid = stored->last_uid;
  } else {
    plan.uidvalidity_changed = stored.has_value();
  }
  // UIDs are given in ascending order, so nothing at or above UIDNEXT
  // exists yet; a server that leaves UIDNEXT out is searched.
  if (mailbox.uidnext != 0 && mailbox.uidnext <= plan.after_uid + 1) plan.search = false;
  return plan;
}

std::vector<uint32_t> UidsToFetch(std::vector<uint32_t> found, uint32_t after_uid,
                                  size_t max) {
  found.erase(std::remove_if(found.begin(), found.end(),
                             [after_uid](uint32_t uid) { return uid <= after_uid; }),
              found.end());
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  if (found.size() > max) found.resize(max);
  return found;
}

}  // namespace leadrouter
