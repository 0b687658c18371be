#include "bot/delivery/mime_message.h"

#include <openssl/evp.h>

#include <cstdio>

#include "pipeline/mime_library.h"
#include "pipeline/text.h"

namespace leadrouter {
namespace {

// Control characters (CR and LF above all) would end the header early.
std::string WithoutControls(std::string_view s) {
  std::string out = pipeline::RepairUtf8(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

// Splits "Name <addr>" into its parts; name empty for a bare address.
std::pair<std::string, std::string> SplitMailbox(std::string_view mailbox) {
  const size_t open = mailbox.rfind('<');
  const size_t close = mailbox.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open) {
    return {"", pipeline::Trim(mailbox)};
  }
  std::string name = pipeline::Trim(mailbox.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return {name, pipeline::Trim(mailbox.substr(open + 1, close - open - 1))};
}

}  // namespace

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string AddrSpec(std::string_view mailbox) {
  std::string addr = SplitMailbox(mailbox).second;
  if (addr.find('@') == std::string::npos) return "";
  return WithoutControls(addr);
}

std::string MailDomain(std::string_view mailbox) {
  const std::string addr = AddrSpec(mailbox);
  const size_t at = addr.rfind('@');
  return at == std::string::npos ? "" : addr.substr(at + 1);
}

std::string FormatRfc5322Date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> time(floor<seconds>(t - day));
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
      kDays[weekday(day).c_encoding()], static_cast<unsigned>(ymd.day()),
      kMonths[static_cast<unsigned>(ymd.month()) - 1],
      static_cast<int>(ymd.year()), static_cast<int>(time.hours().count()),
      static_cast<int>(time.minutes().count()),
      static_cast<int>(time.seconds().count()));
  return buf;
}

// GMime writes the message (pipeline/mime_module). Our part is keeping
// control characters out of every header (a lead's name cannot add a Bcc)
// and the Message-ID stable.
std::string BuildMimeMessage(const EmailMessage& m,
                             std::chrono::system_clock::time_point date) {
  const pipeline::MimeApi* mime = pipeline::MimeFunctions();
  if (mime == nullptr) return "";
  pipeline::MimeParts parts;
  parts.message_id = WithoutControls(m.message_id);
  if (!parts.message_id.empty() && parts.message_id.front() == '<' &&
      parts.message_id.back() == '>') {
    parts.message_id = parts.message_id.substr(1, parts.message_id.size() - 2);
  }
  if (parts.message_id.empty()) {
    const std::string domain = MailDomain(m.from);
    parts.message_id =
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                           date.time_since_epoch())
                           .count()) +
        "@" + (domain.empty() ? "leadrouter.invalid" : domain);
  }
  auto mailbox = [](const std::string& text) {
    auto [name, addr] = SplitMailbox(text);
    return pipeline::MimeMailbox{WithoutControls(name), WithoutControls(addr)};
  };
  parts.from = mailbox(m.from);
  parts.to = mailbox(m.to);
  if (!m.reply_to.empty()) parts.reply_to = mailbox(m.reply_to);
  parts.subject = WithoutControls(m.subject);
  parts.date = FormatRfc5322Date(date);
  parts.text = pipeline::RepairUtf8(m.body);
  if (!m.html.empty()) parts.html = pipeline::RepairUtf8(m.html);
  return mime->compose(parts);
}

}  // namespace leadrouter
