#include "bot/delivery/mime_message.h"

#include <openssl/evp.h>

#include <cstdio>

#include "pipeline/text.h"

namespace leadrouter {
namespace {

// RFC 2047: an encoded word is at most 75 characters; 45 raw bytes are 60
// in base64, plus "=?UTF-8?B?" and "?=".
constexpr size_t kEncodedWordBytes = 45;
// RFC 2045: encoded lines are at most 76 characters, the soft break's "="
// included.
constexpr size_t kQpLineLength = 76;

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Control characters (CR and LF above all) would end the header early.
std::string WithoutControls(std::string_view s) {
  std::string out = pipeline::RepairUtf8(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string Hex(unsigned char c) {
  static const char kDigits[] = "0123456789ABCDEF";
  return {'=', kDigits[c >> 4], kDigits[c & 0xf]};
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

std::string EncodeHeaderText(std::string_view text) {
  const std::string clean = WithoutControls(text);
  if (IsAscii(clean)) return clean;
  std::string out;
  std::string_view rest = clean;
  while (!rest.empty()) {
    const std::string_view word = pipeline::CutUtf8(rest, kEncodedWordBytes);
    if (!out.empty()) out += "\r\n ";  // folding; ignored between encoded words
    out += "=?UTF-8?B?" + Base64(word) + "?=";
    rest.remove_prefix(word.size());
  }
  return out;
}

std::string EncodeMailbox(std::string_view mailbox) {
  auto [name, addr] = SplitMailbox(mailbox);
  addr = WithoutControls(addr);
  name = WithoutControls(name);
  if (name.empty()) return addr;
  if (!IsAscii(name)) return EncodeHeaderText(name) + " <" + addr + ">";
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string::npos) {
    return name + " <" + addr + ">";
  }
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" <" + addr + ">";
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

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string current;
    for (size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool at_end = i + 1 == line.size();
      std::string token;
      if ((c >= 33 && c <= 126 && c != '=') ||
          ((c == ' ' || c == '\t') && !at_end)) {
        token = std::string(1, static_cast<char>(c));
      } else {
        token = Hex(c);  // '=', controls, UTF-8 bytes, trailing white space
      }
      if (current.size() + token.size() > kQpLineLength - 1) {
        out += current + "=\r\n";
        current.clear();
      }
      current += token;
    }
    out += current;
    if (last) break;
    out += "\r\n";
    start = end + 1;
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0)
    out += "\r\n";
  return out;
}

std::string BuildMimeMessage(const EmailMessage& m,
                             std::chrono::system_clock::time_point date) {
  std::string message_id = WithoutControls(m.message_id);
  if (message_id.empty()) {
    const std::string domain = MailDomain(m.from);
    message_id =
        "<" +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                           date.time_since_epoch())
                           .count()) +
        "@" + (domain.empty() ? "leadrouter.invalid" : domain) + ">";
  }
  std::string out;
  out += "Date: " + FormatRfc5322Date(date) + "\r\n";
  out += "From: " + EncodeMailbox(m.from) + "\r\n";
  out += "To: " + EncodeMailbox(m.to) + "\r\n";
  if (!m.reply_to.empty())
    out += "Reply-To: " + EncodeMailbox(m.reply_to) + "\r\n";
  out += "Subject: " + EncodeHeaderText(m.subject) + "\r\n";
  out += "Message-ID: " + message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += QuotedPrintable(pipeline::RepairUtf8(m.body));
  return out;
}

}  // namespace leadrouter
