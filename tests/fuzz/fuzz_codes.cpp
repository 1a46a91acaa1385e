// libFuzzer target: codes::parse, the parser every scan goes through, and
// the GS1 human-readable form. The first byte picks the options (the
// keyboard-wedge GS stand-in and the date of the scan, which moves the GS1
// century window); the rest is the scan text.
#include <array>
#include <chrono>
#include <string>

#include "check.hpp"
#include "codes/code.hpp"

namespace {

using namespace steritrack;
using namespace std::chrono;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// GS1 mod-10, written again here so that the target does not check the
// parser with its own helper.
bool check_digit_ok(std::string_view digits) {
  int sum = 0;
  for (std::size_t i = 0; i + 1 < digits.size(); ++i) {
    const int d = digits[digits.size() - 2 - i] - '0';
    sum += i % 2 == 0 ? 3 * d : d;
  }
  return (10 - sum % 10) % 10 == digits.back() - '0';
}

bool is_label_kind(codes::Kind k) {
  using K = codes::Kind;
  return k == K::operator_badge || k == K::tray || k == K::sterilizer || k == K::case_label || k == K::location ||
         k == K::instrument;
}

// A success is a whole code: the fields its kind promises are there.
void check_code(const codes::Code& c, std::string_view text) {
  FUZZ_CHECK(c.text == text);
  if (c.gtin) FUZZ_CHECK(c.gtin->size() == 14 && all_digits(*c.gtin) && check_digit_ok(*c.gtin));
  if (c.expiry) FUZZ_CHECK(c.expiry->ok());
  if (c.production_date) FUZZ_CHECK(c.production_date->ok());
  if (c.count) FUZZ_CHECK(*c.count > 0);
  if (c.command) FUZZ_CHECK(c.kind == codes::Kind::command);
  switch (c.kind) {
    case codes::Kind::command:
      FUZZ_CHECK(c.command.has_value());
      FUZZ_CHECK(c.label == "CMD-" + std::string(codes::to_string(*c.command)));
      break;
    case codes::Kind::gs1: {
      FUZZ_CHECK(!c.ai.empty());
      for (std::size_t i = 0; i < c.ai.size(); ++i) {
        FUZZ_CHECK(c.ai[i].first.size() >= 2 && c.ai[i].first.size() <= 4 && all_digits(c.ai[i].first));
        FUZZ_CHECK(!c.ai[i].second.empty());
        FUZZ_CHECK(!codes::ai_title(c.ai[i].first).empty());
        for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK(c.ai[i].first != c.ai[j].first);
      }
      break;
    }
    case codes::Kind::gtin: FUZZ_CHECK(c.gtin.has_value()); break;
    case codes::Kind::hibc:
      // A primary names labeler and product; a secondary alone carries its link.
      FUZZ_CHECK(c.labeler.has_value() == c.product.has_value());
      if (c.labeler) FUZZ_CHECK(c.labeler->size() == 4 && !c.product->empty());
      if (!c.labeler) FUZZ_CHECK(c.hibc_link.has_value());
      break;
    default:
      FUZZ_CHECK(is_label_kind(c.kind));
      FUZZ_CHECK(c.label.size() > 2 && c.label[1] == '-');
      break;
  }
  const std::string key = c.supply_code();
  if (is_label_kind(c.kind) || c.kind == codes::Kind::command) FUZZ_CHECK(key.empty());
}

constexpr std::array<char, 4> kSubstitutes{'~', '|', '#', '\x1D'};
constexpr std::array<year_month_day, 4> kToday{2026y / November / 27, 2049y / January / 1, 2051y / January / 1,
                                               1999y / December / 31};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned char selector = data[0];
  const std::string_view text = fuzz::text_of(data + 1, size - 1);

  // Every byte either may stand in for GS or has a reason why not.
  const auto problem = codes::gs_substitute_problem(static_cast<char>(selector));
  if (problem) FUZZ_CHECK(!problem->empty());

  codes::ParseOptions options{.today = kToday[selector % kToday.size()], .gs_substitute = std::nullopt};
  if (selector & 0x10) options.gs_substitute = kSubstitutes[(selector >> 2) % kSubstitutes.size()];

  // Two lines: an HIBC primary and secondary printed as two symbols, joined.
  if (const auto nl = text.find('\n'); nl != std::string_view::npos && nl + 1 < text.size()) {
    const auto primary = codes::parse(text.substr(0, nl), options);
    const auto secondary = codes::parse(text.substr(nl + 1), options);
    if (primary && secondary && primary->kind == codes::Kind::hibc && secondary->kind == codes::Kind::hibc) {
      const auto joined = codes::join_hibc(*primary, *secondary);
      if (joined) {
        FUZZ_CHECK(joined->labeler == primary->labeler && joined->product == primary->product);
        FUZZ_CHECK(!joined->hibc_link.has_value());
        FUZZ_CHECK(joined->supply_code() == primary->supply_code());
      } else {
        FUZZ_CHECK(!joined.error().empty());
      }
    }
  }

  const auto r = codes::parse(text, options);
  if (!r) {
    FUZZ_CHECK(!r.error().empty());
    return 0;
  }
  check_code(*r, text);

  // The human-readable form and the element string it stands for must read
  // the same (the stand-in would change the element string, so not with one).
  // The element string goes with a GS1 symbology identifier, as the image
  // decoder sends it: without one, an all-digit string reads as a GTIN.
  if (!options.gs_substitute && r->kind == codes::Kind::gs1 && r->symbology_id.empty() && !text.empty() &&
      text.front() == '(' && text.find_first_of("\r\n") == std::string_view::npos) {
    const auto raw = codes::element_string_from_hri(text);
    FUZZ_CHECK(raw.has_value());
    const auto again = codes::parse("]e0" + *raw, options);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->ai == r->ai);
  }

  return 0;
}
