#include "bot/delivery/mime_message.h"

#include <openssl/evp.h>

#include "pipeline/gmime_support.h"

#include <cstdio>

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

// GMime writes the message: RFC 2047 for non-ASCII header text and display
// names, quoted-printable bodies with short lines, a multipart/alternative
// when there is an HTML part. Our part is keeping control characters out
// of every header (a lead's name cannot add a Bcc) and the Message-ID
// stable.
std::string BuildMimeMessage(const EmailMessage& m,
                             std::chrono::system_clock::time_point date) {
  pipeline::EnsureGMime();
  using pipeline::GPtr;
  std::string message_id = WithoutControls(m.message_id);
  if (!message_id.empty() && message_id.front() == '<' && message_id.back() == '>') {
    message_id = message_id.substr(1, message_id.size() - 2);
  }
  if (message_id.empty()) {
    const std::string domain = MailDomain(m.from);
    message_id =
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                           date.time_since_epoch())
                           .count()) +
        "@" + (domain.empty() ? "leadrouter.invalid" : domain);
  }
  GPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  auto add_mailbox = [&](GMimeAddressType type, const std::string& mailbox) {
    auto [name, addr] = SplitMailbox(mailbox);
    name = WithoutControls(name);
    addr = WithoutControls(addr);
    if (addr.empty()) return;
    g_mime_message_add_mailbox(message.get(), type, name.empty() ? nullptr : name.c_str(),
                               addr.c_str());
  };
  add_mailbox(GMIME_ADDRESS_TYPE_FROM, m.from);
  add_mailbox(GMIME_ADDRESS_TYPE_TO, m.to);
  if (!m.reply_to.empty()) add_mailbox(GMIME_ADDRESS_TYPE_REPLY_TO, m.reply_to);
  g_mime_message_set_subject(message.get(), WithoutControls(m.subject).c_str(), "utf-8");
  g_mime_message_set_message_id(message.get(), message_id.c_str());
  // The Date header as we format it: GMime's own would need a GDateTime.
  g_mime_object_set_header(GMIME_OBJECT(message.get()), "Date",
                           FormatRfc5322Date(date).c_str(), nullptr);

  auto text_part = [](const char* subtype, const std::string& text) {
    GMimeTextPart* part = g_mime_text_part_new_with_subtype(subtype);
    g_mime_text_part_set_text(part, pipeline::RepairUtf8(text).c_str());
    g_mime_text_part_set_charset(part, "utf-8");
    g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    return part;
  };
  GPtr<GMimeTextPart> plain(text_part("plain", m.body));
  if (m.html.empty()) {
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(plain.get()));
  } else {
    GPtr<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
    GPtr<GMimeTextPart> html(text_part("html", m.html));
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(plain.get()));
    g_mime_multipart_add(alternative.get(), GMIME_OBJECT(html.get()));
    g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative.get()));
  }
  GMimeFormatOptions* options = g_mime_format_options_clone(nullptr);
  g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
  pipeline::GText text(g_mime_object_to_string(GMIME_OBJECT(message.get()), options));
  g_mime_format_options_free(options);
  return text ? std::string(text.get()) : std::string();
}

}  // namespace leadrouter
