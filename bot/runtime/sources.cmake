# The job machinery's pure rules (new files of the runtime capability).
list(APPEND BOT_SOURCES
  runtime/unavailable_wait.cpp
  runtime/waiting_jobs.cpp
)
