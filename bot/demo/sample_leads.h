// The sample payloads `leadrouter demo` sends: copies of tests/fixtures, built
// into the binary so the demo runs without the source tree. Pure data.
#pragma once

#include <string>
#include <vector>

namespace leadrouter::demo {

struct SampleLead {
  std::string file;         // its name under tests/fixtures
  std::string description;  // what kind of sender it stands for
  std::string body;         // the JSON exactly as the fixture has it
};

// In the order the demo sends them: the two hot buyers first, so they are
// the first two in the shark tank.
const std::vector<SampleLead>& SampleLeads();

}  // namespace leadrouter::demo
