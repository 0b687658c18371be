#include "bot/interactions/dlq_email_replay.h"

#include <optional>
#include <string>

#include "bot/email/inbound_email_tx.h"
#include "bot/interactions/dlq_actions.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"

namespace leadrouter {

void ApplyDlqEmailReplay(storage::Database& db, const Click& click, SystemTime now,
                         const Config& config) {
  if (!IsDlqManager(config, click.user_id)) {
    return TellClicker(db, click,
                       "Only managers can replay dead letters; nothing was changed.", now,
                       config);
  }
  const std::optional<int64_t> id = DlqIdOf(click.value);
  std::optional<storage::InboundEmail> email;
  if (id) email = storage::InboundEmailStore(db.db()).Get(*id);
  if (!email || email->outcome != "dead_letter" || email->purged) {
    return TellClicker(db, click,
                       "That e-mail is not a dead letter any more (someone may have "
                       "replayed it already); nothing was changed. `/leads dlq` shows "
                       "the current list.",
                       now, config);
  }
  ReplayInboundEmail(db, email->id, now, config);
  const std::string source = email->source.empty() ? "" : " (" + email->source + ")";
  TellClicker(db, click,
              "Replayed e-mail #" + std::to_string(email->id) + source +
                  ": it is read again now with today's rules; a lead goes to Slack "
                  "as usual.",
              now, config);
}

}  // namespace leadrouter
