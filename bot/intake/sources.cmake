# Intake: leads and CRM events in over HTTP, and what accepting them writes.
list(APPEND DECISION_SOURCES
  intake/accept_lead.cpp
  intake/crm_apply.cpp
  intake/intake_consent.cpp
)
list(APPEND BOT_SOURCES
  intake/crm_service.cpp
  intake/intake_service.cpp
  intake/json_post.cpp
  intake/lead_metrics.cpp
)
