#include "bot/daemon/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "bot/classifier/llm_jobs.h"
#include "bot/enrichment/enrichment_jobs.h"
#include "bot/intake/crm_service.h"
#include "bot/follow_up/follow_up_channels.h"
#include "bot/daemon/health.h"
#include "bot/daemon/routing_reload.h"
#include "bot/email/email_retention.h"
#include "bot/email/email_service.h"
#include "bot/email/imap_poller.h"
#include "bot/email/email_webhooks.h"
#include "bot/http/connection_cap.h"
#include "bot/http/http_server.h"
#include "bot/http/request_gate.h"
#include "bot/intake/intake_service.h"
#include "bot/runtime/guarded_loop.h"
#include "bot/runtime/job_runner.h"
#include "bot/runtime/waiting_jobs.h"
#include "bot/slack/web_api_client.h"
#include "bot/metrics/metrics.h"
#include "bot/metrics/metrics_service.h"
#include "bot/daemon/log.h"
#include "bot/runtime/movable_clock.h"
#include "bot/runtime/stage_trace.h"
#include "bot/follow_up/opt_out_service.h"
#include "bot/ops/checkpoint_report.h"
#include "bot/ops/ops_alerts.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/routing_jobs.h"
#include "bot/follow_up/sequence_jobs.h"
#include "bot/slack/slack_connection.h"
#include "bot/slack/slack_jobs.h"
#include "bot/interactions/dispatch.h"
#include "bot/sla/sla_jobs.h"
#include "bot/runtime/storage_writer.h"
#include "bot/follow_up/twilio_inbound_service.h"
#include "bot/ops/volume_watch.h"
#include "pipeline/process.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/wal_checkpointer.h"

namespace leadrouter {
namespace {

// On SIGTERM the Slack sockets get this long to exchange close frames.
constexpr auto kSlackCloseWait = std::chrono::seconds(1);
constexpr auto kSlackClosePoll = std::chrono::milliseconds(20);

SlackConnectionOptions SlackOptions(const Config& config, const Secrets& secrets) {
  SlackConnectionOptions options;
  options.api_url = config.slack.api_url;
  options.ca_file = config.slack.ca_file;
  options.bot_token = *secrets.slack_bot_token;
  options.app_token = *secrets.slack_app_token;
  options.ping_interval = config.slack.socket_ping_interval;
  options.silence_limit = config.slack.socket_silence_limit;
  options.post_interval = config.slack.post_interval;
  options.post_burst = config.slack.post_burst;
  options.rate_limited_retries = config.slack.rate_limited_retries;
  return options;
}

// Stops the loop once `slack` has no socket left, or after kSlackCloseWait.
void StopLoopAfterSlackCloses(boost::asio::io_context& loop, boost::asio::steady_timer& timer,
                              const SlackConnection* slack,
                              std::chrono::steady_clock::time_point deadline) {
  if (!slack || slack->open_sockets() == 0 || std::chrono::steady_clock::now() >= deadline) {
    loop.stop();
    return;
  }
  timer.expires_after(kSlackClosePoll);
  timer.async_wait([&loop, &timer, slack, deadline](const boost::system::error_code&) {
    StopLoopAfterSlackCloses(loop, timer, slack, deadline);
  });
}

std::vector<storage::AgentSeed> AgentSeeds(const Config& config) {
  std::vector<storage::AgentSeed> seeds;
  for (const AgentConfig& a : config.agents) {
    storage::AgentSeed s;
    s.slack_id = a.slack_id;
    s.name = a.name;
    s.weight = a.weight;
    s.daily_cap = a.daily_cap;
    s.timezone = a.timezone;
    s.email = a.email;
    s.work_start_minute = a.work_start_minute;
    s.work_end_minute = a.work_end_minute;
    s.work_days = a.work_days;
    seeds.push_back(std::move(s));
  }
  return seeds;
}

RequestGateOptions GateOptions(const Config& config, const Secrets& secrets) {
  RequestGateOptions options;
  options.bearer_token = secrets.intake_token;
  options.webhook_secret = secrets.webhook_secret;
  options.rate_burst = config.server.rate_limit_burst;
  options.rate_per_second = config.server.rate_limit_per_second;
  options.trust_forwarded_for = config.server.trust_forwarded_for;
  return options;
}

HttpServerOptions ServerOptions(const Config& config) {
  HttpServerOptions options;
  options.listen = config.server.listen;
  options.body_limit = config.server.body_limit;
  options.header_timeout = config.server.header_timeout;
  options.body_timeout = config.server.body_timeout;
  options.idle_timeout = config.server.idle_timeout;
  // The descriptors left once the database, Slack and the outbound clients
  // have theirs bound how many intake connections may be open at once.
  const uint64_t descriptor_limit = DescriptorLimit();
  options.max_connections = HttpConnectionCap(descriptor_limit);
  if (descriptor_limit <= kDescriptorsKeptForOthers + kMinHttpConnections) {
    logging::Warn("http.descriptor_limit_low",
                  {{"limit", descriptor_limit},
                   {"max_connections", options.max_connections},
                   {"detail", "the open-file limit leaves almost no room for intake "
                              "connections; raise it (LimitNOFILE=65536 in the "
                              "systemd unit, or ulimit -n)"}});
  }
  return options;
}

// 1. The SQLite file and its writer; the rotation is seeded on first start.
struct StoragePart {
  StoragePart(boost::asio::io_context& loop, std::unique_ptr<storage::Database> db,
              const Config& config, SystemTime now)
      : checkpointer(db->db(), /*pages=*/1000, ReportCheckpoint), writer(loop, std::move(db)) {
    writer.OnMilestones([](const std::vector<storage::LeadMilestone>& reached) {
      for (const storage::LeadMilestone& m : reached) metrics::Global().ObserveMilestone(m);
    });
    writer.Submit(
        [seeds = AgentSeeds(config), now](storage::Database& d) {
          storage::AgentStore(d.db()).SeedIfEmpty(seeds, now);
        },
        [](const std::string& err) {
          if (!err.empty()) logging::Error("agents.seed_failed", {{"error", err}});
        });
  }
  // Declared first, so it outlives the writer whose commits call it.
  storage::WalCheckpointer checkpointer;
  StorageWriter writer;
};

// 2. The job runner; started only once every executor is registered.
struct JobsPart {
  JobsPart(boost::asio::io_context& loop, StorageWriter& writer, const Config& config,
           const Clock& clock)
      : runner(loop, writer, clock, Options(config)), waiting(writer, runner, clock) {}
  static JobRunnerOptions Options(const Config& config) {
    JobRunnerOptions options;
    options.backoff_base = config.jobs.backoff_base;
    options.backoff_cap = config.jobs.backoff_cap;
    options.unavailable_patience = config.jobs.unavailable_patience;
    options.max_in_flight = static_cast<size_t>(config.jobs.max_in_flight);
    options.max_parked = static_cast<size_t>(config.jobs.max_parked);
    return options;
  }
  JobRunner runner;
  // Jobs that wait for a service that stopped answering run at once when
  // it answers again.
  WaitingJobs waiting;
};

// 3. Dead letters, unknown CRM contacts and Slack trouble reach the ops
// channel grouped: one alert and one recovery note per outage. A source
// that falls silent is noticed by the volume watch.
struct OpsPart {
  OpsPart(StorageWriter& writer, JobRunner& runner, const Config& config,
          const Clock& clock)
      : alerts(writer, runner, config, clock), volume_watch(writer, runner, config, clock) {
    alerts.Start();
    runner.OnDeadLetter([this](const storage::Job& job, const std::string& error) {
      alerts.OnDeadLetter(job, error);
    });
    runner.OnDone([this](const storage::Job& job) { alerts.OnJobDone(job); });
    volume_watch.Start();
  }
  OpsAlerts alerts;
  VolumeWatch volume_watch;
};

// 4. Who gets a lead, and first-contact SLAs.
struct RoutingPart {
  RoutingPart(boost::asio::io_context& loop, StorageWriter& writer, JobRunner& runner,
              const Config& config, const Secrets& secrets, const Clock& clock)
      : routing(writer, runner, config, clock), sla(writer, runner, config, clock),
        enrichment(loop, writer, runner, config, clock),
        llm(loop, writer, runner, config, secrets.llm_api_key, clock) {
    routing.Register();
    sla.Register();
    enrichment.Register();
    llm.Register();
  }
  RoutingJobs routing;
  SlaJobs sla;
  // Lookups a lead may wait for (enrichment.deadline) before it routes.
  EnrichmentJobs enrichment;
  // The language model an unsure lead may wait for (llm.deadline).
  LlmJobs llm;
};

// 5. Follow-up sequences and the channels their steps go out by.
struct FollowUpPart {
  // Signatures and Date headers are checked against real time
  // (`wall_clock`), not business time.
  FollowUpPart(boost::asio::io_context& loop, const Clock& wall_clock, const Clock& clock,
               const Config& config, const Secrets& secrets, StorageWriter& writer,
               JobRunner& runner)
      : channels(loop, wall_clock, config, secrets),
        sequences(writer, runner, config, clock, channels.senders()) {
    sequences.Register();
  }
  FollowUpChannels channels;
  SequenceJobs sequences;
};

// 6. Slack: what /healthz says about it, the buttons and commands, and,
// with both tokens, the connection and the executors of `slack.*` jobs.
struct SlackPart {
  SlackPart(boost::asio::io_context& loop, const Clock& wall_clock, const Clock& clock,
            const Config& config, const Secrets& secrets, StorageWriter& writer,
            JobRunner& runner, WaitingJobs& waiting, OpsAlerts& ops_alerts)
      : dispatcher(writer, runner, config, clock) {
    health.since = clock.Now();
    if (!secrets.slack_bot_token || !secrets.slack_app_token) {
      health.Set("disabled", "SLACK_BOT_TOKEN or SLACK_APP_TOKEN is not set", clock.Now());
      logging::Warn(
          "slack.disabled",
          {{"detail", "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are not both set: leads are "
                      "taken in, stored and scored, and their Slack work waits in the "
                      "queue until the tokens are set and leadrouter is restarted"}});
      return;
    }
    // The connection's pings and silence watchdog run on the wall clock:
    // moving business time forward must not look like a dead link.
    connection = std::make_unique<SlackConnection>(loop, wall_clock, health,
                                                   SlackOptions(config, secrets));
    connection->OnStateChange(
        [&ops_alerts](const std::string& state, const std::string& detail) {
          ops_alerts.OnSlackState(state, detail);
        });
    connection->OnAttempt([&ops_alerts] { ops_alerts.OnSlackAttempt(); });
    connection->OnSlackAnswering([&waiting](const std::string& why) {
      waiting.ServiceBack(slack::kSlackService, why);
    });
    connection->OnEnvelope([this](const slack::Envelope& envelope) {
      return dispatcher.Handle(envelope);
    });
    // Slack job executors are registered only once the bot token works;
    // until then (or forever, if it is refused) Slack work stays queued.
    connection->OnReady([this, &writer, &runner, &config, &clock] {
      jobs = std::make_unique<SlackJobs>(writer, connection->api(), config, clock);
      jobs->RegisterWith(runner);
      runner.Wake();
    });
  }
  void Start() {
    if (connection) connection->Start();
  }
  void Stop() {
    if (connection) connection->Stop();
  }
  // After the loop has ended: nothing may call into Slack any more.
  void Destroy() {
    connection.reset();
    jobs.reset();
  }

  EnvelopeDispatcher dispatcher;
  SlackHealth health;
  std::unique_ptr<SlackConnection> connection;
  std::unique_ptr<SlackJobs> jobs;
};

// 7. The HTTP server and every route on it.
struct IntakePart {
  IntakePart(boost::asio::io_context& loop, const Config& config, const Secrets& secrets,
             const Clock& wall_clock, const Clock& clock, MovableClock& movable, StorageWriter& writer,
             JobRunner& runner, OpsAlerts& ops_alerts, SlackHealth& slack,
             const storage::WalCheckpointer& wal)
      : gate(GateOptions(config, secrets)),
        server(loop, ServerOptions(config)),
        crm(config, writer, runner, gate, clock),
        opt_out(config, writer, gate, clock),
        twilio_inbound(config, secrets.twilio_auth_token, writer, gate, clock),
        intake(config, writer, gate, clock, slack),
        email(config, writer, runner, gate, clock),
        email_webhooks(config, {secrets.mailgun_signing_key, secrets.postmark_password},
                       email, gate, wall_clock),
        email_retention(writer, runner, config, clock),
        metrics(writer, clock, slack, secrets.metrics_token, &wal) {
    if (!secrets.intake_token && !secrets.webhook_secret) {
      logging::Warn("intake.locked",
                    {{"detail", "neither LEADROUTER_INTAKE_TOKEN nor LEADROUTER_WEBHOOK_SECRET "
                                "is set: every POST will be refused with 401"}});
    }
    crm.RegisterRoutes(server);
    opt_out.RegisterRoutes(server);
    twilio_inbound.RegisterRoutes(server);
    crm.OnUnmatched([&ops_alerts](const pipeline::CrmEvent& event) {
      ops_alerts.OnCrmUnmatched(event);
    });
    intake.RegisterRoutes(server);
    // Raw e-mail in: stored first, parsed by a job into a lead (or not).
    email.RegisterRoutes(server);
    email_webhooks.RegisterRoutes(server);
    email.RegisterJobs();
    email_retention.Start();
    metrics.RegisterRoutes(server);
    if (config.testing.movable_clock) {
      RegisterClockControl(server, gate, movable, runner);
    }
    if (config.testing.stage_trace) stage_trace::RegisterStageTrace(server);
  }

  RequestGate gate;
  HttpServer server;
  CrmService crm;
  OptOutService opt_out;
  TwilioInboundService twilio_inbound;
  IntakeService intake;
  EmailService email;
  EmailWebhooks email_webhooks;
  EmailRetention email_retention;
  MetricsService metrics;
};

// 8. Lead e-mail from a mailbox: the IMAP poller, its state in /healthz.
struct MailPart {
  MailPart(boost::asio::io_context& loop, StorageWriter& writer, JobRunner& runner,
           const Config& config, const Secrets& secrets, const Clock& clock,
           OpsAlerts& ops_alerts, IntakeService& intake)
      : imap(loop, writer, runner, config, secrets, clock, ops_alerts) {
    imap.Start();
    intake.AddHealthReport("inbound_email", [this, &clock] {
      return nlohmann::json{{"imap", imap.health().ToJson(clock.Now())}};
    });
  }
  ImapPoller imap;
};

}  // namespace

// Members are built in the order of the header's list and destroyed in
// reverse; the loop outlives them all.
struct Daemon::Parts {
  Parts(Config& config_in, const Secrets& secrets_in, const Clock& wall_clock_in,
        std::string config_path_in)
      : config(config_in),
        config_path(std::move(config_path_in)),
        secrets(secrets_in),
        wall_clock(wall_clock_in),
        movable(wall_clock_in),
        clock(config_in.testing.movable_clock ? static_cast<const Clock&>(movable)
                                              : wall_clock_in),
        stop_timer(loop) {}

  // Stops taking work in the header's stop order; the loop ends once the
  // Slack sockets are closed.
  void BeginStop(const nlohmann::json& why) {
    if (stopping || !intake) return;  // stopping already, or never started
    stopping = true;
    logging::Info("leadrouter.stopping", why);
    intake->server.Stop();
    if (reload) reload->Stop();
    jobs->runner.Stop();
    if (mail) mail->imap.Stop();
    follow_up->channels.Stop();
    slack->Stop();
    StopLoopAfterSlackCloses(loop, stop_timer, slack->connection.get(),
                             std::chrono::steady_clock::now() + kSlackCloseWait);
  }

  Config& config;
  const std::string config_path;
  const Secrets& secrets;
  const Clock& wall_clock;
  boost::asio::io_context loop{1};
  // Business time (due jobs, timeouts, timelines) can be moved forward for
  // end-to-end tests; connection keep-alive always runs on the wall clock.
  MovableClock movable;
  const Clock& clock;

  std::unique_ptr<StoragePart> storage;
  std::unique_ptr<JobsPart> jobs;
  std::unique_ptr<OpsPart> ops;
  std::unique_ptr<RoutingPart> routing;
  std::unique_ptr<FollowUpPart> follow_up;
  std::unique_ptr<SlackPart> slack;
  std::unique_ptr<IntakePart> intake;
  std::unique_ptr<MailPart> mail;
  std::unique_ptr<RoutingReload> reload;

  // Installed once every part has started, as the last step of Start.
  std::optional<boost::asio::signal_set> signals;
  boost::asio::steady_timer stop_timer;
  bool stopping = false;
};

Daemon::Daemon(Config& config, const Secrets& secrets, const Clock& wall_clock,
               std::string config_path)
    : parts_(std::make_unique<Parts>(config, secrets, wall_clock, std::move(config_path))) {}

Daemon::~Daemon() = default;

bool Daemon::Start() {
  Parts& p = *parts_;
  const Config& config = p.config;
  if (config.testing.movable_clock) {
    logging::Warn("testing.movable_clock",
                  {{"detail", "POST /v1/testing/clock can move this daemon's "
                              "clock: never run it like this in production"}});
  }
  // libphonenumber builds its metadata and regex caches on first use (about
  // 10 ms); pay that here rather than on the first paying lead.
  (void)pipeline::ProcessBody(R"({"name":"Warm Up","phone":"+12125550199"})",
                              config.rules, p.clock.Now());

  std::unique_ptr<storage::Database> db;
  try {
    db = storage::Database::Open(config.storage.path);
  } catch (const std::exception& e) {
    logging::Error("storage.open_failed", {{"path", config.storage.path}, {"error", e.what()}});
    return false;
  }
  logging::Info("storage.opened", {{"path", config.storage.path},
                                   {"schema_version", db->SchemaVersion()}});

  p.storage = std::make_unique<StoragePart>(p.loop, std::move(db), config, p.clock.Now());
  StorageWriter& writer = p.storage->writer;
  p.jobs = std::make_unique<JobsPart>(p.loop, writer, config, p.clock);
  JobRunner& runner = p.jobs->runner;
  p.ops = std::make_unique<OpsPart>(writer, runner, config, p.clock);
  p.routing = std::make_unique<RoutingPart>(p.loop, writer, runner, config, p.secrets, p.clock);
  p.follow_up = std::make_unique<FollowUpPart>(p.loop, p.wall_clock, p.clock, config,
                                               p.secrets, writer, runner);
  p.slack = std::make_unique<SlackPart>(p.loop, p.wall_clock, p.clock, config, p.secrets,
                                        writer, runner, p.jobs->waiting, p.ops->alerts);
  p.intake = std::make_unique<IntakePart>(p.loop, config, p.secrets, p.wall_clock, p.clock,
                                          p.movable, writer, runner, p.ops->alerts,
                                          p.slack->health, p.storage->checkpointer);
  p.mail = std::make_unique<MailPart>(p.loop, writer, runner, config, p.secrets, p.clock,
                                      p.ops->alerts, p.intake->intake);

  Status started = p.intake->server.Start();
  if (!started.ok()) {
    logging::Error("http.start_failed", {{"listen", config.server.listen},
                                         {"error", started.ToString()}});
    return false;
  }
  runner.Start();
  p.slack->Start();
  if (!p.config_path.empty()) {
    p.reload = std::make_unique<RoutingReload>(p.loop, writer, runner, p.config,
                                               p.config_path, p.clock);
    p.reload->Start();
  }

  p.signals.emplace(p.loop, SIGINT, SIGTERM);
  p.signals->async_wait([&p](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    p.BeginStop({{"signal", signo}});
  });
  logging::Info("leadrouter.started",
                {{"listen", config.server.listen}, {"port", p.intake->server.port()},
                 {"max_connections", HttpConnectionCap(DescriptorLimit())},
                 {"descriptor_limit", DescriptorLimit()},
                 {"slack", p.slack->health.state}});
  return true;
}

void Daemon::Run() {
  Parts& p = *parts_;
  RunGuarded(p.loop);
  p.slack->Destroy();
  // Queued writes still commit; their senders will retry and be recognised.
  p.storage->writer.Stop();
  logging::Info("leadrouter.stopped");
}

void Daemon::RequestStop() {
  Parts* p = parts_.get();
  boost::asio::post(p->loop, [p] { p->BeginStop({{"reason", "requested"}}); });
}

uint16_t Daemon::port() const { return parts_->intake->server.port(); }

boost::asio::io_context& Daemon::TEST_loop() { return parts_->loop; }

int RunDaemon(Config& config, const Secrets& secrets, const Clock& wall_clock,
              const std::string& config_path) {
  Daemon daemon(config, secrets, wall_clock, config_path);
  if (!daemon.Start()) return 1;
  daemon.Run();
  return 0;
}

}  // namespace leadrouter
