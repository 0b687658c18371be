# `leadrouter demo`: a tool beside the daemon, not part of its library.
set(DEMO_SOURCES
  demo/child_process.cpp
  demo/demo_command.cpp
  demo/sample_leads.cpp
  demo/transcript.cpp
)
