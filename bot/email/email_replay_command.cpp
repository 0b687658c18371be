#include "bot/email/email_replay_command.h"

#include <SQLiteCpp/Transaction.h>

#include <charconv>
#include <exception>
#include <filesystem>
#include <ostream>

#include "bot/email/inbound_email_tx.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"

namespace leadrouter {

int RunEmailReplay(const Config& config, const std::string& id_text, const Clock& clock,
                   std::ostream& out, std::ostream& err) {
  std::string_view v = id_text;
  if (!v.empty() && v.front() == '#') v.remove_prefix(1);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || id <= 0) {
    err << "leadrouter: '" << id_text << "' is not an e-mail id\n";
    return 2;
  }
  const std::string& path = config.storage.path;
  std::error_code exists_error;
  if (path != ":memory:" && !std::filesystem::exists(path, exists_error)) {
    err << "leadrouter: no database at " << path << " (storage.path in the config)\n";
    return 1;
  }
  try {
    auto db = storage::Database::Open(path);
    // IMMEDIATE: meeting the daemon's writer waits out the busy timeout.
    SQLite::Transaction tx(db->db(), SQLite::TransactionBehavior::IMMEDIATE);
    auto email = storage::InboundEmailStore(db->db()).Get(id);
    if (!email) {
      err << "leadrouter: no e-mail #" << id << "\n";
      return 1;
    }
    if (email->purged) {
      err << "leadrouter: e-mail #" << id << " (" << email->outcome
          << ") was kept for inbound_email.keep_not_leads and its body is deleted\n";
      return 1;
    }
    if (email->outcome == "lead") {
      err << "leadrouter: e-mail #" << id << " is already lead #"
          << (email->lead_id ? std::to_string(*email->lead_id) : "?") << "\n";
      return 1;
    }
    ReplayInboundEmail(*db, id, clock.Now(), config);
    tx.commit();
    out << "E-mail #" << id << " (" << email->outcome
        << (email->source.empty() ? "" : ", " + email->source)
        << ") will be parsed again: a running daemon picks it up within a few seconds, "
           "otherwise when it starts.\n";
    return 0;
  } catch (const std::exception& e) {
    err << "leadrouter: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace leadrouter
