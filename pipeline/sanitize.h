// Sanitizing free text from web forms: HTML, entities, URL encoding, form
// boilerplate, white space and length. Safe on arbitrary bytes, including
// invalid UTF-8; the result is always valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::pipeline {

struct SanitizeOptions {
  size_t max_length = 4000;  // bytes; the cut never splits a character
  std::vector<std::string> boilerplate_phrases;  // see Rules
};

struct SanitizedText {
  std::string text;
  // What changed, in order, e.g. "stripped HTML tags"; empty when the text
  // came through untouched.
  std::vector<std::string> changes;
};

// Cleans a multi-line message: repairs invalid UTF-8, decodes %-escapes when
// the whole text is URL-encoded (and an escaped space or line break, such as
// a form's trailing %20, anywhere), drops HTML tags (block tags become line
// breaks; <script>, <style> and comments are dropped with their content),
// decodes HTML entities, removes control characters and boilerplate lines,
// collapses white space (one space between words, no blank lines) and cuts
// the result at `options.max_length` bytes.
SanitizedText SanitizeText(std::string_view input,
                           const SanitizeOptions& options);

// Cleans a one-line field (a name, an e-mail, a phone): the same steps as
// SanitizeText without boilerplate removal, with line breaks folded into
// spaces and a cut at `max_length` bytes.
SanitizedText SanitizeField(std::string_view input, size_t max_length = 256);

// Decodes HTML entities: the common named ones and numeric &#NN; / &#xHH;.
// Unknown entities stay as written.
std::string DecodeEntities(std::string_view text);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`).
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace leadrouter::pipeline
