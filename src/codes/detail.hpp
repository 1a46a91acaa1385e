#pragma once
// Internals shared by the parsers of src/codes; not part of the codes API.
// Every parser takes the part of the scan it handles plus `offset`, the index
// of that part's first character in the text as received, so that reasons
// can name positions a person can count on the label.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "codes/code.hpp"

namespace steritrack::codes::detail {

bool is_digit(char c);
bool is_upper_alnum(char c);
bool all_digits(std::string_view s);

// "'A'", "GS (ASCII 29)", "a space", "byte 0x07": how a reason names a character.
std::string describe_char(char c);
// The text for a reason: control characters shown as <GS> or <0x07>, cut at
// `max` characters with "…".
std::string printable(std::string_view text, std::size_t max = 48);
// 1-based position for people.
std::string pos(std::size_t index);

// GS1 modulo-10 check digit of the digits that precede it.
char gs1_check_digit(std::string_view body);

// HIBC modulo-43: the value of a character (-1 outside the 43-character set)
// and the check character of a text.
int hibc_value(char c);
char hibc_check_character(std::string_view data);

std::chrono::year_month_day last_day_of_month(std::chrono::year y, std::chrono::month m);
// The GS1 century rule (General Specifications 7.12): the year of a two-digit
// year, relative to this year.
int gs1_full_year(int yy, int this_year);

Result<Code> parse_gs1_element_string(std::string_view data, std::size_t offset, const ParseOptions& options,
                                      Code code);
Result<Code> parse_gs1_hri(std::string_view data, std::size_t offset, const ParseOptions& options, Code code);

enum class GtinSymbology { any, ean_upc, ean8 };
Result<Code> parse_gtin(std::string_view digits, std::size_t offset, GtinSymbology symbology, Code code);

Result<Code> parse_hibc(std::string_view data, std::size_t offset, Code code);

}  // namespace steritrack::codes::detail
