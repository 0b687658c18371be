#include "bot/email/email_ingest_command.h"

#include <chrono>
#include <exception>
#include <ostream>
#include <string>

#include "bot/http/http_client.h"
#include "bot/http/intake_auth.h"
#include "pipeline/email_message.h"

namespace leadrouter {
namespace {

// A mail server waits for its pipe; storing a message takes milliseconds,
// so this only bounds a daemon that hangs.
constexpr std::chrono::seconds kTimeout{30};

// "127.0.0.1:8080" -> host and port; a wildcard listen address is reached
// on loopback.
bool SplitListen(const std::string& listen, std::string& host, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  try {
    const unsigned long p = std::stoul(listen.substr(colon + 1));
    if (p == 0 || p > 65535) return false;
    port = static_cast<uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

}  // namespace

int RunEmailIngest(const Config& config, const Secrets& secrets, std::string_view raw,
                   std::ostream& out, std::ostream& err) {
  if (raw.size() > config.inbound_email.max_size) {
    err << "leadrouter: the message is " << raw.size() << " bytes, over inbound_email.max_size ("
        << config.inbound_email.max_size << ")\n";
    return kIngestNotAMessage;
  }
  auto message = pipeline::ReadEmailMessage(raw);
  if (!message.ok()) {
    err << "leadrouter: " << message.status().message() << "\n";
    return kIngestNotAMessage;
  }
  std::string host;
  uint16_t port = 0;
  if (!SplitListen(config.server.listen, host, port)) {
    err << "leadrouter: server.listen \"" << config.server.listen << "\" is not host:port\n";
    return kIngestTryLater;
  }
  HeaderList headers = {{"Content-Type", "message/rfc822"}};
  if (secrets.intake_token) {
    headers.emplace_back("Authorization", "Bearer " + *secrets.intake_token);
  } else if (secrets.webhook_secret) {
    const std::string timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    headers.emplace_back("X-Leadrouter-Timestamp", timestamp);
    headers.emplace_back("X-Leadrouter-Signature", SignV0(*secrets.webhook_secret, timestamp, raw));
  } else {
    err << "leadrouter: set LEADROUTER_INTAKE_TOKEN (or LEADROUTER_WEBHOOK_SECRET) for "
           "email ingest; the message stays with the mail server\n";
    return kIngestTryLater;
  }
  ClientResponse response;
  try {
    HttpClient client(port, host, kTimeout);
    response = client.Send("POST", "/v1/email", headers, std::string(raw));
  } catch (const std::exception& e) {
    err << "leadrouter: the daemon at " << config.server.listen
        << " cannot be reached (" << e.what() << "); the mail server will retry\n";
    return kIngestTryLater;
  }
  if (response.status == 202) {
    out << response.body << "\n";
    return kIngestStored;
  }
  err << "leadrouter: the daemon answered " << response.status << ": " << response.body << "\n";
  if (response.status == 400 || response.status == 413 || response.status == 415) {
    return kIngestNotAMessage;
  }
  return kIngestTryLater;
}

}  // namespace leadrouter
