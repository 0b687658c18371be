#include "bot/ops/dlq_command.h"

#include <SQLiteCpp/Transaction.h>
#include <time.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string_view>

#include "bot/interactions/dlq_actions.h"
#include "storage/database.h"
#include "storage/job_store.h"

namespace leadrouter {
namespace {

// A table row stays on one terminal line; --json has the whole error.
constexpr std::size_t kErrorColumnChars = 60;
// Who the timeline says replayed or dropped a job from here.
constexpr char kShellActor[] = "shell";

std::optional<int64_t> JobIdOf(const std::string& text) {
  std::string_view v = text;
  if (!v.empty() && v.front() == '#') v.remove_prefix(1);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

std::string Utc(std::optional<SystemTime> t, const char* format) {
  if (!t) return "-";
  const time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(*t));
  tm parts{};
  gmtime_r(&secs, &parts);
  char buffer[32];
  const std::size_t n = strftime(buffer, sizeof buffer, format, &parts);
  return std::string(buffer, n);
}

// One line, cut to `max` bytes on a UTF-8 boundary.
std::string OneLine(const std::string& text, std::size_t max) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.size() <= max) return out;
  std::size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return out.substr(0, cut) + "...";
}

std::string Pad(const std::string& text, std::size_t width) {
  if (text.size() >= width) return text + " ";
  return text + std::string(width - text.size(), ' ');
}

nlohmann::json ToJson(const storage::Job& job) {
  return {{"id", job.id},
          {"kind", job.kind},
          {"lead_id", job.lead_id ? nlohmann::json(*job.lead_id)
                                  : nlohmann::json(nullptr)},
          {"attempts", job.attempts},
          {"max_attempts", job.max_attempts},
          {"last_error", job.last_error},
          {"created_at", Utc(job.created_at, "%FT%TZ")},
          {"died_at", job.finished_at
                          ? nlohmann::json(Utc(job.finished_at, "%FT%TZ"))
                          : nlohmann::json(nullptr)},
          {"payload", job.payload}};
}

void PrintTable(const std::vector<storage::Job>& jobs, std::ostream& out) {
  if (jobs.empty()) {
    out << "No dead jobs.\n";
    return;
  }
  out << Pad("ID", 8) << Pad("KIND", 24) << Pad("LEAD", 8)
      << Pad("ATTEMPTS", 10) << Pad("DIED (UTC)", 21) << "LAST ERROR\n";
  for (const storage::Job& job : jobs) {
    out << Pad(std::to_string(job.id), 8) << Pad(job.kind, 24)
        << Pad(job.lead_id ? std::to_string(*job.lead_id) : "-", 8)
        << Pad(std::to_string(job.attempts), 10)
        << Pad(Utc(job.finished_at, "%F %T"), 21)
        << OneLine(job.last_error, kErrorColumnChars) << "\n";
  }
  out << jobs.size() << (jobs.size() == 1 ? " dead job" : " dead jobs")
      << ", most recent first. Replay one with `leadrouter dlq replay ID`.\n";
}

std::string Describe(const storage::Job& job) {
  std::string out = "job #" + std::to_string(job.id) + " (" + job.kind;
  if (job.lead_id) out += ", lead #" + std::to_string(*job.lead_id);
  return out + ")";
}

int Act(storage::Database& db, const std::string& verb, int64_t id,
        const Clock& clock, std::ostream& out, std::ostream& err) {
  // IMMEDIATE takes the write lock up front, so meeting the daemon's
  // writer means waiting out the busy timeout, not failing half-way.
  SQLite::Transaction tx(db.db(), SQLite::TransactionBehavior::IMMEDIATE);
  const SystemTime now = clock.Now();
  std::optional<storage::Job> job =
      verb == "replay" ? ReplayDeadLetter(db, id, kShellActor, now)
                       : DropDeadLetter(db, id, kShellActor, now);
  if (!job) {
    err << "leadrouter: no dead job #" << id
        << " (see `leadrouter dlq list`)\n";
    return kDlqExitNoSuchJob;
  }
  tx.commit();
  if (verb == "replay") {
    out << "Replayed " << Describe(*job)
        << ": a running daemon picks it up within a few seconds, "
           "otherwise it runs when the daemon starts.\n";
  } else {
    out << "Dropped " << Describe(*job) << ": it will not run.\n";
  }
  return kDlqExitOk;
}

}  // namespace

int RunDlqCommand(const Config& config, const std::vector<std::string>& args,
                  bool json, const Clock& clock, std::ostream& out,
                  std::ostream& err) {
  const std::string sub = args.empty() ? "" : args[0];
  const bool list = sub == "list" && args.size() == 1;
  const bool act = (sub == "replay" || sub == "drop") && args.size() == 2;
  if (!list && !act) {
    err << "leadrouter: dlq needs `list`, `replay ID` or `drop ID`\n";
    return kDlqExitUsage;
  }
  std::optional<int64_t> id;
  if (act) {
    id = JobIdOf(args[1]);
    if (!id) {
      err << "leadrouter: '" << args[1] << "' is not a job id\n";
      return kDlqExitUsage;
    }
  }
  const std::string& path = config.storage.path;
  std::error_code ec;
  if (path != ":memory:" && !std::filesystem::exists(path, ec)) {
    err << "leadrouter: no database at " << path
        << " (storage.path in the config)\n";
    return kDlqExitNoSuchJob;
  }
  try {
    std::unique_ptr<storage::Database> db = storage::Database::Open(path);
    if (act) return Act(*db, sub, *id, clock, out, err);
    // The shell lists them all: it is where the long tail gets handled.
    DeadLetters dead = ListDeadLetters(*db, static_cast<size_t>(-1));
    if (json) {
      nlohmann::json array = nlohmann::json::array();
      for (const storage::Job& job : dead.jobs) array.push_back(ToJson(job));
      out << array.dump(2) << "\n";
    } else {
      PrintTable(dead.jobs, out);
    }
    return kDlqExitOk;
  } catch (const std::exception& e) {
    err << "leadrouter: " << path << ": " << e.what() << "\n";
    return kDlqExitNoSuchJob;
  }
}

}  // namespace leadrouter
