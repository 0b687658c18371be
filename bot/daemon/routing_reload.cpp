#include "bot/daemon/routing_reload.h"

#include <csignal>
#include <memory>

#include "bot/runtime/job_runner.h"
#include "bot/daemon/log.h"
#include "bot/routing/outbox_plan.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"

namespace leadrouter {

RoutingReload::RoutingReload(boost::asio::io_context& loop,
                             StorageWriter& writer, JobRunner& runner,
                             Config& config, std::string path,
                             const Clock& clock)
    : signals_(loop),
      writer_(writer),
      runner_(runner),
      config_(config),
      path_(std::move(path)),
      clock_(clock) {}

void RoutingReload::Start() {
  if (path_.empty()) return;
  signals_.add(SIGHUP);
  Wait();
}

void RoutingReload::Stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
}

void RoutingReload::Wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || stopped_) return;
    Reload();
    Wait();
  });
}

void RoutingReload::Reload() {
  ConfigLoad load = LoadConfigFile(path_);
  const SystemTime now = clock_.Now();
  if (!load.ok()) {
    std::string detail;
    nlohmann::json errors = nlohmann::json::array();
    for (const ConfigError& e : load.errors) {
      detail += "• " + e.ToString() + "\n";
      errors.push_back(e.ToString());
    }
    logging::Error("config.reload_refused",
                   {{"path", path_}, {"errors", errors}});
    if (config_.slack.ops_channel.empty()) return;
    const Config& config = config_;
    const std::string title =
        "Config reload refused: the old routes and pools stay";
    writer_.Submit(
        [title, detail, now, &config](storage::Database& db) {
          OpsAlertJob alert;
          alert.title = title;
          alert.detail = detail;
          storage::JobStore(db.db()).Enqueue(MakeJob(std::nullopt, alert, now, config), now);
        },
        [this](const std::string& error) {
          if (error.empty()) runner_.Wake();
        });
    return;
  }
  for (const ConfigError& w : load.warnings) {
    logging::Warn("config.reload_warning", {{"warning", w.ToString()}});
  }
  // The ZIP medians are shared by every reader and replaced whole, here on
  // the loop; the routes are swapped on the writer, their only reader.
  config_.rules.zip_medians->Replace(*load.config.rules.zip_medians->Get());
  auto routing = std::make_shared<RoutingConfig>(std::move(load.config.routing));
  Config& config = config_;
  const std::string path = path_;
  writer_.Submit(
      [routing, &config](storage::Database&) { config.routing = *routing; },
      [routing, path](const std::string& error) {
        if (!error.empty()) {
          logging::Error("config.reload_failed", {{"error", error}});
          return;
        }
        logging::Info("config.reloaded",
                      {{"path", path},
                       {"pools", routing->pools.size()},
                       {"routes", routing->routes.size()}});
      });
}

}  // namespace leadrouter
