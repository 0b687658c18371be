# Socket Mode envelope handlers: the dispatch table and one file per action
# or command.
list(APPEND BOT_SOURCES
  handlers/dispatch.cpp
  handlers/dlq_actions.cpp
  handlers/lead_actions.cpp
  handlers/mention.cpp
  handlers/slash_leads.cpp
  handlers/slash_rotation.cpp
)
