#include "pipeline/us_place.h"

#include <array>
#include <cctype>
#include <vector>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

struct StateRow {
  const char* code;
  const char* name;
  const char* zone;
};

// Majority zones: a split state's minority (the Florida panhandle, El Paso,
// western Kansas, …) is an hour off; a narrower per-state send window in
// the config covers them where that hour matters.
constexpr std::array<StateRow, 56> kStates = {{
    {"AL", "Alabama", "America/Chicago"},
    {"AK", "Alaska", "America/Anchorage"},
    {"AZ", "Arizona", "America/Phoenix"},
    {"AR", "Arkansas", "America/Chicago"},
    {"CA", "California", "America/Los_Angeles"},
    {"CO", "Colorado", "America/Denver"},
    {"CT", "Connecticut", "America/New_York"},
    {"DE", "Delaware", "America/New_York"},
    {"DC", "District of Columbia", "America/New_York"},
    {"FL", "Florida", "America/New_York"},
    {"GA", "Georgia", "America/New_York"},
    {"HI", "Hawaii", "Pacific/Honolulu"},
    {"ID", "Idaho", "America/Boise"},
    {"IL", "Illinois", "America/Chicago"},
    {"IN", "Indiana", "America/Indiana/Indianapolis"},
    {"IA", "Iowa", "America/Chicago"},
    {"KS", "Kansas", "America/Chicago"},
    {"KY", "Kentucky", "America/New_York"},
    {"LA", "Louisiana", "America/Chicago"},
    {"ME", "Maine", "America/New_York"},
    {"MD", "Maryland", "America/New_York"},
    {"MA", "Massachusetts", "America/New_York"},
    {"MI", "Michigan", "America/Detroit"},
    {"MN", "Minnesota", "America/Chicago"},
    {"MS", "Mississippi", "America/Chicago"},
    {"MO", "Missouri", "America/Chicago"},
    {"MT", "Montana", "America/Denver"},
    {"NE", "Nebraska", "America/Chicago"},
    {"NV", "Nevada", "America/Los_Angeles"},
    {"NH", "New Hampshire", "America/New_York"},
    {"NJ", "New Jersey", "America/New_York"},
    {"NM", "New Mexico", "America/Denver"},
    {"NY", "New York", "America/New_York"},
    {"NC", "North Carolina", "America/New_York"},
    {"ND", "North Dakota", "America/Chicago"},
    {"OH", "Ohio", "America/New_York"},
    {"OK", "Oklahoma", "America/Chicago"},
    {"OR", "Oregon", "America/Los_Angeles"},
    {"PA", "Pennsylvania", "America/New_York"},
    {"RI", "Rhode Island", "America/New_York"},
    {"SC", "South Carolina", "America/New_York"},
    {"SD", "South Dakota", "America/Chicago"},
    {"TN", "Tennessee", "America/Chicago"},
    {"TX", "Texas", "America/Chicago"},
    {"UT", "Utah", "America/Denver"},
    {"VT", "Vermont", "America/New_York"},
    {"VA", "Virginia", "America/New_York"},
    {"WA", "Washington", "America/Los_Angeles"},
    {"WV", "West Virginia", "America/New_York"},
    {"WI", "Wisconsin", "America/Chicago"},
    {"WY", "Wyoming", "America/Denver"},
    {"PR", "Puerto Rico", "America/Puerto_Rico"},
    {"VI", "Virgin Islands", "America/St_Thomas"},
    {"GU", "Guam", "Pacific/Guam"},
    {"AS", "American Samoa", "Pacific/Pago_Pago"},
    {"MP", "Northern Mariana Islands", "Pacific/Saipan"},
}};

bool IsZip(std::string_view s) {
  // 62704 or 62704-1234
  if (s.size() != 5 && s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 5) {
      if (s[i] != '-') return false;
    } else if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',') {
      std::string_view part = TrimView(s.substr(start, i - start));
      if (!part.empty()) parts.push_back(part);
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

std::string StateCode(std::string_view name_or_code) {
  const std::string wanted = AsciiLower(TrimView(name_or_code));
  if (wanted.empty()) return "";
  for (const StateRow& row : kStates) {
    if (wanted == AsciiLower(row.code) || wanted == AsciiLower(row.name)) {
      return row.code;
    }
  }
  return "";
}

std::string_view TimeZoneForState(std::string_view code) {
  for (const StateRow& row : kStates) {
    if (code == row.code) return row.zone;
  }
  return {};
}

UsPlace PlaceFromAddress(std::string_view address) {
  std::vector<std::string_view> parts = SplitCommas(address);
  if (parts.size() < 2) return {};
  std::string_view last = parts.back();
  // A trailing "USA"/"United States" part names no state.
  const std::string last_lower = AsciiLower(last);
  if (last_lower == "usa" || last_lower == "us" ||
      last_lower == "united states") {
    parts.pop_back();
    if (parts.size() < 2) return {};
    last = parts.back();
  }
  // "IL 62704": cut the ZIP off the end.
  const size_t space = last.find_last_of(' ');
  if (space != std::string_view::npos && IsZip(last.substr(space + 1))) {
    last = TrimView(last.substr(0, space));
  } else if (IsZip(last)) {
    return {};  // "Springfield, 62704": no state written
  }
  UsPlace place;
  place.state = StateCode(last);
  if (place.state.empty()) return {};
  // "12 Elm St, Springfield, IL": the city is the part before the state,
  // unless that is the street itself (only two parts, "Springfield, IL").
  if (parts.size() >= 3 || !std::isdigit(static_cast<unsigned char>(
                               parts[parts.size() - 2].front()))) {
    place.city = std::string(parts[parts.size() - 2]);
  }
  return place;
}

}  // namespace leadrouter::pipeline
