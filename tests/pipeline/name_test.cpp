#include "pipeline/name.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::NormalizeName;
using leadrouter::pipeline::PersonName;

namespace {
PersonName Full(const char* full) { return NormalizeName("", "", full); }
}  // namespace

TEST_CASE("names keep the apostrophe and capital of O'Connell",
          "[pipeline][name]") {
  const PersonName n = Full("dana o'connell");
  CHECK(n.first == "Dana");
  CHECK(n.last == "O'Connell");
  CHECK(n.full == "Dana O'Connell");
  CHECK(Full("SINEAD O'BRIEN").full == "Sinead O'Brien");
  CHECK(Full("marco d'angelo").full == "Marco D'Angelo");
}

TEST_CASE("names capitalize after Mc", "[pipeline][name]") {
  CHECK(Full("ronald mcdonald").last == "McDonald");
  CHECK(Full("ERIN MCCARTHY").last == "McCarthy");
}

TEST_CASE("names capitalize after Mac only for typed-in-one-case long names",
          "[pipeline][name]") {
  CHECK(Full("ANGUS MACLEOD").last == "MacLeod");
  SECTION("Macy stays Macy, whatever the case it was typed in") {
    CHECK(Full("macy gray").first == "Macy");
    CHECK(Full("MACY GRAY").first == "Macy");
    CHECK(NormalizeName("Macy", "Gray", "").first == "Macy");
  }
  SECTION("common Mac-names that are not Mac+surname are left alone") {
    CHECK(Full("luis machado").last == "Machado");
    CHECK(Full("ella mackenzie").last == "Mackenzie");
    CHECK(Full("maria macias").last == "Macias");
  }
  SECTION("a mixed-case Macleod is kept as the person typed it") {
    CHECK(Full("Ian Macleod").last == "Macleod");
  }
}

TEST_CASE("names keep particles lower-case unless they start the name",
          "[pipeline][name]") {
  CHECK(NormalizeName("anna", "van der berg", "").full == "Anna van der Berg");
  CHECK(NormalizeName("anna", "van der berg", "").last == "van der Berg");
  CHECK(Full("MARIA DE LA CRUZ").full == "Maria de la Cruz");
  CHECK(Full("ludwig VON BEETHOVEN").full == "Ludwig von Beethoven");
  SECTION("a particle that starts the name is capitalized") {
    CHECK(Full("van morrison").first == "Van");
  }
}

TEST_CASE("names capitalize each part of a hyphenated name",
          "[pipeline][name]") {
  CHECK(NormalizeName("jean-luc", "picard", "").first == "Jean-Luc");
  CHECK(Full("MARY-KATE OLSEN-SMITH").full == "Mary-Kate Olsen-Smith");
}

TEST_CASE("names typed in all caps or all lower case are title-cased",
          "[pipeline][name]") {
  CHECK(NormalizeName("MARCUS", "webb", "").full == "Marcus Webb");
  CHECK(Full("priya raman").full == "Priya Raman");
  CHECK(Full("PRIYA RAMAN").full == "Priya Raman");
}

TEST_CASE("names typed in mixed case are respected", "[pipeline][name]") {
  CHECK(NormalizeName("DeShawn", "McKinley", "").full == "DeShawn McKinley");
  CHECK(NormalizeName("LaToya", "deVries", "").full == "LaToya deVries");
  SECTION("short all-caps words next to cased words are initials") {
    CHECK(Full("AJ Smith").full == "AJ Smith");
    CHECK(Full("SEO Expert").full == "SEO Expert");
  }
}

TEST_CASE("names with a single word become a first name only",
          "[pipeline][name]") {
  const PersonName n = Full("cher");
  CHECK(n.first == "Cher");
  CHECK(n.last.empty());
  CHECK(n.full == "Cher");
  CHECK(NormalizeName("", "Smith", "").full == "Smith");
}

TEST_CASE("names ignore extra spaces", "[pipeline][name]") {
  const PersonName n = Full("   dana    o'connell  ");
  CHECK(n.first == "Dana");
  CHECK(n.last == "O'Connell");
  CHECK(n.full == "Dana O'Connell");
}

TEST_CASE("names written last-comma-first are swapped", "[pipeline][name]") {
  const PersonName n = Full("Webb, Marcus");
  CHECK(n.first == "Marcus");
  CHECK(n.last == "Webb");
  CHECK(n.full == "Marcus Webb");
}

TEST_CASE("names split a full name given in the first-name field",
          "[pipeline][name]") {
  const PersonName n = NormalizeName("Dana O'Connell", "", "");
  CHECK(n.first == "Dana");
  CHECK(n.last == "O'Connell");
}

TEST_CASE("names keep Unicode letters and case them correctly",
          "[pipeline][name]") {
  CHECK(Full("JOSÉ ÁLVAREZ").full == "José Álvarez");
  CHECK(Full("zoë saldaña").full == "Zoë Saldaña");
  CHECK(Full("ØYVIND SØRENSEN").full == "Øyvind Sørensen");
  CHECK(Full("émile zola").first == "Émile");
  SECTION("non-Latin scripts pass through") {
    CHECK(Full("山田 太郎").full == "山田 太郎");
  }
}

TEST_CASE("names write generational suffixes in capitals", "[pipeline][name]") {
  CHECK(Full("john smith iii").full == "John Smith III");
}

TEST_CASE("names of nothing are empty", "[pipeline][name]") {
  const PersonName n = NormalizeName("", "  ", "");
  CHECK(n.full.empty());
  CHECK(n.first.empty());
  CHECK(n.last.empty());
}
