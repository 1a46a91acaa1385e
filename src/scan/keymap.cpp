#include "scan/keymap.hpp"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <utility>

namespace steritrack::scan {

namespace {

struct KeyChars {
  char normal;
  char shifted;
};

std::optional<KeyChars> us_layout(std::uint16_t code) {
  switch (code) {
    case KEY_1: return KeyChars{'1', '!'};
    case KEY_2: return KeyChars{'2', '@'};
    case KEY_3: return KeyChars{'3', '#'};
    case KEY_4: return KeyChars{'4', '$'};
    case KEY_5: return KeyChars{'5', '%'};
    case KEY_6: return KeyChars{'6', '^'};
    case KEY_7: return KeyChars{'7', '&'};
    case KEY_8: return KeyChars{'8', '*'};
    case KEY_9: return KeyChars{'9', '('};
    case KEY_0: return KeyChars{'0', ')'};
    case KEY_MINUS: return KeyChars{'-', '_'};
    case KEY_EQUAL: return KeyChars{'=', '+'};
    case KEY_TAB: return KeyChars{'\t', '\t'};
    case KEY_Q: return KeyChars{'q', 'Q'};
    case KEY_W: return KeyChars{'w', 'W'};
    case KEY_E: return KeyChars{'e', 'E'};
    case KEY_R: return KeyChars{'r', 'R'};
    case KEY_T: return KeyChars{'t', 'T'};
    case KEY_Y: return KeyChars{'y', 'Y'};
    case KEY_U: return KeyChars{'u', 'U'};
    case KEY_I: return KeyChars{'i', 'I'};
    case KEY_O: return KeyChars{'o', 'O'};
    case KEY_P: return KeyChars{'p', 'P'};
    case KEY_LEFTBRACE: return KeyChars{'[', '{'};
    case KEY_RIGHTBRACE: return KeyChars{']', '}'};
    case KEY_A: return KeyChars{'a', 'A'};
    case KEY_S: return KeyChars{'s', 'S'};
    case KEY_D: return KeyChars{'d', 'D'};
    case KEY_F: return KeyChars{'f', 'F'};
    case KEY_G: return KeyChars{'g', 'G'};
    case KEY_H: return KeyChars{'h', 'H'};
    case KEY_J: return KeyChars{'j', 'J'};
    case KEY_K: return KeyChars{'k', 'K'};
    case KEY_L: return KeyChars{'l', 'L'};
    case KEY_SEMICOLON: return KeyChars{';', ':'};
    case KEY_APOSTROPHE: return KeyChars{'\'', '"'};
    case KEY_GRAVE: return KeyChars{'`', '~'};
    case KEY_BACKSLASH: return KeyChars{'\\', '|'};
    case KEY_Z: return KeyChars{'z', 'Z'};
    case KEY_X: return KeyChars{'x', 'X'};
    case KEY_C: return KeyChars{'c', 'C'};
    case KEY_V: return KeyChars{'v', 'V'};
    case KEY_B: return KeyChars{'b', 'B'};
    case KEY_N: return KeyChars{'n', 'N'};
    case KEY_M: return KeyChars{'m', 'M'};
    case KEY_COMMA: return KeyChars{',', '<'};
    case KEY_DOT: return KeyChars{'.', '>'};
    case KEY_SLASH: return KeyChars{'/', '?'};
    case KEY_SPACE: return KeyChars{' ', ' '};
    case KEY_102ND: return KeyChars{'<', '>'};  // the extra key of ISO keyboards, as the US map types it
    case KEY_KPASTERISK: return KeyChars{'*', '*'};
    case KEY_KPMINUS: return KeyChars{'-', '-'};
    case KEY_KPPLUS: return KeyChars{'+', '+'};
    case KEY_KPDOT: return KeyChars{'.', '.'};
    case KEY_KPSLASH: return KeyChars{'/', '/'};
    case KEY_KPEQUAL: return KeyChars{'=', '='};
    case KEY_KPCOMMA: return KeyChars{',', ','};
    case KEY_KP0: return KeyChars{'0', '0'};
    case KEY_KP1: return KeyChars{'1', '1'};
    case KEY_KP2: return KeyChars{'2', '2'};
    case KEY_KP3: return KeyChars{'3', '3'};
    case KEY_KP4: return KeyChars{'4', '4'};
    case KEY_KP5: return KeyChars{'5', '5'};
    case KEY_KP6: return KeyChars{'6', '6'};
    case KEY_KP7: return KeyChars{'7', '7'};
    case KEY_KP8: return KeyChars{'8', '8'};
    case KEY_KP9: return KeyChars{'9', '9'};
    default: return std::nullopt;
  }
}

std::optional<unsigned> keypad_digit(std::uint16_t code) {
  switch (code) {
    case KEY_KP0: return 0;
    case KEY_KP1: return 1;
    case KEY_KP2: return 2;
    case KEY_KP3: return 3;
    case KEY_KP4: return 4;
    case KEY_KP5: return 5;
    case KEY_KP6: return 6;
    case KEY_KP7: return 7;
    case KEY_KP8: return 8;
    case KEY_KP9: return 9;
    default: return std::nullopt;
  }
}

bool is_letter_key(std::uint16_t code) {
  const auto chars = us_layout(code);
  return chars && chars->normal >= 'a' && chars->normal <= 'z';
}

// Keys that change no text: their state (if any) is tracked separately.
bool types_nothing(std::uint16_t code) {
  switch (code) {
    case KEY_NUMLOCK:
    case KEY_SCROLLLOCK:
    case KEY_LEFTMETA:
    case KEY_RIGHTMETA:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<char> us_key_char(std::uint16_t code, bool shift) {
  const auto chars = us_layout(code);
  if (!chars) return std::nullopt;
  return shift ? chars->shifted : chars->normal;
}

void apply_gs_substitute(std::string& text, std::optional<char> substitute) {
  if (substitute) std::replace(text.begin(), text.end(), *substitute, kGroupSeparator);
}

WedgeDecoder::WedgeDecoder(std::optional<char> gs_substitute, std::size_t max_length)
    : gs_substitute_(gs_substitute), max_length_(max_length) {}

void WedgeDecoder::reset() { *this = WedgeDecoder(gs_substitute_, max_length_); }

std::optional<Result<std::string>> WedgeDecoder::feed(const KeyEvent& event) {
  if (event.type == EV_SYN) {
    if (event.code == SYN_DROPPED) {
      // The kernel's buffer overflowed: keys of this scan are missing, and
      // the modifier releases may be among them.
      spoil("key events were lost (SYN_DROPPED)");
      left_shift_ = right_shift_ = left_ctrl_ = right_ctrl_ = left_alt_ = right_alt_ = false;
      alt_code_.reset();
      skipping_to_report_ = true;
    } else if (event.code == SYN_REPORT) {
      skipping_to_report_ = false;
    }
    return std::nullopt;
  }
  if (event.type != EV_KEY || skipping_to_report_ || event.code >= BTN_MISC) return std::nullopt;
  if (event.value == 1) return key_down(event.code);
  if (event.value == 0) return key_up(event.code);
  // value 2 is the kernel's auto-repeat: a scanner presses every key itself.
  return std::nullopt;
}

std::optional<Result<std::string>> WedgeDecoder::key_down(std::uint16_t code) {
  switch (code) {
    case KEY_LEFTSHIFT: left_shift_ = true; return std::nullopt;
    case KEY_RIGHTSHIFT: right_shift_ = true; return std::nullopt;
    case KEY_LEFTCTRL: left_ctrl_ = true; return std::nullopt;
    case KEY_RIGHTCTRL: right_ctrl_ = true; return std::nullopt;
    case KEY_LEFTALT: left_alt_ = true; return std::nullopt;
    case KEY_RIGHTALT: right_alt_ = true; return std::nullopt;
    case KEY_CAPSLOCK: caps_lock_ = !caps_lock_; return std::nullopt;
    case KEY_ENTER:
    case KEY_KPENTER: return finish();
    case KEY_BACKSPACE:
      if (!text_.empty()) text_.pop_back();
      return std::nullopt;
    default: break;
  }
  if (types_nothing(code)) return std::nullopt;

  const bool alt = left_alt_ || right_alt_;
  if (const auto digit = keypad_digit(code); alt && digit) {
    // Alt held while typing a decimal code on the keypad: the character is
    // typed when Alt is released (how scanners send GS as Alt+0029).
    const unsigned so_far = alt_code_.value_or(0);
    alt_code_ = so_far > 999 ? so_far : so_far * 10 + *digit;
    return std::nullopt;
  }

  const bool shift = left_shift_ || right_shift_;
  const auto typed = us_key_char(code, is_letter_key(code) ? shift != caps_lock_ : shift);
  if (!typed) {
    spoil("key code " + std::to_string(code) + " types no character");
    return std::nullopt;
  }
  if (!(left_ctrl_ || right_ctrl_)) return type(*typed);
  // Ctrl+key types the ASCII control code, as on a terminal: Ctrl+] is GS.
  const auto c = static_cast<unsigned char>(*typed);
  if (c < 0x41 || c > 0x7E || c == 0x60) {
    spoil(std::string("Ctrl+") + *typed + " types no ASCII character");
    return std::nullopt;
  }
  return type(static_cast<char>(c & 0x1F));
}

std::optional<Result<std::string>> WedgeDecoder::key_up(std::uint16_t code) {
  switch (code) {
    case KEY_LEFTSHIFT: left_shift_ = false; break;
    case KEY_RIGHTSHIFT: right_shift_ = false; break;
    case KEY_LEFTCTRL: left_ctrl_ = false; break;
    case KEY_RIGHTCTRL: right_ctrl_ = false; break;
    case KEY_LEFTALT: left_alt_ = false; break;
    case KEY_RIGHTALT: right_alt_ = false; break;
    default: return std::nullopt;
  }
  if (left_alt_ || right_alt_ || !alt_code_) return std::nullopt;
  const unsigned value = *alt_code_;
  alt_code_.reset();
  if (value == 0 || value > 127) {
    spoil("Alt+" + std::to_string(value) + " is not an ASCII character");
    return std::nullopt;
  }
  return type(static_cast<char>(value));
}

std::optional<Result<std::string>> WedgeDecoder::type(char c) {
  // CR and LF typed as Ctrl+M, Ctrl+J or Alt+013 end a scan like Enter does.
  if (c == '\r' || c == '\n') return finish();
  append(c);
  return std::nullopt;
}

std::optional<Result<std::string>> WedgeDecoder::finish() {
  std::string text = std::exchange(text_, {});
  std::string spoiled = std::exchange(spoiled_, {});
  alt_code_.reset();
  if (!spoiled.empty()) return Result<std::string>(fail(std::move(spoiled)));
  if (text.empty()) return std::nullopt;  // a lone Enter is no scan
  apply_gs_substitute(text, gs_substitute_);
  return Result<std::string>(std::move(text));
}

void WedgeDecoder::append(char c) {
  if (!spoiled_.empty()) return;
  if (text_.size() >= max_length_) {
    spoil("scan longer than " + std::to_string(max_length_) + " characters");
    return;
  }
  text_.push_back(c);
}

void WedgeDecoder::spoil(std::string reason) {
  // The first problem is the one worth reporting; what follows is its echo.
  if (spoiled_.empty()) spoiled_ = std::move(reason);
  text_.clear();
}

}  // namespace steritrack::scan
