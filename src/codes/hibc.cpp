// HIBC Supplier Labeling Standard (ANSI/HIBC 2.x): the primary data
// structure (+ labeler, product, unit of measure), the secondary (quantity,
// date, lot or serial, supplemental /S /14D /16D /Q fields), in one symbol
// joined by '/' or as two symbols tied by the link character, each checked by
// its modulo-43 check character.
#include <charconv>
#include <optional>
#include <vector>

#include "codes/code.hpp"
#include "codes/detail.hpp"

namespace steritrack::codes::detail {
namespace {

constexpr std::size_t kMaxProduct = 18;
constexpr std::size_t kMaxLot = 18;

int number(std::string_view digits) {
  int v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

bool is_letter(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lot_char(char c) { return is_upper_alnum(c) || c == '-' || c == '.'; }

// HIBC years are 20YY.
std::chrono::year hibc_year(std::string_view yy) { return std::chrono::year{2000 + number(yy)}; }

struct DateResult {
  std::optional<std::chrono::year_month_day> date;
  std::string problem;
};

DateResult month_day(std::chrono::year y, std::string_view mm, std::string_view dd) {
  using namespace std::chrono;
  const int m = number(mm);
  if (m < 1 || m > 12) return {std::nullopt, "month " + std::string(mm) + " is not 01-12"};
  const year_month_day date{y, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(number(dd))}};
  if (!date.ok())
    return {std::nullopt, "day " + std::string(dd) + " does not exist in " + std::string(mm) + "/" +
                              std::to_string(static_cast<int>(y)) +
                              (m == 2 && number(dd) == 29 ? " (not a leap year)" : "")};
  return {date, {}};
}

DateResult julian(std::string_view yy, std::string_view jjj) {
  using namespace std::chrono;
  const year y = hibc_year(yy);
  const int d = number(jjj);
  const int days_in_year = y.is_leap() ? 366 : 365;
  if (d < 1 || d > days_in_year)
    return {std::nullopt, "day of year " + std::string(jjj) + " is not 001-" + std::to_string(days_in_year)};
  return {year_month_day{sys_days{y / January / 1} + days{d - 1}}, {}};
}

// The expiry date of a "$$" field: `flag` selects the format ('0'/'1': MMYY
// without a flag character). Returns the characters used, or 0 and a problem.
struct FlaggedDate {
  std::size_t used = 0;
  std::optional<std::chrono::year_month_day> date;
  std::string problem;
};

FlaggedDate flagged_date(std::string_view s) {
  struct Format {
    char flag;
    std::size_t digits;
    std::string_view name;
  };
  static constexpr Format kFormats[] = {{'2', 6, "MMDDYY"}, {'3', 6, "YYMMDD"}, {'4', 8, "YYMMDDHH"},
                                        {'5', 5, "YYJJJ"},  {'6', 7, "YYJJJHH"}, {'7', 0, "no date"}};
  if (s[0] == '0' || s[0] == '1') {
    const std::string_view v = s.substr(0, 4);
    if (v.size() < 4 || !all_digits(v)) return {0, std::nullopt, "expected an expiry date MMYY"};
    const int m = number(v.substr(0, 2));
    if (m < 1 || m > 12) return {0, std::nullopt, "month " + std::string(v.substr(0, 2)) + " is not 01-12 (MMYY)"};
    // MMYY: the product may be used to the end of that month.
    return {4, last_day_of_month(hibc_year(v.substr(2, 2)), std::chrono::month{static_cast<unsigned>(m)}), {}};
  }
  for (const auto& f : kFormats) {
    if (f.flag != s[0]) continue;
    const std::string_view v = s.substr(1, f.digits);
    const std::string name(f.name);
    if (f.digits > 0 && (v.size() < f.digits || !all_digits(v)))
      return {0, std::nullopt, "date format flag " + std::string(1, f.flag) + " needs " + name + " after it"};
    DateResult d;
    switch (f.flag) {
      case '2': d = month_day(hibc_year(v.substr(4, 2)), v.substr(0, 2), v.substr(2, 2)); break;
      case '3':
      case '4': d = month_day(hibc_year(v.substr(0, 2)), v.substr(2, 2), v.substr(4, 2)); break;
      case '5':
      case '6': d = julian(v.substr(0, 2), v.substr(2, 3)); break;
      default: return {1, std::nullopt, {}};  // '7': no expiry date
    }
    if (!d.date) return {0, std::nullopt, "'" + std::string(v) + "' is not a date (" + name + "): " + d.problem};
    if ((f.flag == '4' && number(v.substr(6, 2)) > 23) || (f.flag == '6' && number(v.substr(5, 2)) > 23))
      return {0, std::nullopt, "'" + std::string(v) + "' has an hour above 23 (" + name + ")"};
    return {1 + f.digits, d.date, {}};
  }
  return {0, std::nullopt, "expected an expiry date: MMYY, or a format flag 2-7 and the date"};
}

std::optional<std::string> lot_problem(std::string_view v, std::size_t offset, std::string_view what) {
  if (v.size() > kMaxLot)
    return "HIBC " + std::string(what) + " at position " + pos(offset) + " is " + std::to_string(v.size()) +
           " characters long, at most " + std::to_string(kMaxLot) + " allowed";
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!is_lot_char(v[i]))
      return "HIBC " + std::string(what) + ": " + describe_char(v[i]) + " at position " + pos(offset + i) +
             " is not allowed (upper-case letters, digits, '-' and '.')";
  return std::nullopt;
}

// The secondary data: no leading '+' or '/', no link or check character.
std::optional<std::string> parse_secondary(std::string_view data, std::size_t offset, Code& code) {
  std::vector<std::pair<std::string_view, std::size_t>> segments;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = data.find('/', start);
    segments.emplace_back(data.substr(start, slash == std::string_view::npos ? slash : slash - start), offset + start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  bool any = false;
  for (std::size_t k = 0; k < segments.size(); ++k) {
    const auto [seg, at] = segments[k];
    if (seg.empty()) return "HIBC: empty field at position " + pos(at) + " (two '/' in a row, or '/' at the end)";
    // Supplemental fields (HIBC 2.5+), after the secondary data or alone.
    if (seg.size() >= 3 && (seg.substr(0, 3) == "16D" || seg.substr(0, 3) == "14D")) {
      const std::string_view v = seg.substr(3);
      const bool expiry = seg[1] == '4';
      const std::string what = expiry ? "expiry date (/14D)" : "production date (/16D)";
      if (v.size() != 8 || !all_digits(v))
        return "HIBC " + what + " at position " + pos(at) + ": expected YYYYMMDD, found '" + printable(v) + "'";
      const auto d = month_day(std::chrono::year{number(v.substr(0, 4))}, v.substr(4, 2), v.substr(6, 2));
      if (!d.date) return "HIBC " + what + " at position " + pos(at) + ": '" + std::string(v) + "' " + d.problem;
      if (expiry && code.expiry) return "HIBC: two expiry dates (a /14D field and a date after '$$')";
      (expiry ? code.expiry : code.production_date) = d.date;
      any = true;
      continue;
    }
    if (seg[0] == 'S') {
      if (code.serial) return "HIBC: two serial numbers (a /S field and a '$+' serial)";
      if (seg.size() == 1) return "HIBC serial number (/S) at position " + pos(at) + " is empty";
      if (auto p = lot_problem(seg.substr(1), at + 1, "serial number (/S)")) return p;
      code.serial = std::string(seg.substr(1));
      any = true;
      continue;
    }
    if (seg[0] == 'Q') {
      const std::string_view v = seg.substr(1);
      if (v.empty() || v.size() > 5 || !all_digits(v))
        return "HIBC quantity (/Q) at position " + pos(at) + ": expected 1-5 digits, found '" + printable(v) + "'";
      if (code.count) return "HIBC: two quantities (a /Q field and '$$8' or '$$9')";
      code.count = number(v);
      if (*code.count == 0) return "HIBC quantity at position " + pos(at) + " is 0, which is not a quantity";
      any = true;
      continue;
    }
    if (k > 0)
      return "HIBC: unknown supplemental field '/" + printable(seg, 8) + "' at position " + pos(at - 1) +
             " (known: /S serial, /14D expiry, /16D production date, /Q quantity)";

    // The secondary data proper.
    std::size_t i = 0;
    bool serial_line = false;
    if (seg.substr(0, 2) == "$$") {
      i = 2;
      if (i < seg.size() && seg[i] == '+') {
        serial_line = true;
        ++i;
      }
      bool quantity = false;
      if (i < seg.size() && (seg[i] == '8' || seg[i] == '9')) {
        const std::size_t digits = seg[i] == '8' ? 2 : 5;
        const std::string_view q = seg.substr(i + 1, digits);
        if (q.size() < digits || !all_digits(q))
          return "HIBC quantity at position " + pos(at + i) + ": flag " + std::string(1, seg[i]) + " needs " +
                 std::to_string(digits) + " digits after it";
        code.count = number(q);
        if (*code.count == 0) return "HIBC quantity at position " + pos(at + i) + " is 0, which is not a quantity";
        quantity = true;
        i += 1 + digits;
      }
      // After a quantity the date is optional; after a bare "$$" it is required.
      const bool date_follows = i < seg.size() && seg[i] >= '0' && seg[i] <= '7';
      if (date_follows || !quantity) {
        if (i >= seg.size())
          return "HIBC secondary at position " + pos(at) + ": '$$' must be followed by an expiry date";
        const auto d = flagged_date(seg.substr(i));
        if (d.used == 0) return "HIBC expiry date at position " + pos(at + i) + ": " + d.problem;
        code.expiry = d.date;
        i += d.used;
      }
    } else if (seg[0] == '$') {
      i = 1;
      if (i < seg.size() && seg[i] == '+') {
        serial_line = true;
        ++i;
      }
    } else if (seg.size() >= 5 && all_digits(seg.substr(0, 5))) {
      // The original format: a Julian date YYJJJ, then the lot.
      const auto d = julian(seg.substr(0, 2), seg.substr(2, 3));
      if (!d.date)
        return "HIBC expiry date at position " + pos(at) + ": '" + std::string(seg.substr(0, 5)) +
               "' is not a date (YYJJJ): " + d.problem;
      code.expiry = d.date;
      i = 5;
    } else {
      return "HIBC secondary data at position " + pos(at) +
             " must start with '$' (lot), '$+' (serial), '$$' (date or quantity) or a date YYJJJ; found '" +
             printable(seg, 12) + "'";
    }
    const std::string_view rest = seg.substr(i);
    if (auto p = lot_problem(rest, at + i, serial_line ? "serial number" : "lot")) return p;
    if (!rest.empty()) (serial_line ? code.serial : code.lot) = std::string(rest);
    any = any || !rest.empty() || code.expiry || code.count;
  }
  if (!any) return "HIBC secondary data at position " + pos(offset) + " carries no lot, serial, date or quantity";
  return std::nullopt;
}

// Labeler, product and unit: "LLLL" + 1-18 product characters + 1 digit.
std::optional<std::string> parse_primary(std::string_view body, std::size_t offset, Code& code) {
  if (body.size() < 6)
    return "HIBC primary data '" + printable(body) +
           "' is too short: it needs a 4-character labeler code, a product number and a unit-of-measure digit";
  // body[0] is a letter: that is how a primary was told from a secondary.
  for (std::size_t i = 0; i + 1 < body.size(); ++i)
    if (!is_upper_alnum(body[i]))
      return "HIBC primary data: " + describe_char(body[i]) + " at position " + pos(offset + i) +
             " is not allowed (labeler code and product number are upper-case letters and digits)";
  if (!is_digit(body.back()))
    return "HIBC unit of measure at position " + pos(offset + body.size() - 1) + " must be a digit 0-9, found " +
           describe_char(body.back());
  const std::string_view product = body.substr(4, body.size() - 5);
  if (product.size() > kMaxProduct)
    return "HIBC product number at position " + pos(offset + 4) + " is " + std::to_string(product.size()) +
           " characters long, at most " + std::to_string(kMaxProduct) + " allowed";
  code.labeler = std::string(body.substr(0, 4));
  code.product = std::string(product);
  code.unit = body.back() - '0';
  return std::nullopt;
}

std::optional<std::string> check_character_problem(std::string_view data, std::size_t offset) {
  const char expected = hibc_check_character(data.substr(0, data.size() - 1));
  if (data.back() == expected) return std::nullopt;
  return "HIBC check character " + describe_char(data.back()) + " at position " + pos(offset + data.size() - 1) +
         " does not match: the data before it give " + describe_char(expected) +
         " (a character is misread or misprinted)";
}

Result<Code> primary_alone(std::string_view data, std::size_t offset, Code code) {
  if (auto p = check_character_problem(data, offset)) return fail(*p);
  if (auto p = parse_primary(data.substr(1, data.size() - 2), offset + 1, code)) return fail(*p);
  code.kind = Kind::hibc;
  code.hibc_link = data.back();
  return code;
}

Result<Code> secondary_alone(std::string_view data, std::size_t offset, Code code) {
  if (data.size() < 4)
    return fail("HIBC secondary '" + printable(data) + "' is too short: it needs data, a link and a check character");
  if (auto p = check_character_problem(data, offset)) return fail(*p);
  if (auto p = parse_secondary(data.substr(1, data.size() - 3), offset + 1, code)) return fail(*p);
  code.kind = Kind::hibc;
  code.hibc_link = data[data.size() - 2];
  return code;
}

}  // namespace

Result<Code> parse_hibc(std::string_view data, std::size_t offset, Code code) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (hibc_value(data[i]) >= 0) continue;
    if (data[i] >= 'a' && data[i] <= 'z')
      return fail("HIBC: " + describe_char(data[i]) + " at position " + pos(offset + i) +
                  ": HIBC codes use upper-case letters only (check Caps Lock on the scanner's computer)");
    return fail("HIBC: " + describe_char(data[i]) + " at position " + pos(offset + i) +
                " is not in the HIBC character set (A-Z 0-9 - . space $ / + %)");
  }
  if (data.size() < 3) return fail("HIBC code '" + printable(data) + "' is too short");
  if (!is_letter(data[1])) return secondary_alone(data, offset, std::move(code));

  // The check character may be '/' or '+': look for structure before it.
  const std::string_view body = data.substr(0, data.size() - 1);
  const std::size_t slash = body.find('/');
  // Two linear symbols read as one text: "+<primary><check>+<secondary><link><check>".
  for (std::size_t k = 6; k + 3 < data.size() && k < slash; ++k) {
    if (data[k] != '+' || !(data[k + 1] == '$' || is_digit(data[k + 1]))) continue;
    auto primary = primary_alone(data.substr(0, k), offset, code);
    if (!primary) continue;
    auto secondary = secondary_alone(data.substr(k), offset + k, code);
    if (!secondary) return secondary;
    auto joined = join_hibc(*primary, *secondary);
    if (joined) joined->text = code.text;
    return joined;
  }
  if (slash == std::string_view::npos) return primary_alone(data, offset, std::move(code));

  // One symbol: "+<primary>/<secondary><check>", one check character for all.
  if (auto p = check_character_problem(data, offset)) return fail(*p);
  if (auto p = parse_primary(data.substr(1, slash - 1), offset + 1, code)) return fail(*p);
  if (auto p = parse_secondary(data.substr(slash + 1, data.size() - slash - 2), offset + slash + 1, code))
    return fail(*p);
  code.kind = Kind::hibc;
  return code;
}

}  // namespace steritrack::codes::detail

namespace steritrack::codes {

Result<Code> join_hibc(const Code& primary, const Code& secondary) {
  if (primary.kind != Kind::hibc || !primary.labeler || !primary.hibc_link)
    return fail("HIBC: '" + detail::printable(primary.text) + "' is not an HIBC primary symbol scanned alone");
  if (secondary.kind != Kind::hibc || secondary.labeler || !secondary.hibc_link)
    return fail("HIBC: '" + detail::printable(secondary.text) + "' is not an HIBC secondary symbol scanned alone");
  if (*primary.hibc_link != *secondary.hibc_link)
    return fail("HIBC: the secondary's link character " + detail::describe_char(*secondary.hibc_link) +
                " is not the primary's check character " + detail::describe_char(*primary.hibc_link) +
                ": the two symbols belong to different products");
  Code joined = primary;
  joined.text = primary.text + secondary.text;
  joined.lot = secondary.lot;
  joined.serial = secondary.serial;
  joined.expiry = secondary.expiry;
  joined.production_date = secondary.production_date;
  joined.count = secondary.count;
  joined.hibc_link.reset();
  return joined;
}

}  // namespace steritrack::codes
