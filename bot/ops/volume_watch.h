// VolumeWatch: the lead volume watch ([[volume_watch]] in the config). One
// job, ops.volume_watch, checks every watched source every
// kVolumeCheckInterval of the injected clock and writes its own next run,
// so the checks follow a moved clock. At a check inside the source's
// business hours (in rotation.timezone), a source whose newest lead is
// older than its `silence` gets one ops alert with its usual rate; the
// first lead after that brings a recovery note and arms the watch again.
// The state lives in the alert groups (storage/alert_store), keyed
// "volume:" and the source in lower case.
// Thread rule: VolumeWatch on the loop thread; the other functions on the
// storage writer thread, inside the caller's transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/runtime/job_runner.h"

namespace leadrouter {
namespace storage {
class Database;
}

class StorageWriter;

// Often enough that an alert is at most this late; rarely enough to cost
// nothing (a few indexed reads).
inline constexpr std::chrono::minutes kVolumeCheckInterval{5};
// The usual rate is measured over the business hours of this period.
inline constexpr std::chrono::hours kUsualRatePeriod{24 * 7};

// "volume:zillow premier": the alert group of a watched source.
std::string VolumeGroup(const std::string& source);

struct BusinessLeads {
  int64_t leads = 0;                    // from the source, in business hours
  std::chrono::minutes business_time{0};
};

// The business hours of `watch` in `zone` within [now - kUsualRatePeriod,
// now), and the leads of its source created in them.
BusinessLeads CountBusinessLeads(storage::Database& db,
                                 const VolumeWatchConfig& watch,
                                 const std::string& zone, SystemTime now);

struct VolumeWatchRun {
  int alerts = 0;
  int recoveries = 0;
};

// Checks every watched source at `now` (pipeline::DecideVolume), writes
// the alerts and notes as kJobOpsAlert jobs (none when slack.ops_channel is
// empty) and the sources' state, and the next kJobVolumeWatch at now +
// kVolumeCheckInterval unless one is pending already. Throws
// SQLite::Exception on a database failure.
VolumeWatchRun RunVolumeWatch(storage::Database& db, SystemTime now,
                              const Config& config);

// Writes a kJobVolumeWatch due at `now` unless one is pending; returns
// whether it wrote one. Throws SQLite::Exception.
bool ScheduleVolumeWatch(storage::Database& db, SystemTime now,
                         const Config& config);

class VolumeWatch {
 public:
  // Every reference must outlive this object and the runner's use of it.
  VolumeWatch(StorageWriter& writer, JobRunner& runner, const Config& config,
              const Clock& clock);
  ~VolumeWatch();
  VolumeWatch(const VolumeWatch&) = delete;
  VolumeWatch& operator=(const VolumeWatch&) = delete;

  // Registers the executor and writes the first check unless one is
  // pending. Does nothing without [[volume_watch]] entries or an ops
  // channel.
  void Start();

 private:
  void Run(JobDone done);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  std::shared_ptr<bool> alive_;
};

}  // namespace leadrouter
