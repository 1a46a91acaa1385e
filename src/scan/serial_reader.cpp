#include "scan/serial_reader.hpp"

#include "scan/device_loop.hpp"  // first: it orders <utility> before Asio

#include <boost/asio/serial_port.hpp>

namespace steritrack::scan {

namespace asio = boost::asio;

class SerialReader::Impl final : public DeviceLoop {
public:
  Impl(asio::io_context& io, SerialOptions options, ScanHandler on_scan)
      : DeviceLoop(io, "serial", options.station, options.device, options.reopen),
        port_(io),
        baud_(options.baud),
        lines_(options.terminator, options.gs_substitute, options.max_length),
        on_scan_(std::move(on_scan)) {}

private:
  boost::system::error_code open_device() override {
    boost::system::error_code ec;
    // Asio opens with O_NOCTTY and puts the line in raw mode; the options
    // below make it 8N1 without flow control whatever it was before.
    port_.open(device(), ec);
    if (ec) return ec;
    using P = asio::serial_port_base;
    port_.set_option(P::baud_rate(static_cast<unsigned>(baud_)), ec);
    if (!ec) port_.set_option(P::character_size(8), ec);
    if (!ec) port_.set_option(P::parity(P::parity::none), ec);
    if (!ec) port_.set_option(P::stop_bits(P::stop_bits::one), ec);
    if (!ec) port_.set_option(P::flow_control(P::flow_control::none), ec);
    if (ec) close_device();
    return ec;
  }

  void close_device() override {
    boost::system::error_code ignored;
    port_.close(ignored);
  }

  void read_some(asio::mutable_buffer buffer, ReadHandler handler) override {
    port_.async_read_some(buffer, std::move(handler));
  }

  void received(std::string_view bytes) override {
    for (auto& line : lines_.feed(bytes)) {
      if (line) {
        on_scan_(std::move(line).value());
      } else {
        log_dropped(line.error());
      }
    }
  }

  void restart_parsing() override { lines_.reset(); }

  asio::serial_port port_;
  int baud_;
  LineSplitter lines_;
  ScanHandler on_scan_;
};

SerialReader::SerialReader(asio::io_context& io, SerialOptions options, ScanHandler on_scan)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(on_scan))) {}

SerialReader::~SerialReader() { impl_->stop(); }

void SerialReader::start() { impl_->start(); }
void SerialReader::stop() { impl_->stop(); }
bool SerialReader::is_open() const { return impl_->is_open(); }

}  // namespace steritrack::scan
