// Prices and budgets as people write them: "$450k", "1.2M", "450,000",
// "$1,250,000", "2.1 million", or a plain JSON number.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace leadrouter::pipeline {

// Parses one amount in US dollars. Accepts an optional "$"/"USD", digits with
// thousands commas (groups of three) and one decimal point, an optional
// suffix k/thousand, m/mm/mil/million, and a trailing "+". Returns nullopt for
// anything else, for zero or negative amounts and for absurd ones (>= 1e10).
std::optional<double> ParsePrice(std::string_view text);

// A JSON number or a string ParsePrice accepts; nullopt otherwise.
std::optional<double> PriceFromJson(const nlohmann::json& value);

// Finds a budget stated in free text: the first amount within a few words
// after the word "budget" ("budget 2.1M", "budget of about $450k", "Budget:
// 1,250,000"), in the same sentence. nullopt when there is none.
std::optional<double> FindBudgetInText(std::string_view text);

}  // namespace leadrouter::pipeline
