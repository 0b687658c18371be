# Slack buttons and slash commands (the older ones are in handlers/).
list(APPEND BOT_SOURCES
  interactions/pool_rotation_command.cpp
  interactions/route_commands.cpp
)
