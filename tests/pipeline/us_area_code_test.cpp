// Every US geographic area code resolves to its state's time zone (issue
// 11: Washington numbers, described by libphonenumber as "Washington
// State", got no state, so their texts waited for 08:00 in New York).
// The table is NANPA's assignment of each geographic area code that this
// build's libphonenumber accepts, by state; a second test keeps it complete.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/lead_zone.h"
#include "pipeline/phone.h"
#include "pipeline/us_place.h"

using namespace leadrouter::pipeline;

namespace {

const std::map<std::string, std::vector<int>>& AreaCodesByState() {
  static const auto* table = new std::map<std::string, std::vector<int>>{
    {"AK", {907}},
    {"AL", {205, 251, 256, 334, 659, 938}},
    {"AR", {479, 501, 870}},
    {"AZ", {480, 520, 602, 623, 928}},
    {"CA", {209, 213, 279, 310, 323, 341, 408, 415, 424, 442, 510, 530, 559,
            562, 619, 626, 628, 650, 657, 661, 669, 707, 714, 747, 760, 805,
            818, 820, 831, 840, 858, 909, 916, 925, 949, 951}},
    {"CO", {303, 719, 720, 970}},
    {"CT", {203, 475, 860, 959}},
    {"DC", {202, 771}},
    {"DE", {302}},
    {"FL", {239, 305, 321, 352, 386, 407, 448, 561, 656, 689, 727, 754, 772,
            786, 813, 850, 863, 904, 941, 954}},
    {"GA", {229, 404, 470, 478, 678, 706, 762, 770, 912, 943}},
    {"HI", {808}},
    {"IA", {319, 515, 563, 641, 712}},
    {"ID", {208, 986}},
    {"IL", {217, 224, 309, 312, 331, 447, 464, 618, 630, 708, 773, 779, 815,
            847, 872}},
    {"IN", {219, 260, 317, 463, 574, 765, 812, 930}},
    {"KS", {316, 620, 785, 913}},
    {"KY", {270, 364, 502, 606, 859}},
    {"LA", {225, 318, 337, 504, 985}},
    {"MA", {339, 351, 413, 508, 617, 774, 781, 857, 978}},
    {"MD", {240, 301, 410, 443, 667}},
    {"ME", {207}},
    {"MI", {231, 248, 269, 313, 517, 586, 616, 734, 810, 906, 947, 989}},
    {"MN", {218, 320, 507, 612, 651, 763, 952}},
    {"MO", {314, 417, 573, 636, 660, 816}},
    {"MS", {228, 601, 662, 769}},
    {"MT", {406}},
    {"NC", {252, 336, 704, 743, 828, 910, 919, 980, 984}},
    {"ND", {701}},
    {"NE", {308, 402, 531}},
    {"NH", {603}},
    {"NJ", {201, 551, 609, 640, 732, 848, 856, 862, 908, 973}},
    {"NM", {505, 575}},
    {"NV", {702, 725, 775}},
    {"NY", {212, 315, 332, 347, 516, 518, 585, 607, 631, 646, 680, 716, 718,
            838, 845, 914, 917, 929, 934}},
    {"OH", {216, 220, 234, 283, 326, 330, 380, 419, 440, 513, 567, 614, 740,
            937}},
    {"OK", {405, 539, 572, 580, 918}},
    {"OR", {458, 503, 541, 971}},
    {"PA", {215, 223, 267, 272, 412, 445, 484, 570, 582, 610, 717, 724, 814,
            878}},
    {"RI", {401}},
    {"SC", {803, 839, 843, 854, 864}},
    {"SD", {605}},
    {"TN", {423, 615, 629, 731, 865, 901, 931}},
    {"TX", {210, 214, 254, 281, 325, 346, 361, 409, 430, 432, 469, 512, 682,
            713, 726, 737, 806, 817, 830, 832, 903, 915, 936, 940, 945, 956,
            972, 979}},
    {"UT", {385, 435, 801}},
    {"VA", {276, 434, 540, 571, 703, 757, 804, 826, 948}},
    {"VT", {802}},
    {"WA", {206, 253, 360, 425, 509, 564}},
    {"WI", {262, 414, 534, 608, 715, 920}},
    {"WV", {304, 681}},
    {"WY", {307}},
  };
  return *table;
}

// The territories dial +1 too; libphonenumber gives them their own regions
// (and fewer valid exchanges, hence whole numbers here).
const std::vector<std::pair<std::string, std::string>>& TerritoryNumbers() {
  static const auto* table = new std::vector<std::pair<std::string, std::string>>{
      {"PR", "+1 787 234 5678"}, {"PR", "+1 939 234 5678"},
      {"VI", "+1 340 200 5678"}, {"GU", "+1 671 333 5678"},
      {"AS", "+1 684 633 5678"}, {"MP", "+1 670 234 5678"},
  };
  return *table;
}

std::string Number(int area_code) {
  return "+1 " + std::to_string(area_code) + " 234 5678";
}

LeadZone ZoneOf(const std::string& number) {
  ProcessedLead lead;
  lead.phone = NormalizePhone(number, "US");
  return ZoneForLead(lead, "Etc/UTC");
}

LeadZone ZoneOfNumber(int area_code) { return ZoneOf(Number(area_code)); }

}  // namespace

TEST_CASE("every US geographic area code resolves to its state's zone",
          "[pipeline][lead_zone][area_codes]") {
  std::vector<std::pair<std::string, std::string>> numbers = TerritoryNumbers();
  for (const auto& [state, area_codes] : AreaCodesByState()) {
    for (int area_code : area_codes) numbers.emplace_back(state, Number(area_code));
  }
  for (const auto& [state, number] : numbers) {
    INFO(number << " should be in " << state);
    const std::string_view zone = TimeZoneForState(state);
    REQUIRE_FALSE(zone.empty());
    REQUIRE(NormalizePhone(number, "US").valid);
    const LeadZone z = ZoneOf(number);
    CHECK(z.state == state);
    CHECK(z.zone == zone);
    CHECK(z.source == LeadZone::Source::kPhone);
  }
}

TEST_CASE("Washington numbers are in Washington, at Pacific time",
          "[pipeline][lead_zone][area_codes]") {
  for (int area_code : {206, 253, 360, 425, 509, 564}) {
    INFO(area_code);
    CHECK(ZoneOfNumber(area_code).state == "WA");
    CHECK(ZoneOfNumber(area_code).zone == "America/Los_Angeles");
  }
  // Seattle's exchanges described by city ("Seattle, WA") agree.
  CHECK(StateFromPhone(NormalizePhone("+1 206 684 4000", "US")) == "WA");
  // And the other descriptions without a state code.
  CHECK(ZoneOfNumber(445).state == "PA");  // "Philadelphia"
  CHECK(ZoneOfNumber(202).state == "DC");  // "Washington D.C."
}

TEST_CASE("the area code table leaves out no geographic US area code",
          "[pipeline][lead_zone][area_codes]") {
  std::map<int, std::string> known;
  for (const auto& [state, area_codes] : AreaCodesByState()) {
    for (int area_code : area_codes) {
      CHECK(known.emplace(area_code, state).second);  // listed once
    }
  }
  // Every area code libphonenumber accepts as an ordinary US line (not
  // toll-free, premium or personal) is in the table.
  int geographic = 0;
  for (int area_code = 200; area_code <= 999; ++area_code) {
    const PhoneNumber phone = NormalizePhone(Number(area_code), "US");
    if (!phone.valid || phone.region != "US") continue;
    if (phone.type != "FIXED_LINE_OR_MOBILE" && phone.type != "FIXED_LINE" &&
        phone.type != "MOBILE") {
      CHECK(StateFromPhone(phone).empty());  // 800, 900, 500…: no state
      continue;
    }
    ++geographic;
    INFO(area_code);
    CHECK(known.count(area_code) == 1);
  }
  CHECK(geographic == static_cast<int>(known.size()));
}
