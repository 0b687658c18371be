# Ops: grouped alerts, the lead volume watch, dead letters from a shell.
list(APPEND DECISION_SOURCES
  ops/alert_decisions.cpp
)
list(APPEND BOT_SOURCES
  ops/dlq_command.cpp
  ops/ops_alerts.cpp
  ops/slack_outage_alert.cpp
  ops/volume_watch.cpp
)
