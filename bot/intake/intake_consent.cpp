#include "bot/intake/intake_consent.h"

#include <nlohmann/json.hpp>

#include "storage/follow_up_store.h"
#include "storage/timeline.h"

namespace leadrouter {

bool RecordIntakeConsent(SQLite::Database& db, int64_t lead_id,
                         const pipeline::ProcessedLead& lead, SystemTime now) {
  const pipeline::Consent& consent = lead.consent;
  nlohmann::json detail = {{"source", lead.source}};
  if (consent.marketing) detail["marketing"] = *consent.marketing;
  if (consent.sms) detail["sms"] = *consent.sms;
  if (consent.email) detail["email"] = *consent.email;
  if (detail.size() == 1) return false;
  if (!consent.policy_version.empty()) {
    detail["policy_version"] = consent.policy_version;
  }
  storage::FollowUpStore(db).RecordConsent(lead_id, consent, lead.source, now);
  storage::Timeline(db).Append(lead_id, now, storage::EventKind::kConsentRecorded, detail);
  return true;
}

}  // namespace leadrouter
