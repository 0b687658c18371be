// The body of libleadrouter_curl.so: every libcurl call the daemon makes,
// behind the table of bot/email/curl_transfer.h, so libcurl and the
// libraries it brings are mapped only once an e-mail is sent or a mailbox
// polled. What a result means (a refused recipient, a refused login) is
// decided by the callers (bot/delivery/smtp_sender, bot/email/imap_session).
#include <curl/curl.h>
#include <sys/socket.h>

#include <cstring>
#include <mutex>

#include "bot/email/curl_transfer.h"
#include "bot/email/imap_session.h"

namespace leadrouter {
namespace {

// A server that does not answer should fail in seconds (the job queue's
// backoff, or the next poll, tries again), not hold its one worker thread
// for the whole transfer budget.
constexpr std::chrono::milliseconds kMaxConnectTimeout = std::chrono::seconds(10);

// libcurl's global state must be set up once before any thread uses it.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Upload {
  const std::string& data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

int CheckCancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::atomic<bool>*>(user);
  return cancelled && cancelled->load() ? 1 : 0;
}

// Closing a connection, libcurl says goodbye (SMTP's QUIT, IMAP's LOGOUT)
// and waits up to two minutes for the answer, whatever the transfer
// timeout: cached connections are closed with its own settings, not the
// handle's. A server gone quiet must not hold a sender's thread, or the
// daemon's stop, that long. Shutting the socket first makes the goodbye
// fail at once; the server sees the connection dropped, as it does from
// most mail clients, and has already answered all that mattered.
void ShutBeforeCleanup(CURL* h) {
  curl_socket_t socket = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK &&
      socket != CURL_SOCKET_BAD) {
    ::shutdown(socket, SHUT_RDWR);
  }
}

CurlTransferResult SendSmtp(const SmtpTransfer& t) {
  InitCurlOnce();
  CurlHandle curl(curl_easy_init());
  if (!curl) return {CURLE_FAILED_INIT, 0, "curl_easy_init failed", 0};
  CURL* h = curl.get();
  Upload upload{t.message};
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(curl_slist_append(nullptr, t.rcpt_to.c_str()));
  char error[CURL_ERROR_SIZE] = {0};

  const SmtpOptions& o = t.server;
  curl_easy_setopt(h, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // not the main thread
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, t.mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.message.size()));
  curl_easy_setopt(h, CURLOPT_USE_SSL, o.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, o.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(o.timeout, kMaxConnectTimeout).count()));

  CurlTransferResult result;
  result.code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.response_code);
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &result.connects);
  result.error_buffer = error;
  ShutBeforeCleanup(h);
  return result;
}


class CurlImapConnection : public ImapConnection {
 public:
  explicit CurlImapConnection(CurlHandle handle) : handle_(std::move(handle)) {}
  ~CurlImapConnection() override { ShutBeforeCleanup(handle_.get()); }

  CurlTransferResult Perform(const std::string& url, const std::string& command,
                             std::string* body) override {
    CURL* h = handle_.get();
    char error[CURL_ERROR_SIZE] = {0};
    std::string answer;
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command.empty() ? nullptr : command.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    CurlTransferResult result;
    result.code = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.response_code);
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &result.connects);
    result.error_buffer = error;
    if (body != nullptr && result.code == CURLE_OK) *body = std::move(answer);
    return result;
  }

 private:
  CurlHandle handle_;
};

std::unique_ptr<ImapConnection> OpenImap(const ImapOptions& o,
                                         const std::atomic<bool>* cancelled) {
  InitCurlOnce();
  CurlHandle handle(curl_easy_init());
  if (!handle) return nullptr;
  CURL* h = handle.get();
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // not the main thread
  curl_easy_setopt(h, CURLOPT_USERNAME, o.username.c_str());
  if (!o.bearer.empty()) {
    curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, o.bearer.c_str());
    curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
  } else {
    curl_easy_setopt(h, CURLOPT_PASSWORD, o.password.c_str());
  }
  // imaps:// is TLS from the first byte; imap:// (loopback only, the
  // config insists) upgrades with STARTTLS when the server offers it.
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(o.timeout, kMaxConnectTimeout).count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &CheckCancelled);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancelled);
  return std::make_unique<CurlImapConnection>(std::move(handle));
}

std::string Escape(const std::string& text) {
  char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  std::string out = escaped != nullptr ? escaped : text;
  curl_free(escaped);
  return out;
}

std::string Describe(int code) { return curl_easy_strerror(static_cast<CURLcode>(code)); }

constexpr CurlApi kApi{&SendSmtp, &OpenImap, &Escape, &Describe};

}  // namespace
}  // namespace leadrouter

extern "C" __attribute__((visibility("default"))) const leadrouter::CurlApi*
leadrouter_curl_api() {
  return &leadrouter::kApi;
}
