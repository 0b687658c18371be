// The schema's history: an ordered list of (version, SQL) steps that
// Database applies to bring any older file up to date. A step, once
// released, is never edited; a change to the schema is a new step.
// Thread rule: immutable data, safe anywhere.
#pragma once

#include <vector>

namespace leadrouter::storage {

struct Migration {
  int version;      // strictly increasing, starting at 1, no gaps
  const char* sql;  // one or more statements; run inside one transaction
};

// Every known migration, in version order. The last one is the newest
// schema this build understands.
const std::vector<Migration>& Migrations();

}  // namespace leadrouter::storage
