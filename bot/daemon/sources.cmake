# The daemon's wiring and config.
list(APPEND BOT_SOURCES
  daemon/routing_config.cpp
  daemon/routing_reload.cpp
)
