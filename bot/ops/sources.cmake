# Ops: grouped alerts, the lead volume watch, dead letters from a shell,
# what the WAL's checkpoints tell the admin.
list(APPEND DECISION_SOURCES
  ops/alert_decisions.cpp
)
list(APPEND BOT_SOURCES
  ops/checkpoint_report.cpp
  ops/dlq_command.cpp
  ops/ops_alerts.cpp
  ops/slack_outage_alert.cpp
  ops/volume_watch.cpp
)
