// MIME through GMime (reading a lead's e-mail, a webhook's
// multipart/form-data body, composing a follow-up e-mail), in
// libleadrouter_mime.so (pipeline/mime_module.cpp), loaded the first time
// any of them is needed. GMime brings GLib, GIO and GPGME, about 2.5 MB of
// memory mapped at start in a daemon whose leads may all come as JSON. This
// header is what the module and its callers share, so they cannot disagree
// on a name or a type; both are built from this tree with one compiler, so
// C++ types cross. Callers use email_message.h, multipart_form.h and
// bot/delivery/mime_message.h, which forward here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/email_message.h"
#include "pipeline/multipart_form.h"
#include "pipeline/status.h"

namespace leadrouter::pipeline {

// One mailbox of a message being composed, already free of control
// characters.
struct MimeMailbox {
  std::string name;  // display name; may be empty
  std::string address;
};

// A follow-up e-mail's parts, each header value free of control characters
// and the bodies valid UTF-8 (bot/delivery/mime_message prepares them).
struct MimeParts {
  MimeMailbox from;
  MimeMailbox to;
  MimeMailbox reply_to;     // address empty: none
  std::string subject;
  std::string message_id;   // without angle brackets
  std::string date;         // the Date header as written
  std::string text;         // text/plain
  std::string html;         // empty: no text/html alternative
};

struct MimeApi {
  Result<EmailMessage> (*read_message)(std::string_view raw);
  Result<std::vector<FormField>> (*read_form)(std::string_view content_type,
                                              std::string_view body);
  // The message with CRLF line ends; empty when GMime could not write it.
  std::string (*compose)(const MimeParts& parts);
};

inline constexpr char kMimeModule[] = "libleadrouter_mime.so";
inline constexpr char kMimeApiSymbol[] = "leadrouter_mime_api";

// The module's functions, loading it on the first call; nullptr when it
// cannot be loaded (`error`, when given, says why).
const MimeApi* MimeFunctions(std::string* error = nullptr);

}  // namespace leadrouter::pipeline

// The module's one symbol. Declared weak: where the module's body is linked
// into the binary itself (the fuzz targets, so that libFuzzer instruments
// the code that hands outside bytes to GMime) it is used directly; where it
// is not (the daemon, the tests), it is null and the module is loaded.
extern "C" const leadrouter::pipeline::MimeApi* leadrouter_mime_api() __attribute__((weak));
