#pragma once
// A serial scanner (USB CDC-ACM, RS-232 adapter) on one station: 8N1 raw at
// the configured baud, one scan per line. A missing or unplugged device is
// reopened with back-off. Asio stays in the .cpp.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "scan/keymap.hpp"
#include "scan/line_splitter.hpp"
#include "scan/scanner_input.hpp"

namespace boost::asio {
class io_context;
}

namespace steritrack::scan {

struct SerialOptions {
  std::string station{};  // for log lines
  std::string device{};   // e.g. /dev/serial/by-id/usb-...-if00
  int baud = 9600;
  LineEnd terminator = LineEnd::cr;
  std::optional<char> gs_substitute{};
  std::size_t max_length = kMaxScanLength;
  ReopenBackoff reopen{};
};

// Runs on `io`: construct, start() and stop() on the io_context's thread,
// and destroy it before `io`.
// Scans go to `on_scan` on that thread; dropped lines are logged.
class SerialReader {
public:
  SerialReader(boost::asio::io_context& io, SerialOptions options, ScanHandler on_scan);
  ~SerialReader();  // stops
  SerialReader(const SerialReader&) = delete;
  SerialReader& operator=(const SerialReader&) = delete;

  void start();
  void stop();
  bool is_open() const;

private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace steritrack::scan
