# Slack: Web API client, Socket Mode, Block Kit.
list(APPEND BOT_SOURCES
)
