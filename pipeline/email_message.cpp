// GMime and GLib stay in this file, multipart_form.cpp and gmime_support.
#include "pipeline/email_message.h"

#include "pipeline/gmime_support.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Multipart nesting deeper than this is not a portal's e-mail; stop walking
// rather than recurse without bound on a hostile message.
constexpr int kMaxPartDepth = 16;

std::string OrEmpty(const char* s) { return s != nullptr ? s : ""; }

MailAddress FirstMailbox(InternetAddressList* list) {
  MailAddress out;
  if (list == nullptr) return out;
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
      out.name = RepairUtf8(Trim(OrEmpty(internet_address_get_name(ia))));
      out.address = AsciiLower(Trim(OrEmpty(internet_address_mailbox_get_addr(
          INTERNET_ADDRESS_MAILBOX(ia)))));
      return out;
    }
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      MailAddress inner = FirstMailbox(
          internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)));
      if (!inner.address.empty()) return inner;
    }
  }
  return out;
}

// The part's content with its transfer encoding undone, converted to UTF-8
// from its declared charset. A charset iconv does not know leaves the bytes
// as they are; the caller repairs what is not UTF-8.
std::string PartText(GMimeTextPart* part) {
  if (GText text{g_mime_text_part_get_text(part)}) return text.get();
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
  if (content == nullptr) return "";
  GPtr<GMimeStream> sink(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, sink.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink.get()));
  if (bytes == nullptr || bytes->len == 0) return "";
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

void CollectBodies(GMimeObject* object, int depth, EmailMessage& out) {
  if (object == nullptr || depth > kMaxPartDepth) return;
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
      CollectBodies(g_mime_multipart_get_part(multipart, i), depth + 1, out);
    }
    return;
  }
  // An attached message (message/rfc822) and every other non-text part
  // are attachments: ignored.
  if (!GMIME_IS_TEXT_PART(object)) return;
  if (g_mime_part_is_attachment(GMIME_PART(object))) return;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  std::string* target = nullptr;
  if (g_mime_content_type_is_type(type, "text", "plain")) target = &out.text;
  else if (g_mime_content_type_is_type(type, "text", "html")) target = &out.html;
  if (target == nullptr || !target->empty()) return;
  *target = RepairUtf8(PartText(GMIME_TEXT_PART(object)));
}

bool SameName(std::string_view a, std::string_view b) {
  return AsciiLower(a) == AsciiLower(b);
}

}  // namespace

Result<EmailMessage> ReadEmailMessage(std::string_view raw) {
  EnsureGMime();
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) {
    return Status::InvalidField("message", "not an e-mail message: no header block");
  }
  EmailMessage out;
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(message.get()));
  for (int i = 0; headers != nullptr && i < g_mime_header_list_get_count(headers); ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
    out.headers.emplace_back(RepairUtf8(OrEmpty(g_mime_header_get_name(header))),
                             RepairUtf8(Trim(OrEmpty(g_mime_header_get_value(header)))));
  }
  if (HeaderValue(out, "From").empty()) {
    return Status::InvalidField("message", "not an e-mail message: no From header");
  }
  out.from = FirstMailbox(g_mime_message_get_from(message.get()));
  out.reply_to = FirstMailbox(g_mime_message_get_reply_to(message.get()));
  out.subject = RepairUtf8(Trim(OrEmpty(g_mime_message_get_subject(message.get()))));
  out.message_id = RepairUtf8(Trim(OrEmpty(g_mime_message_get_message_id(message.get()))));
  CollectBodies(g_mime_message_get_mime_part(message.get()), 0, out);
  return out;
}

std::string HeaderValue(const EmailMessage& message, std::string_view name) {
  for (const auto& [key, value] : message.headers) {
    if (SameName(key, name)) return value;
  }
  return "";
}

std::vector<std::string> HeaderValues(const EmailMessage& message,
                                      std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : message.headers) {
    if (SameName(key, name)) values.push_back(value);
  }
  return values;
}

}  // namespace leadrouter::pipeline
