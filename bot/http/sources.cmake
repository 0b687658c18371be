# HTTP intake server (Boost.Beast).
list(APPEND BOT_SOURCES
)
