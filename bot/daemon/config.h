// Config: the daemon's settings, read from a TOML file and checked whole.
// Secrets never live here: they come from the environment (see Secrets).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/classifier/llm_config.h"
#include "bot/daemon/routing_config.h"
#include "bot/enrichment/enrichment_config.h"
#include "pipeline/consent_rule.h"
#include "pipeline/email_rules.h"
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
  // work_hours = "09:00-17:00" in the agent's zone; nullopt: always.
  std::optional<int> work_start_minute;
  std::optional<int> work_end_minute;
  int work_days = 0x7F;  // work_days = ["mon", …]; bit 0 = Sunday
  std::string phone;  // for {agent_phone} in follow-up templates
};

// What a resumed agent does: keep their place in the order, or join at the
// back of the line (behind everyone waiting). Never a catch-up burst.
enum class RejoinPolicy { kOldPlace, kBack };

// First-contact SLA for one segment ([sla.HOT_BUYER]): the owner is reminded
// by DM after `remind_after` without a recorded contact; after
// `escalate_after` the ops channel is alerted and, when
// `reassign_on_escalation`, the rotation gives the lead to someone else.
// Both count from the moment the current owner got the lead; nullopt
// ("off" in the file) means no such step.
struct SlaPolicy {
  std::optional<milliseconds> remind_after;
  std::optional<milliseconds> escalate_after;
  bool reassign_on_escalation = false;
};

// One [[volume_watch]] entry: alert once when no lead from `source` (as
// leads' source, case-insensitive) has arrived for `silence`, checked
// inside business hours (`hours` on `days` in rotation.timezone).
struct VolumeWatchConfig {
  std::string source;
  milliseconds silence = std::chrono::hours(3);
  // hours = "08:00-20:00"; nullopt: all day.
  std::optional<int> start_minute;
  std::optional<int> end_minute;
  int days = 0x7F;  // days = ["mon", …]; bit 0 = Sunday
};

// HOT_BUYER: remind at 5m, escalate and reassign at 15m. WARM_BUYER: remind
// at 1h, escalate (no reassignment) at 4h. Other segments: none.
std::map<std::string, SlaPolicy> DefaultSlaPolicies();

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
    // Socket Mode liveness: we ping this often; no frame, ping or pong for
    // socket_silence_limit means a dead link and a reconnect.
    milliseconds socket_ping_interval = std::chrono::seconds(5);
    milliseconds socket_silence_limit = std::chrono::seconds(30);
    // chat.postMessage per channel: post_burst at once, then one per
    // post_interval. Slack allows about one a second with short bursts.
    milliseconds post_interval = std::chrono::seconds(1);
    int post_burst = 3;
    // A call Slack answers 429 goes again, ahead of the calls queued behind
    // it, this many times; then its job waits on disk like any retry.
    int rate_limited_retries = 3;
  } slack;
  struct Jobs {
    int max_attempts = 8;
    milliseconds backoff_base = std::chrono::seconds(2);
    milliseconds backoff_cap = std::chrono::minutes(15);
    // How long a job waits for an unavailable Slack or provider before it
    // becomes a dead letter.
    milliseconds unavailable_patience = std::chrono::hours(24);
    // Jobs at work at once (the shark tank may take as many again when all
    // are busy), and jobs that may wait in memory for Slack's pace beyond
    // them; the rest of a burst waits on disk. See JobRunnerOptions.
    int max_in_flight = 64;
    int max_parked = 256;
  } jobs;
  struct Log {
    std::string level = "info";
  } log;
  struct Testing {
    // Lets POST /v1/testing/clock move the daemon's clock forward, for
    // end-to-end tests and the demo. Never in production.
    bool movable_clock = false;
    // Notes when the latest lead passed each stage on its way to Slack and
    // serves them at GET /v1/testing/stages, for the benchmark's breakdown.
    bool stage_trace = false;
  } testing;
  struct Rotation {
    std::string timezone = "America/New_York";  // the team's; caps reset at its midnight
    RejoinPolicy rejoin = RejoinPolicy::kOldPlace;
    bool claim_requires_rotation = true;  // only active members may claim
  } rotation;
  std::vector<AgentConfig> agents;
  pipeline::Rules rules;
  // By stored segment name ("HOT_BUYER"); a segment not listed has no SLA.
  std::map<std::string, SlaPolicy> sla = DefaultSlaPolicies();

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
    // The URL Twilio posts inbound texts to, exactly as configured there
    // (it signs it); empty: "http://" + Host + target of each request.
    std::string inbound_url;
  } sms;
  struct Webhook {
    std::string url;  // where webhook steps are POSTed, signed
  } webhook;
  // What a lead must have said before a step goes out on each channel.
  // Texts need their own yes (the TCPA); e-mail a marketing yes; the
  // webhook feeds our own systems and needs none.
  struct ConsentRules {
    pipeline::ConsentRule sms = pipeline::ConsentRule::kExplicit;
    pipeline::ConsentRule email = pipeline::ConsentRule::kMarketing;
    pipeline::ConsentRule webhook = pipeline::ConsentRule::kNone;
  } consent;

  // Ops alerts (bot/ops/ops_alerts): problems of one kind are grouped, so an
  // outage is one alert and one recovery note.
  struct Alerts {
    // A group of dead letters or unknown CRM contacts closes after this
    // long without a new one.
    milliseconds quiet_period = std::chrono::minutes(15);
    // The Socket Mode link must be down this long before the ops channel
    // hears of it (a reconnect of a few seconds is no news).
    milliseconds slack_down_after = std::chrono::minutes(2);
  } alerts;
  std::vector<VolumeWatchConfig> volume_watch;

  // [[pools]], [[routes]] and [[territories]]; empty: today's one shark
  // tank and one rotation of every agent.
  RoutingConfig routing;
  // [enrichment]: property and person lookups within a deadline.
  EnrichmentConfig enrichment;
  // [llm]: the language model asked when the rules are unsure.
  LlmConfig llm;
  // Incoming mail ([inbound_email]), apart from [email] (outgoing SMTP):
  // a config with sources and no SMTP server is valid.
  struct InboundEmail {
    size_t max_size = 10 * 1024 * 1024;  // bytes; POST /v1/email answers 413 above
    pipeline::EmailRules rules;           // [[inbound_email.sources]]
    // [inbound_email.imap]: a mailbox polled over IMAP. The password (an
    // app password) or an OAuth 2 bearer token (XOAUTH2) comes from the
    // environment variable the config names (Secrets::imap_password).
    struct Imap {
      bool enabled = false;  // the table is present
      std::string url;       // imaps://host[:port]; imap:// to a loopback host only
      std::string username;
      std::string password_env = "LEADROUTER_IMAP_PASSWORD";
      std::string bearer_env = "LEADROUTER_IMAP_BEARER";
      std::string folder = "INBOX";
      milliseconds poll_interval = std::chrono::seconds(30);
      // Set on a message once it is stored: "\\Seen", "\\Flagged" or a
      // keyword such as "$Leadrouter"; then, when move_to is set, the
      // message is moved there.
      std::string flag = "$Leadrouter";
      std::string move_to;
      std::string ca_file;  // empty: the system trust store
      milliseconds timeout = std::chrono::seconds(60);
      // No successful poll for this long alerts the ops channel; default
      // five poll intervals.
      milliseconds alert_after = std::chrono::seconds(150);
      int max_per_poll = 50;  // messages taken in one poll; the rest next time
    } imap;
    // Raw bodies of not-a-lead mail are deleted this long after they came
    // (the row, its outcome and its key stay, so it is still counted and a
    // redelivery is still a duplicate). Zero keeps them forever.
    milliseconds keep_not_leads = std::chrono::hours(24 * 30);
    // The providers' inbound webhooks ([inbound_email.webhooks]); their
    // secrets come from the environment (Secrets).
    struct Webhooks {
      // A Mailgun signature older (or newer) than this is refused as a
      // replay; Mailgun warns that its own delivery may lag.
      milliseconds mailgun_max_age = std::chrono::minutes(15);
      // The user name in the basic-auth URL given to Postmark.
      std::string postmark_username = "postmark";
    } webhooks;
  } inbound_email;
};

// The consent rule for `channel`.
pipeline::ConsentRule ConsentRuleFor(const Config& config, pipeline::Channel channel);

// The SLA for `segment`, or nullptr when it has none (or neither step).
const SlaPolicy* SlaFor(const Config& config, const std::string& segment);

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
  std::optional<std::string> metrics_token;      // LEADROUTER_METRICS_TOKEN
  // inbound_email.imap.password_env / bearer_env (LEADROUTER_IMAP_PASSWORD,
  // LEADROUTER_IMAP_BEARER by default); read only by FromEnvironment(config).
  std::optional<std::string> imap_password;
  std::optional<std::string> imap_bearer;
  std::optional<std::string> mailgun_signing_key;  // MAILGUN_WEBHOOK_SIGNING_KEY
  std::optional<std::string> postmark_password;    // POSTMARK_INBOUND_PASSWORD
  // llm.api_key_env; read only by FromEnvironment(config).
  std::optional<std::string> llm_api_key;
  static Secrets FromEnvironment();
  // The same, and the variables `config` names for its secrets.
  static Secrets FromEnvironment(const Config& config);
  // Every non-empty secret, for the log redactor.
  std::vector<std::string> All() const;
};

// "C0123SHARK"-style conversation ids and "U0123ANA"-style user ids.
bool LooksLikeChannelId(const std::string& id);
bool LooksLikeUserId(const std::string& id);

}  // namespace leadrouter
