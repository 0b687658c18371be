// E-mail's transfers through libcurl (sending over SMTP, reading a mailbox
// over IMAP), in libleadrouter_curl.so (bot/email/curl_module.cpp), loaded
// the first time a message is sent or a mailbox polled. libcurl brings ~30
// libraries (GnuTLS, Kerberos, LDAP, SSH…), about 4 MB of memory mapped at
// start in a daemon that may never send an e-mail. This header is what the
// module and its callers share, so they cannot disagree on a name or a
// type; both are built from this tree with one compiler, so C++ types
// cross.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace leadrouter {

struct ImapOptions;

// What libcurl said of one transfer.
struct CurlTransferResult {
  int code = 0;             // a CURLcode; 0 is CURLE_OK
  long response_code = 0;   // the server's last reply code, 0 when none
  std::string error_buffer; // CURLOPT_ERRORBUFFER's text; may be empty
  long connects = 0;        // new connections the transfer opened
};

// The SMTP server follow-up e-mail goes through.
struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:25";  // smtp:// (STARTTLS) or smtps://
  std::string username;                     // empty: no AUTH
  std::string password;                     // a Secret; never logged
  bool require_tls = false;  // true: fail rather than send in the clear
  std::string ca_file;       // empty: the system trust store
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
};

// One message to one recipient over SMTP.
struct SmtpTransfer {
  SmtpOptions server;
  std::string mail_from;  // "<addr>"
  std::string rcpt_to;    // "<addr>"
  std::string message;    // the RFC 5322 text
};

// One IMAP connection kept between transfers (libcurl remembers the login
// and the selected folder). One thread at a time.
class ImapConnection {
 public:
  virtual ~ImapConnection() = default;
  // Fetches `url`, sending `command` (empty: libcurl's own for the URL);
  // the server's answer goes to `body`.
  virtual CurlTransferResult Perform(const std::string& url, const std::string& command,
                                     std::string* body) = 0;
};

struct CurlApi {
  CurlTransferResult (*send_smtp)(const SmtpTransfer& transfer);
  // nullptr when libcurl cannot make a handle. `cancelled`, when set,
  // aborts a transfer in progress; it must outlive the connection.
  std::unique_ptr<ImapConnection> (*open_imap)(const ImapOptions& options,
                                               const std::atomic<bool>* cancelled);
  // `text` URL-encoded.
  std::string (*escape)(const std::string& text);
  // libcurl's words for a CURLcode.
  std::string (*describe)(int code);
};

inline constexpr char kCurlModule[] = "libleadrouter_curl.so";
inline constexpr char kCurlApiSymbol[] = "leadrouter_curl_api";

// The module's functions, loading it on the first call; nullptr when it
// cannot be loaded (`error`, when given, says why).
const CurlApi* CurlTransfers(std::string* error = nullptr);

}  // namespace leadrouter
