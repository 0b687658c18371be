#include "bot/email/imap_session.h"

#include <curl/curl.h>

#include <mutex>

namespace leadrouter {
namespace {

// A server that does not answer should fail the poll in seconds; the next
// poll tries again.
constexpr std::chrono::milliseconds kMaxConnectTimeout = std::chrono::seconds(10);

// libcurl's global state must be set up once before any thread uses it.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

int CheckCancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::atomic<bool>*>(user);
  return cancelled && cancelled->load() ? 1 : 0;
}

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

ImapError Classify(CURLcode code, const char* error_buffer) {
  ImapError e;
  e.message = error_buffer && *error_buffer ? error_buffer : curl_easy_strerror(code);
  switch (code) {
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

struct ImapSession::Curl {
  struct Deleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
  };
  std::unique_ptr<CURL, Deleter> handle;
};

ImapSession::ImapSession(ImapOptions options, const std::atomic<bool>* cancelled)
    : options_(std::move(options)), cancelled_(cancelled), curl_(std::make_unique<Curl>()) {
  InitCurlOnce();
}

ImapSession::~ImapSession() = default;

std::optional<ImapError> ImapSession::Perform(const std::string& url,
                                              const std::string& command,
                                              std::string* out, bool* new_connection) {
  // One handle for the whole session: libcurl keeps its connection, and
  // remembers which folder it selected, between transfers.
  if (!curl_->handle) {
    curl_->handle.reset(curl_easy_init());
    if (!curl_->handle) return ImapError{ImapError::Kind::kUnreachable, "curl_easy_init failed"};
    CURL* h = curl_->handle.get();
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // not the main thread
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    if (!options_.bearer.empty()) {
      curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, options_.bearer.c_str());
      curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
    } else {
      curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    }
    // imaps:// is TLS from the first byte; imap:// (loopback only, the
    // config insists) upgrades with STARTTLS when the server offers it.
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(options_.timeout, kMaxConnectTimeout).count()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &CheckCancelled);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancelled_);
  }
  CURL* h = curl_->handle.get();
  char error[CURL_ERROR_SIZE] = {0};
  std::string body;
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command.empty() ? nullptr : command.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (new_connection) {
    long connects = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    *new_connection = connects > 0;
  }
  if (code != CURLE_OK) {
    // libcurl closes the connection after a failed transfer: start over,
    // and open the folder read-only again before the next fetch.
    curl_->handle.reset();
    examined_ = false;
    return Classify(code, error);
  }
  if (out) *out = std::move(body);
  return std::nullopt;
}

namespace {

std::string FolderUrl(const ImapOptions& o) {
  std::string base = o.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  char* escaped = curl_easy_escape(nullptr, o.folder.c_str(), static_cast<int>(o.folder.size()));
  std::string folder = escaped ? escaped : o.folder;
  curl_free(escaped);
  return base + "/" + folder;
}

}  // namespace

std::optional<ImapError> ImapSession::Examine(ImapMailboxStatus* out) {
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
    curl_->handle.reset();
    return ImapError{ImapError::Kind::kRefused,
                     "the server gave no UIDVALIDITY for " + options_.folder};
  }
  if (uidvalidity_ != 0 && status->uidvalidity != uidvalidity_) {
    curl_->handle.reset();
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
    if (auto e = Examine(&again)) return e;
  }
  bool new_connection = false;
  auto e = Perform(FolderUrl(options_) + "/;UID=" + std::to_string(uid), "", raw,
                   &new_connection);
  if (!e && new_connection) {
    // libcurl had lost the connection and logged in again: the folder was
    // selected read-write for this fetch. Refuse the copy; the next poll
    // reads it again from a fresh EXAMINE.
    curl_->handle.reset();
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
