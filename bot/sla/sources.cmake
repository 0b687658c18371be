# First-contact SLA: the timers and what they do when they fire.
list(APPEND DECISION_SOURCES
  sla/sla_clock.cpp
)
list(APPEND BOT_SOURCES
  sla/sla_jobs.cpp
)
