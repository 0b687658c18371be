// The body of libleadrouter_mime.so: every GMime call the daemon makes,
// behind the table of pipeline/mime_library.h, so GMime and GLib are mapped
// only once an e-mail is read or written. Pure: bytes in, values out.
#include <optional>

#include "pipeline/gmime_support.h"
#include "pipeline/mime_library.h"
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



// Whether the first header called `name` has a value (HeaderValue's test,
// without calling back into the daemon).
bool HasHeader(const EmailMessage& message, std::string_view name) {
  for (const auto& header : message.headers) {
    if (AsciiLower(header.first) == AsciiLower(name)) return !header.second.empty();
  }
  return false;
}

Result<EmailMessage> ReadMessage(std::string_view raw) {
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
  if (!HasHeader(out, "From")) {
    return Status::InvalidField("message", "not an e-mail message: no From header");
  }
  out.from = FirstMailbox(g_mime_message_get_from(message.get()));
  out.reply_to = FirstMailbox(g_mime_message_get_reply_to(message.get()));
  out.subject = RepairUtf8(Trim(OrEmpty(g_mime_message_get_subject(message.get()))));
  out.message_id = RepairUtf8(Trim(OrEmpty(g_mime_message_get_message_id(message.get()))));
  CollectBodies(g_mime_message_get_mime_part(message.get()), 0, out);
  return out;
}


// A webhook carries a handful of fields (Mailgun's raw-MIME route: about
// ten); past this many the rest are not read, so a hostile body of
// thousands of empty parts costs nothing more.
constexpr int kMaxFields = 256;

std::string StreamBytes(GMimeStream* stream) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  if (bytes == nullptr || bytes->len == 0) return "";
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// The field's bytes: a plain part's content with its transfer encoding
// undone; an attached message (message/rfc822) written back as GMime read
// it. Nothing for anything else.
std::optional<std::string> FieldValue(GMimeObject* object) {
  GPtr<GMimeStream> sink(g_mime_stream_mem_new());
  if (GMIME_IS_PART(object)) {
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object));
    if (content == nullptr) return std::string();
    if (g_mime_data_wrapper_write_to_stream(content, sink.get()) < 0) return std::nullopt;
    return StreamBytes(sink.get());
  }
  if (GMIME_IS_MESSAGE_PART(object)) {
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (message == nullptr) return std::string();
    if (g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, sink.get()) < 0) {
      return std::nullopt;
    }
    return StreamBytes(sink.get());
  }
  return std::nullopt;
}



Result<std::vector<FormField>> ReadForm(std::string_view content_type,
                                        std::string_view body) {
  EnsureGMime();
  GPtr<GMimeContentType> type(g_mime_content_type_parse(
      nullptr, std::string(content_type).c_str()));
  if (!type || !g_mime_content_type_is_type(type.get(), "multipart", "form-data")) {
    return Status::InvalidField("Content-Type", "must be multipart/form-data");
  }
  if (OrEmpty(g_mime_content_type_get_parameter(type.get(), "boundary")).empty()) {
    return Status::InvalidField("Content-Type", "multipart/form-data needs a boundary");
  }
  // GMime reads an entity: the header that names the boundary, then the body.
  std::string entity = "Content-Type: ";
  entity.append(content_type).append("\r\n\r\n").append(body);
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(entity.data(), entity.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeObject> root(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!root || !GMIME_IS_MULTIPART(root.get())) {
    return Status::InvalidField("body", "is not a multipart/form-data body");
  }
  GMimeMultipart* multipart = GMIME_MULTIPART(root.get());
  std::vector<FormField> fields;
  const int count = g_mime_multipart_get_count(multipart);
  for (int i = 0; i < count && i < kMaxFields; ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);
    const std::string name =
        OrEmpty(g_mime_object_get_content_disposition_parameter(part, "name"));
    if (name.empty()) continue;
    std::optional<std::string> value = FieldValue(part);
    if (!value) continue;
    fields.push_back({name,
                      OrEmpty(g_mime_object_get_content_disposition_parameter(part, "filename")),
                      std::move(*value)});
  }
  if (fields.empty()) {
    return Status::InvalidField("body", "has no named form-data field");
  }
  return fields;
}

// GMime writes the message: RFC 2047 for non-ASCII header text and display
// names, quoted-printable bodies with short lines, a multipart/alternative
// when there is an HTML part.
std::string Compose(const MimeParts& m) {
  EnsureGMime();
  GPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  auto add_mailbox = [&](GMimeAddressType type, const MimeMailbox& mailbox) {
    if (mailbox.address.empty()) return;
    g_mime_message_add_mailbox(message.get(), type,
                               mailbox.name.empty() ? nullptr : mailbox.name.c_str(),
                               mailbox.address.c_str());
  };
  add_mailbox(GMIME_ADDRESS_TYPE_FROM, m.from);
  add_mailbox(GMIME_ADDRESS_TYPE_TO, m.to);
  add_mailbox(GMIME_ADDRESS_TYPE_REPLY_TO, m.reply_to);
  g_mime_message_set_subject(message.get(), m.subject.c_str(), "utf-8");
  g_mime_message_set_message_id(message.get(), m.message_id.c_str());
  // The Date header as the caller formats it: GMime's own would need a
  // GDateTime.
  g_mime_object_set_header(GMIME_OBJECT(message.get()), "Date", m.date.c_str(), nullptr);

  auto text_part = [](const char* subtype, const std::string& text) {
    GMimeTextPart* part = g_mime_text_part_new_with_subtype(subtype);
    g_mime_text_part_set_text(part, text.c_str());
    g_mime_text_part_set_charset(part, "utf-8");
    g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    return part;
  };
  GPtr<GMimeTextPart> plain(text_part("plain", m.text));
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
  GText text(g_mime_object_to_string(GMIME_OBJECT(message.get()), options));
  g_mime_format_options_free(options);
  return text ? std::string(text.get()) : std::string();
}

constexpr MimeApi kApi{&ReadMessage, &ReadForm, &Compose};

}  // namespace
}  // namespace leadrouter::pipeline

extern "C" __attribute__((visibility("default"))) const leadrouter::pipeline::MimeApi*
leadrouter_mime_api() {
  return &leadrouter::pipeline::kApi;
}
