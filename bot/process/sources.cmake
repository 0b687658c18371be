# Starting and stopping child processes: `leadrouter demo` runs slack-sim and
# the daemon with it, and the end-to-end tests run theirs the same way. Not
# part of the daemon; its own library, leadrouter_process.
set(PROCESS_SOURCES
  process/child_process.cpp
)
