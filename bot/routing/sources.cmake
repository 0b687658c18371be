# Routing: who owns a lead, and how it got to them.
list(APPEND BOT_SOURCES
  routing/assign_owner.cpp
  routing/claim_timeout.cpp
  routing/pool_assign.cpp
)
