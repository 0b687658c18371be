// ImapServer: a real IMAP server on 127.0.0.1 for tests: Debian's Dovecot
// (dovecot-imapd) as a throw-away instance with its own config file,
// base_dir, state and log in a temp dir, one user in a static passdb (its
// password is also its one valid OAuth 2 bearer token, over XOAUTH2) and a
// Maildir INBOX. Runs as root (as CI does: Dovecot's own unprivileged users
// then run its login and mail processes) or as any other user.
// Thread rule: one test thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "tests/support/daemon_process.h"

namespace leadrouter::testing {

inline constexpr char kImapUser[] = "leads@brokerage.example";
inline constexpr char kImapPassword[] = "imap-app-password-7f3a9c1e";

class ImapServer {
 public:
  // Starts Dovecot on a free port; FAILs when it does not come up. `tls`:
  // imaps:// only, with a certificate for 127.0.0.1 made now (ca_file()
  // trusts it); otherwise plain imap://.
  explicit ImapServer(std::string password = kImapPassword, bool tls = false);
  ~ImapServer();

  // Takes the server down (connections are then refused, and logged-in
  // sessions are closed) and brings it back on the same port and mailbox.
  void Stop();
  void Start();

  std::string url() const {
    return (tls_ ? "imaps://127.0.0.1:" : "imap://127.0.0.1:") + std::to_string(port_);
  }
  // The PEM file that trusts the server's certificate ("" without tls).
  const std::string& ca_file() const { return ca_file_; }
  uint16_t port() const { return port_; }

  // Puts `raw` in INBOX as a new, unread message (a Maildir delivery).
  void Deliver(const std::string& raw);
  // Each message of INBOX by UID, with its flags as the server lists them
  // ("\\Seen $Leadrouter"), read over IMAP.
  std::map<uint32_t, std::string> Flags();
  // Runs an IMAP command on INBOX as the user ("UID STORE 1 -FLAGS (…)");
  // returns its untagged answer, REQUIREs that it succeeded.
  std::string Command(const std::string& command);
  std::string Log() const;

 private:
  TempDir dir_;
  uint16_t port_;
  std::string password_;
  bool tls_;
  std::string ca_file_;
  std::string maildir_;
  std::unique_ptr<DaemonProcess> process_;
  int starts_ = 0;
  int delivered_ = 0;
};

}  // namespace leadrouter::testing
