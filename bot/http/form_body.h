// application/x-www-form-urlencoded bodies: "a=1&b=x+y" into decoded
// (name, value) pairs, as Twilio posts its webhooks. Pure; never throws.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadrouter {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Every pair in the order sent, names and values %-decoded with '+' as a
// space. A pair without '=' is a name with an empty value; empty pairs
// ("a=1&&b=2") are skipped. A repeated name is kept every time.
FormParams ParseFormBody(std::string_view body);

// The value of the first pair named `name`, or "" when there is none.
std::string FormValue(const FormParams& params, std::string_view name);

}  // namespace leadrouter
