#include "bot/email/imap_session.h"

#include <curl/curl.h>  // CURLcode values only: libcurl itself is in bot/email/curl_module

namespace leadrouter {
namespace {

// A mailbox name as an IMAP quoted string. libcurl URL-decodes a custom
// command, so a '%' is written as "%25" to reach the server as itself.
std::string Quoted(const std::string& mailbox) {
  std::string out = "\"";
  for (char c : mailbox) {
    if (c == '%') {
      out += "%25";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

ImapError Classify(const CurlApi& curl, const CurlTransferResult& result) {
  ImapError e;
  e.message = !result.error_buffer.empty() ? result.error_buffer : curl.describe(result.code);
  switch (result.code) {
    case CURLE_LOGIN_DENIED:
      e.kind = ImapError::Kind::kAuth;
      e.message = "the server refused the login (" + e.message + ")";
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      e.kind = ImapError::Kind::kCancelled;
      break;
    case CURLE_QUOTE_ERROR:
    case CURLE_REMOTE_FILE_NOT_FOUND:
    case CURLE_REMOTE_ACCESS_DENIED:
      e.kind = ImapError::Kind::kRefused;
      break;
    default:
      e.kind = ImapError::Kind::kUnreachable;
  }
  return e;
}

}  // namespace

const char* ToString(ImapError::Kind kind) {
  switch (kind) {
    case ImapError::Kind::kAuth:
      return "auth";
    case ImapError::Kind::kUnreachable:
      return "unreachable";
    case ImapError::Kind::kRefused:
      return "refused";
    case ImapError::Kind::kCancelled:
      return "cancelled";
    case ImapError::Kind::kStorage:
      return "storage";
  }
  return "unreachable";
}

ImapSession::ImapSession(ImapOptions options, const std::atomic<bool>* cancelled)
    : options_(std::move(options)), cancelled_(cancelled) {}

ImapSession::~ImapSession() = default;

std::optional<ImapError> ImapSession::Perform(const std::string& url,
                                              const std::string& command,
                                              std::string* out, bool* new_connection) {
  std::string why;
  const CurlApi* curl = CurlTransfers(&why);
  if (curl == nullptr) {
    return ImapError{ImapError::Kind::kUnreachable, "the mailbox cannot be read: " + why};
  }
  // One connection for the whole session: libcurl keeps it, and remembers
  // which folder it selected, between transfers.
  if (!connection_) {
    connection_ = curl->open_imap(options_, cancelled_);
    if (!connection_) return ImapError{ImapError::Kind::kUnreachable, "curl_easy_init failed"};
  }
  const CurlTransferResult result = connection_->Perform(url, command, out);
  if (new_connection) *new_connection = result.connects > 0;
  if (result.code != CURLE_OK) {
    // libcurl closes the connection after a failed transfer: start over,
    // and open the folder read-only again before the next fetch.
    connection_.reset();
    examined_ = false;
    return Classify(*curl, result);
  }
  logins_ += result.connects;
  return std::nullopt;
}

namespace {

std::string FolderUrl(const ImapOptions& o) {
  std::string base = o.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const CurlApi* curl = CurlTransfers();
  return base + "/" + (curl != nullptr ? curl->escape(o.folder) : o.folder);
}

}  // namespace

std::optional<ImapError> ImapSession::Examine(ImapMailboxStatus* out) {
  uidvalidity_ = 0;  // a new poll: the last one's may have changed since
  return ExamineAgain(out);
}

std::optional<ImapError> ImapSession::ExamineAgain(ImapMailboxStatus* out) {
  std::string untagged;
  // libcurl SELECTs the URL's folder first (read-write); EXAMINE then
  // reopens it read-only on the same connection, and libcurl, which
  // remembers the folder as selected, sends the next FETCH without
  // selecting again.
  if (auto e = Perform(FolderUrl(options_), "EXAMINE " + Quoted(options_.folder), &untagged)) {
    return e;
  }
  auto status = ParseMailboxStatus(untagged);
  if (!status) {
    connection_.reset();
    return ImapError{ImapError::Kind::kRefused,
                     "the server gave no UIDVALIDITY for " + options_.folder};
  }
  if (uidvalidity_ != 0 && status->uidvalidity != uidvalidity_) {
    connection_.reset();
    uidvalidity_ = 0;
    return ImapError{ImapError::Kind::kRefused,
                     "the UIDVALIDITY of " + options_.folder + " changed during the poll"};
  }
  uidvalidity_ = status->uidvalidity;
  examined_ = true;
  *out = *status;
  return std::nullopt;
}

std::optional<ImapError> ImapSession::Search(uint32_t from_uid, std::vector<uint32_t>* out) {
  std::string untagged;
  if (auto e = Perform(FolderUrl(options_), "UID SEARCH UID " + std::to_string(from_uid) + ":*",
                       &untagged)) {
    return e;
  }
  *out = ParseSearch(untagged);
  return std::nullopt;
}

std::optional<ImapError> ImapSession::Fetch(uint32_t uid, std::string* raw) {
  if (!examined_) {
    ImapMailboxStatus again;
    if (auto e = ExamineAgain(&again)) return e;
  }
  bool new_connection = false;
  auto e = Perform(FolderUrl(options_) + "/;UID=" + std::to_string(uid), "", raw,
                   &new_connection);
  if (!e && new_connection) {
    // libcurl had lost the connection and logged in again: the folder was
    // selected read-write for this fetch. Refuse the copy; the next poll
    // reads it again from a fresh EXAMINE.
    connection_.reset();
    return ImapError{ImapError::Kind::kUnreachable,
                     "the connection was reopened during the poll"};
  }
  if (e && e->kind == ImapError::Kind::kRefused) {
    raw->clear();  // expunged since the search
    return std::nullopt;
  }
  return e;
}

std::optional<ImapError> ImapSession::Mark(uint32_t uid) {
  const std::string url = FolderUrl(options_);
  const std::string id = std::to_string(uid);
  examined_ = false;
  if (auto e = Perform(url, "SELECT " + Quoted(options_.folder), nullptr)) return e;
  if (auto e = Perform(url, "UID STORE " + id + " +FLAGS.SILENT (" + options_.flag + ")",
                       nullptr)) {
    return e;
  }
  if (!options_.move_to.empty()) {
    if (auto e = Perform(url, "UID MOVE " + id + " " + Quoted(options_.move_to), nullptr)) {
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace leadrouter
