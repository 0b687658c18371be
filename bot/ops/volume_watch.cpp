#include "bot/ops/volume_watch.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "bot/daemon/log.h"
#include "bot/ops/ops_alerts.h"
#include "bot/routing/outbox_plan.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/storage_writer.h"
#include "bot/runtime/time_zone.h"
#include "pipeline/volume_watch.h"
#include "storage/alert_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_volume.h"

namespace leadrouter {
namespace {

using std::chrono::sys_days;

std::string Elapsed(std::chrono::nanoseconds d) {
  return slack::FormatElapsed(std::chrono::duration_cast<std::chrono::seconds>(d));
}

std::optional<sys_days> ParseDay(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd);
}

std::string FormatDay(sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// Day `day`'s business window in `zone`: [start, end), the end on the next
// day when the window runs to midnight or past it.
std::optional<std::pair<SystemTime, SystemTime>> WindowOf(
    sys_days day, const VolumeWatchConfig& watch, const std::string& zone) {
  const int start = watch.start_minute.value_or(0);
  const int end = watch.end_minute.value_or(24 * 60);
  const std::string today = FormatDay(day);
  const std::string tomorrow = FormatDay(day + std::chrono::days(1));
  std::optional<SystemTime> from = FromLocal(today, start, zone);
  std::optional<SystemTime> to;
  if (end == 24 * 60) {
    to = FromLocal(tomorrow, 0, zone);
  } else {
    to = FromLocal(end > start ? today : tomorrow, end, zone);
  }
  if (!from || !to) return std::nullopt;
  return std::make_pair(*from, *to);
}

storage::AlertGroup GroupOf(storage::AlertStore& store, const std::string& key) {
  storage::AlertGroup group = store.Get(key).value_or(storage::AlertGroup{});
  group.key = key;
  return group;
}

OpsAlertJob Payload(const std::string& title, const std::string& detail,
                    const std::string& key) {
  OpsAlertJob alert;
  alert.title = title;
  alert.detail = detail;
  alert.group = key;
  return alert;
}

}  // namespace

std::string VolumeGroup(const std::string& source) {
  std::string lower = source;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "volume:" + lower;
}

BusinessLeads CountBusinessLeads(storage::Database& db,
                                 const VolumeWatchConfig& watch,
                                 const std::string& zone, SystemTime now) {
  BusinessLeads out;
  const SystemTime since = now - kUsualRatePeriod;
  std::optional<sys_days> today = ParseDay(ToLocal(now, zone).date);
  if (!today) return out;
  storage::LeadVolume volume(db.db());
  // One day more than the period: the oldest day's window may reach into it.
  const int days = static_cast<int>(
      std::chrono::duration_cast<std::chrono::days>(kUsualRatePeriod).count());
  for (int back = days + 1; back >= 0; --back) {
    const sys_days day = *today - std::chrono::days(back);
    const unsigned weekday = std::chrono::weekday(day).c_encoding();
    if (((watch.days >> weekday) & 1) == 0) continue;
    const auto window = WindowOf(day, watch, zone);
    if (!window) continue;
    const SystemTime from = std::max(window->first, since);
    const SystemTime to = std::min(window->second, now);
    if (from >= to) continue;
    out.business_time += std::chrono::duration_cast<std::chrono::minutes>(to - from);
    out.leads += volume.Count(watch.source, from, to);
  }
  return out;
}

VolumeWatchRun RunVolumeWatch(storage::Database& db, SystemTime now,
                              const Config& config) {
  VolumeWatchRun run;
  storage::AlertStore store(db.db());
  storage::LeadVolume volume(db.db());
  storage::JobStore jobs(db.db());
  const bool post = !config.slack.ops_channel.empty();
  const std::string& zone = config.rotation.timezone;
  const LocalTime local = ToLocal(now, zone);
  for (const VolumeWatchConfig& watch : config.volume_watch) {
    const std::string key = VolumeGroup(watch.source);
    storage::AlertGroup group = GroupOf(store, key);
    pipeline::VolumeWatchState state;
    state.alerted = group.state.open;
    if (group.state.open) state.last_lead_at_alert = group.state.last_event_at;
    pipeline::VolumeCheck check;
    check.now = now;
    check.last_lead_at = volume.Latest(watch.source);
    check.business_hours = pipeline::InBusinessHours(
        {watch.start_minute, watch.end_minute, watch.days}, local.minute_of_day,
        local.weekday);
    check.silence = watch.silence;
    switch (pipeline::DecideVolume(state, check)) {
      case pipeline::VolumeAction::kNone:
        break;
      case pipeline::VolumeAction::kAlert: {
        const BusinessLeads usual = CountBusinessLeads(db, watch, zone, now);
        const auto rate = pipeline::UsualRatePerHour(usual.leads, usual.business_time);
        const std::string detail =
            "no leads from " + watch.source + " for " +
            Elapsed(now - *check.last_lead_at) + "; usual rate is " +
            (rate ? pipeline::FormatRate(*rate) : std::string("unknown")) +
            " (business hours, last 7 days). The last one came " +
            FormatLocal(*check.last_lead_at, zone) + ".";
        group.state = pipeline::AlertGroupState{};
        group.state.open = true;
        group.state.alerted = true;
        group.state.opened_at = now;
        group.state.last_event_at = *check.last_lead_at;
        group.state.count = 1;
        group.state.first = "no leads for " + Elapsed(now - *check.last_lead_at);
        group.alert_job_id.reset();
        group.closed_at.reset();
        if (post) {
          group.alert_job_id = jobs.Enqueue(
              MakeJob(std::nullopt,
                      Payload("Lead volume stopped: " + watch.source, detail, key),
                      now, config),
              now);
        }
        store.Put(group, now);
        ++run.alerts;
        break;
      }
      case pipeline::VolumeAction::kRecover: {
        const SystemTime before = *state.last_lead_at_alert;
        const SystemTime back =
            volume.FirstAfter(watch.source, before).value_or(*check.last_lead_at);
        if (post) {
          MoveAlertUp(jobs, group.alert_job_id, now);
          jobs.Enqueue(
              MakeJob(std::nullopt,
                      Payload("Lead volume back: " + watch.source,
                              "leads from " + watch.source + " again after " +
                                  Elapsed(back - before),
                              key),
                      now, config),
              now);
        }
        group.state.open = false;
        group.closed_at = now;
        store.Put(group, now);
        ++run.recoveries;
        break;
      }
    }
  }
  // The running job is not pending: this writes its successor, once, even
  // when a crash makes it run twice.
  if (!store.HasPendingJob(kJobVolumeWatch)) {
    jobs.Enqueue(MakeJob(std::nullopt, VolumeWatchJob{},
                         now + kVolumeCheckInterval, config),
                 now);
  }
  return run;
}

bool ScheduleVolumeWatch(storage::Database& db, SystemTime now,
                         const Config& config) {
  if (storage::AlertStore(db.db()).HasPendingJob(kJobVolumeWatch)) return false;
  storage::JobStore(db.db()).Enqueue(
      MakeJob(std::nullopt, VolumeWatchJob{}, now, config),
      now);
  return true;
}

VolumeWatch::VolumeWatch(StorageWriter& writer, JobRunner& runner,
                         const Config& config, const Clock& clock)
    : writer_(writer),
      runner_(runner),
      config_(config),
      clock_(clock),
      alive_(std::make_shared<bool>(true)) {}

VolumeWatch::~VolumeWatch() { alive_.reset(); }

void VolumeWatch::Start() {
  if (config_.volume_watch.empty() || config_.slack.ops_channel.empty()) return;
  runner_.Register(kJobVolumeWatch, [this](const storage::Job&, JobDone done) {
    Run(std::move(done));
  });
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  std::weak_ptr<bool> alive = alive_;
  writer_.Submit(
      [now, &config](storage::Database& db) { ScheduleVolumeWatch(db, now, config); },
      [this, alive](const std::string& error) {
        if (alive.expired()) return;
        if (!error.empty()) {
          logging::Error("volume_watch.schedule_failed", {{"error", error}});
          return;
        }
        runner_.Wake();
      });
}

void VolumeWatch::Run(JobDone done) {
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<VolumeWatchRun>(
      [now, &config](storage::Database& db) { return RunVolumeWatch(db, now, config); },
      [this, alive, done](Result<VolumeWatchRun> run) {
        if (alive.expired()) return;  // shutting down: recovered at restart
        if (!run.ok()) return done(JobOutcome::Retry(run.status().message()));
        if (run->alerts > 0 || run->recoveries > 0) {
          logging::Info("volume_watch.checked", {{"alerts", run->alerts},
                                                 {"recoveries", run->recoveries}});
        }
        runner_.Wake();  // the next check was just written
        done(JobOutcome::Done());
      });
}

}  // namespace leadrouter
