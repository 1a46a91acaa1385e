// steritrackd: the clinic's scan, sterilizer and alert daemon.
// Exit codes: 0 clean stop, 1 runtime failure, 2 usage, 3 config error,
// 4 database/schema error.
#include <cstring>
#include <iostream>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/config.hpp"
#include "app/daemon.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

namespace {

void usage() {
  std::cerr << "usage: steritrackd --config FILE [--check-config]\n"
               "  --config FILE    the TOML config (default /etc/steritrack/steritrack.toml)\n"
               "  --check-config   validate the config and exit (0 valid, 3 invalid)\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = "/etc/steritrack/steritrack.toml";
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else {
      std::cerr << "steritrackd: unknown argument " << arg << '\n';
      usage();
      return 2;
    }
  }
  // Logs go to stderr (journald under systemd); stdout stays for --check-config.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("steritrackd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  try {
    steritrack::app::Config config = steritrack::app::load_config(config_path);
    if (check_only) {
      steritrack::app::check_devices(config);
      std::cout << config_path << ": ok (" << config.stations.size() << " stations, " << config.sterilizers.size()
                << " sterilizers)\n";
      return 0;
    }
    steritrack::app::Daemon daemon(std::move(config), config_path);
    return daemon.run();
  } catch (const steritrack::app::ConfigError& e) {
    std::cerr << "steritrackd: config error: " << e.what() << '\n';
    return 3;
  } catch (const steritrack::store::SchemaError& e) {
    spdlog::critical("db.schema_error error=\"{}\"", e.what());
    return 4;
  } catch (const steritrack::store::DatabaseError& e) {
    spdlog::critical("db.open_failed error=\"{}\"", e.what());
    return 4;
  } catch (const std::exception& e) {
    spdlog::critical("daemon.failed error=\"{}\"", e.what());
    return 1;
  }
}
