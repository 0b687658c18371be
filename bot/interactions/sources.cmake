# Slack buttons and slash commands: the dispatch table (on the loop) and one
# file per action or command (each a decision inside one transaction).
list(APPEND DECISION_SOURCES
  interactions/dlq_actions.cpp
  interactions/dlq_email_replay.cpp
  interactions/lead_actions.cpp
  interactions/mention.cpp
  interactions/pool_rotation_command.cpp
  interactions/route_commands.cpp
  interactions/slash_leads.cpp
  interactions/slash_rotation.cpp
)
list(APPEND BOT_SOURCES
  interactions/dispatch.cpp
)
