#include "bot/runtime/time_zone.h"

#include <date/tz.h>

#include <cstdio>
#include <exception>

namespace leadrouter {
namespace {

// nullptr for an empty or unknown name. locate_zone throws for an unknown
// name; nothing here lets that escape.
const date::time_zone* FindZone(const std::string& name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

const date::time_zone* ZoneOrUtc(const std::string& name) {
  if (const date::time_zone* z = FindZone(name)) return z;
  return FindZone(kUtcZone);
}

}  // namespace

bool IsKnownTimeZone(const std::string& name) {
  return FindZone(name) != nullptr;
}

LocalTime ToLocal(SystemTime t, const std::string& zone,
                  const std::string& fallback) {
  LocalTime out;
  const date::time_zone* z = FindZone(zone);
  out.zone = zone;
  if (!z) {
    z = FindZone(fallback);
    out.zone = fallback;
  }
  auto minutes = date::floor<std::chrono::minutes>(t);
  date::local_time<std::chrono::minutes> local;
  if (z) {
    local = date::floor<std::chrono::minutes>(z->to_local(minutes));
  } else {
    out.zone = kUtcZone;
    local = date::local_time<std::chrono::minutes>(minutes.time_since_epoch());
  }
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd(day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  out.date = buf;
  out.minute_of_day = static_cast<int>((local - day).count());
  out.weekday = static_cast<int>(date::weekday(day).c_encoding());
  return out;
}

std::chrono::local_seconds ToLocalSeconds(SystemTime t, const std::string& zone) {
  auto seconds = date::floor<std::chrono::seconds>(t);
  const date::time_zone* z = ZoneOrUtc(zone);
  auto since_epoch = z ? z->to_local(seconds).time_since_epoch() : seconds.time_since_epoch();
  return std::chrono::local_seconds(since_epoch);
}

SystemTime FromLocalSeconds(std::chrono::local_seconds local, const std::string& zone) {
  const date::time_zone* z = ZoneOrUtc(zone);
  date::local_seconds l(local.time_since_epoch());
  if (!z) return SystemTime(l.time_since_epoch());
  return SystemTime(z->to_sys(l, date::choose::earliest));
}

std::optional<SystemTime> FromLocal(const std::string& date_text,
                                    int minute_of_day,
                                    const std::string& zone) {
  if (minute_of_day < 0 || minute_of_day >= 24 * 60) return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  if (date_text.size() != 10 ||
      std::sscanf(date_text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year(y), date::month(m), date::day(d)};
  if (!ymd.ok()) return std::nullopt;
  auto local = date::local_days(ymd) + std::chrono::minutes(minute_of_day);
  const date::time_zone* z = ZoneOrUtc(zone);
  if (!z) return SystemTime(local.time_since_epoch());
  return SystemTime(z->to_sys(local, date::choose::earliest));
}

std::string FormatLocal(SystemTime t, const std::string& zone) {
  auto minutes = date::floor<std::chrono::minutes>(t);
  const date::time_zone* z = ZoneOrUtc(zone);
  if (!z) return date::format("%F %R UTC", minutes);
  return date::format("%F %R %Z", date::make_zoned(z, minutes));
}

}  // namespace leadrouter
