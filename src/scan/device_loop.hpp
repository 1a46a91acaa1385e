#pragma once
// Private to src/scan: the open / read / reopen-with-back-off cycle shared by
// the serial and evdev readers. Includes Asio, so only their .cpp files
// include it.
#include <utility>  // before Asio: Boost 1.74 with GCC 12 needs std::exchange declared

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "scan/scanner_input.hpp"

namespace steritrack::scan {

class DeviceLoop : public std::enable_shared_from_this<DeviceLoop> {
public:
  using ReadHandler = std::function<void(const boost::system::error_code&, std::size_t)>;

  DeviceLoop(boost::asio::io_context& io, std::string input, std::string station, std::string device,
             ReopenBackoff backoff);
  virtual ~DeviceLoop() = default;
  DeviceLoop(const DeviceLoop&) = delete;
  DeviceLoop& operator=(const DeviceLoop&) = delete;

  void start();
  void stop();
  bool is_open() const { return open_; }

protected:
  // Opens the device; on failure nothing stays open.
  virtual boost::system::error_code open_device() = 0;
  virtual void close_device() = 0;
  virtual void read_some(boost::asio::mutable_buffer buffer, ReadHandler handler) = 0;
  // Bytes read; called only while running. Partial data is the reader's to keep.
  virtual void received(std::string_view bytes) = 0;
  // Forget partial data: the device was (re)opened.
  virtual void restart_parsing() = 0;

  void log_dropped(const std::string& reason) const;
  const std::string& station() const { return station_; }
  const std::string& device() const { return device_; }
  const std::string& input() const { return input_; }

private:
  void try_open();
  void schedule_reopen();
  void read();

  boost::asio::steady_timer timer_;
  std::string input_;
  std::string station_;
  std::string device_;
  ReopenBackoff backoff_;
  std::chrono::milliseconds delay_;
  bool running_ = false;
  std::uint64_t epoch_ = 0;  // bumped by stop(): handlers of an earlier run do nothing
  bool open_ = false;
  bool failure_logged_ = false;  // one warning per outage; further failed attempts log at debug
  std::array<char, 4096> buffer_{};
};

}  // namespace steritrack::scan
