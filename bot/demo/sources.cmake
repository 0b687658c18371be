# `leadrouter demo`: a tool beside the daemon, not part of its library.
set(DEMO_SOURCES
  demo/demo_command.cpp
  demo/sample_leads.cpp
  demo/transcript.cpp
)
