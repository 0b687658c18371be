#include "tests/support/imap_server.h"

#include <curl/curl.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "tests/support/tls_test_server.h"

namespace leadrouter::testing {
namespace {

constexpr char kDovecot[] = "/usr/sbin/dovecot";

struct Accounts {
  std::string internal;  // Dovecot's own unprivileged processes
  std::string login;     // imap-login
  uid_t mail_uid = 0;    // who owns the Maildir
  gid_t mail_gid = 0;
};

// As root, Dovecot refuses to run its login and mail processes as root:
// they run as the users the Debian package made (dovecot, dovenull).
// Otherwise everything runs as whoever runs the test.
Accounts PickAccounts() {
  Accounts a;
  if (::geteuid() == 0) {
    const passwd* dovecot = ::getpwnam("dovecot");
    const passwd* dovenull = ::getpwnam("dovenull");
    if (!dovecot || !dovenull) FAIL("the users dovecot and dovenull are missing: install dovecot-imapd");
    a.internal = "dovecot";
    a.login = "dovenull";
    a.mail_uid = dovecot->pw_uid;
    a.mail_gid = dovecot->pw_gid;
    return a;
  }
  const passwd* me = ::getpwuid(::geteuid());
  if (!me) FAIL("cannot name the current user");
  a.internal = a.login = me->pw_name;
  a.mail_uid = me->pw_uid;
  a.mail_gid = me->pw_gid;
  return a;
}

void Own(const std::string& path, const Accounts& a) {
  if (::geteuid() != 0) return;
  if (::chown(path.c_str(), a.mail_uid, a.mail_gid) != 0) FAIL("chown " << path);
}

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

ImapServer::ImapServer(std::string password, bool tls)
    : port_(FreePort()), password_(std::move(password)), tls_(tls) {
  const Accounts a = PickAccounts();
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all |
                                                std::filesystem::perms::group_exec |
                                                std::filesystem::perms::others_exec);
  for (const char* sub : {"base", "state", "mail"}) {
    std::filesystem::create_directories(dir_.File(sub));
  }
  maildir_ = dir_.File("mail") + "/" + kImapUser;
  for (const char* sub : {"", "/cur", "/new", "/tmp"}) {
    std::filesystem::create_directories(maildir_ + sub);
  }
  for (const char* path : {"mail", "state"}) Own(dir_.File(path), a);
  for (const char* sub : {"", "/cur", "/new", "/tmp"}) Own(maildir_ + sub, a);

  std::ostringstream conf;
  conf << "protocols = imap\n"
       << "listen = 127.0.0.1\n"
       << "base_dir = " << dir_.File("base") << "\n"
       << "state_dir = " << dir_.File("state") << "\n"
       << "log_path = " << dir_.File("dovecot.log") << "\n"
       << "instance_name = leadrouter-test-" << port_ << "\n"
       << "disable_plaintext_auth = no\n"
       // XOAUTH2 hands the bearer token to the passdb like a password, so
       // the static passdb's password is also the one valid token.
       << "auth_mechanisms = plain login xoauth2\n"
       << "default_internal_user = " << a.internal << "\n"
       << "default_internal_group = " << a.internal << "\n"
       << "default_login_user = " << a.login << "\n"
       << "first_valid_uid = " << a.mail_uid << "\n"
       << "mail_location = maildir:" << dir_.File("mail") << "/%u\n"
       << "service imap-login {\n"
       << "  inet_listener imap {\n    address = 127.0.0.1\n    port = "
       << (tls_ ? 0 : port_) << "\n  }\n"
       << "  inet_listener imaps {\n    address = 127.0.0.1\n    port = "
       << (tls_ ? port_ : 0) << "\n  }\n"
       << "  chroot =\n"
       << "}\n"
       << "service anvil {\n  chroot =\n}\n"
       << "passdb {\n  driver = static\n  args = password=" << password_ << "\n}\n"
       << "userdb {\n  driver = static\n  args = uid=" << a.mail_uid << " gid=" << a.mail_gid
       << " home=" << maildir_ << "\n}\n";
  if (tls_) {
    const TestCertificate cert = MakeSelfSignedCertificate(dir_, "IP:127.0.0.1");
    ca_file_ = cert.cert_file;
    conf << "ssl = required\n"
         << "ssl_cert = <" << cert.cert_file << "\n"
         << "ssl_key = <" << cert.key_file << "\n";
  } else {
    // Loopback only, throw-away: plain IMAP.
    conf << "ssl = no\n";
  }
  WriteFile(dir_.File("dovecot.conf"), conf.str());
  Start();
}

ImapServer::~ImapServer() { Stop(); }

void ImapServer::Start() {
  process_ = std::make_unique<DaemonProcess>(
      kDovecot, std::vector<std::string>{"-F", "-c", dir_.File("dovecot.conf")},
      std::map<std::string, std::string>{},
      dir_.File("dovecot-" + std::to_string(++starts_) + ".out"));
  if (!process_->WaitForPort(port_)) FAIL("dovecot did not start: " << process_->Log() << Log());
}

void ImapServer::Stop() {
  if (!process_) return;
  const pid_t group = process_->pid();  // the master leads its own group
  process_->Stop(15);
  process_.reset();
  // The master leaves a logged-in client's imap process running when it
  // stops; a server that is down has no session left, so end them all.
  ::kill(-group, SIGKILL);
}

std::string ImapServer::Log() const {
  return std::filesystem::exists(dir_.File("dovecot.log")) ? ReadFile(dir_.File("dovecot.log"))
                                                           : "";
}

void ImapServer::Deliver(const std::string& raw) {
  // Maildir: written under tmp/, then renamed into new/ in one step.
  const std::string name = std::to_string(::time(nullptr)) + ".M" +
                           std::to_string(++delivered_) + "P" + std::to_string(::getpid()) +
                           ".leadrouter-test";
  const std::string tmp = maildir_ + "/tmp/" + name;
  WriteFile(tmp, raw);
  Own(tmp, PickAccounts());
  std::filesystem::rename(tmp, maildir_ + "/new/" + name);
}

std::string ImapServer::Command(const std::string& command) {
  CURL* h = curl_easy_init();
  REQUIRE(h);
  std::string out;
  const std::string url = this->url() + "/INBOX";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, kImapUser);
  curl_easy_setopt(h, CURLOPT_PASSWORD, password_.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  if (tls_) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file_.c_str());
  const CURLcode code = curl_easy_perform(h);
  curl_easy_cleanup(h);
  INFO(command << ": " << curl_easy_strerror(code) << "\n" << Log());
  REQUIRE(code == CURLE_OK);
  return out;
}

std::map<uint32_t, std::string> ImapServer::Flags() {
  std::map<uint32_t, std::string> flags;
  std::istringstream lines(Command("UID FETCH 1:* (FLAGS)"));
  std::string line;
  while (std::getline(lines, line)) {
    // "* 1 FETCH (UID 1 FLAGS (\Seen $Leadrouter))"
    const auto uid_at = line.find("UID ");
    const auto flags_at = line.find("FLAGS (");
    if (uid_at == std::string::npos || flags_at == std::string::npos) continue;
    const auto end = line.find(')', flags_at);
    flags[static_cast<uint32_t>(std::stoul(line.substr(uid_at + 4)))] =
        line.substr(flags_at + 7, end - flags_at - 7);
  }
  return flags;
}

}  // namespace leadrouter::testing
