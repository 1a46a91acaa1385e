#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scan/line_splitter.hpp"

namespace {

using steritrack::scan::LineEnd;
using steritrack::scan::LineSplitter;

struct Lines {
  std::vector<std::string> scans;
  std::vector<std::string> dropped;
};

Lines feed(LineSplitter& splitter, std::initializer_list<std::string_view> chunks) {
  Lines lines;
  for (const auto chunk : chunks) {
    for (auto& line : splitter.feed(chunk)) {
      if (line) {
        lines.scans.push_back(line.value());
      } else {
        lines.dropped.push_back(line.error());
      }
    }
  }
  return lines;
}

using Texts = std::vector<std::string>;

}  // namespace

TEST_CASE("Line ends from the config", "[scan][serial]") {
  using steritrack::scan::line_end_from_string;
  CHECK(line_end_from_string("CR") == LineEnd::cr);
  CHECK(line_end_from_string("LF") == LineEnd::lf);
  CHECK(line_end_from_string("CRLF") == LineEnd::crlf);
  CHECK_FALSE(line_end_from_string("cr"));
  CHECK_FALSE(line_end_from_string("TAB"));
}

TEST_CASE("CR terminator: CR and CRLF lines", "[scan][serial]") {
  LineSplitter splitter(LineEnd::cr);
  CHECK(feed(splitter, {"U-0042\r", "T-ORTHO-03\r\n", "CMD-DONE\r"}).scans ==
        Texts{"U-0042", "T-ORTHO-03", "CMD-DONE"});
}

TEST_CASE("LF terminator: LF and CRLF lines", "[scan][serial]") {
  LineSplitter splitter(LineEnd::lf);
  CHECK(feed(splitter, {"U-0042\n", "T-1\r\n", "\n", "S-A\n"}).scans == Texts{"U-0042", "T-1", "S-A"});
}

TEST_CASE("CRLF terminator: CRLF and LF lines", "[scan][serial]") {
  LineSplitter splitter(LineEnd::crlf);
  CHECK(feed(splitter, {"U-0042\r\n", "T-1\n", "S-A\r\n"}).scans == Texts{"U-0042", "T-1", "S-A"});
}

TEST_CASE("A line split across reads, several lines in one read", "[scan][serial]") {
  LineSplitter splitter(LineEnd::cr);
  CHECK(feed(splitter, {"]d2010", "9506000134352", "17281231\rC-2026", "-1187\rL-STORE-2\r"}).scans ==
        Texts{"]d20109506000134352" "17281231", "C-2026-1187", "L-STORE-2"});
}

TEST_CASE("GS passes through, the substitute becomes GS", "[scan][serial]") {
  LineSplitter plain(LineEnd::cr);
  CHECK(feed(plain, {"10ABC\x1D" "21X\r"}).scans == Texts{"10ABC\x1D" "21X"});
  LineSplitter substituted(LineEnd::cr, '~');
  CHECK(feed(substituted, {"10ABC~21X\r"}).scans == Texts{"10ABC\x1D" "21X"});
}

TEST_CASE("Empty lines are no scans", "[scan][serial]") {
  LineSplitter splitter(LineEnd::cr);
  const auto lines = feed(splitter, {"\r\r\n\r"});
  CHECK(lines.scans.empty());
  CHECK(lines.dropped.empty());
}

TEST_CASE("A line over the limit is dropped, the next one is fine", "[scan][serial]") {
  LineSplitter splitter(LineEnd::cr, std::nullopt, 8);
  const auto lines = feed(splitter, {"12345678\r", "123456789\r", std::string(100, 'x'), "\r", "ok\r"});
  CHECK(lines.scans == Texts{"12345678", "ok"});
  CHECK(lines.dropped.size() == 2);
  CHECK(lines.dropped[0] == "line longer than 8 bytes before its CR terminator (does the scanner's suffix match?)");
}

TEST_CASE("A scanner sending LF to a CR station runs into the limit with a hint", "[scan][serial]") {
  LineSplitter splitter(LineEnd::cr, std::nullopt, 16);
  const auto lines = feed(splitter, {"U-0042\nT-ORTHO-03\nS-A\n", "\r"});
  CHECK(lines.scans.empty());
  REQUIRE(lines.dropped.size() == 1);
  CHECK_THAT(lines.dropped[0], Catch::Contains("CR terminator"));
}

TEST_CASE("reset forgets a partial line", "[scan][serial]") {
  LineSplitter splitter(LineEnd::cr);
  CHECK(feed(splitter, {"T-OR"}).scans.empty());
  splitter.reset();
  CHECK(feed(splitter, {"U-1\r"}).scans == Texts{"U-1"});
}
