// Helpers for storage tests: a temp database file that cleans up after
// itself, fixed times, and small processed leads built by hand.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>

#include "pipeline/lead.h"
#include "storage/time_point.h"

namespace leadrouter::storage::testing {

// 2026-03-14T22:07:41Z, whole milliseconds so round trips are exact.
inline const TimePoint kT0{std::chrono::seconds(1773526061)};

// A unique path under the temp directory; the file and its WAL/SHM
// companions are removed on destruction.
class TempDbFile {
 public:
  TempDbFile() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("leadrouter-storage-test-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + ".db"))
                .string();
    Remove();
  }
  ~TempDbFile() { Remove(); }
  TempDbFile(const TempDbFile&) = delete;
  TempDbFile& operator=(const TempDbFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  void Remove() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }
  std::string path_;
};

// A reachable lead with a valid e-mail and no phone.
inline pipeline::ProcessedLead LeadWithEmail(const std::string& email,
                                             const std::string& message) {
  pipeline::ProcessedLead lead;
  lead.source = "Website";
  lead.name = {"Dana O'Connell", "Dana", "O'Connell"};
  lead.email = email;
  lead.email_valid = true;
  lead.message = message;
  lead.dedupe_keys = {"email:" + email};
  lead.score = 72;
  lead.score_reasons = {{"timeline_30d", 30, "wants to move within 30 days"}};
  lead.segment = pipeline::Segment::kHotBuyer;
  lead.intent = pipeline::Intent::kUrgentBuyer;
  return lead;
}

// Adds a parsed phone and its dedupe key.
inline pipeline::ProcessedLead WithPhone(pipeline::ProcessedLead lead,
                                         const std::string& e164) {
  lead.phone = {e164, e164, true, "MOBILE", "US"};
  lead.dedupe_keys.push_back("phone:" + e164);
  return lead;
}

// A lead known only by its phone.
inline pipeline::ProcessedLead LeadWithPhone(const std::string& e164,
                                             const std::string& message) {
  pipeline::ProcessedLead lead;
  lead.source = "Zillow Premier";
  lead.message = message;
  lead.segment = pipeline::Segment::kWarmBuyer;
  return WithPhone(lead, e164);
}

}  // namespace leadrouter::storage::testing
