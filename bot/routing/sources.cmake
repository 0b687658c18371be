# Routing: who gets a lead (shark tank, rotation, claim-timeout fallback).
list(APPEND DECISION_SOURCES
  routing/assign_owner.cpp
  routing/claim_timeout.cpp
  routing/outbox_plan.cpp
  routing/pool_assign.cpp
  routing/round_robin.cpp
)
list(APPEND BOT_SOURCES
  routing/routing_jobs.cpp
)
