#pragma once
// A keyboard-wedge (HID) scanner on one station, read from its evdev node
// (/dev/input/event*, best a /dev/input/by-id/... path) and grabbed
// exclusively, so its keystrokes never type into a focused window. A missing
// or unplugged device is reopened with back-off. Asio stays in the .cpp.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "scan/keymap.hpp"
#include "scan/scanner_input.hpp"

namespace boost::asio {
class io_context;
}

namespace steritrack::scan {

struct EvdevOptions {
  std::string station{};  // for log lines
  std::string device{};   // e.g. /dev/input/by-id/usb-...-event-kbd
  std::optional<char> gs_substitute{};
  std::size_t max_length = kMaxScanLength;
  ReopenBackoff reopen{};
};

// Runs on `io`: construct, start() and stop() on the io_context's thread,
// and destroy it before `io`.
// Scans go to `on_scan` on that thread; dropped scans are logged.
class EvdevReader {
public:
  EvdevReader(boost::asio::io_context& io, EvdevOptions options, ScanHandler on_scan);
  ~EvdevReader();  // stops, which also releases the grab
  EvdevReader(const EvdevReader&) = delete;
  EvdevReader& operator=(const EvdevReader&) = delete;

  void start();
  void stop();
  bool is_open() const;

private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace steritrack::scan
