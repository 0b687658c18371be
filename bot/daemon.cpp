#include "bot/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "bot/crm_service.h"
#include "bot/email/email_service.h"
#include "bot/follow_up_channels.h"
#include "bot/health.h"
#include "bot/http/http_server.h"
#include "bot/http/request_gate.h"
#include "bot/intake_service.h"
#include "bot/job_runner.h"
#include "bot/log.h"
#include "bot/movable_clock.h"
#include "bot/opt_out_service.h"
#include "bot/ops_alerts.h"
#include "bot/outbox_plan.h"
#include "bot/routing_jobs.h"
#include "bot/sequence_jobs.h"
#include "bot/slack_connection.h"
#include "bot/slack_jobs.h"
#include "bot/handlers/dispatch.h"
#include "bot/sla_jobs.h"
#include "bot/storage_writer.h"
#include "bot/twilio_inbound_service.h"
#include "bot/volume_watch.h"
#include "pipeline/process.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/job_store.h"

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

}  // namespace

int RunDaemon(const Config& config, const Secrets& secrets,
              const Clock& wall_clock) {
  boost::asio::io_context loop(1);
  // Business time (due jobs, timeouts, timelines) can be moved forward for
  // end-to-end tests; connection keep-alive always runs on the wall clock.
  MovableClock movable(wall_clock);
  const Clock& clock =
      config.testing.movable_clock ? static_cast<const Clock&>(movable) : wall_clock;
  if (config.testing.movable_clock) {
    logging::Warn("testing.movable_clock",
                  {{"detail", "POST /v1/testing/clock can move this daemon's "
                              "clock: never run it like this in production"}});
  }

  // libphonenumber builds its metadata and regex caches on first use (about
  // 10 ms); pay that here rather than on the first paying lead.
  (void)pipeline::ProcessBody(R"({"name":"Warm Up","phone":"+12125550199"})",
                              config.rules, clock.Now());

  std::unique_ptr<storage::Database> db;
  try {
    db = storage::Database::Open(config.storage.path);
  } catch (const std::exception& e) {
    logging::Error("storage.open_failed", {{"path", config.storage.path}, {"error", e.what()}});
    return 1;
  }
  logging::Info("storage.opened", {{"path", config.storage.path},
                                   {"schema_version", db->SchemaVersion()}});

  StorageWriter writer(loop, std::move(db));
  auto seeds = AgentSeeds(config);
  SystemTime start = clock.Now();
  writer.Submit(
      [seeds, start](storage::Database& d) {
        storage::AgentStore(d.db()).SeedIfEmpty(seeds, start);
      },
      [](const std::string& err) {
        if (!err.empty()) logging::Error("agents.seed_failed", {{"error", err}});
      });

  JobRunnerOptions runner_options;
  runner_options.backoff_base = config.jobs.backoff_base;
  runner_options.backoff_cap = config.jobs.backoff_cap;
  JobRunner runner(loop, writer, clock, runner_options);
  // Dead letters, unknown CRM contacts and Slack trouble reach the ops
  // channel grouped: one alert and one recovery note per outage.
  OpsAlerts ops_alerts(writer, runner, config, clock);
  ops_alerts.Start();
  runner.OnDeadLetter([&](const storage::Job& job, const std::string& error) {
    ops_alerts.OnDeadLetter(job, error);
  });
  runner.OnDone([&](const storage::Job& job) { ops_alerts.OnJobDone(job); });
  VolumeWatch volume_watch(writer, runner, config, clock);
  volume_watch.Start();
  RoutingJobs routing(writer, runner, config, clock);
  routing.Register();
  SlaJobs sla(writer, runner, config, clock);
  sla.Register();
  // Signatures and Date headers are checked against real time, not business time.
  FollowUpChannels follow_up(loop, wall_clock, config, secrets);
  SequenceJobs sequences(writer, runner, config, clock, follow_up.senders());
  sequences.Register();

  EnvelopeDispatcher dispatcher(writer, runner, config, clock);
  SlackHealth slack;
  slack.since = clock.Now();
  std::unique_ptr<SlackJobs> slack_jobs;
  std::unique_ptr<SlackConnection> slack_connection;
  if (secrets.slack_bot_token && secrets.slack_app_token) {
    // The connection's pings and silence watchdog run on the wall clock:
    // moving business time forward must not look like a dead link.
    slack_connection = std::make_unique<SlackConnection>(loop, wall_clock, slack,
                                                         SlackOptions(config, secrets));
    slack_connection->OnStateChange(
        [&](const std::string& state, const std::string& detail) {
          ops_alerts.OnSlackState(state, detail);
        });
    slack_connection->OnAttempt([&] { ops_alerts.OnSlackAttempt(); });
    slack_connection->OnEnvelope([&dispatcher](const slack::Envelope& envelope) {
      return dispatcher.Handle(envelope);
    });
    // Slack job executors are registered only once the bot token works;
    // until then (or forever, if it is refused) Slack work stays queued.
    slack_connection->OnReady([&] {
      slack_jobs = std::make_unique<SlackJobs>(writer, slack_connection->api(),
                                               config, clock);
      slack_jobs->RegisterWith(runner);
      runner.Wake();
    });
  } else {
    slack.Set("disabled", "SLACK_BOT_TOKEN or SLACK_APP_TOKEN is not set", clock.Now());
    logging::Warn(
        "slack.disabled",
        {{"detail", "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are not both set: leads are "
                    "taken in, stored and scored, and their Slack work waits in the "
                    "queue until the tokens are set and leadrouter is restarted"}});
  }
  if (!secrets.intake_token && !secrets.webhook_secret) {
    logging::Warn("intake.locked",
                  {{"detail", "neither LEADROUTER_INTAKE_TOKEN nor LEADROUTER_WEBHOOK_SECRET "
                              "is set: every POST will be refused with 401"}});
  }

  RequestGateOptions gate_options;
  gate_options.bearer_token = secrets.intake_token;
  gate_options.webhook_secret = secrets.webhook_secret;
  gate_options.rate_burst = config.server.rate_limit_burst;
  gate_options.rate_per_second = config.server.rate_limit_per_second;
  gate_options.trust_forwarded_for = config.server.trust_forwarded_for;
  RequestGate gate(gate_options);

  HttpServerOptions http_options;
  http_options.listen = config.server.listen;
  http_options.body_limit = config.server.body_limit;
  http_options.header_timeout = config.server.header_timeout;
  http_options.body_timeout = config.server.body_timeout;
  http_options.idle_timeout = config.server.idle_timeout;
  HttpServer server(loop, http_options);
  CrmService crm(config, writer, runner, gate, clock);
  crm.RegisterRoutes(server);
  OptOutService opt_out(config, writer, gate, clock);
  opt_out.RegisterRoutes(server);
  TwilioInboundService twilio_inbound(config, secrets.twilio_auth_token, writer,
                                      gate, clock);
  twilio_inbound.RegisterRoutes(server);
  crm.OnUnmatched([&](const pipeline::CrmEvent& event) {
    ops_alerts.OnCrmUnmatched(event);
  });
  IntakeService intake(config, writer, runner, gate, clock, slack);
  intake.RegisterRoutes(server);
  // Raw e-mail in: stored first, parsed by a job into a lead (or not).
  EmailService email(config, writer, runner, gate, clock);
  email.RegisterRoutes(server);
  email.RegisterJobs();
  if (config.testing.movable_clock) {
    RegisterClockControl(server, gate, movable, runner);
  }
  Status started = server.Start();
  if (!started.ok()) {
    logging::Error("http.start_failed", {{"listen", config.server.listen},
                                         {"error", started.ToString()}});
    return 1;
  }
  runner.Start();
  if (slack_connection) slack_connection->Start();

  boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
  boost::asio::steady_timer stop_timer(loop);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    logging::Info("leadrouter.stopping", {{"signal", signo}});
    server.Stop();
    runner.Stop();
    follow_up.Stop();
    if (slack_connection) slack_connection->Stop();
    StopLoopAfterSlackCloses(loop, stop_timer, slack_connection.get(),
                             std::chrono::steady_clock::now() + kSlackCloseWait);
  });

  logging::Info("leadrouter.started",
                {{"listen", config.server.listen}, {"port", server.port()},
                 {"slack", slack.state}});
  loop.run();
  slack_connection.reset();
  slack_jobs.reset();
  // Queued writes still commit; their senders will retry and be recognised.
  writer.Stop();
  logging::Info("leadrouter.stopped");
  return 0;
}

}  // namespace leadrouter
