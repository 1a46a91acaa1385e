// Bare GTINs: EAN-8, UPC-A, UPC-E, EAN-13 and ITF-14 (GTIN-14) numbers.
#include <optional>

#include "codes/code.hpp"
#include "codes/detail.hpp"

namespace steritrack::codes::detail {
namespace {

std::string gtin_name(std::size_t digits) {
  switch (digits) {
    case 8: return "GTIN-8 (EAN-8)";
    case 12: return "GTIN-12 (UPC-A)";
    case 13: return "GTIN-13 (EAN-13)";
    default: return "GTIN-14";
  }
}

// UPC-E (number system 0 or 1, six digits, check digit) to its UPC-A.
std::optional<std::string> upc_e_to_upc_a(std::string_view e) {
  if (e.size() != 8 || (e[0] != '0' && e[0] != '1')) return std::nullopt;
  const std::string_view d = e.substr(1, 6);
  std::string body(1, e[0]);
  switch (d[5]) {
    case '0':
    case '1':
    case '2': body += std::string(d.substr(0, 2)) + d[5] + "0000" + std::string(d.substr(2, 3)); break;
    case '3': body += std::string(d.substr(0, 3)) + "00000" + std::string(d.substr(3, 2)); break;
    case '4': body += std::string(d.substr(0, 4)) + "00000" + d[4]; break;
    default: body += std::string(d.substr(0, 5)) + "0000" + d[5]; break;
  }
  return body + e[7];
}

bool check_ok(std::string_view digits) {
  return gs1_check_digit(digits.substr(0, digits.size() - 1)) == digits.back();
}

Result<Code> accept(std::string digits, Code code) {
  code.kind = Kind::gtin;
  code.gtin = std::string(14 - digits.size(), '0') + digits;
  return code;
}

}  // namespace

Result<Code> parse_gtin(std::string_view s, std::size_t offset, GtinSymbology symbology, Code code) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_digit(s[i]))
      return fail("GTIN: " + describe_char(s[i]) + " at position " + pos(offset + i) +
                  " is not a digit (an EAN/UPC symbol carries only digits)");
  const std::size_t size = s.size();
  const bool size_ok = symbology == GtinSymbology::ean8      ? size == 8
                       : symbology == GtinSymbology::ean_upc ? (size == 8 || size == 12 || size == 13)
                                                             : (size == 8 || size == 12 || size == 13 || size == 14);
  if (!size_ok)
    return fail("GTIN: " + std::to_string(size) + " digits; " +
                (symbology == GtinSymbology::ean8      ? std::string("an EAN-8 symbol carries 8")
                 : symbology == GtinSymbology::ean_upc ? std::string("an EAN/UPC symbol carries 8 (UPC-E), 12 or 13")
                                                       : std::string("a GTIN has 8, 12, 13 or 14")));
  // An EAN/UPC symbol of 8 digits is UPC-E (EAN-8 has its own identifier
  // ]E4); a bare 8-digit number is EAN-8 unless only UPC-E fits.
  const bool upc_e_symbol = symbology == GtinSymbology::ean_upc && size == 8;
  if (!upc_e_symbol && check_ok(s)) return accept(std::string(s), std::move(code));
  if (size == 8 && symbology != GtinSymbology::ean8) {
    if (const auto upc_a = upc_e_to_upc_a(s); upc_a && check_ok(*upc_a)) return accept(*upc_a, std::move(code));
    if (upc_e_symbol) {
      const auto upc_a = upc_e_to_upc_a(s);
      if (!upc_a) return fail("UPC-E " + std::string(s) + ": the number system digit must be 0 or 1");
      return fail("UPC-E " + std::string(s) + ": check digit " + std::string(1, s.back()) +
                  " is wrong, the digits give " + std::string(1, gs1_check_digit(upc_a->substr(0, 11))) +
                  " (a digit is misread or misprinted)");
    }
  }
  return fail(gtin_name(size) + " " + std::string(s) + ": check digit " + std::string(1, s.back()) +
              " is wrong, the digits before it give " + std::string(1, gs1_check_digit(s.substr(0, size - 1))) +
              " (a digit is misread or misprinted)");
}

}  // namespace steritrack::codes::detail
