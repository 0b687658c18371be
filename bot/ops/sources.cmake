# Ops alerts (new files of the ops capability).
list(APPEND BOT_SOURCES
  ops/slack_outage_alert.cpp
)
