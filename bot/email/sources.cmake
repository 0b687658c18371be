# Inbound e-mail: the `leadrouter email` commands.
list(APPEND BOT_SOURCES
  email/email_parse_command.cpp
)
