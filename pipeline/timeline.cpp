#include "pipeline/timeline.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace leadrouter::pipeline {
namespace {

using std::chrono::sys_days;
using std::chrono::year_month_day;

// A date mentioned before today by less than this is in the past ("we saw
// it Jan 3"); further back, it must mean that day next year.
constexpr int kPastDateDays = 60;

struct FixedPhrase {
  const char* phrase;
  int days;
};

// Expressions with a fixed distance. English, then Spanish.
constexpr FixedPhrase kFixed[] = {
    {"asap", 3}, {"as soon as possible", 3}, {"right away", 3},
    {"soonest", 3}, {"as soon as we can", 3},
    {"immediately", 3}, {"urgent", 7}, {"urgently", 7}, {"today", 0},
    {"tonight", 0}, {"tomorrow", 1}, {"tmrw", 1}, {"tmr", 1}, {"tmrow", 1},
    {"this week", 4}, {"this weekend", 5}, {"next week", 10},
    {"this month", 20}, {"next month", 40}, {"end of the month", 20},
    {"end of month", 20}, {"couple of days", 2}, {"couple days", 2},
    {"few days", 3}, {"quickly", 14}, {"fast", 14}, {"quick close", 14},
    {"lo antes posible", 3}, {"cuanto antes", 3}, {"de inmediato", 3},
    {"urgente", 7}, {"hoy", 0}, {"manana", 1}, {"esta semana", 4},
    {"este fin de semana", 5}, {"proxima semana", 10}, {"proximo mes", 40},
    {"fin de mes", 20},
    {"next year", 365}, {"someday", 400}, {"some day", 400},
    {"eventually", 400}, {"down the road", 400}, {"longterm", 400},
    {"in the future", 400}, {"for a while", 200}, {"couple of years", 730},
    {"couple years", 730}, {"few years", 1000}, {"year or two", 540},
    {"years out", 1000}, {"years from now", 1000}, {"years away", 1000}, {"proximo ano", 365},
    {"el ano que viene", 365}, {"algun dia", 400}, {"futuro", 400},
};

// Near expressions that only matter negated: "not anytime soon" is a plan
// for later, while "soon" alone commits to nothing.
constexpr const char* kNegatedOnly[] = {"anytime soon", "any time soon",
                                        "soon", "this year", "right now",
                                        "pronto"};

constexpr std::array<std::pair<std::string_view, int>, 24> kWeekdays = {{
    {"monday", 1}, {"tuesday", 2}, {"wednesday", 3}, {"thursday", 4},
    {"friday", 5}, {"saturday", 6}, {"sunday", 0}, {"mon", 1},
    {"tue", 2}, {"tues", 2}, {"wed", 3}, {"weds", 3}, {"thu", 4},
    {"thur", 4}, {"thurs", 4}, {"fri", 5}, {"lunes", 1}, {"martes", 2},
    {"miercoles", 3}, {"jueves", 4}, {"viernes", 5}, {"sabado", 6},
    {"domingo", 0}, {"sat", 6},
}};

struct MonthName {
  std::string_view name;
  unsigned month;
};
// A month needs a preposition or a day after it ("in March", "Feb 15"), since
// "may" and "march" are everyday words too.
constexpr MonthName kMonths[] = {
    {"january", 1},  {"jan", 1},      {"february", 2},
    {"feb", 2},      {"march", 3},     {"mar", 3},
    {"april", 4},    {"apr", 4},      {"may", 5},
    {"june", 6},     {"jun", 6},      {"july", 7},
    {"jul", 7},      {"august", 8},   {"aug", 8},
    {"september", 9}, {"sept", 9},    {"sep", 9},
    {"october", 10}, {"oct", 10},     {"november", 11},
    {"nov", 11},     {"december", 12}, {"dec", 12},
    {"enero", 1},    {"febrero", 2},  {"marzo", 3},
    {"abril", 4},    {"mayo", 5},     {"junio", 6},
    {"julio", 7},    {"agosto", 8},   {"septiembre", 9},
    {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12},
};

constexpr std::array<std::pair<std::string_view, unsigned>, 9> kSeasons = {{
    {"spring", 4}, {"summer", 7}, {"fall", 10}, {"autumn", 10},
    {"winter", 1}, {"primavera", 4}, {"verano", 7}, {"otono", 10},
    {"invierno", 1},
}};

// Words before a date or season that make it a time ("in March", "by the
// 1st"), and the ones among them that mean "no later than".
constexpr std::array<std::string_view, 22> kDatePrepositions = {
    "in",   "by",    "before", "until", "till", "til",   "on",  "of",
    "around", "early", "late", "mid",   "end",  "ends",  "en",  "para",
    "antes", "hasta", "de",    "during", "this", "next"};
constexpr std::array<std::string_view, 8> kDeadlinePrepositions = {
    "by", "before", "until", "till", "til", "antes", "hasta", "ends"};
constexpr std::array<std::string_view, 12> kSpanLeads = {
    "in", "within", "next", "least", "en", "than", "about", "around",
    "approx", "inside", "under", "dentro"};
constexpr std::array<std::string_view, 11> kNegators = {
    "not", "no", "never", "dont", "wont", "isnt", "arent", "without",
    "cant", "nunca", "ni"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

int UnitDays(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, int>, 22> kUnits = {{
      {"day", 1},     {"days", 1},    {"dia", 1},     {"dias", 1},
      {"week", 7},    {"weeks", 7},   {"wk", 7},      {"wks", 7},
      {"semana", 7},  {"semanas", 7}, {"month", 30},  {"months", 30},
      {"mo", 30},     {"mos", 30},    {"mes", 30},    {"meses", 30},
      {"year", 365},  {"years", 365}, {"yr", 365},    {"yrs", 365},
      {"ano", 365},   {"anos", 365},
  }};
  for (const auto& [name, days] : kUnits) {
    if (w == name) return days;
  }
  return 0;
}

class Reader {
 public:
  Reader(const TokenizedText& text, std::chrono::system_clock::time_point now)
      : text_(text),
        tokens_(text.tokens),
        today_(std::chrono::floor<std::chrono::days>(now)) {}

  Timeline Read() {
    ReadFixed();
    for (size_t i = 0; i < tokens_.size(); ++i) {
      ReadWeekday(i);
      ReadDayOfMonth(i);
      ReadSlashDate(i);
      ReadMonth(i);
      ReadYear(i);
      ReadSpan(i);
      ReadSeason(i);
    }
    return timeline_;
  }

 private:
  const std::string& Word(size_t i) const { return tokens_[i].word; }
  bool SameClause(size_t a, size_t b) const {
    return tokens_[a].clause == tokens_[b].clause;
  }
  // The word `back` places before token i in its clause, or "".
  std::string_view Before(size_t i, size_t back = 1) const {
    if (back > i || !SameClause(i - back, i)) return "";
    return Word(i - back);
  }
  // "We'd" folds to "wed"; the apostrophe says it is not Wednesday.
  bool WrittenWithApostrophe(size_t i) const {
    const std::string_view raw(text_.text.data() + tokens_[i].begin,
                               tokens_[i].end - tokens_[i].begin);
    return raw.find('\'') != std::string_view::npos ||
           raw.find("\xE2\x80\x99") != std::string_view::npos;
  }
  bool Negated(size_t i) const {
    for (size_t k = 1; k <= 3; ++k) {
      if (OneOf(kNegators, Before(i, k))) return true;
    }
    return false;
  }

  void Add(int days, size_t first, size_t last, bool negated = false) {
    if (days < 0) return;
    std::optional<TimeMention>* slot = &timeline_.far;
    if (negated) {
      if (days >= kFarHorizonDays) return;  // "not next year": no plan said
    } else if (days < kNearHorizonDays) {
      slot = &timeline_.near;
    } else if (days < kFarHorizonDays) {
      slot = &timeline_.mid;
    }
    const Token& a = tokens_[first];
    const Token& b = tokens_[last - 1];
    TimeMention m{text_.text.substr(a.begin, b.end - a.begin), days};
    if (negated) m.words = WithNegation(first) + m.words;
    if (!*slot || (*slot)->days > days) *slot = std::move(m);
  }

  // "not " or "no plans … " in front of a negated expression, as written.
  std::string WithNegation(size_t first) const {
    for (size_t k = 3; k >= 1; --k) {
      if (OneOf(kNegators, Before(first, k))) {
        const Token& n = tokens_[first - k];
        return text_.text.substr(n.begin, tokens_[first].begin - n.begin);
      }
    }
    return "";
  }

  int DaysUntil(year_month_day date) const {
    if (!date.ok()) return -1;
    int days = (sys_days(date) - today_).count();
    if (days < 0) {
      if (-days <= kPastDateDays) return -1;
      date = date + std::chrono::years(1);
      if (!date.ok()) return -1;
      days = (sys_days(date) - today_).count();
    }
    return days;
  }

  int DaysUntil(unsigned month, unsigned day) const {
    const year_month_day now(today_);
    return DaysUntil(year_month_day(now.year(), std::chrono::month(month),
                                    std::chrono::day(day)));
  }

  void ReadFixed() {
    // Built once: FindPhrases folds a list once per place it lives.
    static const std::vector<std::string> phrases = [] {
      std::vector<std::string> out;
      for (const FixedPhrase& f : kFixed) out.emplace_back(f.phrase);
      return out;
    }();
    for (const PhraseHit& h : FindPhrases(text_, phrases)) {
      if (h.negated) continue;
      for (const FixedPhrase& f : kFixed) {
        if (h.phrase == f.phrase) Add(f.days, h.first, h.last);
      }
    }
    static const std::vector<std::string> negatable(std::begin(kNegatedOnly),
                                                    std::end(kNegatedOnly));
    for (const PhraseHit& h : FindPhrases(text_, negatable)) {
      if (h.negated) Add(0, h.first, h.last, /*negated=*/true);
    }
  }

  void ReadWeekday(size_t i) {
    for (const auto& [name, weekday] : kWeekdays) {
      if (Word(i) != name) continue;
      // "sat" is also the past of "sit".
      if (name == "sat" && !OneOf(kDatePrepositions, Before(i)) &&
          Before(i) != "it") {
        return;
      }
      if (Before(i) == "last" || Negated(i) || WrittenWithApostrophe(i)) {
        return;
      }
      const unsigned today = std::chrono::weekday(today_).c_encoding();
      const int ahead = (static_cast<int>(weekday) - static_cast<int>(today) + 7) % 7;
      Add(ahead == 0 ? 7 : ahead, i, i + 1);
      return;
    }
  }

  void ReadDayOfMonth(size_t i) {
    const std::string& w = Word(i);
    const bool ordinal = w.size() >= 3 && IsNumberToken(w) &&
                         w.find('/') == std::string::npos &&
                         !(w.back() >= '0' && w.back() <= '9');
    if (!ordinal) return;
    const std::string_view before = Before(i);
    if (before != "by" && before != "before" && before != "the" &&
        before != "on" && before != "until" && before != "till") {
      return;
    }
    // "March 1st" is read with the month.
    if (i > 0 && SameClause(i - 1, i)) {
      for (const MonthName& m : kMonths) {
        if (Word(i - 1) == m.name) return;
      }
    }
    const int day = NumberValue(w);
    if (day < 1 || day > 31) return;
    const int today = static_cast<int>(unsigned(year_month_day(today_).day()));
    Add(day >= today ? day - today : 30 - today + day, i, i + 1);
  }

  void ReadSlashDate(size_t i) {
    const std::string& w = Word(i);
    const size_t slash = w.find('/');
    if (slash == std::string::npos || w.find('/', slash + 1) != std::string::npos) {
      return;
    }
    const int month = NumberValue(w.substr(0, slash));
    const int day = NumberValue(w.substr(slash + 1));
    if (month < 1 || month > 12 || day < 1 || day > 31) return;
    if (Before(i) == "last" || Before(i) == "since") return;
    Add(DaysUntil(static_cast<unsigned>(month), static_cast<unsigned>(day)), i,
        i + 1);
  }

  void ReadMonth(size_t i) {
    for (const MonthName& m : kMonths) {
      if (Word(i) != m.name) continue;
      int day = -1;
      if (i + 1 < tokens_.size() && SameClause(i, i + 1)) {
        const int v = NumberValue(Word(i + 1));
        if (v >= 1 && v <= 31 && IsNumberToken(Word(i + 1))) day = v;
      }
      const std::string_view before = Before(i);
      if (day < 0 && !OneOf(kDatePrepositions, before)) return;
      if (Before(i) == "last" || Before(i) == "since") return;
      const bool deadline = OneOf(kDeadlinePrepositions, before);
      const size_t last = day > 0 ? i + 2 : i + 1;
      Add(DaysUntil(m.month, day > 0 ? static_cast<unsigned>(day)
                                     : (deadline ? 1u : 15u)),
          i, last);
      return;
    }
  }

  void ReadYear(size_t i) {
    const std::string& w = Word(i);
    if (w.size() != 4 || !IsNumberToken(w)) return;
    const int year = NumberValue(w);
    const int now = static_cast<int>(year_month_day(today_).year());
    if (year <= now || year > now + 20) return;
    const std::string_view before = Before(i);
    if (!OneOf(kDatePrepositions, before) && before != "for" &&
        before != "after") {
      return;
    }
    Add(DaysUntil(year_month_day(std::chrono::year(year), std::chrono::January,
                                 std::chrono::day(1))),
        i, i + 1);
  }

  // "in 3 weeks", "within 30 days", "a 14 day close", "next 3-4 months",
  // "for at least 6 months", "in a couple of weeks".
  void ReadSpan(size_t i) {
    int n = NumberValue(Word(i));
    if (n < 0 && (Word(i) == "a" || Word(i) == "an")) n = 1;
    if (n < 0) return;
    size_t unit = i + 1;
    if (unit < tokens_.size() && Word(unit) == "of") ++unit;
    if (unit >= tokens_.size() || !SameClause(i, unit)) return;
    const int per = UnitDays(Word(unit));
    if (per == 0) return;
    size_t first = i;
    if (i > 0 && (Word(i - 1) == "a" || NumberValue(Word(i - 1)) >= 0) &&
        SameClause(i - 1, i)) {
      first = i - 1;  // "a couple", "3-4"
    }
    const std::string_view lead = Before(first);
    const bool spans = OneOf(kSpanLeads, lead) ||
                       (lead == "the" && OneOf(kSpanLeads, Before(first, 2)));
    const bool closing =
        unit + 1 < tokens_.size() && SameClause(unit, unit + 1) &&
        (Word(unit + 1) == "close" || Word(unit + 1) == "closing" ||
         Word(unit + 1) == "escrow");
    const bool from_now =
        (unit + 2 < tokens_.size() && Word(unit + 1) == "from" &&
         Word(unit + 2) == "now") ||
        (unit + 1 < tokens_.size() && Word(unit + 1) == "away");
    if (!spans && !closing && !from_now) return;
    if (Negated(first)) return;
    // Quote "in 30 days", not "30 days": the lead word says it is ahead.
    Add(n * per, spans && lead != "the" ? first - 1 : first, unit + 1);
  }

  void ReadSeason(size_t i) {
    for (const auto& [name, month] : kSeasons) {
      if (Word(i) != name) continue;
      const std::string_view before = Before(i);
      if (!OneOf(kDatePrepositions, before) && before != "the" &&
          before != "el" && before != "la" && before != "este") {
        return;
      }
      if (Negated(i)) return;
      Add(DaysUntil(month, 1), i, i + 1);
      return;
    }
  }

  const TokenizedText& text_;
  const std::vector<Token>& tokens_;
  sys_days today_;
  Timeline timeline_;
};

}  // namespace

Timeline ReadTimeline(const TokenizedText& text,
                      std::chrono::system_clock::time_point now) {
  return Reader(text, now).Read();
}

}  // namespace leadrouter::pipeline
