#include "scan/evdev_reader.hpp"

#include "scan/device_loop.hpp"  // first: it orders <utility> before Asio

#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace steritrack::scan {

namespace asio = boost::asio;

class EvdevReader::Impl final : public DeviceLoop {
public:
  Impl(asio::io_context& io, EvdevOptions options, ScanHandler on_scan)
      : DeviceLoop(io, "evdev", options.station, options.device, options.reopen),
        stream_(io),
        keys_(options.gs_substitute, options.max_length),
        on_scan_(std::move(on_scan)) {}

private:
  boost::system::error_code open_device() override {
    const int fd = ::open(device().c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return {errno, boost::system::system_category()};
    if (::ioctl(fd, EVIOCGRAB, 1) != 0) {
      // Not fatal: scans still arrive, but may also type into a focused
      // window (or the node is no evdev device at all, e.g. a test's FIFO).
      spdlog::warn("scan.grab_failed station={} input={} device={} error=\"{}\"", station(), input(), device(),
                   std::strerror(errno));
    }
    boost::system::error_code ec;
    stream_.assign(fd, ec);
    if (ec) ::close(fd);
    return ec;
  }

  void close_device() override {
    boost::system::error_code ignored;
    stream_.close(ignored);  // closing the descriptor ends the grab
  }

  void read_some(asio::mutable_buffer buffer, ReadHandler handler) override {
    stream_.async_read_some(buffer, std::move(handler));
  }

  void received(std::string_view bytes) override {
    // The kernel hands out whole records; a pipe may split them.
    pending_.append(bytes);
    std::size_t at = 0;
    for (; pending_.size() - at >= sizeof(input_event); at += sizeof(input_event)) {
      input_event raw{};
      std::memcpy(&raw, pending_.data() + at, sizeof raw);
      auto scan = keys_.feed({raw.type, raw.code, raw.value});
      if (!scan) continue;
      if (*scan) {
        on_scan_(std::move(*scan).value());
      } else {
        log_dropped(scan->error());
      }
    }
    pending_.erase(0, at);
  }

  void restart_parsing() override {
    pending_.clear();
    keys_.reset();
  }

  asio::posix::stream_descriptor stream_;
  WedgeDecoder keys_;
  std::string pending_;
  ScanHandler on_scan_;
};

EvdevReader::EvdevReader(asio::io_context& io, EvdevOptions options, ScanHandler on_scan)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(on_scan))) {}

EvdevReader::~EvdevReader() { impl_->stop(); }

void EvdevReader::start() { impl_->start(); }
void EvdevReader::stop() { impl_->stop(); }
bool EvdevReader::is_open() const { return impl_->is_open(); }

}  // namespace steritrack::scan
