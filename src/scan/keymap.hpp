#pragma once
// Keyboard-wedge scanners: turning Linux key events (evdev) into scan texts.
// Pure: no I/O, so every key sequence a scanner can send is unit-tested.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace steritrack::scan {

constexpr char kGroupSeparator = '\x1D';  // ASCII 29, GS1's FNC1 separator
constexpr std::size_t kMaxScanLength = 4096;

// The character a US keyboard types for a Linux key code
// (linux/input-event-codes.h), with or without shift. Keypad keys type as if
// Num Lock were on: scanners send keypad digits and expect digits. Keys that
// type nothing printable (modifiers, Enter, function keys) have none.
std::optional<char> us_key_char(std::uint16_t code, bool shift);

// Replaces every `substitute` in `text` with ASCII 29. Scanners that cannot
// send GS send a stand-in character instead, named per station in the config.
void apply_gs_substitute(std::string& text, std::optional<char> substitute);

// One `struct input_event`, without its timestamp.
struct KeyEvent {
  std::uint16_t type = 0;
  std::uint16_t code = 0;
  std::int32_t value = 0;
};

// Assembles key events into scans: characters until Enter (or keypad Enter).
// Shift (either side), Caps Lock (letters only), Ctrl+key (ASCII control
// codes, so Ctrl+] is GS) and Alt+keypad decimal codes (Alt+0029 is GS) are
// understood. Key repeats are ignored and releases only change modifiers.
// A scan with a key that types nothing, with events the kernel dropped, or
// longer than the limit is dropped as a whole, with a reason.
class WedgeDecoder {
public:
  explicit WedgeDecoder(std::optional<char> gs_substitute = std::nullopt,
                        std::size_t max_length = kMaxScanLength);

  // Returns a finished scan (its text, or why it was dropped) when `event`
  // ends one; nothing while a scan is still being typed.
  std::optional<Result<std::string>> feed(const KeyEvent& event);

  // Forgets a half-typed scan and the modifier state, e.g. after the device
  // was unplugged and opened again.
  void reset();

private:
  std::optional<Result<std::string>> key_down(std::uint16_t code);
  std::optional<Result<std::string>> key_up(std::uint16_t code);
  std::optional<Result<std::string>> type(char c);
  std::optional<Result<std::string>> finish();
  void append(char c);
  void spoil(std::string reason);

  std::optional<char> gs_substitute_;
  std::size_t max_length_;
  std::string text_;
  std::string spoiled_;  // why the scan being typed will be dropped; empty when fine
  bool left_shift_ = false;
  bool right_shift_ = false;
  bool left_ctrl_ = false;
  bool right_ctrl_ = false;
  bool left_alt_ = false;
  bool right_alt_ = false;
  bool caps_lock_ = false;
  bool skipping_to_report_ = false;  // after SYN_DROPPED, until the next SYN_REPORT
  std::optional<unsigned> alt_code_;  // decimal digits typed on the keypad while Alt is held
};

}  // namespace steritrack::scan
