#include <sstream>

#include <catch2/catch.hpp>

#include "cli/output.hpp"
#include "common/time_zone.hpp"

using namespace steritrack;
using namespace steritrack::cli;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string people(const Table& t, std::optional<std::size_t> width, const TimeZone* zone = nullptr) {
  std::ostringstream out;
  print(out, t, Format::table, Screen{zone, width});
  return out.str();
}

// Two alerts as `steritrack alerts` lists them.
Table alerts() {
  Table t{{"id", "kind", "subject", "severity", "state", "message", "first_seen", "last_seen", "acknowledged_by"}, {}};
  t.rows.push_back({std::int64_t{1}, std::string{"bi_positive"}, std::string{"A/1042"}, std::string{"critical"},
                    std::string{"open"},
                    std::string{"BI positive on A/1042 — recall the load: 2 packs in scope, 1 issued to a case"},
                    std::string{"2026-12-02T07:14:00Z"}, std::string{"2026-12-02T07:14:00Z"}, Cell{}});
  t.rows.push_back({std::int64_t{12}, std::string{"temperature"}, std::string{"B/311"}, std::string{"warning"},
                    std::string{"acknowledged"}, std::string{"lowest 131.2 °C at 2026-12-02T09:01:30Z, 3 × below"},
                    std::string{"2026-12-01T22:50:00Z"}, std::string{"2026-12-02T09:02:00Z"}, std::string{"U-0001"}});
  t.views["message"] = {.below = true};
  t.views["first_seen"] = {.time = true, .drop_rank = 3};
  t.views["last_seen"] = {.time = true};
  t.views["acknowledged_by"] = {.drop_rank = 2};
  t.views["state"] = {.drop_rank = 1};
  return t;
}

}  // namespace

TEST_CASE("display width counts columns on a terminal, not bytes", "[cli][output]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("—") == 1);        // 3 bytes
  CHECK(display_width("132.4 °C") == 8);  // ° is 2 bytes
  CHECK(display_width("3 × 2") == 5);
  CHECK(display_width("滅菌器") == 6);  // wide CJK: two columns each
  CHECK(display_width("ｘ") == 2);     // fullwidth
  CHECK(display_width("e\xCC\x81") == 1);  // e + combining acute
  CHECK(display_width("\xFF" "a") == 2);    // an invalid byte counts one
  CHECK(display_width("a\x1B[31mb") == 6);  // ESC takes no column; "[31m" is text
}

TEST_CASE("control characters never reach the terminal", "[cli][output]") {
  CHECK(printable("red\x1B[31m alert\x1B[0m") == "red[31m alert[0m");
  CHECK(printable("line one\r\nline two\tend") == "line one  line two end");
  CHECK(printable("bell\x07 del\x7F c1\xC2\x9B") == "bell del c1");
  CHECK(printable("abc\xE2\x80\xAE" "cba") == "abccba");  // right-to-left override
  CHECK(printable("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
  CHECK(printable("132 °C — ok 滅菌") == "132 °C — ok 滅菌");
}

TEST_CASE("text is cut to a width with an ellipsis, never inside a character", "[cli][output]") {
  CHECK(fit_to_width("short", 5) == "short");
  CHECK(fit_to_width("shorter", 5) == "shor…");
  CHECK(fit_to_width("a long word", 7) == "a long…");  // no space before the ellipsis
  CHECK(fit_to_width("°°°°°°", 4) == "°°°…");
  CHECK(fit_to_width("滅菌器の記録", 6) == "滅菌…");  // 4 + 1: a wide character does not fit in 1
  CHECK(display_width(fit_to_width("滅菌器の記録", 6)) <= 6);
  CHECK(fit_to_width("abc", 0).empty());
}

TEST_CASE("columns align by display width with UTF-8 text", "[cli][output]") {
  Table t{{"name", "temp"}, {}};
  t.rows.push_back({std::string{"°C—×"}, std::string{"x"}});
  t.rows.push_back({std::string{"滅菌"}, std::string{"y"}});
  t.rows.push_back({std::string{"ab"}, std::string{"z"}});
  const auto lines = lines_of(people(t, std::nullopt));
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "name  temp");
  CHECK(lines[1] == "----  ----");
  CHECK(lines[2] == "°C—×  x");
  CHECK(lines[3] == "滅菌  y");
  CHECK(lines[4] == "ab    z");
}

TEST_CASE("without a width every column is shown in full, times in the clinic's zone", "[cli][output]") {
  const auto lines = lines_of(people(alerts(), std::nullopt, &clinic_zone("Europe/Berlin")));
  REQUIRE(lines.size() == 4);
  CHECK_THAT(lines[0], Catch::StartsWith("id  kind         subject  severity  state         message"));
  CHECK_THAT(lines[2], Catch::Contains("1 issued to a case"));
  CHECK_THAT(lines[2], Catch::Contains("2026-12-02 08:14 CET  2026-12-02 08:14 CET"));
  // Times inside messages too.
  CHECK_THAT(lines[3], Catch::Contains("lowest 131.2 °C at 2026-12-02 10:01 CET, 3 × below"));
  CHECK(lines[3].find("2026-12-02T09:01:30Z") == std::string::npos);
}

TEST_CASE("on a narrow screen long texts go under their row, in full", "[cli][output]") {
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  SECTION("120 columns: the rest of the row fits with full times") {
    const auto lines = lines_of(people(alerts(), 120, &berlin));
    REQUIRE(lines.size() == 6);
    for (const auto& l : lines) CHECK(display_width(l) <= 120);
    CHECK(lines[0] == "id  kind         subject  severity  state         first_seen            last_seen             "
                      "acknowledged_by");
    CHECK(lines[2] == "1   bi_positive  A/1042   critical  open          2026-12-02 08:14 CET  2026-12-02 08:14 CET");
    CHECK(lines[3] == "    BI positive on A/1042 — recall the load: 2 packs in scope, 1 issued to a case");
    CHECK_THAT(lines[4], Catch::EndsWith("2026-12-02 10:02 CET  U-0001"));
    CHECK(lines[5] == "    lowest 131.2 °C at 2026-12-02 10:01 CET, 3 × below");
  }
  SECTION("80 columns: short times, the first time dropped") {
    const auto lines = lines_of(people(alerts(), 80, &berlin));
    REQUIRE(lines.size() == 7);
    for (const auto& l : lines) CHECK(display_width(l) <= 80);
    CHECK(lines[0] == "id  kind         subject  severity  state         last_seen CET  acknowledged_by");
    CHECK(lines[2] == "1   bi_positive  A/1042   critical  open          12-02 08:14");
    // The message is 78 columns: it wraps under the row, indented.
    CHECK(lines[3] == "    BI positive on A/1042 — recall the load: 2 packs in scope, 1 issued to a");
    CHECK(lines[4] == "    case");
    CHECK(lines[5] == "12  temperature  B/311    warning   acknowledged  12-02 10:02    U-0001");
  }
  SECTION("60 columns: the message wraps at words") {
    const auto lines = lines_of(people(alerts(), 60, &berlin));
    for (const auto& l : lines) CHECK(display_width(l) <= 60);
    CHECK(lines[0] == "id  kind         subject  severity  last_seen CET");
    CHECK(lines[3] == "    BI positive on A/1042 — recall the load: 2 packs in");
    CHECK(lines[4] == "    scope, 1 issued to a case");
  }
}

TEST_CASE("on a narrow screen columns are dropped by rank, then long texts cut", "[cli][output]") {
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  Table t{{"cycle", "program", "start", "operator", "load", "status"}, {}};
  t.rows.push_back({std::string{"B/311"}, std::string{"gravity-121-30"}, std::string{"2026-10-21T07:30:00Z"},
                    std::string{"U-0007"}, std::string{"T-EXAM-03"}, std::string{"released"}});
  t.rows.push_back({std::string{"A/1042"}, std::string{"prevac-132-4"}, std::string{"2026-12-02T06:06:00Z"},
                    std::string{"U-0007"}, std::string{"T-EXAM-01;T-SURG-01;T-ORTHO-03"}, std::string{"recalled"}});
  t.views = {{"start", {.time = true}},
             {"operator", {.drop_rank = 1}},
             {"program", {.shrink = true}},
             {"load", {.shrink = true}}};
  SECTION("wide enough: all in full") {
    const auto lines = lines_of(people(t, 100, &berlin));
    CHECK(lines[0] == "cycle   program         start                  operator  load                            status");
    CHECK(lines[2] == "B/311   gravity-121-30  2026-10-21 09:30 CEST  U-0007    T-EXAM-03                       released");
  }
  SECTION("short times across a change of daylight saving time name both") {
    const auto lines = lines_of(people(t, 90, &berlin));
    CHECK(lines[0] == "cycle   program         start CET/CEST  operator  load                            status");
    CHECK(lines[3] == "A/1042  prevac-132-4    12-02 07:06     U-0007    T-EXAM-01;T-SURG-01;T-ORTHO-03  recalled");
  }
  SECTION("then the operator goes, then the widest text is cut, alike") {
    const auto lines = lines_of(people(t, 60, &berlin));
    for (const auto& l : lines) CHECK(display_width(l) <= 60);
    CHECK(lines[0] == "cycle   program       start CET/CEST  load          status");
    CHECK(lines[2] == "B/311   gravity-121…  10-21 09:30     T-EXAM-03     released");
    CHECK(lines[3] == "A/1042  prevac-132-4  12-02 07:06     T-EXAM-01;T…  recalled");
  }
  SECTION("too narrow even after cutting: the rows overflow rather than lose columns that must stay") {
    const auto lines = lines_of(people(t, 20, &berlin));
    CHECK(lines[0] == "cycle   program  start CET/CEST  load    status");
    CHECK(lines[3] == "A/1042  prevac…  12-02 07:06     T-EXA…  recalled");
  }
}

TEST_CASE("words are wrapped by display width", "[cli][output]") {
  CHECK(wrap_to_width("one two three", 7) == std::vector<std::string>{"one two", "three"});
  CHECK(wrap_to_width("滅菌器 滅菌器", 7) == std::vector<std::string>{"滅菌器", "滅菌器"});
  CHECK(wrap_to_width("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(wrap_to_width("a  b", 10) == std::vector<std::string>{"a  b"});
  CHECK(wrap_to_width("", 10) == std::vector<std::string>{""});
}

TEST_CASE("CSV and JSON keep every column and RFC 3339 UTC", "[cli][output]") {
  std::ostringstream csv, json;
  print(csv, alerts(), Format::csv, Screen{&clinic_zone("Europe/Berlin"), 40});
  print(json, alerts(), Format::json, Screen{&clinic_zone("Europe/Berlin"), 40});
  CHECK_THAT(csv.str(), Catch::StartsWith("id,kind,subject,severity,state,message,first_seen,last_seen,acknowledged_by\n"));
  CHECK_THAT(csv.str(), Catch::Contains("2026-12-02T07:14:00Z,2026-12-02T07:14:00Z,"));
  CHECK_THAT(csv.str(), Catch::Contains("lowest 131.2 °C at 2026-12-02T09:01:30Z"));
  CHECK_THAT(json.str(), Catch::Contains("\"first_seen\": \"2026-12-01T22:50:00Z\""));
  CHECK_THAT(json.str(), Catch::Contains("1 issued to a case"));
}

TEST_CASE("the screen width comes from COLUMNS, else the terminal, else none", "[cli][output]") {
  CHECK(screen_width(-1, "80") == std::optional<std::size_t>{80});
  CHECK(screen_width(-1, "132") == std::optional<std::size_t>{132});
  CHECK_FALSE(screen_width(-1, nullptr));  // not a terminal, no COLUMNS: full text
  CHECK_FALSE(screen_width(-1, ""));
  CHECK_FALSE(screen_width(-1, "wide"));
  CHECK_FALSE(screen_width(-1, "0"));
  CHECK_FALSE(screen_width(-1, "80x"));
}
