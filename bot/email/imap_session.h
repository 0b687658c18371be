// ImapSession: one logged-in IMAP connection through libcurl, blocking, for
// the poller's worker thread. libcurl speaks IMAP by URL; what it has no
// URL for (EXAMINE, UID SEARCH, UID STORE, UID MOVE) goes as a custom
// command on the same connection. Messages are fetched while the folder is
// open read-only (EXAMINE), so reading one never sets \Seen: a message is
// marked only by Mark, after it is stored. The password or bearer token is
// handed to libcurl and nowhere else; error texts never contain it.
// Thread rule: one thread at a time (the poller's worker).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/email/curl_transfer.h"
#include "bot/email/imap_poll_plan.h"

namespace leadrouter {

struct ImapOptions {
  std::string url;  // "imaps://imap.example.com:993", no path
  std::string username;
  std::string password;  // a secret; empty when `bearer` is used
  std::string bearer;    // an OAuth 2 access token (SASL XOAUTH2); a secret
  std::string folder = "INBOX";
  std::string flag = "$Leadrouter";  // set by Mark
  std::string move_to;               // Mark moves the message there when set
  std::string ca_file;               // empty: the system trust store
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct ImapError {
  enum class Kind {
    kAuth,         // the server refused the login: a configuration problem
    kUnreachable,  // no connection, TLS trouble, a timeout: may pass
    kRefused,      // the server answered NO or BAD to a command
    kCancelled,    // the poller is stopping
    kStorage,      // ours: the message or the cursor could not be stored
  };
  Kind kind = Kind::kUnreachable;
  std::string message;  // for logs, /healthz and the ops channel
};

// "auth", "unreachable", "refused", "cancelled", "storage".
const char* ToString(ImapError::Kind kind);

class ImapSession {
 public:
  // `cancelled`, when set, aborts a transfer in progress (checked often);
  // it must outlive the session.
  explicit ImapSession(ImapOptions options, const std::atomic<bool>* cancelled = nullptr);
  ~ImapSession();
  ImapSession(const ImapSession&) = delete;
  ImapSession& operator=(const ImapSession&) = delete;

  // Starts a poll: opens the folder read-only and returns its UIDVALIDITY
  // and UIDNEXT. Logs in first when there is no connection yet (the first
  // poll, or one after the connection was lost); a session kept from one
  // poll to the next stays logged in.
  std::optional<ImapError> Examine(ImapMailboxStatus* out);
  // The UIDs of messages at or above `from_uid` (see UidsToFetch for why
  // the answer may hold a lower one). REQUIRES: Examine succeeded.
  std::optional<ImapError> Search(uint32_t from_uid, std::vector<uint32_t>* out);
  // The raw message `uid`, as stored on the server (empty when it was
  // expunged meanwhile). Does not set \Seen: the folder is examined again
  // first when a Mark or a failure left it otherwise, and a UIDVALIDITY
  // changed since the first Examine fails the fetch. REQUIRES: Examine
  // succeeded once.
  std::optional<ImapError> Fetch(uint32_t uid, std::string* raw);
  // Sets the configured flag on `uid`, then moves it to move_to when set.
  std::optional<ImapError> Mark(uint32_t uid);

  // Connections libcurl opened and logged in on for this session so far
  // (counted when a transfer on one succeeded).
  int64_t logins() const { return logins_; }

 private:
  // EXAMINE, checking that UIDVALIDITY is still what the poll's first
  // Examine found.
  std::optional<ImapError> ExamineAgain(ImapMailboxStatus* out);
  std::optional<ImapError> Perform(const std::string& url, const std::string& command,
                                   std::string* out, bool* new_connection = nullptr);

  const ImapOptions options_;
  const std::atomic<bool>* cancelled_;
  std::unique_ptr<ImapConnection> connection_;  // opened by the first transfer
  bool examined_ = false;     // the folder is open read-only right now
  uint32_t uidvalidity_ = 0;  // as the poll's Examine found it
  int64_t logins_ = 0;
};

}  // namespace leadrouter
