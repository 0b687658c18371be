// Person names: splitting a full name and fixing its capitalization the way
// an agent would write it on a call sheet. Pure; ICU does the case mapping so
// that José, Zoë and Øyvind survive.
#pragma once

#include <string_view>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

// Builds a name from whichever parts a form sent. When `first`/`last` are
// empty, `full` is split: "Last, First" is swapped, otherwise the first word
// is the first name and the rest the last name. A first name with spaces and
// no last name is split the same way. Inputs must be sanitized, valid UTF-8.
//
// Capitalization is fixed word by word, and only for words typed in one case
// (ALL CAPS or all lower); a mixed-case word is kept as typed ("McDonald",
// "DeShawn", "Macy"). A fixed word is title-cased per hyphen part
// ("Jean-Luc"), after a one-letter apostrophe prefix ("O'Connell",
// "D'Angelo"), after "Mc" ("McDonald"), and after "Mac" only for long
// surnames not continuing with a vowel, h, k or y ("MacLeod", but "Macy",
// "Machado", "Mackenzie"). Particles (van, der, de, la, von, …) stay
// lower-case unless they start the name.
PersonName NormalizeName(std::string_view first, std::string_view last,
                         std::string_view full);

}  // namespace leadrouter::pipeline
