#include "pipeline/multipart_form.h"

#include <optional>

#include "pipeline/gmime_support.h"

namespace leadrouter::pipeline {
namespace {

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

std::string OrEmpty(const char* s) { return s != nullptr ? s : ""; }

}  // namespace

Result<std::vector<FormField>> ReadMultipartForm(std::string_view content_type,
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

const FormField* FindFormField(const std::vector<FormField>& fields,
                               std::string_view name) {
  for (const FormField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

}  // namespace leadrouter::pipeline
