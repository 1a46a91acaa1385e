// Code vectors: every form a scan can take, valid and invalid. Check digits
// and HIBC check characters were computed independently (by hand / a separate
// script), not with the code under test.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "codes/code.hpp"
#include "common/time.hpp"

namespace {

using namespace steritrack;
using namespace steritrack::codes;
using std::chrono::year_month_day;

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

ParseOptions on(int y, unsigned m, unsigned d, std::optional<char> gs = std::nullopt) {
  return ParseOptions{ymd(y, m, d), gs};
}

const ParseOptions kToday = on(2026, 3, 15);

// "<GS>" in a vector stands for ASCII 29 ("\x1D" followed by a hex digit
// would not be one character in C++).
std::string with_gs(std::string_view text) {
  std::string out(text);
  for (std::size_t at = out.find("<GS>"); at != std::string::npos; at = out.find("<GS>", at))
    out.replace(at, 4, 1, kGroupSeparator);
  return out;
}

std::string date_text(const std::optional<year_month_day>& d) { return d ? format_date(*d) : std::string(); }

struct Valid {
  std::string_view text;
  Kind kind;
  std::string_view gtin = {};
  std::string_view lot = {};
  std::string_view serial = {};
  std::string_view expiry = {};
  std::string_view production = {};
  std::int64_t count = -1;
  std::string_view sscc = {};
};

void check_valid(const Valid& v, const ParseOptions& options) {
  const std::string text = with_gs(v.text);
  INFO("code: " << v.text);
  const auto r = parse(text, options);
  if (!r) FAIL("refused: " << r.error());
  CHECK(r->kind == v.kind);
  CHECK(r->text == text);
  CHECK(r->gtin.value_or("") == v.gtin);
  CHECK(r->lot.value_or("") == v.lot);
  CHECK(r->serial.value_or("") == v.serial);
  CHECK(date_text(r->expiry) == v.expiry);
  CHECK(date_text(r->production_date) == v.production);
  CHECK(r->count.value_or(-1) == v.count);
  CHECK(r->sscc.value_or("") == v.sscc);
}

struct Invalid {
  std::string_view text;
  std::string_view reason_part;  // the reason must name this
};

void check_invalid(const Invalid& v, const ParseOptions& options) {
  const std::string text = with_gs(v.text);
  INFO("code: " << v.text);
  const auto r = parse(text, options);
  REQUIRE_FALSE(r.ok());
  INFO("reason: " << r.error());
  CHECK(r.error().find(v.reason_part) != std::string::npos);
}

}  // namespace

TEST_CASE("internal labels and command cards", "[codes]") {
  const Valid vectors[] = {
      {"CMD-RECEIVE", Kind::command}, {"CMD-CONSUME", Kind::command}, {"CMD-COUNT", Kind::command},
      {"CMD-RETURN", Kind::command},  {"CMD-ASSEMBLE", Kind::command}, {"CMD-LOAD", Kind::command},
      {"CMD-ISSUE", Kind::command},   {"CMD-DONE", Kind::command},     {"CMD-CANCEL", Kind::command},
      {"U-0042", Kind::operator_badge}, {"T-ORTHO-03", Kind::tray},     {"S-A", Kind::sterilizer},
      {"C-2026-1187", Kind::case_label}, {"L-STORE-2", Kind::location}, {"I-000731", Kind::instrument},
      {"I-a_b.c", Kind::instrument},
  };
  for (const auto& v : vectors) check_valid(v, kToday);

  const auto cmd = parse("CMD-RETURN", kToday);
  REQUIRE(cmd);
  CHECK(cmd->command == Command::return_);
  CHECK(to_string(*cmd->command) == "RETURN");
  CHECK(cmd->label == "CMD-RETURN");

  const auto tray = parse("T-ORTHO-03", kToday);
  REQUIRE(tray);
  CHECK(tray->label == "T-ORTHO-03");
  CHECK(tray->supply_code().empty());
  CHECK(to_string(tray->kind) == "tray");
  CHECK(to_string(Kind::operator_badge) == "operator");
  CHECK(to_string(Kind::case_label) == "case");

  SECTION("a symbology identifier or a line ending around a label is not part of it") {
    const auto code128 = parse("]C0T-ORTHO-03", kToday);
    REQUIRE(code128);
    CHECK(code128->kind == Kind::tray);
    CHECK(code128->label == "T-ORTHO-03");
    CHECK(code128->symbology_id == "]C0");
    const auto crlf = parse("U-0042\r\n", kToday);
    REQUIRE(crlf);
    CHECK(crlf->label == "U-0042");
    CHECK(crlf->text == "U-0042\r\n");
  }
}

TEST_CASE("labels and cards that are refused", "[codes]") {
  const Invalid vectors[] = {
      {"", "empty scan"},
      {"\r\n", "empty scan"},
      {"CMD-FOO", "unknown command card 'CMD-FOO'"},
      {"CMD-", "unknown command card"},
      {"CMD-receive", "RECEIVE, CONSUME, COUNT, RETURN, ASSEMBLE, LOAD, ISSUE, DONE, CANCEL"},
      {"T-", "tray label 'T-' has no id"},
      {"U-00 42", "a space at position 5 is not allowed"},
      {"T-ORTHO/03", "'/' at position 8 is not allowed"},
      {"L-STORE\x07", "byte 0x07 at position 8"},
      {"t-ortho-03", "Caps Lock"},
      {"cmd-receive", "lower case"},
      {"X-123", "is not a code steritrack knows"},
      {"hello", "is not a code steritrack knows"},
      {"https://id.gs1.org/01/09506000134352", "is not a code steritrack knows"},
      {"I-0123456789012345678901234567890123456789012345678901234567890123", "at most 64"},
      {"]", "no symbology identifier"},
      {"]d", "no symbology identifier"},
      {"]d2", "with no data after it"},
      {"]!2abc", "no symbology identifier"},
  };
  for (const auto& v : vectors) check_invalid(v, kToday);
  CHECK(parse(std::string(600, 'A'), kToday).error().find("600 characters") != std::string::npos);
}

TEST_CASE("GS1 element strings", "[codes]") {
  const Valid vectors[] = {
      // The spec's example, with each symbology identifier and without.
      {"]d2010950600013435217281231" "10ABC<GS>21X9", Kind::gs1, "09506000134352", "ABC", "X9", "2028-12-31"},
      {"]C1010950600013435217281231" "10ABC<GS>21X9", Kind::gs1, "09506000134352", "ABC", "X9", "2028-12-31"},
      {"]Q3010950600013435217281231" "10ABC<GS>21X9", Kind::gs1, "09506000134352", "ABC", "X9", "2028-12-31"},
      {"]e00100614141000012", Kind::gs1, "00614141000012"},
      {"010950600013435217281231" "10ABC<GS>21X9", Kind::gs1, "09506000134352", "ABC", "X9", "2028-12-31"},
      // FNC1 sent as GS: leading, trailing, after a predefined-length field, doubled.
      {"<GS>010950600013435217281231", Kind::gs1, "09506000134352", "", "", "2028-12-31"},
      {"]d2<GS>0109506000134352", Kind::gs1, "09506000134352"},
      {"0109506000134352" "10ABC<GS>", Kind::gs1, "09506000134352", "ABC"},
      {"0109506000134352<GS>17281231<GS>10ABC", Kind::gs1, "09506000134352", "ABC", "", "2028-12-31"},
      {"0109506000134352" "10ABC<GS><GS>21X9", Kind::gs1, "09506000134352", "ABC", "X9"},
      // Field order does not matter; the last variable field needs no GS.
      {"10LOT-7<GS>17290430" "0109506000134352", Kind::gs1, "09506000134352", "LOT-7", "", "2029-04-30"},
      {"21SN0001<GS>0109506000134352", Kind::gs1, "09506000134352", "", "SN0001"},
      // Dates: DD=00 is the month's last day, leap years.
      {"0109506000134352" "17280200", Kind::gs1, "09506000134352", "", "", "2028-02-29"},
      {"0109506000134352" "17270200", Kind::gs1, "09506000134352", "", "", "2027-02-28"},
      {"0109506000134352" "17281100", Kind::gs1, "09506000134352", "", "", "2028-11-30"},
      {"0109506000134352" "17261200", Kind::gs1, "09506000134352", "", "", "2026-12-31"},
      {"0109506000134352" "17280229", Kind::gs1, "09506000134352", "", "", "2028-02-29"},
      {"0109506000134352" "17000229", Kind::gs1, "09506000134352", "", "", "2000-02-29"},
      {"0109506000134352" "11250101" "17300101", Kind::gs1, "09506000134352", "", "", "2030-01-01", "2025-01-01"},
      {"0109506000134352" "11250600", Kind::gs1, "09506000134352", "", "", "", "2025-06-30"},
      {"0109506000134352" "12260401" "13260301" "15270101" "16270201", Kind::gs1, "09506000134352"},
      // Counts: AI 30 with 01, AI 37 with 02 (and an SSCC on the logistic unit).
      {"0100614141000012" "3024", Kind::gs1, "00614141000012", "", "", "", "", 24},
      {"]C10200614141000012" "3712<GS>10L1", Kind::gs1, "00614141000012", "L1", "", "", "", 12},
      {"]C100006141411234567890" "0200614141000012" "3748<GS>17270331",
       Kind::gs1, "00614141000012", "", "", "2027-03-31", "", 48, "006141411234567890"},
      {"00006141411234567890", Kind::gs1, "", "", "", "", "", -1, "006141411234567890"},
      {"0100614141000012" "3099999999", Kind::gs1, "00614141000012", "", "", "", "", 99999999},
      // A GTIN-8/12/13 in AI 01 is already padded to 14 digits.
      {"0100000012345670", Kind::gs1, "00000012345670"},
      {"0100036000291452", Kind::gs1, "00036000291452"},
      // Maximum lengths, character set 82.
      {"0109506000134352" "1012345678901234567890<GS>21ABCDEFGHIJKLMNOPQRST", Kind::gs1, "09506000134352",
       "12345678901234567890", "ABCDEFGHIJKLMNOPQRST"},
      {"0109506000134352" "10!\"%&'()*+,-./:;<=>?_", Kind::gs1, "09506000134352", "!\"%&'()*+,-./:;<=>?_"},
      {"0109506000134352" "10abc-x", Kind::gs1, "09506000134352", "abc-x"},
      // Other AIs of the table.
      {"0109506000134352" "2001" "22CPV-1<GS>240ADD-ID<GS>241CUST-9", Kind::gs1, "09506000134352"},
      {"0109506000134352" "250SEC<GS>251SRC<GS>10L2", Kind::gs1, "09506000134352", "L2"},
      {"2534012345000009ABC<GS>2554012345000009123", Kind::gs1},
      {"2534012345000009", Kind::gs1},
      {"254EXT-1<GS>4144012345000009", Kind::gs1},
      {"4104012345000009" "4114012345000009" "4124012345000009" "4134012345000009", Kind::gs1},
      {"400PO-1234<GS>401GINC-1<GS>40240123450000000016" "<GS>10L3", Kind::gs1, "", "L3"},
      {"4030301<GS>420D-10115<GS>421276D-10115<GS>422756<GS>423756040<GS>424756<GS>425756<GS>426756<GS>427BE",
       Kind::gs1},
      {"0109506000134352" "70032812311530", Kind::gs1, "09506000134352", "", "", "2028-12-31"},
      {"0109506000134352" "17290101<GS>70032812311530", Kind::gs1, "09506000134352", "", "", "2029-01-01"},
      {"70012345678901234<GS>7002ABC<GS>70040100<GS>7005FAO27<GS>7006260301<GS>7007260301260305", Kind::gs1},
      {"7008HKE<GS>7009GEAR<GS>701001<GS>7020RL<GS>7021OK<GS>7022R2<GS>7023GIAI-A", Kind::gs1},
      {"710PZN123<GS>711X<GS>712X<GS>713X<GS>714X<GS>715NDC-1", Kind::gs1},
      {"800112345678901234<GS>8002PHONE<GS>80044012345ABC<GS>8005000150", Kind::gs1},
      {"8006095060001343520102<GS>8007DE89370400440532013000<GS>8009SENSOR", Kind::gs1},
      {"8010ABC#-/1<GS>8011123<GS>80121.2.3<GS>8017006141411234567890<GS>8018006141411234567890", Kind::gs1},
      {"801912345<GS>8020REF-1<GS>8026095060001343520102<GS>8200http://example.com/x?a=1", Kind::gs1},
      {"90ABC-123<GS>91XYZ<GS>92A<GS>93A<GS>94A<GS>95A<GS>96A<GS>97A<GS>98A<GS>99A", Kind::gs1},
      {"0109506000134352" "3103000250" "10LOT", Kind::gs1, "09506000134352", "LOT"},
      {"3922100<GS>3912978100<GS>3902100<GS>3932978100", Kind::gs1},
      {"0309506000134352" "2421234", Kind::gs1},
      {"243PCN<GS>235TPX-1", Kind::gs1},
  };
  for (const auto& v : vectors) check_valid(v, kToday);

  SECTION("AIs and raw values, in scan order") {
    const auto r = parse(with_gs("]d2010950600013435217281231" "10ABC<GS>21X9"), kToday);
    REQUIRE(r);
    REQUIRE(r->ai.size() == 4);
    CHECK(r->ai[0] == std::pair<std::string, std::string>{"01", "09506000134352"});
    CHECK(r->ai[1] == std::pair<std::string, std::string>{"17", "281231"});
    CHECK(r->ai[2] == std::pair<std::string, std::string>{"10", "ABC"});
    CHECK(r->ai[3] == std::pair<std::string, std::string>{"21", "X9"});
    CHECK(r->symbology_id == "]d2");
    CHECK(r->supply_code() == "09506000134352");
  }
}

TEST_CASE("GS1 century rule relative to today", "[codes]") {
  struct Case {
    ParseOptions today;
    std::string_view yymmdd;
    std::string_view expiry;
  };
  const Case cases[] = {
      {on(2026, 3, 15), "760101", "2076-01-01"},  // 50 years ahead: this century
      {on(2026, 3, 15), "770101", "1977-01-01"},  // 51 years ahead: the past century
      {on(2026, 3, 15), "000101", "2000-01-01"},
      {on(2099, 6, 1), "490101", "2149-01-01"},   // 50 years back: the next century
      {on(2099, 6, 1), "500101", "2050-01-01"},   // 49 years back: this century
      {on(2051, 1, 1), "000101", "2100-01-01"},   // 51 years back
      {on(2051, 1, 1), "010101", "2101-01-01"},   // 50 years back
      {on(2051, 1, 1), "020101", "2002-01-01"},   // 49 years back
      {on(2000, 1, 1), "990101", "1999-01-01"},
      {on(2000, 1, 1), "500101", "2050-01-01"},
      {on(2000, 1, 1), "510101", "1951-01-01"},
      {on(2149, 12, 31), "990100", "2199-01-31"},  // 50 years ahead
      // The same label read on two days straddling a century turn.
      {on(2049, 12, 31), "990101", "2099-01-01"},
      {on(2050, 1, 1), "990101", "2099-01-01"},
      {on(2048, 12, 31), "990101", "1999-01-01"},
  };
  for (const auto& c : cases) {
    INFO("today " << format_date(c.today.today) << ", YYMMDD " << c.yymmdd);
    const auto r = parse("0109506000134352" "17" + std::string(c.yymmdd), c.today);
    REQUIRE(r);
    CHECK(date_text(r->expiry) == c.expiry);
  }
  // Leap day of a year the rule lands on.
  CHECK_FALSE(parse("0109506000134352" "17000229", on(2051, 1, 1)).ok());  // 2100 is not a leap year
  CHECK(parse("0109506000134352" "17000229", on(2049, 1, 1)).ok());        // 2000 is
}

TEST_CASE("GS1 human-readable form", "[codes]") {
  const Valid vectors[] = {
      {"(01)09506000134352(17)281231(10)ABC", Kind::gs1, "09506000134352", "ABC", "", "2028-12-31"},
      {"(01) 09506000134352 (17) 281231 (10) ABC", Kind::gs1, "09506000134352", "ABC", "", "2028-12-31"},
      {"(01)09506000134352(10)ABC(1)", Kind::gs1, "09506000134352", "ABC(1)"},
      {"(01)09506000134352(10)A(55)B(21)S1", Kind::gs1, "09506000134352", "A(55)B", "S1"},
      {"(02)00614141000012(37)20(00)006141411234567890", Kind::gs1, "00614141000012", "", "", "", "", 20,
       "006141411234567890"},
      {"(01)09506000134352(17)280200", Kind::gs1, "09506000134352", "", "", "2028-02-29"},
      {"(01)09506000134352(3103)000250", Kind::gs1, "09506000134352"},
  };
  for (const auto& v : vectors) check_valid(v, kToday);
  const Invalid invalid[] = {
      {"(01)0950600013435", "exactly 14 needed"},
      {"(01)09506000134352(17)281331", "month 13 is not 01-12"},
      {"(55)123", "'(55)' at position 1 is not an Application Identifier steritrack knows"},
      {"(ab)123", "is not an Application Identifier"},
      {"(01)09506000134352 17281231", "a space at position 19 is not allowed"},
      {"(01)09506000134352(10)", "AI (10) batch/lot at position 19 has no value"},
      {"(01)09506000134352(01)09506000134352", "AI (01) appears twice"},
  };
  for (const auto& v : invalid) check_invalid(v, kToday);
}

TEST_CASE("a station's substitute for GS", "[codes]") {
  const Valid vectors[] = {
      {"0109506000134352" "10ABC~21X9", Kind::gs1, "09506000134352", "ABC", "X9"},
      {"~0109506000134352" "10ABC~", Kind::gs1, "09506000134352", "ABC"},
      {"]d2010950600013435210ABC~17281231", Kind::gs1, "09506000134352", "ABC", "", "2028-12-31"},
  };
  for (const auto& v : vectors) check_valid(v, on(2026, 3, 15, '~'));
  check_valid({"0109506000134352" "10ABC|21X9", Kind::gs1, "09506000134352", "ABC", "X9"}, on(2026, 3, 15, '|'));
  // A real GS still works when a substitute is configured.
  check_valid({"0109506000134352" "10ABC<GS>21X9", Kind::gs1, "09506000134352", "ABC", "X9"}, on(2026, 3, 15, '~'));
  // Without the setting the refusal says what to configure.
  check_invalid({"0109506000134352" "10ABC~21X9", "set gs_substitute for this station"}, kToday);
  check_invalid({"0109506000134352" "10ABC|21X9", "'|' at position 22 is not allowed"}, kToday);

  CHECK_FALSE(gs_substitute_problem('~'));
  CHECK_FALSE(gs_substitute_problem('|'));
  CHECK_FALSE(gs_substitute_problem('^'));
  CHECK_FALSE(gs_substitute_problem(kGroupSeparator));
  CHECK(gs_substitute_problem('A'));
  CHECK(gs_substitute_problem('%'));
  CHECK(gs_substitute_problem(']'));
  CHECK(gs_substitute_problem('$'));
  CHECK(gs_substitute_problem('\t'));
}

TEST_CASE("GS1 element strings that are refused", "[codes]") {
  const Invalid vectors[] = {
      // Check digits.
      {"0109506000134353", "GS1 AI (01) GTIN at position 1: check digit 3 is wrong, the digits before it give 2"},
      {"]d20109506000134353", "at position 4: check digit 3 is wrong"},
      {"00006141411234567891", "AI (00) SSCC"},
      {"4104012345000008", "AI (410) ship to / deliver to GLN at position 1: check digit 8 is wrong"},
      {"0109506000134352" "2534012345000008", "AI (253)"},
      {"8006095060001343530102", "AI (8006)"},
      {"8017006141411234567891", "check digit 1 is wrong"},
      // Lengths.
      {"]d201095060001343", "needs 14 characters, found 12 before the end of the code"},
      {"01095060001<GS>34352", "needs 14 characters, found 9 before a GS separator"},
      {"0109506000134352" "1728123", "AI (17) expiry date at position 17: needs 6 characters, found 5"},
      {"0109506000134352" "10ABCDEFGHIJKLMNOPQRSTU", "21 characters long, at most 20 allowed"},
      {"0109506000134352" "10ABC21X9ABCDEFGHIJKLMNOP", "a GS (ASCII 29) separator is probably missing after it"},
      {"0109506000134352" "21" "123456789012345678901", "at most 20 allowed"},
      {"30123456789", "AI (30) variable count at position 1: the value is 9 characters long, at most 8"},
      {"0109506000134352" "4227560", "exactly 3 allowed; a GS (ASCII 29) separator is probably missing"},
      {"3912978", "at least 4 needed"},
      {"0109506000134352" "10<GS>21X", "AI (10) batch/lot at position 17 has no value"},
      {"0109506000134352" "10", "has no value"},
      {"01095060001343521", "found a lone digit after AI (01) GTIN"},
      {"]C17007260301010", "is neither a date YYMMDD nor a range"},
      // Character sets.
      {"0109506000134352" "10AB CD", "a space at position 21 is not allowed; GS1 character set 82"},
      {"0109506000134352" "10ABÄ", "byte 0xC3 at position 21"},
      {"01095060001343A2", "'A' at position 15 is not allowed; only digits"},
      {"3012A4", "'A' at position 5 is not allowed; only digits"},
      {"8010abc", "GS1 character set 39"},
      {"0109506000134352" "10A#B", "'#' at position 20 is not allowed"},
      // Dates.
      {"0109506000134352" "17281301", "'281301' is not a date: month 13 is not 01-12"},
      {"0109506000134352" "17280001", "month 00 is not 01-12"},
      {"0109506000134352" "17281232", "day 32 does not exist in 12/2028"},
      {"0109506000134352" "17280230", "day 30 does not exist in 2/2028"},
      {"0109506000134352" "17270229", "day 29 does not exist in 2/2027 (not a leap year)"},
      {"0109506000134352" "17260431", "day 31 does not exist in 4/2026"},
      {"0109506000134352" "1728A231", "'A' at position 21 is not allowed; only digits"},
      {"0109506000134352" "11281301", "AI (11) production date"},
      {"7006260300", "day 00 is not allowed for this AI"},
      {"]C170032812312400", "has no valid time HHMM"},
      {"]C170032812311260", "has no valid time HHMM"},
      // AIs.
      {"0109506000134352" "5512345", "no Application Identifier starts with '55' (position 17)"},
      {"1412345", "no Application Identifier starts with '14'"},
      {"7040ABC", "Application Identifier (7040) at position 1 is unknown or not supported"},
      {"3106000250", "Application Identifier (3106)"},
      {"0109506000134352" "A1", "expected an Application Identifier (2-4 digits) at position 17, found 'A'"},
      {"]d2T-ORTHO-03", "expected an Application Identifier (2-4 digits) at position 4, found 'T'"},
      {"]C1+H123ABC01231I", "found '+'"},
      {"<GS><GS>", "has no data, only separators"},
      // Combinations.
      {"0109506000134352" "10A<GS>10B", "AI (10) appears twice (positions 17 and 21)"},
      {"0109506000134352" "0200614141000012", "AIs (01) and (02) cannot both be present"},
      {"0200614141000012" "3012<GS>3712", "both give a count"},
      {"0100614141000012" "3000", "a count of 0 is not a quantity"},
      {"0200614141000012" "3700000000", "a count of 0"},
  };
  for (const auto& v : vectors) check_invalid(v, kToday);
}

TEST_CASE("bare GTINs", "[codes]") {
  const Valid vectors[] = {
      {"09506000134352", Kind::gtin, "09506000134352"},     // GTIN-14 (ITF-14)
      {"10614141000019", Kind::gtin, "10614141000019"},
      {"4006381333931", Kind::gtin, "04006381333931"},      // EAN-13
      {"036000291452", Kind::gtin, "00036000291452"},       // UPC-A
      {"12345670", Kind::gtin, "00000012345670"},           // EAN-8
      {"01234565", Kind::gtin, "00000001234565"},           // EAN-8 (also a valid UPC-E: EAN-8 wins when bare)
      {"]E04006381333931", Kind::gtin, "04006381333931"},
      {"]E0036000291452", Kind::gtin, "00036000291452"},
      {"]E001234565", Kind::gtin, "00012345000065"},        // UPC-E, expanded to its UPC-A
      {"]E004252614", Kind::gtin, "00042100005264"},
      {"]E412345670", Kind::gtin, "00000012345670"},
      {"]I110614141000019", Kind::gtin, "10614141000019"}, // ITF-14 with its identifier
      {"]C04006381333931", Kind::gtin, "04006381333931"},
      {"4006381333931\r", Kind::gtin, "04006381333931"},
  };
  for (const auto& v : vectors) check_valid(v, kToday);
  const auto ean = parse("4006381333931", kToday);
  REQUIRE(ean);
  CHECK(ean->supply_code() == "04006381333931");
  CHECK(ean->ai.empty());

  const Invalid invalid[] = {
      {"09506000134353", "GTIN-14 09506000134353: check digit 3 is wrong, the digits before it give 2"},
      {"4006381333932", "GTIN-13 (EAN-13) 4006381333932: check digit 2 is wrong, the digits before it give 1"},
      {"036000291453", "GTIN-12 (UPC-A)"},
      {"12345678", "GTIN-8 (EAN-8) 12345678: check digit 8 is wrong"},
      {"]E01234567", "an EAN/UPC symbol carries 8 (UPC-E), 12 or 13"},
      {"]E41234567", "an EAN-8 symbol carries 8"},
      {"]E001234564", "UPC-E 01234564: check digit 4 is wrong, the digits give 5"},
      {"]E021234565", "the number system digit must be 0 or 1"},
      {"]E040063813339A", "'A' at position 15 is not a digit"},
      {"]E44006381333931", "an EAN-8 symbol carries 8"},
  };
  for (const auto& v : invalid) check_invalid(v, kToday);
}

TEST_CASE("HIBC", "[codes]") {
  SECTION("primary and secondary in one symbol") {
    const auto r = parse("+H123ABC01231/$$3280615LOT77Y", kToday);
    REQUIRE(r);
    CHECK(r->kind == Kind::hibc);
    CHECK(r->labeler == "H123");
    CHECK(r->product == "ABC0123");
    CHECK(r->unit == 1);
    CHECK(date_text(r->expiry) == "2028-06-15");
    CHECK(r->lot == "LOT77");
    CHECK_FALSE(r->hibc_link);
    CHECK(r->supply_code() == "H123ABC0123");
    CHECK(to_string(r->kind) == "hibc");
  }
  SECTION("secondary forms") {
    struct Case {
      std::string_view text;
      std::string_view lot;
      std::string_view serial;
      std::string_view expiry;
      std::string_view production;
      std::int64_t count;
    };
    const Case cases[] = {
        {"+H123ABC01231/$LOT10", "LOT1", "", "", "", -1},
        {"+H123ABC01231/$+SER123+", "", "SER123", "", "", -1},
        {"+H123ABC01231/$$0628LOT5G", "LOT5", "", "2028-06-30", "", -1},
        {"+H123ABC01231/$$1228A-1.BT", "A-1.B", "", "2028-12-31", "", -1},
        {"+H123ABC01231/$$2061528LOT2L", "LOT2", "", "2028-06-15", "", -1},
        {"+H123ABC01231/$$428061523LOTH0", "LOTH", "", "2028-06-15", "", -1},
        {"+H123ABC01231/$$528366LOTJ1", "LOTJ", "", "2028-12-31", "", -1},
        {"+H123ABC01231/$$62803623LOTK2", "LOTK", "", "2028-02-05", "", -1},
        {"+H123ABC01231/$$7LOT79", "LOT7", "", "", "", -1},
        {"+H123ABC01231/$$8051228123LOT9-", "123LOT9", "", "2028-12-31", "", 5},
        {"+H123ABC01231/$$9001001228123LOTQ7", "123LOTQ", "", "2028-12-31", "", 100},
        {"+H123ABC01231/$$820LOT207", "LOT20", "", "", "", 20},
        {"+H123ABC01231/$$+3280615SN1$", "", "SN1", "2028-06-15", "", -1},
        {"+H123ABC01231/$+SN3/16D202501015", "", "SN3", "", "2025-01-01", -1},
        {"+H123ABC01231/$$3280615LOT77/S123/16D202501028", "LOT77", "123", "2028-06-15", "2025-01-02", -1},
        {"+H123ABC01231/$LOT1/14D20281231Y", "LOT1", "", "2028-12-31", "", -1},
        {"+H123ABC01231/$LOT1/Q12Q", "LOT1", "", "", "", 12},
        {"+H123ABC01231/22001LOTAI", "LOTA", "", "2022-01-01", "", -1},
        {"+H123ABC01231/$$3280229LOTXB", "LOTX", "", "2028-02-29", "", -1},
        {"+A99912345/$$52001510X3/16D20111212/S77DE1G45-", "10X3", "77DE1G45", "2020-01-15", "2011-12-12", -1},
    };
    for (const auto& c : cases) {
      INFO(c.text);
      const auto r = parse(c.text, kToday);
      if (!r) FAIL(r.error());
      CHECK(r->kind == Kind::hibc);
      CHECK(r->lot.value_or("") == c.lot);
      CHECK(r->serial.value_or("") == c.serial);
      CHECK(date_text(r->expiry) == c.expiry);
      CHECK(date_text(r->production_date) == c.production);
      CHECK(r->count.value_or(-1) == c.count);
    }
    const auto a999 = parse("+A99912345/$$52001510X3/16D20111212/S77DE1G45-", kToday);
    REQUIRE(a999);
    CHECK(a999->labeler == "A999");
    CHECK(a999->product == "1234");
    CHECK(a999->unit == 5);
  }
  SECTION("primary alone, and check characters that look like structure") {
    const auto r = parse("+H123ABC01231I", kToday);
    REQUIRE(r);
    CHECK(r->labeler == "H123");
    CHECK(r->product == "ABC0123");
    CHECK(r->hibc_link == 'I');
    CHECK_FALSE(r->lot);
    for (std::string_view text : {"+A123BJC5D6E71G", "+E2HB0012345670R", "+Z999X07", "+H123ABCDEFGHIJKLMNOPQR1B"})
      CHECK(parse(text, kToday).ok());
    // '+' and '$' as check characters of a one-symbol code.
    CHECK(parse("+H123ABC01231/$+SER123+", kToday)->serial == "SER123");
    CHECK(parse("+H123ABC01231/$$+3280615SN1$", kToday)->serial == "SN1");
  }
  SECTION("two linear symbols, joined by the link character") {
    const auto primary = parse("+H123ABC01231I", kToday);
    const auto secondary = parse("+$$3280615LOT77IZ", kToday);
    REQUIRE(primary);
    REQUIRE(secondary);
    CHECK(secondary->kind == Kind::hibc);
    CHECK_FALSE(secondary->labeler);
    CHECK(secondary->hibc_link == 'I');
    CHECK(secondary->lot == "LOT77");
    CHECK(secondary->supply_code().empty());
    const auto joined = join_hibc(*primary, *secondary);
    REQUIRE(joined);
    CHECK(joined->labeler == "H123");
    CHECK(joined->lot == "LOT77");
    CHECK(date_text(joined->expiry) == "2028-06-15");
    CHECK_FALSE(joined->hibc_link);

    // Both symbols in one text (a scanner set to concatenate).
    const auto both = parse("+H123ABC01231I+$$3280615LOT77IZ", kToday);
    REQUIRE(both);
    CHECK(both->labeler == "H123");
    CHECK(both->lot == "LOT77");
    CHECK(both->text == "+H123ABC01231I+$$3280615LOT77IZ");

    const auto other = parse("+$$3280615LOT77J-", kToday);
    REQUIRE(other);
    const auto mismatch = join_hibc(*primary, *other);
    REQUIRE_FALSE(mismatch.ok());
    CHECK(mismatch.error().find("link character 'J' is not the primary's check character 'I'") != std::string::npos);
    CHECK_FALSE(parse("+H123ABC01231I+$$3280615LOT77J-", kToday).ok());
    CHECK_FALSE(join_hibc(*secondary, *primary).ok());
    CHECK_FALSE(join_hibc(*primary, *primary).ok());

    const auto old_format = parse("+22001LOTAIJ", kToday);
    REQUIRE(old_format);
    CHECK(old_format->lot == "LOTA");
    CHECK(old_format->hibc_link == 'I');
    for (std::string_view text : {"+$LOT1I1", "+$+SER123I%", "+$$8051228123LOT9I.", "+$LOT1/Q12IR"})
      CHECK(parse(text, kToday).ok());
  }
  SECTION("refused") {
    const Invalid invalid[] = {
        {"+H123ABC01231/$$3280615LOT77Z", "HIBC check character 'Z' at position 29 does not match: the data before it give 'Y'"},
        {"+H123ABC01231J", "check character 'J' at position 14 does not match"},
        {"+$$3280615LOT77IY", "does not match"},
        {"+h123abc01231/$$3280615LOT77Y", "upper-case letters only"},
        {"+H123#BC01231/$$3280615LOT77Y", "'#' at position 6 is not in the HIBC character set"},
        {"+", "too short"},
        {"+H12I", "too short"},
        // A digit after '+' starts a secondary (the original YYJJJ format).
        {"+1123ABC012312", "HIBC secondary data at position 2 must start with '$'"},
        {"+H123ABC0123X7", "unit of measure at position 13 must be a digit"},
        {"+H123ABCDEFGHIJKLMNOPQRST1P", "at most 18 allowed"},
        {"+H123ABC01231/$$+SN2F", "expected an expiry date"},
        {"+H123ABC01231/$$7", "'$$' must be followed by an expiry date"},
        {"+H123ABC01231/$$3281315L8", "month 13 is not 01-12"},
        {"+H123ABC01231/$$3270229LOTXA", "day 29 does not exist in 02/2027 (not a leap year)"},
        {"+H123ABC01231/$$527366LOTXE", "day of year 366 is not 001-365"},
        {"+H123ABC01231/$$428061524LOTR", "hour above 23"},
        {"+H123ABC01231/$$8001228LOTG", "is 0, which is not a quantity"},
        {"+H123ABC01231/$$8F", "flag 8 needs 2 digits"},
        {"+H123ABC01231/$$90010H", "flag 9 needs 5 digits"},
        {"+H123ABC01231/$$3280615LOT77/X1M", "unknown supplemental field '/X1'"},
        {"+H123ABC01231/$LOT1234567890123456M", "19 characters long, at most 18"},
        {"+H123ABC01231/$LOT1/14D2028123X", "expected YYYYMMDD"},
        {"+H123ABC01231/$LOT1/16D20281301Y", "month 13 is not 01-12"},
        {"+H123ABC01231/$$3280615LOT/14D20281231B", "two expiry dates"},
        {"+H123ABC01231/ABC5", "must start with '$' (lot), '$+' (serial), '$$' (date or quantity) or a date YYJJJ"},
        {"+H123ABC01231/$LOT1/S1/S2A", "two serial numbers"},
        {"+H123ABC01231/$LOT1//S2O", "empty field"},
        {"+H123ABC01231/$$3280615LOT77/Q0E", "is 0, which is not a quantity"},
    };
    for (const auto& v : invalid) check_invalid(v, kToday);
  }
}

TEST_CASE("parse needs today's date", "[codes]") {
  CHECK_THROWS_AS(parse("0109506000134352", ParseOptions{}), std::invalid_argument);
}

TEST_CASE("AI titles for people", "[codes]") {
  CHECK(ai_title("10") == "batch/lot");
  CHECK(ai_title("17") == "expiry date");
  CHECK(ai_title("3103") == "trade or logistic measure");
  CHECK(ai_title("55").empty());
}
