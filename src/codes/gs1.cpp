// GS1 element strings: the raw form scanners send (AIs with ASCII 29 after
// variable-length fields) and the human-readable "(01)...(17)..." form.
// AI formats from the GS1 General Specifications (section 3) and the GS1
// Barcode Syntax Dictionary.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "codes/code.hpp"
#include "codes/detail.hpp"

namespace steritrack::codes {
namespace {

using namespace detail;

enum class Charset : std::uint8_t { numeric, cset82, cset39 };

enum class Rule : std::uint8_t {
  none,
  check_digit,      // last digit is the GS1 mod-10 check digit of the others
  date,             // YYMMDD
  date_zero_day,    // YYMMDD, DD=00 meaning the month's last day
  date_time,        // YYMMDDHHMM
  date_or_range,    // YYMMDD or YYMMDDYYMMDD
};

struct Part {
  Charset charset = Charset::numeric;
  std::uint8_t min = 0;
  std::uint8_t max = 0;  // 0: no such part
  Rule rule = Rule::none;
};

struct AiSpec {
  std::string_view ai;
  std::string_view title;
  std::array<Part, 3> parts;
};

constexpr Part n(std::uint8_t length, Rule rule = Rule::none) { return {Charset::numeric, length, length, rule}; }
constexpr Part nv(std::uint8_t max) { return {Charset::numeric, 1, max, Rule::none}; }
constexpr Part nv_optional(std::uint8_t max) { return {Charset::numeric, 0, max, Rule::none}; }
constexpr Part x(std::uint8_t max) { return {Charset::cset82, 1, max, Rule::none}; }
constexpr Part x_optional(std::uint8_t max) { return {Charset::cset82, 0, max, Rule::none}; }

constexpr AiSpec kAis[] = {
    {"00", "SSCC (serial shipping container code)", {n(18, Rule::check_digit)}},
    {"01", "GTIN", {n(14, Rule::check_digit)}},
    {"02", "GTIN of contained trade items", {n(14, Rule::check_digit)}},
    {"03", "GTIN of a made-to-order item", {n(14, Rule::check_digit)}},
    {"10", "batch/lot", {x(20)}},
    {"11", "production date", {n(6, Rule::date_zero_day)}},
    {"12", "due date", {n(6, Rule::date_zero_day)}},
    {"13", "packaging date", {n(6, Rule::date_zero_day)}},
    {"15", "best before date", {n(6, Rule::date_zero_day)}},
    {"16", "sell by date", {n(6, Rule::date_zero_day)}},
    {"17", "expiry date", {n(6, Rule::date_zero_day)}},
    {"20", "internal product variant", {n(2)}},
    {"21", "serial number", {x(20)}},
    {"22", "consumer product variant", {x(20)}},
    {"235", "third-party controlled serial number", {x(28)}},
    {"240", "additional product identification", {x(30)}},
    {"241", "customer part number", {x(30)}},
    {"242", "made-to-order variation number", {nv(6)}},
    {"243", "packaging component number", {x(20)}},
    {"250", "secondary serial number", {x(30)}},
    {"251", "reference to source entity", {x(30)}},
    {"253", "global document type identifier (GDTI)", {n(13, Rule::check_digit), x_optional(17)}},
    {"254", "GLN extension component", {x(20)}},
    {"255", "global coupon number (GCN)", {n(13, Rule::check_digit), nv_optional(12)}},
    {"30", "variable count", {nv(8)}},
    {"37", "count of trade items", {nv(8)}},
    {"400", "customer purchase order number", {x(30)}},
    {"401", "global identification number for consignment (GINC)", {x(30)}},
    {"402", "global shipment identification number (GSIN)", {n(17, Rule::check_digit)}},
    {"403", "routing code", {x(30)}},
    {"410", "ship to / deliver to GLN", {n(13, Rule::check_digit)}},
    {"411", "bill to / invoice to GLN", {n(13, Rule::check_digit)}},
    {"412", "purchased from GLN", {n(13, Rule::check_digit)}},
    {"413", "ship for / deliver for GLN", {n(13, Rule::check_digit)}},
    {"414", "physical location GLN", {n(13, Rule::check_digit)}},
    {"415", "invoicing party GLN", {n(13, Rule::check_digit)}},
    {"416", "production or service location GLN", {n(13, Rule::check_digit)}},
    {"417", "party GLN", {n(13, Rule::check_digit)}},
    {"420", "ship to postal code", {x(20)}},
    {"421", "ship to postal code with ISO country code", {n(3), x(9)}},
    {"422", "country of origin", {n(3)}},
    {"423", "country of initial processing", {n(3), nv_optional(12)}},
    {"424", "country of processing", {n(3)}},
    {"425", "country of disassembly", {n(3), nv_optional(12)}},
    {"426", "country covering full process chain", {n(3)}},
    {"427", "country subdivision of origin", {x(3)}},
    {"7001", "NATO stock number", {n(13)}},
    {"7002", "UNECE meat carcasses and cuts classification", {x(30)}},
    {"7003", "expiration date and time", {n(10, Rule::date_time)}},
    {"7004", "active potency", {nv(4)}},
    {"7005", "catch area", {x(12)}},
    {"7006", "first freeze date", {n(6, Rule::date)}},
    {"7007", "harvest date", {{{Charset::numeric, 6, 12, Rule::date_or_range}}}},
    {"7008", "species for fishery purposes", {x(3)}},
    {"7009", "fishing gear type", {x(10)}},
    {"7010", "production method", {x(2)}},
    {"7020", "refurbishment lot", {x(20)}},
    {"7021", "functional status", {x(20)}},
    {"7022", "revision status", {x(20)}},
    {"7023", "GIAI of an assembly", {x(30)}},
    {"710", "national healthcare reimbursement number (Germany)", {x(20)}},
    {"711", "national healthcare reimbursement number (France)", {x(20)}},
    {"712", "national healthcare reimbursement number (Spain)", {x(20)}},
    {"713", "national healthcare reimbursement number (Brazil)", {x(20)}},
    {"714", "national healthcare reimbursement number (Portugal)", {x(20)}},
    {"715", "national healthcare reimbursement number (USA)", {x(20)}},
    {"8001", "roll products dimensions", {n(14)}},
    {"8002", "cellular mobile telephone identifier", {x(20)}},
    {"8004", "global individual asset identifier (GIAI)", {x(30)}},
    {"8005", "price per unit of measure", {n(6)}},
    {"8006", "identification of an individual trade item piece (ITIP)", {n(14, Rule::check_digit), n(2), n(2)}},
    {"8007", "international bank account number (IBAN)", {x(34)}},
    {"8009", "optically readable sensor indicator", {x(50)}},
    {"8010", "component/part identifier (CPID)", {{{Charset::cset39, 1, 30, Rule::none}}}},
    {"8011", "component/part identifier serial number", {nv(12)}},
    {"8012", "software version", {x(20)}},
    {"8017", "global service relation number - provider", {n(18, Rule::check_digit)}},
    {"8018", "global service relation number - recipient", {n(18, Rule::check_digit)}},
    {"8019", "service relation instance number (SRIN)", {nv(10)}},
    {"8020", "payment slip reference number", {x(25)}},
    {"8026", "ITIP of contained trade items", {n(14, Rule::check_digit), n(2), n(2)}},
    {"8200", "extended packaging URL", {x(70)}},
    {"90", "information agreed between trading partners", {x(30)}},
    {"91", "company internal information", {x(90)}},
    {"92", "company internal information", {x(90)}},
    {"93", "company internal information", {x(90)}},
    {"94", "company internal information", {x(90)}},
    {"95", "company internal information", {x(90)}},
    {"96", "company internal information", {x(90)}},
    {"97", "company internal information", {x(90)}},
    {"98", "company internal information", {x(90)}},
    {"99", "company internal information", {x(90)}},
};

int two_digits(std::string_view s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

// How many digits the AIs starting with these two digits have; 0 if GS1
// assigns none.
std::size_t ai_length(int first_two) {
  if (first_two <= 3) return 2;
  if ((first_two >= 10 && first_two <= 13) || first_two == 15 || first_two == 16 || first_two == 17) return 2;
  if (first_two >= 20 && first_two <= 22) return 2;
  if (first_two >= 23 && first_two <= 25) return 3;
  if (first_two == 30 || first_two == 37) return 2;
  if ((first_two >= 31 && first_two <= 36) || first_two == 39) return 4;
  if (first_two >= 40 && first_two <= 42) return 3;
  if (first_two == 43) return 4;
  if (first_two == 70 || first_two == 72) return 4;
  if (first_two == 71) return 3;
  if (first_two >= 80 && first_two <= 82) return 4;
  if (first_two >= 90) return 2;
  return 0;
}

// AIs whose length GS1 predefines: no separator follows them.
bool predefined_length(std::string_view ai) {
  const int p = two_digits(ai);
  return p <= 4 || (p >= 11 && p <= 20) || (p >= 31 && p <= 36) || p == 41;
}

// Measures (31nn-36nn: 6 digits, the 4th AI digit places the decimal point)
// and amounts payable (390n-393n) are families; they are built on demand.
std::optional<AiSpec> family_spec(std::string_view ai) {
  if (ai.size() != 4 || !all_digits(ai)) return std::nullopt;
  const int first3 = two_digits(ai) * 10 + (ai[2] - '0');
  const int d = ai[3] - '0';
  const auto in = [&](int lo, int hi) { return first3 >= lo && first3 <= hi; };
  if ((in(310, 316) || in(320, 329) || in(330, 337) || in(340, 349) || in(350, 357) || in(360, 369)) && d <= 5)
    return AiSpec{ai, "trade or logistic measure", {n(6)}};
  if (first3 == 390 || first3 == 392) return AiSpec{ai, "amount payable", {nv(15)}};
  if (first3 == 391 || first3 == 393) return AiSpec{ai, "amount payable with ISO currency code", {n(3), nv(15)}};
  return std::nullopt;
}

std::optional<AiSpec> find_ai(std::string_view ai) {
  for (const auto& spec : kAis)
    if (spec.ai == ai) return spec;
  return family_spec(ai);
}

std::size_t max_length(const AiSpec& spec) {
  std::size_t total = 0;
  for (const auto& p : spec.parts) total += p.max;
  return total;
}

std::size_t min_length(const AiSpec& spec) {
  // Every part but the last is fixed; the last may be shorter.
  std::size_t total = 0;
  for (const auto& p : spec.parts) total += p.min;
  return total;
}

bool in_cset82(char c) {
  static constexpr std::string_view kPunctuation = "!\"%&'()*+,-./:;<=>?_";
  return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         kPunctuation.find(c) != std::string_view::npos;
}

bool in_cset39(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z') || c == '#' || c == '-' || c == '/'; }

bool allowed(Charset cs, char c) {
  switch (cs) {
    case Charset::numeric: return is_digit(c);
    case Charset::cset82: return in_cset82(c);
    case Charset::cset39: return in_cset39(c);
  }
  return false;
}

std::string_view charset_rule(Charset cs) {
  switch (cs) {
    case Charset::numeric: return "only digits are allowed here";
    case Charset::cset82:
      return "GS1 character set 82 allows letters, digits and ! \" % & ' ( ) * + , - . / : ; < = > ? _";
    case Charset::cset39: return "GS1 character set 39 allows upper-case letters, digits and # - /";
  }
  return {};
}

// Characters keyboard-wedge scanners are often set to type instead of GS.
bool common_gs_stand_in(char c) {
  static constexpr std::string_view kStandIns = "~|^#@{}[]\\`";
  return kStandIns.find(c) != std::string_view::npos;
}

int number(std::string_view digits) {
  int v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

struct DateCheck {
  std::optional<std::chrono::year_month_day> date;
  std::string problem;
};

// YYMMDD with the GS1 century rule.
DateCheck yymmdd(std::string_view v, bool zero_day_allowed, std::chrono::year_month_day today) {
  using namespace std::chrono;
  const int yy = number(v.substr(0, 2));
  const int mm = number(v.substr(2, 2));
  const int dd = number(v.substr(4, 2));
  if (mm < 1 || mm > 12) return {std::nullopt, "month " + std::string(v.substr(2, 2)) + " is not 01-12"};
  const year y{gs1_full_year(yy, static_cast<int>(today.year()))};
  const month m{static_cast<unsigned>(mm)};
  if (dd == 0) {
    if (!zero_day_allowed) return {std::nullopt, "day 00 is not allowed for this AI"};
    return {last_day_of_month(y, m), {}};
  }
  const year_month_day date{y, m, day{static_cast<unsigned>(dd)}};
  if (!date.ok())
    return {std::nullopt, "day " + std::string(v.substr(4, 2)) + " does not exist in " + month_year(y / m) +
                              (mm == 2 && dd == 29 ? " (not a leap year)" : "")};
  return {date, {}};
}

struct Field {
  std::string ai;
  AiSpec spec;  // spec.ai is not used after parsing: it may view a temporary
  std::string value;
  std::size_t index;  // of the AI's first digit in the text as received
};

std::string field_name(std::string_view ai, const AiSpec& spec, std::size_t index) {
  return "GS1 AI (" + std::string(ai) + ") " + std::string(spec.title) + " at position " + pos(index);
}

// Checks a value against its AI's format. `value_index` is the position of
// the value's first character in the text as received; `separated` says the
// value ran to a GS or the end (so a too-long value means a missing GS).
std::optional<std::string> check_value(const AiSpec& spec, std::string_view value, std::size_t ai_index,
                                       std::size_t value_index, bool separated, const ParseOptions& options) {
  const std::string name = field_name(spec.ai, spec, ai_index);
  if (value.empty()) return name + " has no value";
  // Characters first: a stand-in for GS is the most common cause of refusals.
  std::size_t start = 0;
  for (const auto& part : spec.parts) {
    if (part.max == 0) break;
    // The last part's character set covers any excess too, so a stray
    // character is named before the length.
    const bool last = &part == &spec.parts.back() || (&part + 1)->max == 0;
    const std::size_t end = last ? value.size() : std::min(value.size(), start + part.max);
    for (std::size_t i = start; i < end; ++i) {
      if (allowed(part.charset, value[i])) continue;
      std::string problem = name + ": " + describe_char(value[i]) + " at position " + pos(value_index + i) +
                            " is not allowed; " + std::string(charset_rule(part.charset));
      if (common_gs_stand_in(value[i]) && !options.gs_substitute)
        problem += "; if the scanner types " + describe_char(value[i]) +
                   " instead of GS (ASCII 29), set gs_substitute for this station";
      return problem;
    }
    start = end;
  }
  const std::size_t lo = min_length(spec);
  const std::size_t hi = max_length(spec);
  const bool fixed = lo == hi;
  if (value.size() > hi) {
    std::string problem = name + ": the value is " + std::to_string(value.size()) + " characters long, " +
                          (fixed ? "exactly " : "at most ") + std::to_string(hi) + " allowed";
    if (separated) problem += "; a GS (ASCII 29) separator is probably missing after it";
    return problem;
  }
  if (value.size() < lo)
    return name + ": the value is " + std::to_string(value.size()) + " characters long, " +
           (fixed ? "exactly " : "at least ") + std::to_string(lo) + " needed";
  start = 0;
  for (const auto& part : spec.parts) {
    if (part.max == 0) break;
    const bool last = &part == &spec.parts.back() || (&part + 1)->max == 0;
    const std::string_view v = value.substr(start, last ? std::string_view::npos : part.max);
    start += v.size();
    switch (part.rule) {
      case Rule::none: break;
      case Rule::check_digit: {
        const char expected = gs1_check_digit(v.substr(0, v.size() - 1));
        if (v.back() != expected)
          return name + ": check digit " + std::string(1, v.back()) + " is wrong, the digits before it give " +
                 std::string(1, expected) + " (a digit is misread or misprinted)";
        break;
      }
      case Rule::date:
      case Rule::date_zero_day: {
        const auto d = yymmdd(v, part.rule == Rule::date_zero_day, options.today);
        if (!d.date) return name + ": '" + std::string(v) + "' is not a date YYMMDD: " + d.problem;
        break;
      }
      case Rule::date_time: {
        const auto d = yymmdd(v.substr(0, 6), false, options.today);
        if (!d.date) return name + ": '" + std::string(v) + "' is not a date and time YYMMDDHHMM: " + d.problem;
        if (number(v.substr(6, 2)) > 23 || number(v.substr(8, 2)) > 59)
          return name + ": '" + std::string(v) + "' has no valid time HHMM after the date (YYMMDDHHMM)";
        break;
      }
      case Rule::date_or_range: {
        if (v.size() != 6 && v.size() != 12)
          return name + ": '" + std::string(v) + "' is neither a date YYMMDD nor a range YYMMDDYYMMDD";
        for (std::size_t at = 0; at < v.size(); at += 6) {
          const auto d = yymmdd(v.substr(at, 6), false, options.today);
          if (!d.date) return name + ": '" + std::string(v) + "' is not a date YYMMDD: " + d.problem;
        }
        break;
      }
    }
  }
  return std::nullopt;
}

// Puts the fields into the code, with the checks that involve more than one.
Result<Code> build(std::vector<Field> fields, const ParseOptions& options, Code code) {
  if (fields.empty()) return fail("the GS1 element string has no data, only separators");
  for (std::size_t i = 0; i < fields.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (fields[i].ai == fields[j].ai)
        return fail("GS1 AI (" + fields[i].ai + ") appears twice (positions " +
                    pos(fields[j].index) + " and " + pos(fields[i].index) + ")");
  const auto find = [&](std::string_view ai) -> const Field* {
    for (const auto& f : fields)
      if (f.ai == ai) return &f;
    return nullptr;
  };
  if (find("01") && find("02"))
    return fail("GS1 AIs (01) and (02) cannot both be present: (01) identifies this item, (02) the items a "
                "logistic unit contains");
  if (find("30") && find("37"))
    return fail("GS1 AIs (30) and (37) both give a count; a label has at most one of them");

  code.kind = Kind::gs1;
  for (const auto& f : fields) code.ai.emplace_back(f.ai, f.value);
  if (const Field* f = find("01"); f) code.gtin = f->value;
  else if (const Field* f2 = find("02"); f2) code.gtin = f2->value;
  if (const Field* f = find("00")) code.sscc = f->value;
  if (const Field* f = find("10")) code.lot = f->value;
  if (const Field* f = find("21")) code.serial = f->value;
  if (const Field* f = find("11")) code.production_date = yymmdd(f->value, true, options.today).date;
  if (const Field* f = find("17"))
    code.expiry = yymmdd(f->value, true, options.today).date;
  else if (const Field* t = find("7003"))
    code.expiry = yymmdd(std::string_view(t->value).substr(0, 6), false, options.today).date;
  const Field* count = find("30");
  if (!count) count = find("37");
  if (count) {
    std::int64_t v = 0;
    std::from_chars(count->value.data(), count->value.data() + count->value.size(), v);
    if (v == 0) return fail(field_name(count->ai, count->spec, count->index) + ": a count of 0 is not a quantity");
    code.count = v;
  }
  return code;
}

struct HriField {
  std::string ai;
  std::string value;
  std::size_t ai_index;
  std::size_t value_index;
};

// "(01)…(17)…(10)…" into its fields. "(NN)" opens a field only if NN is an
// AI we know: character set 82 allows parentheses inside values too.
Result<std::vector<HriField>> split_hri(std::string_view data, std::size_t offset) {
  const auto ai_at = [&](std::size_t at) -> std::optional<std::string> {
    if (at >= data.size() || data[at] != '(') return std::nullopt;
    const std::size_t close = data.find(')', at);
    if (close == std::string_view::npos || close - at - 1 < 2 || close - at - 1 > 4) return std::nullopt;
    const std::string_view ai = data.substr(at + 1, close - at - 1);
    if (!all_digits(ai) || !find_ai(ai)) return std::nullopt;
    return std::string(ai);
  };
  const auto skip_spaces = [&](std::size_t at) {
    while (at < data.size() && data[at] == ' ') ++at;
    return at;
  };
  std::vector<HriField> fields;
  std::size_t i = skip_spaces(0);
  while (i < data.size()) {
    const auto ai = ai_at(i);
    if (!ai) {
      if (data[i] != '(')
        return fail("GS1 human-readable form: expected '(' and an Application Identifier at position " +
                    pos(offset + i) + ", found " + describe_char(data[i]));
      const std::size_t close = data.find(')', i);
      const std::string_view inside =
          data.substr(i + 1, close == std::string_view::npos ? std::string_view::npos : close - i - 1);
      return fail("GS1 human-readable form: '(" + printable(inside, 8) + ")' at position " + pos(offset + i) +
                  " is not an Application Identifier steritrack knows");
    }
    const std::size_t value_start = skip_spaces(i + ai->size() + 2);
    std::size_t next = value_start;
    while (next < data.size() && !ai_at(next)) ++next;
    std::size_t value_end = next;
    while (value_end > value_start && data[value_end - 1] == ' ') --value_end;  // "(01) 0950… (17) 2812…"
    fields.push_back(HriField{*ai, std::string(data.substr(value_start, value_end - value_start)), offset + i,
                              offset + value_start});
    i = next;
  }
  if (fields.empty()) return fail("GS1 human-readable form without any field");
  return fields;
}

}  // namespace

std::string_view ai_title(std::string_view ai) {
  for (const auto& spec : kAis)
    if (spec.ai == ai) return spec.title;
  if (family_spec(ai)) return family_spec(ai)->title;
  return {};
}

std::optional<std::string> element_string_from_hri(std::string_view hri) {
  const auto fields = split_hri(hri, 0);
  if (!fields) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < fields->size(); ++i) {
    const auto& f = (*fields)[i];
    if (f.value.find(kGroupSeparator) != std::string::npos) return std::nullopt;
    out += f.ai + f.value;
    if (i + 1 < fields->size() && !predefined_length(f.ai)) out += kGroupSeparator;
  }
  return out;
}

namespace detail {

Result<Code> parse_gs1_element_string(std::string_view data, std::size_t offset, const ParseOptions& options,
                                      Code code) {
  std::string s(data);
  if (options.gs_substitute) std::replace(s.begin(), s.end(), *options.gs_substitute, kGroupSeparator);
  std::vector<Field> fields;
  std::size_t i = 0;
  while (i < s.size()) {
    // A leading GS (FNC1 in first position sent as GS), a trailing one, and a
    // GS after a predefined-length field are all harmless.
    if (s[i] == kGroupSeparator) {
      ++i;
      continue;
    }
    if (i + 2 > s.size() || !is_digit(s[i]) || !is_digit(s[i + 1])) {
      const std::string what = is_digit(s[i]) ? "a lone digit" : describe_char(s[i]);
      return fail("GS1: expected an Application Identifier (2-4 digits) at position " + pos(offset + i) + ", found " +
                  what + (fields.empty() ? std::string()
                                         : " after AI (" + fields.back().ai + ") " +
                                               std::string(fields.back().spec.title)));
    }
    const std::size_t length = ai_length(two_digits(std::string_view(s).substr(i, 2)));
    if (length == 0)
      return fail("GS1: no Application Identifier starts with '" + s.substr(i, 2) + "' (position " +
                  pos(offset + i) + ")" +
                  (fields.empty() ? std::string()
                                  : "; is the value of AI (" + fields.back().ai +
                                        ") before it too long or a GS separator misplaced?"));
    if (i + length > s.size() || !all_digits(std::string_view(s).substr(i, length)))
      return fail("GS1: the Application Identifier at position " + pos(offset + i) + " needs " +
                  std::to_string(length) + " digits, found '" + printable(std::string_view(s).substr(i, length)) + "'");
    const std::string ai = s.substr(i, length);
    auto spec = find_ai(ai);
    if (!spec)
      return fail("GS1: Application Identifier (" + ai + ") at position " + pos(offset + i) +
                  " is unknown or not supported by steritrack");
    const std::size_t value_start = i + length;
    std::size_t value_end = 0;
    const bool predefined = predefined_length(ai);
    if (predefined) {
      const std::size_t needed = max_length(*spec);
      const std::size_t gs = s.find(kGroupSeparator, value_start);
      const std::size_t available = std::min(gs == std::string::npos ? s.size() : gs, value_start + needed);
      if (available < value_start + needed)
        return fail(field_name(ai, *spec, offset + i) + ": needs " + std::to_string(needed) + " characters, found " +
                    std::to_string(available - value_start) +
                    (gs != std::string::npos && gs < value_start + needed ? " before a GS separator"
                                                                          : " before the end of the code"));
      value_end = value_start + needed;
    } else {
      const std::size_t gs = s.find(kGroupSeparator, value_start);
      value_end = gs == std::string::npos ? s.size() : gs;
    }
    const std::string_view value = std::string_view(s).substr(value_start, value_end - value_start);
    if (auto problem = check_value(*spec, value, offset + i, offset + value_start, !predefined, options))
      return fail(*problem);
    fields.push_back(Field{ai, *spec, std::string(value), offset + i});
    i = value_end;
  }
  return build(std::move(fields), options, std::move(code));
}

Result<Code> parse_gs1_hri(std::string_view data, std::size_t offset, const ParseOptions& options, Code code) {
  auto split = split_hri(data, offset);
  if (!split) return split.failure();
  std::vector<Field> fields;
  for (const auto& f : *split) {
    const auto spec = find_ai(f.ai);
    AiSpec named = *spec;
    named.ai = f.ai;
    if (auto problem = check_value(named, f.value, f.ai_index, f.value_index, false, options)) return fail(*problem);
    fields.push_back(Field{f.ai, *spec, f.value, f.ai_index});
  }
  return build(std::move(fields), options, std::move(code));
}

}  // namespace detail
}  // namespace steritrack::codes
