# Reading leads: the labelled set and `leadrouter eval`.
list(APPEND BOT_SOURCES
  classifier/eval_command.cpp
  classifier/eval_set.cpp
)
