#include "pipeline/zip_medians.h"

#include <optional>

#include "pipeline/price.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Splits one CSV row on commas outside double quotes, unquoting ("" is a
// quote inside a quoted cell). Cells are trimmed.
std::vector<std::string> SplitRow(std::string_view line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  for (std::string& cell : cells) cell = Trim(cell);
  return cells;
}

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsIsoDate(std::string_view s) {
  return s.size() == 10 && IsDigits(s.substr(0, 4), 4) && s[4] == '-' &&
         IsDigits(s.substr(5, 2), 2) && s[7] == '-' &&
         IsDigits(s.substr(8, 2), 2) && s.substr(5, 2) >= "01" &&
         s.substr(5, 2) <= "12" && s.substr(8, 2) >= "01" &&
         s.substr(8, 2) <= "31";
}

}  // namespace

ZipMediansParse ParseZipMedians(std::string_view csv) {
  ZipMediansParse out;
  bool first_row = true;
  size_t line_no = 0;
  while (!csv.empty()) {
    const size_t end = csv.find('\n');
    std::string_view line = csv.substr(0, end);
    csv.remove_prefix(end == std::string_view::npos ? csv.size() : end + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view trimmed = TrimView(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const std::vector<std::string> cells = SplitRow(trimmed);
    const bool header =
        first_row && (cells.size() < 2 || !ParsePrice(cells[1]));
    first_row = false;
    if (header) continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (cells.size() < 2 || cells.size() > 3) {
      out.errors.push_back(where + "expected ZIP,median[,as_of], got " +
                           std::to_string(cells.size()) + " columns");
      continue;
    }
    const std::string& zip = cells[0];
    if (!IsDigits(zip, 5)) {
      out.errors.push_back(where + "ZIP \"" + zip + "\" must be five digits");
      continue;
    }
    const std::optional<double> median = ParsePrice(cells[1]);
    if (!median) {
      out.errors.push_back(where + "median \"" + cells[1] +
                           "\" is not a price");
      continue;
    }
    const std::string as_of = cells.size() == 3 ? cells[2] : "";
    if (!as_of.empty() && !IsIsoDate(as_of)) {
      out.errors.push_back(where + "as-of date \"" + as_of +
                           "\" is not YYYY-MM-DD");
      continue;
    }
    if (!out.medians.emplace(zip, ZipMedian{*median, as_of}).second) {
      out.errors.push_back(where + "ZIP " + zip + " is listed twice");
    }
  }
  return out;
}

}  // namespace leadrouter::pipeline
