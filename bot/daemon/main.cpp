// leadrouter: the command line. `serve` runs the daemon; `process` runs one
// payload through the pipeline and writes nothing; `check-config` validates;
// `demo` runs the whole flow against slack-sim (bot/demo/).
// `dlq` lists, replays and drops dead jobs (bot/ops/dlq_command.h).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "bot/enrichment/lookup_client.h"
#include "bot/classifier/eval_command.h"
#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/daemon/daemon.h"
#include "bot/demo/demo_command.h"
#include "bot/ops/dlq_command.h"
#include "bot/daemon/log.h"
#include "bot/email/email_parse_command.h"
#include "bot/email/email_ingest_command.h"
#include "bot/email/email_replay_command.h"
#include "bot/email/curl_transfer.h"
#include "pipeline/phone_geocoder.h"
#include "pipeline/process.h"

namespace {

using leadrouter::Config;
using leadrouter::ConfigLoad;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage:\n"
    "  leadrouter serve --config FILE [--log-format text|json]\n"
    "  leadrouter process --config FILE [PAYLOAD.json | -]\n"
    "  leadrouter check-config --config FILE\n"
    "  leadrouter demo [--sim PATH] [--keep]\n"
    "      runs the whole flow against slack-sim and prints what Slack would\n"
    "      show; no Slack workspace needed\n"
    "  leadrouter dlq list|replay ID|drop ID --config FILE [--json]\n"
    "  leadrouter email parse --config FILE [MESSAGE.eml | -]\n"
    "      prints what a raw e-mail would become; writes nothing\n"
    "  leadrouter eval --config FILE SET.jsonl [--half NAME] [--misses]\n"
    "      accuracy of intent, segment and lead type on a labelled set\n"
    "  leadrouter email ingest --config FILE [MESSAGE.eml | -]\n"
    "      hands a raw e-mail to the running daemon (for a mail server's pipe);\n"
    "      exit 0 stored, 75 daemon unreachable, 65 not a message\n"
    "  leadrouter email replay ID --config FILE\n"
    "      parses a stored e-mail again, after its rule was fixed\n"
    "\n"
    "Secrets come from the environment: SLACK_BOT_TOKEN, SLACK_APP_TOKEN,\n"
    "LEADROUTER_INTAKE_TOKEN, LEADROUTER_WEBHOOK_SECRET, LEADROUTER_SMTP_PASSWORD,\n"
    "TWILIO_AUTH_TOKEN, and the IMAP password or bearer token under the names\n"
    "inbound_email.imap gives (LEADROUTER_IMAP_PASSWORD, LEADROUTER_IMAP_BEARER).\n";

struct Args {
  std::string command;
  std::string config_path;
  std::string log_format;
  bool json = false;
  std::vector<std::string> positional;
  std::string error;
};

Args ParseArgs(int argc, char** argv) {
  Args args;
  if (argc < 2) {
    args.error = "no command given";
    return args;
  }
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (a == name) {
        if (i + 1 >= argc) {
          args.error = name + " needs a value";
          return std::nullopt;
        }
        return std::string(argv[++i]);
      }
      if (a.rfind(name + "=", 0) == 0) return a.substr(name.size() + 1);
      return std::nullopt;
    };
    if (auto v = value("--config")) args.config_path = *v;
    else if (auto f = value("--log-format")) args.log_format = *f;
    else if (!args.error.empty()) return args;
    else if (a == "--json") args.json = true;
    else if (a.size() > 1 && a[0] == '-' && a != "-") args.error = "unknown option " + a;
    else args.positional.push_back(a);
  }
  return args;
}

// `warnings`, when given, receives what is usable but will skip follow-up
// steps; the caller reports them in its own format (serve logs them).
std::optional<Config> LoadOrReport(
    const std::string& path,
    std::vector<leadrouter::ConfigError>* warnings = nullptr) {
  ConfigLoad load = leadrouter::LoadConfigFile(path);
  if (!load.ok()) {
    std::cerr << path << ": " << load.errors.size() << " error"
              << (load.errors.size() == 1 ? "" : "s") << "\n";
    for (const auto& e : load.errors) std::cerr << "  " << e.ToString() << "\n";
    return std::nullopt;
  }
  if (warnings) *warnings = load.warnings;
  return load.config;
}

int CheckConfig(const Args& args) {
  std::vector<leadrouter::ConfigError> warnings;
  auto config = LoadOrReport(args.config_path, &warnings);
  if (!config) return kExitUsage;
  for (const auto& w : warnings) {
    std::cerr << args.config_path << ": warning: " << w.ToString() << "\n";
  }
  std::cout << args.config_path << ": OK\n\n" << leadrouter::SummarizeConfig(*config);
  leadrouter::Secrets secrets = leadrouter::Secrets::FromEnvironment(*config);
  auto state = [](const std::optional<std::string>& s) { return s ? "set" : "not set"; };
  std::cout << "\nenvironment       SLACK_BOT_TOKEN " << state(secrets.slack_bot_token)
            << ", SLACK_APP_TOKEN " << state(secrets.slack_app_token)
            << ", LEADROUTER_INTAKE_TOKEN " << state(secrets.intake_token)
            << ", LEADROUTER_WEBHOOK_SECRET " << state(secrets.webhook_secret)
            << ", LEADROUTER_SMTP_PASSWORD " << state(secrets.smtp_password)
            << ", TWILIO_AUTH_TOKEN " << state(secrets.twilio_auth_token) << "\n";
  // The daemon loads the geocoder only when a text first needs a lead's
  // area; loading it here proves the install can find it.
  const leadrouter::pipeline::GeocoderStatus geocoder = leadrouter::pipeline::LoadGeocoder();
  if (!geocoder.loaded) {
    std::cerr << "geocoder: " << geocoder.error
              << " (texts to leads known only by phone would wait for the team's zone, not "
                 "theirs; install the module beside the binary: cmake --install)\n";
    return kExitUsage;
  }
  std::cout << "geocoder          loads (a phone's area gives a text's time zone)\n";
  const auto& imap = config->inbound_email.imap;
  // The same for e-mail's transfers, where e-mail is configured.
  if (!config->email.from.empty() || imap.enabled) {
    std::string why;
    if (leadrouter::CurlTransfers(&why) == nullptr) {
      std::cerr << "e-mail transfer: " << why
                << " (no follow-up e-mail could be sent, no mailbox read; install the module "
                   "beside the binary: cmake --install)\n";
      return kExitUsage;
    }
    std::cout << "e-mail transfer   loads (SMTP for follow-up e-mail, IMAP for the mailbox)\n";
  }
  if (imap.enabled) {
    std::cout << "imap secret       " << imap.password_env << " "
              << state(secrets.imap_password) << ", " << imap.bearer_env << " "
              << state(secrets.imap_bearer) << "\n";
    if (!secrets.imap_password && !secrets.imap_bearer) {
      std::cerr << args.config_path << ": warning: inbound_email.imap: neither "
                << imap.password_env << " nor " << imap.bearer_env
                << " is set; the mailbox will not be polled\n";
    }
  }
  return kExitOk;
}

// Reads the file named `source`, or standard input for "-".
std::optional<std::string> ReadInput(const std::string& source) {
  std::string body;
  if (source == "-") {
    body.assign(std::istreambuf_iterator<char>(std::cin), {});
    return body;
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << source << "\n";
    return std::nullopt;
  }
  body.assign(std::istreambuf_iterator<char>(in), {});
  return body;
}

int Process(const Args& args) {
  auto config = LoadOrReport(args.config_path);
  if (!config) return kExitUsage;
  auto input = ReadInput(args.positional.empty() ? "-" : args.positional[0]);
  if (!input) return kExitUsage;
  const std::string& body = *input;
  leadrouter::SystemClock clock;
  auto result = leadrouter::pipeline::ProcessBody(body, config->rules, clock.Now());
  std::cout << leadrouter::pipeline::ProcessOutput(result).dump(2) << "\n";
  return result.ok() ? kExitOk : kExitFailure;
}

// `email parse|ingest [MESSAGE.eml | -]`, `email replay ID`.
int Email(const Args& args) {
  const std::string verb = args.positional.empty() ? "" : args.positional[0];
  const bool reads = (verb == "parse" || verb == "ingest") && args.positional.size() <= 2;
  const bool replay = verb == "replay" && args.positional.size() == 2;
  if (!reads && !replay) {
    std::cerr << "leadrouter: email needs parse, ingest or replay ID\n\n" << kUsage;
    return kExitUsage;
  }
  auto config = LoadOrReport(args.config_path);
  // A mail server bounces on anything but 0 and 75: a config problem must
  // keep the message queued, not lose it.
  if (!config) return verb == "ingest" ? leadrouter::kIngestTryLater : kExitUsage;
  leadrouter::SystemClock clock;
  if (replay) {
    return leadrouter::RunEmailReplay(*config, args.positional[1], clock, std::cout,
                                      std::cerr);
  }
  auto input = ReadInput(args.positional.size() > 1 ? args.positional[1] : "-");
  if (verb == "ingest") {
    // A file that cannot be read is the mail server's to keep and retry.
    if (!input) return leadrouter::kIngestTryLater;
    return leadrouter::RunEmailIngest(*config, leadrouter::Secrets::FromEnvironment(), *input,
                                      std::cout, std::cerr);
  }
  if (!input) return kExitUsage;
  return leadrouter::RunEmailParse(*config, *input, clock.Now(), std::cout);
}

// `demo` takes its own options and no config: it writes one for its child.
int Demo(int argc, char** argv) {
  std::string error;
  auto options =
      leadrouter::demo::ParseDemoArgs({argv + 2, argv + argc}, &error);
  if (!options) {
    std::cerr << "leadrouter: " << error << "\n\n" << kUsage;
    return kExitUsage;
  }
  return leadrouter::demo::RunDemo(*options, std::cout, std::cerr);
}

int Dlq(const Args& args) {
  auto config = LoadOrReport(args.config_path);
  if (!config) return kExitUsage;
  leadrouter::SystemClock clock;
  return leadrouter::RunDlqCommand(*config, args.positional, args.json, clock,
                                   std::cout, std::cerr);
}

int Serve(const Args& args) {
  std::vector<leadrouter::ConfigError> warnings;
  auto config = LoadOrReport(args.config_path, &warnings);
  if (!config) return kExitUsage;
  std::string format = args.log_format;
  if (format.empty()) format = isatty(STDERR_FILENO) ? "text" : "json";
  if (format != "text" && format != "json") {
    std::cerr << "--log-format must be text or json\n";
    return kExitUsage;
  }
  leadrouter::Secrets secrets = leadrouter::Secrets::FromEnvironment(*config);
  // The providers' API keys ("env:NAME" headers) are masked like our own.
  std::vector<std::string> masked = secrets.All();
  for (std::string& key : leadrouter::EnrichmentSecrets(config->enrichment)) {
    masked.push_back(std::move(key));
  }
  leadrouter::logging::Init(
      format == "json" ? leadrouter::logging::Format::kJson
                       : leadrouter::logging::Format::kText,
      leadrouter::logging::LevelFromName(config->log.level), std::move(masked));
  for (const auto& w : warnings) spdlog::warn("config: {}", w.ToString());
  leadrouter::SystemClock clock;
  return leadrouter::RunDaemon(*config, secrets, clock, args.config_path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "demo") return Demo(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "eval") {
    leadrouter::SystemClock clock;
    return leadrouter::RunEvalCommand({argv + 2, argv + argc}, clock,
                                      std::cout, std::cerr);
  }
  Args args = ParseArgs(argc, argv);
  if (args.command == "--help" || args.command == "-h" || args.command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args.command == "--version") {
    std::cout << "leadrouter 0.1.0\n";
    return kExitOk;
  }
  if (args.error.empty() && args.config_path.empty()) args.error = "--config FILE is required";
  if (!args.error.empty()) {
    std::cerr << "leadrouter: " << args.error << "\n\n" << kUsage;
    return kExitUsage;
  }
  try {
    if (args.command == "serve") return Serve(args);
    if (args.command == "process") return Process(args);
    if (args.command == "check-config") return CheckConfig(args);
    if (args.command == "dlq") return Dlq(args);
    if (args.command == "email") return Email(args);
  } catch (const std::exception& e) {
    std::cerr << "leadrouter: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cerr << "leadrouter: unknown command '" << args.command << "'\n\n" << kUsage;
  return kExitUsage;
}
