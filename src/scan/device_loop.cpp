#include "scan/device_loop.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace steritrack::scan {

DeviceLoop::DeviceLoop(boost::asio::io_context& io, std::string input, std::string station, std::string device,
                       ReopenBackoff backoff)
    : timer_(io),
      input_(std::move(input)),
      station_(std::move(station)),
      device_(std::move(device)),
      backoff_(backoff),
      delay_(backoff.first) {}

void DeviceLoop::start() {
  if (running_) return;
  running_ = true;
  try_open();
}

void DeviceLoop::stop() {
  running_ = false;
  ++epoch_;
  timer_.cancel();
  if (open_) {
    open_ = false;
    close_device();
  }
}

void DeviceLoop::try_open() {
  if (!running_) return;
  if (const auto ec = open_device()) {
    if (!failure_logged_) {
      spdlog::warn("scan.device_open_failed station={} input={} device={} error=\"{}\" retry_ms={}", station_,
                   input_, device_, ec.message(), delay_.count());
      failure_logged_ = true;
    } else {
      spdlog::debug("scan.device_open_failed station={} input={} device={} error=\"{}\" retry_ms={}", station_,
                    input_, device_, ec.message(), delay_.count());
    }
    schedule_reopen();
    return;
  }
  open_ = true;
  failure_logged_ = false;
  restart_parsing();
  spdlog::info("scan.device_opened station={} input={} device={}", station_, input_, device_);
  read();
}

void DeviceLoop::schedule_reopen() {
  timer_.expires_after(delay_);
  delay_ = std::min(delay_ * 2, backoff_.max);
  timer_.async_wait([self = shared_from_this(), epoch = epoch_](const boost::system::error_code& ec) {
    if (!ec && epoch == self->epoch_) self->try_open();
  });
}

void DeviceLoop::read() {
  read_some(boost::asio::buffer(buffer_),
            [self = shared_from_this(), epoch = epoch_](const boost::system::error_code& ec, std::size_t n) {
              if (!self->running_ || epoch != self->epoch_) return;
              if (ec) {
                // A serial line pulled out (or hung up) reads as EOF or EIO,
                // an evdev node as ENODEV, a pipe whose writer went as EOF.
                spdlog::warn("scan.device_lost station={} input={} device={} error=\"{}\"", self->station_,
                             self->input_, self->device_, ec.message());
                self->open_ = false;
                self->close_device();
                self->schedule_reopen();
                return;
              }
              self->delay_ = self->backoff_.first;
              self->received(std::string_view(self->buffer_.data(), n));
              if (self->running_ && epoch == self->epoch_) self->read();
            });
}

void DeviceLoop::log_dropped(const std::string& reason) const {
  spdlog::warn("scan.dropped station={} input={} device={} reason=\"{}\"", station_, input_, device_, reason);
}

}  // namespace steritrack::scan
