// The daemon's life cycle around its config: what --check-config refuses,
// readiness for systemd with the broker down, reloads that apply whole or
// are refused by name, and a minimal config with no data folder.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "integration/cycle_run.hpp"
#include "integration/fixture.hpp"
#include "store/sqlite.hpp"
#include "support/paths.hpp"

using namespace steritrack::testkit;
using Catch::Contains;

namespace {

struct CheckResult {
  std::optional<int> code;
  std::string err;
};

CheckResult check_config(TempDir& dir, const std::string& toml) {
  const auto cfg = dir.write("check.toml", toml);
  const auto err = dir / "check.err";
  std::filesystem::remove(err);
  Process p({test_paths::daemon(), "--check-config", "--config", cfg.string()},
            {.stdout_path = dir / "check.out", .stderr_path = err, .append = false, .extra_env = {}});
  CheckResult r;
  r.code = p.wait_for(30s);
  r.err = read_file(err);
  return r;
}

const std::string kMinimal = "[database]\npath = \"x.db\"\n[[station]]\nid = \"desk\"\n";

// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    timeval tv{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifySocket() { ::close(fd_); }
  // Everything the daemon said within `timeout`, until `needle` appears.
  std::string wait_for(const std::string& needle, std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) said_.append(buf, static_cast<std::size_t>(n)).append("\n");
      if (said_.find(needle) != std::string::npos) break;
    }
    return said_;
  }

private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::string said_;
};

}  // namespace

TEST_CASE("check-config refuses an unknown time zone by its key", "[daemon][config]") {
  TempDir dir;
  const auto r = check_config(dir, kMinimal + "[policy]\ntimezone = \"Mars/Olympus\"\n");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Contains("check.toml: policy.timezone:") && Contains("Mars/Olympus"));
  CHECK(check_config(dir, kMinimal + "[policy]\ntimezone = \"Europe/Berlin\"\n").code == 0);
}

TEST_CASE("check-config loads the device profiles a sterilizer names", "[daemon][config]") {
  TempDir dir;
  const auto r = check_config(dir, kMinimal + "[[sterilizer]]\nid = \"A\"\nprofile = \"no-such-profile\"\n");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Contains("no-such-profile"));
  // The shipped profiles are built in: no data folder is needed.
  CHECK(check_config(dir, kMinimal + "[devices]\ndir = \"/nonexistent\"\n[[sterilizer]]\nid = \"A\"\n"
                                     "profile = \"tuttnauer-line\"\n")
            .code == 0);
}

TEST_CASE("check-config refuses unreadable credential files and malformed device paths", "[daemon][config]") {
  TempDir dir;
  auto r = check_config(dir, "[database]\npath = \"x.db\"\n[mqtt]\nusername = \"d\"\npassword_file = \"" +
                                 (dir / "missing").string() + "\"\n");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Contains("mqtt.password_file: cannot read"));
  r = check_config(dir, "[database]\npath = \"x.db\"\n[mqtt]\nca_file = \"/nonexistent/ca.pem\"\n");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Contains("mqtt.ca_file"));
  r = check_config(dir, "[database]\npath = \"x.db\"\n[[station]]\nid = \"s\"\ninput = \"serial\"\n"
                        "device = \"ttyACM0\"\n");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Contains("station[0].device: must be an absolute path"));
}

TEST_CASE("the daemon tells systemd it is ready while the broker is down", "[daemon]") {
  TempDir dir;
  NotifySocket notify(dir / "notify");
  // A port nothing listens on: the daemon keeps trying with back-off.
  const auto cfg = dir.write("d.toml", "[database]\npath = \"" + (dir / "d.db").string() +
                                           "\"\n[mqtt]\nurl = \"tcp://127.0.0.1:1\"\n[[station]]\nid = \"desk\"\n");
  Process daemon({test_paths::daemon(), "--config", cfg.string()},
                 {.stdout_path = dir / "out", .stderr_path = dir / "err", .append = false,
                  .extra_env = {"NOTIFY_SOCKET=" + (dir / "notify").string()}});
  const auto said = notify.wait_for("READY=1", 20s);
  CHECK_THAT(said, Contains("READY=1"));
  CHECK(daemon.running());
  CHECK(eventually([&] { return read_file(dir / "err").find("mqtt.connect_failed") != std::string::npos; }, 10s));
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_for(30s) == 0);
}

TEST_CASE("a sterilizer added by SIGHUP has its next cycle recorded", "[daemon][config][cycle]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  const std::string config = read_file(daemon.config_path());
  daemon.write_config(config + "\n[[sterilizer]]\nid = \"C\"\nname = \"Autoclave C\"\ntype = \"prevac\"\n"
                               "profile = \"generic-json\"\n");
  daemon.signal(SIGHUP);
  INFO(daemon.log());
  REQUIRE(daemon.wait_log("config.reloaded"));
  CHECK_THAT(daemon.log(), Contains("sterilizers=2"));
  const auto r = run_command(sim_args(broker, {"--sterilizer", "C", "--cycle", "7", "--start", hours_ago(1),
                                               "--interval", "10", "--speed", "0"}),
                             120s);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  require_verdict(daemon, "C/7", "pass");
  CHECK(daemon.log_count("unknown sterilizer") == 0);
  CHECK(daemon.terminate() == 0);
}

TEST_CASE("a reload that only a restart can apply is refused by name and changes nothing", "[daemon][config]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  std::string config = read_file(daemon.config_path());
  const auto at = config.find("client_id = ");
  REQUIRE(at != std::string::npos);
  config.insert(at, "keepalive_s = 45\n");
  daemon.write_config(config + "\n[[sterilizer]]\nid = \"C\"\n");
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_log("config.reload_refused"));
  CHECK_THAT(daemon.log(), Contains("[mqtt] changed"));
  CHECK(daemon.log_count("config.reloaded") == 0);
  // The old config stays whole: C was not recorded.
  steritrack::store::Connection db(daemon.db_path());
  CHECK(db.query_int("SELECT count(*) FROM sterilizers WHERE id = 'C'") == 0);
  CHECK(daemon.terminate() == 0);
}
