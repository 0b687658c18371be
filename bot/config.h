// Config: the daemon's settings, read from a TOML file and checked whole.
// Secrets never live here: they come from the environment (see Secrets).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/rules.h"
#include "pipeline/send_window.h"
#include "pipeline/sequence.h"

namespace leadrouter {

using std::chrono::milliseconds;

struct AgentConfig {
  std::string slack_id;
  std::string name;
  int weight = 1;
  int daily_cap = 0;  // 0: no cap
  std::string timezone;
  std::string email;  // as the CRM knows the agent, for owner sync
  std::string phone;  // for {agent_phone} in follow-up templates
};

struct Config {
  struct Server {
    std::string listen = "127.0.0.1:8080";
    size_t body_limit = 64 * 1024;
    int rate_limit_burst = 60;
    double rate_limit_per_second = 20;
    bool trust_forwarded_for = false;  // only behind a proxy we run
    milliseconds idempotency_ttl = std::chrono::hours(24);
    milliseconds header_timeout = std::chrono::seconds(10);
    milliseconds body_timeout = std::chrono::seconds(30);
    milliseconds idle_timeout = std::chrono::seconds(60);
  } server;
  struct Storage {
    std::string path = "leadrouter.db";
    milliseconds dedupe_window = std::chrono::hours(24 * 30);
  } storage;
  struct Slack {
    std::string api_url = "https://slack.com/api/";
    std::string ca_file;  // empty: the system trust store
    std::string shark_tank_channel;
    std::string ops_channel;
    std::string triage_channel;
    std::vector<std::string> managers;
    milliseconds claim_timeout = std::chrono::minutes(5);
    bool hide_identity_until_claimed = false;
  } slack;
  struct Jobs {
    int max_attempts = 8;
    milliseconds backoff_base = std::chrono::seconds(2);
    milliseconds backoff_cap = std::chrono::minutes(15);
  } jobs;
  struct Log {
    std::string level = "info";
  } log;
  std::vector<AgentConfig> agents;
  pipeline::Rules rules;

  // Follow-up (sequences, channels, the SMS send window).
  struct Company {
    std::string name;  // {company} in templates
  } company;
  pipeline::Sequences sequences = pipeline::DefaultSequences();
  struct SendWindow {
    pipeline::SendWindow rules;  // 08:00-21:00, no holidays, no state rules
    // The team's zone, for leads whose address and phone name no US state.
    std::string timezone = "America/New_York";
  } send_window;
  struct Email {
    std::string from;  // "Elm Realty <homes@elmrealty.example>"
    std::string smtp_url = "smtp://127.0.0.1:25";  // or smtps://
    std::string username;  // SMTP AUTH; the password is a Secret
    bool require_tls = false;  // false: STARTTLS when the server offers it
    std::string ca_file;       // empty: the system trust store
    milliseconds timeout = std::chrono::seconds(30);
  } email;
  struct Sms {
    std::string twilio_base_url = "https://api.twilio.com";
    std::string account_sid;  // "AC…"; the auth token is a Secret
    std::string from;         // "+13125550100" or a messaging service "MG…"
  } sms;
  struct Webhook {
    std::string url;  // where webhook steps are POSTed, signed
  } webhook;
};

// One problem with the file: `key` is the dotted path ("slack.claim_timeout",
// "agents[1].slack_id"), `message` says what is wrong.
struct ConfigError {
  std::string key;
  std::string message;
  int line = 0;  // 0 when unknown
  std::string ToString() const;
};

struct ConfigLoad {
  Config config;
  std::vector<ConfigError> errors;  // empty: the config is usable
  // Usable but surprising: follow-up steps that will be skipped because a
  // setting they need is unset (e.g. {company} without [company] name).
  std::vector<ConfigError> warnings;
  bool ok() const { return errors.empty(); }
};

// Reads and checks the file: syntax, unknown keys, types, durations, Slack
// ids, ranges. Collects every error rather than stopping at the first.
ConfigLoad LoadConfigFile(const std::string& path);
ConfigLoad LoadConfigString(const std::string& toml_text,
                            const std::string& source_name = "config");

// A one-screen human summary, for `leadrouter check-config`.
std::string SummarizeConfig(const Config& config);

// Tokens and secrets, from the environment only. Never logged.
struct Secrets {
  std::optional<std::string> slack_bot_token;    // SLACK_BOT_TOKEN, xoxb-
  std::optional<std::string> slack_app_token;    // SLACK_APP_TOKEN, xapp-
  std::optional<std::string> intake_token;       // LEADROUTER_INTAKE_TOKEN
  std::optional<std::string> webhook_secret;     // LEADROUTER_WEBHOOK_SECRET
  std::optional<std::string> smtp_password;      // LEADROUTER_SMTP_PASSWORD
  std::optional<std::string> twilio_auth_token;  // TWILIO_AUTH_TOKEN
  static Secrets FromEnvironment();
  // Every non-empty secret, for the log redactor.
  std::vector<std::string> All() const;
};

// "C0123SHARK"-style conversation ids and "U0123ANA"-style user ids.
bool LooksLikeChannelId(const std::string& id);
bool LooksLikeUserId(const std::string& id);

}  // namespace leadrouter
