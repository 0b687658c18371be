# The daemon: wiring, config and the command line. Config and durations are
# values the decisions read, so they sit on the decisions side.
list(APPEND DECISION_SOURCES
  daemon/config.cpp
  daemon/duration.cpp
  daemon/routing_config.cpp
)
list(APPEND BOT_SOURCES
  daemon/daemon.cpp
  daemon/log.cpp
  daemon/routing_reload.cpp
)
