# Enrichment: property and person lookups, and the deadline a lead waits for
# them. The plan at intake and the transactions that end the wait are
# decisions; the provider client and the job executors are effects.
list(APPEND DECISION_SOURCES
  enrichment/apply_enrichment.cpp
  enrichment/enrichment_config.cpp
  enrichment/enrichment_plan.cpp
)
list(APPEND BOT_SOURCES
  enrichment/enrichment_jobs.cpp
  enrichment/lookup_client.cpp
)
