# Routing: who gets a lead (shark tank, rotation, claim-timeout fallback).
list(APPEND DECISION_SOURCES
  routing/outbox_plan.cpp
  routing/round_robin.cpp
)
list(APPEND BOT_SOURCES
  routing/routing_jobs.cpp
)
