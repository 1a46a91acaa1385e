#pragma once
// What the hardware scanner inputs (serial, evdev) share.
#include <chrono>
#include <functional>
#include <string>

namespace steritrack::scan {

// Receives each completed scan text, on the io_context's thread.
using ScanHandler = std::function<void(std::string text)>;

// How soon a missing or unplugged scanner is tried again: `first`, doubling
// up to `max`; back to `first` once the device has delivered data.
struct ReopenBackoff {
  std::chrono::milliseconds first{500};
  std::chrono::milliseconds max{10'000};
};

}  // namespace steritrack::scan
