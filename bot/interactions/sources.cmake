# Slack buttons and slash commands: the dispatch table (on the loop) and one
# file per action or command (each a decision inside one transaction).
list(APPEND DECISION_SOURCES
  interactions/dlq_actions.cpp
  interactions/lead_actions.cpp
  interactions/mention.cpp
  interactions/pool_rotation_command.cpp
  interactions/route_commands.cpp
  interactions/slash_leads.cpp
  interactions/slash_rotation.cpp
)
list(APPEND BOT_SOURCES
  interactions/dispatch.cpp
  # A decision too, but the e-mail parse transaction it queues is listed
  # with the effects (it opens ops alerts through bot/ops).
  interactions/dlq_email_replay.cpp
)
