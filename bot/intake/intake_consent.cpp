#include "bot/intake/intake_consent.h"

#include <nlohmann/json.hpp>

#include "storage/follow_up_store.h"
#include "storage/timeline.h"

namespace leadrouter {

bool RecordIntakeConsent(SQLite::Database& db, int64_t lead_id,
                         const pipeline::ProcessedLead& lead, SystemTime now) {
  const pipeline::Consent& consent = lead.consent;
  if (!consent.marketing && !consent.sms && !consent.email) return false;
  storage::FollowUpStore(db).RecordConsent(lead_id, consent, lead.source, now);
  storage::Timeline(db).Record(
      lead_id, now,
      storage::ConsentRecordedEvent{lead.source, consent.marketing, consent.sms,
                                    consent.email, consent.policy_version});
  return true;
}

}  // namespace leadrouter
