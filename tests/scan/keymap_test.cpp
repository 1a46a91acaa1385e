#include <linux/input-event-codes.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scan/keymap.hpp"

namespace {

using steritrack::scan::KeyEvent;
using steritrack::scan::WedgeDecoder;

// What a scanner sends for one key: press, SYN, release, SYN.
void tap(std::vector<KeyEvent>& out, std::uint16_t code) {
  out.push_back({EV_KEY, code, 1});
  out.push_back({EV_SYN, SYN_REPORT, 0});
  out.push_back({EV_KEY, code, 0});
  out.push_back({EV_SYN, SYN_REPORT, 0});
}

void hold(std::vector<KeyEvent>& out, std::uint16_t modifier, std::initializer_list<std::uint16_t> codes) {
  out.push_back({EV_KEY, modifier, 1});
  for (const auto code : codes) tap(out, code);
  out.push_back({EV_KEY, modifier, 0});
}

struct Fed {
  std::vector<std::string> scans;
  std::vector<std::string> dropped;
};

Fed feed(WedgeDecoder& decoder, const std::vector<KeyEvent>& events) {
  Fed fed;
  for (const auto& event : events) {
    if (auto scan = decoder.feed(event)) {
      if (*scan) {
        fed.scans.push_back(scan->value());
      } else {
        fed.dropped.push_back(scan->error());
      }
    }
  }
  return fed;
}

}  // namespace

TEST_CASE("US key map: letters, digits, punctuation, with and without shift", "[scan][keymap]") {
  using steritrack::scan::us_key_char;
  CHECK(us_key_char(KEY_A, false) == 'a');
  CHECK(us_key_char(KEY_A, true) == 'A');
  CHECK(us_key_char(KEY_Z, true) == 'Z');
  CHECK(us_key_char(KEY_1, false) == '1');
  CHECK(us_key_char(KEY_1, true) == '!');
  CHECK(us_key_char(KEY_0, false) == '0');
  CHECK(us_key_char(KEY_0, true) == ')');
  CHECK(us_key_char(KEY_4, true) == '$');
  CHECK(us_key_char(KEY_5, true) == '%');
  CHECK(us_key_char(KEY_MINUS, false) == '-');
  CHECK(us_key_char(KEY_MINUS, true) == '_');
  CHECK(us_key_char(KEY_EQUAL, true) == '+');
  CHECK(us_key_char(KEY_RIGHTBRACE, false) == ']');
  CHECK(us_key_char(KEY_RIGHTBRACE, true) == '}');
  CHECK(us_key_char(KEY_SEMICOLON, true) == ':');
  CHECK(us_key_char(KEY_APOSTROPHE, true) == '"');
  CHECK(us_key_char(KEY_GRAVE, true) == '~');
  CHECK(us_key_char(KEY_BACKSLASH, true) == '|');
  CHECK(us_key_char(KEY_SLASH, false) == '/');
  CHECK(us_key_char(KEY_SLASH, true) == '?');
  CHECK(us_key_char(KEY_DOT, false) == '.');
  CHECK(us_key_char(KEY_SPACE, false) == ' ');
  CHECK(us_key_char(KEY_KP7, false) == '7');
  CHECK(us_key_char(KEY_KP0, true) == '0');
  CHECK(us_key_char(KEY_KPMINUS, false) == '-');
  CHECK(us_key_char(KEY_KPPLUS, false) == '+');
  CHECK(us_key_char(KEY_KPSLASH, false) == '/');
  CHECK(us_key_char(KEY_KPDOT, false) == '.');
  CHECK_FALSE(us_key_char(KEY_ENTER, false));
  CHECK_FALSE(us_key_char(KEY_LEFTSHIFT, false));
  CHECK_FALSE(us_key_char(KEY_F1, false));
  CHECK_FALSE(us_key_char(KEY_ESC, false));
}

TEST_CASE("Wedge: letters with left and right shift, digits, Enter ends the scan", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  hold(events, KEY_LEFTSHIFT, {KEY_T});
  tap(events, KEY_MINUS);
  hold(events, KEY_RIGHTSHIFT, {KEY_O, KEY_R, KEY_T, KEY_H, KEY_O});
  tap(events, KEY_MINUS);
  tap(events, KEY_0);
  tap(events, KEY_3);
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  REQUIRE(fed.scans == std::vector<std::string>{"T-ORTHO-03"});
  CHECK(fed.dropped.empty());
}

TEST_CASE("Wedge: shift applies only while held", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  hold(events, KEY_LEFTSHIFT, {KEY_A, KEY_1});
  tap(events, KEY_A);
  tap(events, KEY_1);
  tap(events, KEY_KPENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"A!a1"});
}

TEST_CASE("Wedge: keypad digits and keypad Enter", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  for (const auto code : {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9})
    tap(events, code);
  tap(events, KEY_KPENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"0123456789"});
}

TEST_CASE("Wedge: punctuation of HIBC and symbology identifiers", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  hold(events, KEY_LEFTSHIFT, {KEY_EQUAL, KEY_H});
  tap(events, KEY_1);
  tap(events, KEY_SLASH);
  hold(events, KEY_LEFTSHIFT, {KEY_4, KEY_4, KEY_5});
  tap(events, KEY_DOT);
  tap(events, KEY_SPACE);
  tap(events, KEY_ENTER);
  tap(events, KEY_RIGHTBRACE);
  tap(events, KEY_D);
  tap(events, KEY_2);
  tap(events, KEY_ENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"+H1/$$%. ", "]d2"});
}

TEST_CASE("Wedge: Caps Lock inverts letters only", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  tap(events, KEY_CAPSLOCK);
  tap(events, KEY_A);
  tap(events, KEY_1);
  hold(events, KEY_LEFTSHIFT, {KEY_B, KEY_2});
  tap(events, KEY_CAPSLOCK);
  tap(events, KEY_C);
  tap(events, KEY_ENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"A1b@c"});
}

TEST_CASE("Wedge: the station's GS substitute becomes ASCII 29", "[scan][keymap]") {
  WedgeDecoder decoder('~');
  std::vector<KeyEvent> events;
  for (const auto code : {KEY_0, KEY_1, KEY_0, KEY_9, KEY_5, KEY_0, KEY_6, KEY_0, KEY_0, KEY_0, KEY_1, KEY_3, KEY_4,
                          KEY_3, KEY_5, KEY_2, KEY_1, KEY_0})
    tap(events, code);
  hold(events, KEY_LEFTSHIFT, {KEY_A, KEY_B, KEY_C, KEY_GRAVE});  // Shift+` types the substitute '~'
  tap(events, KEY_2);
  tap(events, KEY_1);
  hold(events, KEY_LEFTSHIFT, {KEY_X});
  tap(events, KEY_9);
  tap(events, KEY_ENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"010950600013435210ABC\x1D" "21X9"});
}

TEST_CASE("Wedge: without a substitute the character stays", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  hold(events, KEY_LEFTSHIFT, {KEY_GRAVE});
  tap(events, KEY_ENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"~"});
}

TEST_CASE("Wedge: Ctrl and the right bracket key (either Ctrl) types GS directly", "[scan][keymap]") {
  WedgeDecoder decoder('\x1D');  // the config's "^]"
  std::vector<KeyEvent> events;
  tap(events, KEY_1);
  tap(events, KEY_0);
  tap(events, KEY_A);
  hold(events, KEY_LEFTCTRL, {KEY_RIGHTBRACE});
  tap(events, KEY_2);
  tap(events, KEY_1);
  hold(events, KEY_RIGHTCTRL, {KEY_RIGHTBRACE});
  tap(events, KEY_B);
  tap(events, KEY_ENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"10a\x1D" "21\x1D" "b"});
}

TEST_CASE("Wedge: Ctrl+M ends a scan like Enter, Ctrl with a digit is dropped", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  tap(events, KEY_X);
  hold(events, KEY_LEFTCTRL, {KEY_M});
  tap(events, KEY_Y);
  hold(events, KEY_LEFTCTRL, {KEY_5});
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  CHECK(fed.scans == std::vector<std::string>{"x"});
  REQUIRE(fed.dropped.size() == 1);
  CHECK(fed.dropped[0] == "Ctrl+5 types no ASCII character");
}

TEST_CASE("Wedge: Alt+0029 on the keypad types GS", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  tap(events, KEY_1);
  tap(events, KEY_0);
  hold(events, KEY_LEFTALT, {KEY_KP0, KEY_KP0, KEY_KP2, KEY_KP9});
  tap(events, KEY_2);
  hold(events, KEY_LEFTALT, {KEY_KP2, KEY_KP5, KEY_KP6});  // not ASCII: the scan is dropped
  tap(events, KEY_ENTER);
  tap(events, KEY_3);
  hold(events, KEY_RIGHTALT, {KEY_KP2, KEY_KP9});
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  CHECK(fed.scans == std::vector<std::string>{"3\x1D"});
  REQUIRE(fed.dropped.size() == 1);
  CHECK(fed.dropped[0] == "Alt+256 is not an ASCII character");
}

TEST_CASE("Wedge: key repeats are ignored, releases type nothing", "[scan][keymap]") {
  WedgeDecoder decoder;
  const std::vector<KeyEvent> events = {
      {EV_MSC, MSC_SCAN, 0x70004}, {EV_KEY, KEY_A, 1}, {EV_SYN, SYN_REPORT, 0}, {EV_KEY, KEY_A, 2},
      {EV_KEY, KEY_A, 2},          {EV_KEY, KEY_A, 0}, {EV_KEY, KEY_B, 0},      {EV_KEY, KEY_B, 1},
      {EV_KEY, KEY_ENTER, 1},      {EV_KEY, KEY_ENTER, 2}, {EV_KEY, KEY_ENTER, 0}, {EV_LED, LED_NUML, 1},
  };
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"ab"});
}

TEST_CASE("Wedge: Enter alone is no scan", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  tap(events, KEY_ENTER);
  tap(events, KEY_KPENTER);
  const auto fed = feed(decoder, events);
  CHECK(fed.scans.empty());
  CHECK(fed.dropped.empty());
}

TEST_CASE("Wedge: Num Lock, Scroll Lock and Meta type nothing, Backspace erases", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  tap(events, KEY_NUMLOCK);
  tap(events, KEY_A);
  tap(events, KEY_X);
  tap(events, KEY_BACKSPACE);
  tap(events, KEY_SCROLLLOCK);
  tap(events, KEY_LEFTMETA);
  tap(events, KEY_B);
  tap(events, KEY_ENTER);
  CHECK(feed(decoder, events).scans == std::vector<std::string>{"ab"});
}

TEST_CASE("Wedge: a key that types nothing drops that scan only", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  tap(events, KEY_A);
  tap(events, KEY_F5);
  tap(events, KEY_B);
  tap(events, KEY_ENTER);
  tap(events, KEY_C);
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  CHECK(fed.scans == std::vector<std::string>{"c"});
  CHECK(fed.dropped == std::vector<std::string>{"key code 63 types no character"});
}

TEST_CASE("Wedge: a scan longer than the limit is dropped with a reason", "[scan][keymap]") {
  WedgeDecoder decoder(std::nullopt, 8);
  std::vector<KeyEvent> events;
  for (int i = 0; i < 8; ++i) tap(events, KEY_7);
  tap(events, KEY_ENTER);
  for (int i = 0; i < 9; ++i) tap(events, KEY_8);
  tap(events, KEY_ENTER);
  tap(events, KEY_9);
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  CHECK(fed.scans == std::vector<std::string>{"77777777", "9"});
  CHECK(fed.dropped == std::vector<std::string>{"scan longer than 8 characters"});
}

TEST_CASE("Wedge: the default limit is 4096 characters", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  for (int i = 0; i < 4096; ++i) tap(events, KEY_1);
  tap(events, KEY_ENTER);
  for (int i = 0; i < 4097; ++i) tap(events, KEY_2);
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  REQUIRE(fed.scans.size() == 1);
  CHECK(fed.scans[0] == std::string(4096, '1'));
  CHECK(fed.dropped == std::vector<std::string>{"scan longer than 4096 characters"});
}

TEST_CASE("Wedge: events the kernel dropped spoil the scan and reset modifiers", "[scan][keymap]") {
  WedgeDecoder decoder;
  std::vector<KeyEvent> events;
  events.push_back({EV_KEY, KEY_LEFTSHIFT, 1});
  tap(events, KEY_A);
  events.push_back({EV_SYN, SYN_DROPPED, 0});
  events.push_back({EV_KEY, KEY_B, 1});  // ignored until the next SYN_REPORT
  events.push_back({EV_SYN, SYN_REPORT, 0});
  tap(events, KEY_ENTER);
  tap(events, KEY_C);  // the shift release was lost: no longer shifted
  tap(events, KEY_ENTER);
  const auto fed = feed(decoder, events);
  CHECK(fed.scans == std::vector<std::string>{"c"});
  CHECK(fed.dropped == std::vector<std::string>{"key events were lost (SYN_DROPPED)"});
}

TEST_CASE("Wedge: reset forgets a half-typed scan and held modifiers", "[scan][keymap]") {
  WedgeDecoder decoder('~');
  std::vector<KeyEvent> before;
  before.push_back({EV_KEY, KEY_LEFTSHIFT, 1});
  tap(before, KEY_A);
  feed(decoder, before);
  decoder.reset();
  std::vector<KeyEvent> after;
  tap(after, KEY_B);
  hold(after, KEY_LEFTSHIFT, {KEY_GRAVE});
  tap(after, KEY_ENTER);
  CHECK(feed(decoder, after).scans == std::vector<std::string>{"b\x1D"});
}

TEST_CASE("apply_gs_substitute", "[scan][keymap]") {
  std::string text = "10A|21B|";
  steritrack::scan::apply_gs_substitute(text, '|');
  CHECK(text == "10A\x1D" "21B\x1D");
  std::string unchanged = "10A|21B";
  steritrack::scan::apply_gs_substitute(unchanged, std::nullopt);
  CHECK(unchanged == "10A|21B");
}
