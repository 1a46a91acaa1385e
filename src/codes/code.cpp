#include "codes/code.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

#include "codes/detail.hpp"

namespace steritrack::codes {
namespace {

using detail::pos;
using detail::printable;

// Longer than any real label or element string; a longer text is a stuck
// scanner or garbage, not a code.
constexpr std::size_t kMaxScanLength = 512;

struct CommandName {
  Command command;
  std::string_view word;
};
constexpr std::array<CommandName, 9> kCommands{{{Command::receive, "RECEIVE"},
                                               {Command::consume, "CONSUME"},
                                               {Command::count, "COUNT"},
                                               {Command::return_, "RETURN"},
                                               {Command::assemble, "ASSEMBLE"},
                                               {Command::load, "LOAD"},
                                               {Command::issue, "ISSUE"},
                                               {Command::done, "DONE"},
                                               {Command::cancel, "CANCEL"}}};

struct LabelPrefix {
  char letter;
  Kind kind;
  std::string_view what;
};
constexpr std::array<LabelPrefix, 6> kLabels{{{'U', Kind::operator_badge, "operator badge"},
                                              {'T', Kind::tray, "tray label"},
                                              {'S', Kind::sterilizer, "sterilizer label"},
                                              {'C', Kind::case_label, "case label"},
                                              {'L', Kind::location, "location label"},
                                              {'I', Kind::instrument, "instrument label"}}};

constexpr std::size_t kMaxLabelLength = 64;

bool is_label_char(char c) { return detail::is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.'; }

std::optional<std::string> label_id_problem(std::string_view s, std::size_t id_start, std::string_view what) {
  if (s.size() == id_start) return std::string(what) + " '" + std::string(s) + "' has no id after the prefix";
  if (s.size() > kMaxLabelLength)
    return std::string(what) + " is " + std::to_string(s.size()) + " characters long; labels are at most " +
           std::to_string(kMaxLabelLength);
  for (std::size_t i = id_start; i < s.size(); ++i)
    if (!is_label_char(s[i]))
      return std::string(what) + " '" + printable(s) + "': " + detail::describe_char(s[i]) + " at position " +
             pos(i) + " is not allowed (labels use letters, digits, '-', '_' and '.')";
  return std::nullopt;
}

Result<Code> parse_command(std::string_view s, Code code) {
  const std::string_view word = s.substr(4);
  for (const auto& c : kCommands) {
    if (c.word == word) {
      code.kind = Kind::command;
      code.command = c.command;
      code.label = std::string(s);
      return code;
    }
  }
  std::string known;
  for (const auto& c : kCommands) known += (known.empty() ? "" : ", ") + std::string(c.word);
  return fail("unknown command card '" + printable(s) + "': the command cards are CMD- followed by one of " + known);
}

Result<Code> parse_label(std::string_view s, const LabelPrefix& prefix, Code code) {
  if (auto problem = label_id_problem(s, 2, prefix.what)) return fail(*problem);
  code.kind = prefix.kind;
  code.label = std::string(s);
  return code;
}

const LabelPrefix* label_prefix(std::string_view s) {
  if (s.size() < 2 || s[1] != '-') return nullptr;
  for (const auto& p : kLabels)
    if (p.letter == s[0]) return &p;
  return nullptr;
}

bool looks_like_lower_case_label(std::string_view s) {
  if (s.size() >= 4 && s.substr(0, 4) == "cmd-") return true;
  if (s.size() < 2 || s[1] != '-') return false;
  for (const auto& p : kLabels)
    if (p.letter - 'A' + 'a' == s[0]) return true;
  return false;
}

bool is_gs1_symbology(std::string_view id) { return id == "]C1" || id == "]d2" || id == "]Q3" || id == "]e0"; }

// What the data itself says, when no symbology identifier decided it.
Result<Code> parse_payload(std::string_view s, std::size_t offset, const ParseOptions& options, Code code) {
  if (s.size() >= 4 && s.substr(0, 4) == "CMD-") return parse_command(s, std::move(code));
  if (const LabelPrefix* prefix = label_prefix(s)) return parse_label(s, *prefix, std::move(code));
  const char first = s.front();
  if (first == '+') return detail::parse_hibc(s, offset, std::move(code));
  if (first == '(') return detail::parse_gs1_hri(s, offset, options, std::move(code));
  const bool gs_first = first == kGroupSeparator || (options.gs_substitute && first == *options.gs_substitute);
  if (detail::is_digit(first) || gs_first) {
    if (detail::all_digits(s) && (s.size() == 8 || s.size() == 12 || s.size() == 13 || s.size() == 14))
      return detail::parse_gtin(s, offset, detail::GtinSymbology::any, std::move(code));
    return detail::parse_gs1_element_string(s, offset, options, std::move(code));
  }
  if (looks_like_lower_case_label(s))
    return fail("'" + printable(s) +
                "' looks like a label typed in lower case: labels start with an upper-case prefix (CMD-, U-, T-, S-, "
                "C-, L-, I-); check Caps Lock on the computer the scanner types into");
  return fail("'" + printable(s) +
              "' is not a code steritrack knows: expected a CMD- command card, a U-/T-/S-/C-/L-/I- label, a GS1 "
              "element string (starting with an AI such as 01), a GTIN of 8, 12, 13 or 14 digits, or an HIBC code "
              "starting with '+'");
}

}  // namespace

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::command: return "command";
    case Kind::operator_badge: return "operator";
    case Kind::tray: return "tray";
    case Kind::sterilizer: return "sterilizer";
    case Kind::case_label: return "case";
    case Kind::location: return "location";
    case Kind::instrument: return "instrument";
    case Kind::gs1: return "gs1";
    case Kind::hibc: return "hibc";
    case Kind::gtin: return "gtin";
  }
  return "unknown";
}

std::string_view to_string(Command command) {
  for (const auto& c : kCommands)
    if (c.command == command) return c.word;
  return "UNKNOWN";
}

std::string Code::supply_code() const {
  if (gtin) return *gtin;
  if (kind == Kind::hibc && labeler && product) return *labeler + *product;
  return {};
}

std::optional<std::string> gs_substitute_problem(char c) {
  if (c == kGroupSeparator) return std::nullopt;
  const auto code = static_cast<unsigned char>(c);
  static constexpr std::string_view kUse = "; use one of # @ [ \\ ^ ` { | } ~";
  if (code < 32 || code >= 127)
    return "a control or non-ASCII character cannot be typed reliably by a keyboard-wedge scanner" + std::string(kUse);
  if (c == ']') return "']' starts a symbology identifier (]d2, ]C1)" + std::string(kUse);
  if (c == '$') return "'$' is part of HIBC codes" + std::string(kUse);
  // Neither in GS1 character set 82 nor in labels.
  static constexpr std::string_view kFree = "#@[\\^`{|}~";
  if (kFree.find(c) == std::string_view::npos)
    return "'" + std::string(1, c) + "' can occur in GS1 data (GS1 character set 82) or in labels" + std::string(kUse);
  return std::nullopt;
}

Result<Code> parse(std::string_view text, const ParseOptions& options) {
  if (!options.today.ok()) throw std::invalid_argument("codes::parse: ParseOptions::today is not a valid date");
  Code code;
  code.text = std::string(text);
  // Scanners end a scan with CR, LF or both; inputs strip them, but a pasted
  // or published text may still carry one. (Not spaces: a space can be an
  // HIBC check character.)
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\r' || text[end - 1] == '\n')) --end;
  std::string_view s = text.substr(0, end);
  if (s.empty()) return fail("empty scan: the scanner sent no characters");
  if (s.size() > kMaxScanLength)
    return fail("the scan is " + std::to_string(s.size()) + " characters long; codes are at most " +
                std::to_string(kMaxScanLength));

  std::size_t offset = 0;
  if (s.front() == ']') {
    const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    if (s.size() < 3 || !alpha(s[1]) || !(alpha(s[2]) || detail::is_digit(s[2])))
      return fail("'" + printable(s) +
                  "' starts with ']' but no symbology identifier (such as ]d2 or ]C1: ']', a letter, a digit) follows");
    code.symbology_id = std::string(s.substr(0, 3));
    s = s.substr(3);
    offset = 3;
    if (s.empty()) return fail("symbology identifier " + code.symbology_id + " with no data after it");
    if (is_gs1_symbology(code.symbology_id))
      return detail::parse_gs1_element_string(s, offset, options, std::move(code));
    if (code.symbology_id == "]E0")
      return detail::parse_gtin(s, offset, detail::GtinSymbology::ean_upc, std::move(code));
    if (code.symbology_id == "]E4")
      return detail::parse_gtin(s, offset, detail::GtinSymbology::ean8, std::move(code));
    // Any other symbology (plain Code 128 ]C0, DataMatrix ]d1, Code 39 ]A0,
    // ITF ]I0...): what it carries decides, as without an identifier.
  }
  return parse_payload(s, offset, options, std::move(code));
}

namespace detail {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }
bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}

std::string describe_char(char c) {
  const auto code = static_cast<unsigned char>(c);
  if (c == kGroupSeparator) return "GS (ASCII 29)";
  if (c == ' ') return "a space";
  char buf[32];
  if (code < 32 || code >= 127) {
    std::snprintf(buf, sizeof buf, "byte 0x%02X", code);
    return buf;
  }
  return std::string("'") + c + "'";
}

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  std::size_t shown = 0;
  for (char c : text) {
    if (shown == max) {
      out += "…";
      break;
    }
    const auto code = static_cast<unsigned char>(c);
    if (c == kGroupSeparator) {
      out += "<GS>";
    } else if (code < 32 || code == 127) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "<0x%02X>", code);
      out += buf;
    } else {
      out += c;
    }
    ++shown;
  }
  return out;
}

std::string pos(std::size_t index) { return std::to_string(index + 1); }

char gs1_check_digit(std::string_view body) {
  // Weights 3,1,3,... from the rightmost digit of the body.
  int sum = 0;
  int weight = 3;
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = 4 - weight;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

int hibc_value(char c) {
  static constexpr std::string_view kSet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
  const auto i = kSet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

char hibc_check_character(std::string_view data) {
  static constexpr std::string_view kSet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
  int sum = 0;
  for (char c : data) sum += hibc_value(c);
  return kSet[static_cast<std::size_t>(sum % 43)];
}

std::chrono::year_month_day last_day_of_month(std::chrono::year y, std::chrono::month m) {
  return std::chrono::year_month_day{std::chrono::year_month_day_last{y, std::chrono::month_day_last{m}}};
}

int gs1_full_year(int yy, int this_year) {
  const int century = this_year - this_year % 100;
  const int difference = yy - this_year % 100;
  if (difference >= 51) return century - 100 + yy;  // more than 50 years ahead: the past century
  if (difference <= -50) return century + 100 + yy;  // 50 or more years back: the next century
  return century + yy;
}

}  // namespace detail
}  // namespace steritrack::codes
