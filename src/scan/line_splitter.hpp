#pragma once
// Serial scanners: a byte stream cut into scans at the scanner's suffix.
// Pure, so every way a line can arrive is unit-tested.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "scan/keymap.hpp"

namespace steritrack::scan {

// The suffix a serial scanner sends after each scan (station `terminator`).
enum class LineEnd { cr, lf, crlf };
std::optional<LineEnd> line_end_from_string(std::string_view text);  // "CR", "LF", "CRLF"
std::string_view to_string(LineEnd end);

// Cuts at the configured terminator and trims CR and LF from both ends of a
// line, so a scanner sending CRLF where CR or LF is configured (or the other
// way round) still gives clean scans; empty lines are no scans. A line longer
// than the limit is dropped with a reason (usually a suffix set wrongly).
class LineSplitter {
public:
  explicit LineSplitter(LineEnd end, std::optional<char> gs_substitute = std::nullopt,
                        std::size_t max_length = kMaxScanLength);

  // The scans (or why each was dropped) that `bytes` complete.
  std::vector<Result<std::string>> feed(std::string_view bytes);

  // Forgets a partial line, e.g. after the device was unplugged.
  void reset();

private:
  LineEnd end_;
  std::optional<char> gs_substitute_;
  std::size_t max_length_;
  std::string line_;
  bool overlong_ = false;  // the line being received is past the limit: skip to its end
};

}  // namespace steritrack::scan
