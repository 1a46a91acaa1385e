// The hardware scanner inputs through their real media: a serial scanner on a
// pseudo-terminal, a keyboard-wedge scanner as `struct input_event` records in
// a FIFO; each unplugged and plugged back in. No broker needed.
#include <utility>  // before Asio: Boost 1.74 with GCC 12 needs std::exchange declared

#include <boost/asio/io_context.hpp>

#include <fcntl.h>
#include <linux/input.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "scan/evdev_reader.hpp"
#include "scan/keymap.hpp"
#include "scan/serial_reader.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using steritrack::scan::EvdevOptions;
using steritrack::scan::EvdevReader;
using steritrack::scan::LineEnd;
using steritrack::scan::SerialOptions;
using steritrack::scan::SerialReader;
using steritrack::testkit::TempDir;

// Quick retries keep the tests short; the doubling is the same as in production.
constexpr steritrack::scan::ReopenBackoff kFastReopen{20ms, 160ms};

template <typename Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(20ms);
  }
  return true;
}

// Log lines written while it lives, for the stable event names.
class LogCapture {
public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "scan-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_, true));
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::size_t count(const std::string& event) const {
    const std::string text = lines_.str();
    std::size_t n = 0;
    for (auto at = text.find(event); at != std::string::npos; at = text.find(event, at + 1)) ++n;
    return n;
  }
  std::string text() const { return lines_.str(); }

private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream lines_;
};

// A pseudo-terminal standing in for a USB serial scanner: the reader opens
// the slave, the test writes what the scanner would send to the master.
class Pty {
public:
  Pty() {
    REQUIRE(::openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0);
    termios tio{};
    REQUIRE(::tcgetattr(slave_, &tio) == 0);
    ::cfmakeraw(&tio);  // as the scanner's bytes must arrive: no CR/LF translation, no echo
    REQUIRE(::tcsetattr(slave_, TCSANOW, &tio) == 0);
    char name[128];
    REQUIRE(::ptsname_r(master_, name, sizeof name) == 0);
    path_ = name;
  }
  ~Pty() { unplug(); }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  const std::string& path() const { return path_; }
  void send(std::string_view bytes) const {
    REQUIRE(::write(master_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  // Bytes sent but not yet read by the reader.
  int unread() const {
    int n = 0;
    REQUIRE(::ioctl(slave_, FIONREAD, &n) == 0);
    return n;
  }
  // Closing the master hangs the line up: the reader's read fails with EIO,
  // as when a USB serial adapter is pulled out.
  void unplug() {
    if (master_ >= 0) ::close(master_);
    if (slave_ >= 0) ::close(slave_);
    master_ = slave_ = -1;
  }

private:
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
};

// A FIFO standing in for /dev/input/eventN: the test writes the records a
// keyboard-wedge scanner makes the kernel produce.
class EventFifo {
public:
  explicit EventFifo(fs::path path) : path_(std::move(path)) {
    REQUIRE(::mkfifo(path_.c_str(), 0600) == 0);
    // O_RDWR never blocks on a FIFO and keeps it open for the reader.
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd_ >= 0);
  }
  ~EventFifo() { unplug(); }
  EventFifo(const EventFifo&) = delete;
  EventFifo& operator=(const EventFifo&) = delete;

  // Types `text` as a US keyboard would; '\n' is Enter, ASCII 29 is Ctrl+].
  void type(std::string_view text) const {
    std::vector<input_event> events;
    for (const char c : text) {
      if (c == '\n') {
        tap(events, KEY_ENTER);
      } else if (c == '\x1D') {
        key(events, KEY_LEFTCTRL, 1);
        tap(events, KEY_RIGHTBRACE);
        key(events, KEY_LEFTCTRL, 0);
      } else {
        const auto [code, shift] = key_for(c);
        if (shift) key(events, KEY_LEFTSHIFT, 1);
        tap(events, code);
        if (shift) key(events, KEY_LEFTSHIFT, 0);
      }
    }
    send(events);
  }
  void send(const std::vector<input_event>& events) const {
    const auto* bytes = reinterpret_cast<const char*>(events.data());
    const std::size_t size = events.size() * sizeof(input_event);
    REQUIRE(::write(fd_, bytes, size) == static_cast<ssize_t>(size));
  }
  void send_bytes(const void* bytes, std::size_t size) const {
    REQUIRE(::write(fd_, bytes, size) == static_cast<ssize_t>(size));
  }
  // Bytes written but not yet read by the reader.
  int unread() const {
    int n = 0;
    REQUIRE(::ioctl(fd_, FIONREAD, &n) == 0);
    return n;
  }
  // The node disappears and its last writer goes: the reader sees EOF.
  void unplug() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());
    ::close(fd_);
    fd_ = -1;
  }

  static input_event event(std::uint16_t type, std::uint16_t code, std::int32_t value) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    input_event ev{};
    ev.input_event_sec = now.tv_sec;
    ev.input_event_usec = now.tv_nsec / 1000;
    ev.type = type;
    ev.code = code;
    ev.value = value;
    return ev;
  }

private:
  static void key(std::vector<input_event>& events, std::uint16_t code, std::int32_t value) {
    events.push_back(event(EV_KEY, code, value));
    events.push_back(event(EV_SYN, SYN_REPORT, 0));
  }
  static void tap(std::vector<input_event>& events, std::uint16_t code) {
    key(events, code, 1);
    key(events, code, 0);
  }
  static std::pair<std::uint16_t, bool> key_for(char c) {
    for (std::uint16_t code = 1; code < 128; ++code) {
      for (const bool shift : {false, true}) {
        if (steritrack::scan::us_key_char(code, shift) == c) return {code, shift};
      }
    }
    FAIL("no key types '" << c << "'");
    return {0, false};
  }

  fs::path path_;
  int fd_ = -1;
};

}  // namespace

TEST_CASE("Serial scanner on a pty: CR, LF and CRLF lines become scans", "[scan][serial][pty]") {
  struct Case {
    LineEnd terminator;
    std::vector<std::string> writes;
  };
  // Each terminator with its own line end and the CRLF/LF/CR variant it tolerates.
  const std::vector<Case> cases = {
      {LineEnd::cr, {"U-0042\r", "T-ORTHO-03\r\n", "]d20109506000134352", "17281231" "10ABC\x1D" "21X9\r"}},
      {LineEnd::lf, {"U-0042\n", "T-ORTHO-03\r\n", "]d20109506000134352", "17281231" "10ABC\x1D" "21X9\n"}},
      {LineEnd::crlf, {"U-0042\r\n", "T-ORTHO-03\n", "]d20109506000134352", "17281231" "10ABC\x1D" "21X9\r\n"}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION("terminator " << steritrack::scan::to_string(c.terminator)) {
      boost::asio::io_context io;
      Pty pty;
      std::vector<std::string> scans;
      SerialReader reader(io, SerialOptions{.station = "desk", .device = pty.path(), .baud = 115200,
                                            .terminator = c.terminator, .reopen = kFastReopen},
                          [&](std::string text) { scans.push_back(std::move(text)); });
      reader.start();
      REQUIRE(reader.is_open());
      for (const auto& bytes : c.writes) pty.send(bytes);
      REQUIRE(run_until(io, [&] { return scans.size() == 3; }));
      CHECK(scans == std::vector<std::string>{"U-0042", "T-ORTHO-03",
                                              "]d2010950600013435217281231" "10ABC\x1D" "21X9"});
    }
  }
}

TEST_CASE("Serial scanner: the station's GS substitute becomes ASCII 29", "[scan][serial][pty]") {
  boost::asio::io_context io;
  Pty pty;
  std::vector<std::string> scans;
  SerialReader reader(io, SerialOptions{.station = "desk", .device = pty.path(), .gs_substitute = '~'},
                      [&](std::string text) { scans.push_back(std::move(text)); });
  reader.start();
  pty.send("0109506000134352" "10ABC~21X9\r");
  REQUIRE(run_until(io, [&] { return !scans.empty(); }));
  CHECK(scans.front() == "0109506000134352" "10ABC\x1D" "21X9");
}

TEST_CASE("Serial scanner unplugged and plugged back in is reopened", "[scan][serial][pty]") {
  TempDir dir;
  const fs::path link = dir / "scanner";  // as /dev/serial/by-id/... follows the device
  LogCapture log;
  boost::asio::io_context io;
  std::vector<std::string> scans;
  SerialReader reader(io, SerialOptions{.station = "desk", .device = link.string(), .reopen = kFastReopen},
                      [&](std::string text) { scans.push_back(std::move(text)); });

  auto first = std::make_unique<Pty>();
  fs::create_symlink(first->path(), link);
  reader.start();
  REQUIRE(reader.is_open());
  first->send("U-0001\r");
  REQUIRE(run_until(io, [&] { return scans.size() == 1; }));

  // Pulled out mid-scan: the half line must not prefix the next scan.
  first->send("T-HALF");
  fs::remove(link);
  first->unplug();
  REQUIRE(run_until(io, [&] { return !reader.is_open(); }));
  CHECK(log.count("scan.device_lost") == 1);
  // A few attempts find nothing; only the first of them warns.
  REQUIRE(run_until(io, [&] { return log.count("scan.device_open_failed") >= 3; }));
  CHECK(log.count("[warning] scan.device_open_failed") == 1);

  Pty second;
  fs::create_symlink(second.path(), link);
  REQUIRE(run_until(io, [&] { return reader.is_open(); }));
  CHECK(log.count("scan.device_opened") == 2);
  second.send("U-0002\r");
  REQUIRE(run_until(io, [&] { return scans.size() == 2; }));
  CHECK(scans == std::vector<std::string>{"U-0001", "U-0002"});

  reader.stop();
  CHECK_FALSE(reader.is_open());
  second.send("U-0003\r");
  io.restart();
  io.run_for(5s);  // returns as soon as the stopped reader's last handlers ran
  CHECK(io.stopped());
  // The pty hands bytes to the line discipline asynchronously: wait for them.
  REQUIRE(run_until(io, [&] { return second.unread() == 7; }));
  CHECK(scans.size() == 2);
}

TEST_CASE("Serial scanner missing at start is opened when it appears", "[scan][serial][pty]") {
  TempDir dir;
  const fs::path link = dir / "scanner";
  LogCapture log;
  boost::asio::io_context io;
  std::vector<std::string> scans;
  SerialReader reader(io, SerialOptions{.station = "desk", .device = link.string(), .reopen = kFastReopen},
                      [&](std::string text) { scans.push_back(std::move(text)); });
  reader.start();
  CHECK_FALSE(reader.is_open());
  CHECK(log.count("scan.device_open_failed") == 1);
  CHECK_THAT(log.text(), Catch::Contains("No such file or directory"));

  Pty pty;
  fs::create_symlink(pty.path(), link);
  REQUIRE(run_until(io, [&] { return reader.is_open(); }));
  pty.send("S-A\r");
  REQUIRE(run_until(io, [&] { return !scans.empty(); }));
  CHECK(scans.front() == "S-A");
}

TEST_CASE("Wedge scanner: input_event records become scans, GS substitute included", "[scan][evdev]") {
  TempDir dir;
  const fs::path node = dir / "event-kbd";
  LogCapture log;
  boost::asio::io_context io;
  std::vector<std::string> scans;
  EvdevOptions options{.station = "op1", .device = node.string(), .gs_substitute = '~', .reopen = kFastReopen};
  EvdevReader reader(io, options, [&](std::string text) { scans.push_back(std::move(text)); });

  EventFifo fifo(node);
  reader.start();
  REQUIRE(reader.is_open());
  // A FIFO is no evdev device: the grab fails, which is logged and tolerated.
  CHECK(log.count("scan.grab_failed") == 1);

  fifo.type("U-0042\n");
  fifo.type("]d2010950600013435217281231" "10ABC~21X9\n");  // '~' is this scanner's GS
  fifo.type("]C1" "0109506000134352" "10LOT7\x1D" "17281231\n");  // GS typed as Ctrl+]
  REQUIRE(run_until(io, [&] { return scans.size() == 3; }));
  CHECK(scans[0] == "U-0042");
  CHECK(scans[1] == "]d2010950600013435217281231" "10ABC\x1D" "21X9");
  CHECK(scans[2] == "]C1" "0109506000134352" "10LOT7\x1D" "17281231");

  // Records split across writes, as a pipe may deliver them.
  const std::vector<input_event> t_enter = {
      EventFifo::event(EV_MSC, MSC_SCAN, 0x70017), EventFifo::event(EV_KEY, KEY_T, 1),
      EventFifo::event(EV_SYN, SYN_REPORT, 0),     EventFifo::event(EV_KEY, KEY_T, 2),
      EventFifo::event(EV_KEY, KEY_T, 0),          EventFifo::event(EV_KEY, KEY_ENTER, 1),
      EventFifo::event(EV_KEY, KEY_ENTER, 0),      EventFifo::event(EV_SYN, SYN_REPORT, 0)};
  const auto* bytes = reinterpret_cast<const char*>(t_enter.data());
  const std::size_t size = t_enter.size() * sizeof(input_event);
  fifo.send_bytes(bytes, 37);
  REQUIRE(run_until(io, [&] { return fifo.unread() == 0; }));
  CHECK(scans.size() == 3);
  fifo.send_bytes(bytes + 37, size - 37);
  REQUIRE(run_until(io, [&] { return scans.size() == 4; }));
  CHECK(scans[3] == "t");
}

TEST_CASE("Wedge scanner: an overlong scan is dropped and logged", "[scan][evdev]") {
  TempDir dir;
  const fs::path node = dir / "event-kbd";
  LogCapture log;
  boost::asio::io_context io;
  std::vector<std::string> scans;
  EvdevReader reader(io, EvdevOptions{.station = "op1", .device = node.string(), .max_length = 16},
                     [&](std::string text) { scans.push_back(std::move(text)); });
  EventFifo fifo(node);
  reader.start();
  // Built in two steps: GCC 12 warns (-Warray-bounds, a false positive) on
  // std::string(17, 'x') + "..." at -O2.
  std::string overlong(17, 'x');
  overlong += "\nU-1\n";
  fifo.type(overlong);
  REQUIRE(run_until(io, [&] { return scans.size() == 1; }));
  CHECK(scans.front() == "U-1");
  CHECK(log.count("scan.dropped") == 1);
  CHECK_THAT(log.text(), Catch::Contains("scan longer than 16 characters"));
}

TEST_CASE("Wedge scanner unplugged and plugged back in is reopened", "[scan][evdev]") {
  TempDir dir;
  const fs::path node = dir / "event-kbd";
  LogCapture log;
  boost::asio::io_context io;
  std::vector<std::string> scans;
  EvdevReader reader(io, EvdevOptions{.station = "op1", .device = node.string(), .reopen = kFastReopen},
                     [&](std::string text) { scans.push_back(std::move(text)); });
  reader.start();  // nothing plugged in yet
  CHECK_FALSE(reader.is_open());
  CHECK(log.count("scan.device_open_failed") == 1);

  auto first = std::make_unique<EventFifo>(node);
  REQUIRE(run_until(io, [&] { return reader.is_open(); }));
  first->type("U-0001\n");
  REQUIRE(run_until(io, [&] { return scans.size() == 1; }));

  first->type("T-HALF");  // pulled out mid-scan
  REQUIRE(run_until(io, [&] { return first->unread() == 0; }));
  first->unplug();
  REQUIRE(run_until(io, [&] { return !reader.is_open(); }));
  CHECK(log.count("scan.device_lost") == 1);
  REQUIRE(run_until(io, [&] { return log.count("scan.device_open_failed") >= 3; }));

  EventFifo second(node);
  REQUIRE(run_until(io, [&] { return reader.is_open(); }));
  second.type("U-0002\n");
  REQUIRE(run_until(io, [&] { return scans.size() == 2; }));
  CHECK(scans == std::vector<std::string>{"U-0001", "U-0002"});
  CHECK(log.count("scan.device_opened") == 2);
}
