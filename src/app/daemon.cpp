#include "app/daemon.hpp"

// Asio needs <utility> first with Boost 1.74 + GCC 12 in C++20.
#include <utility>

#include <boost/asio.hpp>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <atomic>
#include <map>

#include "alerts/alerts.hpp"
#include "app/scan_service.hpp"
#include "common/time.hpp"
#include "inventory/station_modes.hpp"
#include "inventory/stock_alerts.hpp"
#include "mqtt/client.hpp"
#include "stations/station.hpp"
#include "store/migrations.hpp"
#include "store/writer.hpp"

namespace steritrack::app {
namespace asio = boost::asio;

namespace {

// Sterilizers are wiring: the daemon records them so the CLI and the log can name them.
void record_wiring(store::Connection& db, const Config& config) {
  store::Transaction tx(db);
  for (const auto& s : config.sterilizers)
    db.execute(
        "INSERT INTO sterilizers (id, name, type, profile) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, profile = excluded.profile",
        s.id, s.name, s.type, s.profile);
  tx.commit();
}

}  // namespace

struct Daemon::Impl {
  Impl(Config cfg, std::string path)
      : config(std::move(cfg)), config_path(std::move(path)), signals(io, SIGINT, SIGTERM, SIGHUP),
        watchdog_timer(io), rules_timer(io) {}

  Config config;
  std::string config_path;
  SystemClock clock;
  asio::io_context io;
  asio::signal_set signals;
  asio::steady_timer watchdog_timer;
  asio::steady_timer rules_timer;
  std::unique_ptr<store::Writer> writer;
  std::unique_ptr<mqtt::Client> mqtt;
  stations::Dispatcher dispatcher;
  std::unique_ptr<ScanService> scans;
  bool ready_sent = false;
  bool stopping = false;
  std::int64_t published_alert_seq = 0;
  std::atomic<std::uint64_t> rejected_messages{0};

  std::string topic(std::string_view rest) const { return config.mqtt.topic_prefix + "/" + std::string{rest}; }

  void open_database() {
    store::Connection db(config.database_path, store::OpenMode::create);
    const int applied = store::migrate(db);
    if (applied > 0) spdlog::info("db.migrated path={} applied={}", config.database_path, applied);
    record_wiring(db, config);
    writer = std::make_unique<store::Writer>(config.database_path, store::Writer::Options{},
                                             [this] { asio::post(io, [this] { publish_alert_changes(); }); });
    spdlog::info("db.opened path={}", config.database_path);
  }

  // Publishes every alert changed since the last publish: the retained
  // state, or an empty retained message when it resolved. Runs on the loop;
  // the query runs on the writer so it sees every commit in order.
  void publish_alert_changes() {
    if (!mqtt || stopping) return;
    const std::int64_t since = published_alert_seq;
    writer->submit(
        [this, since](store::Connection& db) {
          auto changed = alerts::changed_since(db, since);
          asio::post(io, [this, changed = std::move(changed)] {
            for (const auto& a : changed) {
              const std::string t = alerts::topic(config.mqtt.topic_prefix, a.kind, a.subject);
              mqtt->publish(t, a.state == "resolved" ? std::string{} : alerts::payload(a), 1, true);
              published_alert_seq = std::max(published_alert_seq, a.change_seq);
            }
          });
        },
        {});
  }

  void submit_scan(ScanRequest request) {
    auto feedback = std::make_shared<ScanFeedback>();
    const std::string station = request.station;
    writer->submit([this, request = std::move(request), feedback](
                       store::Connection& db) { *feedback = scans->process(db, request, clock.now()); },
                   [this, feedback, station](std::exception_ptr error) {
                     asio::post(io, [this, feedback, station, error] { on_scan_committed(station, *feedback, error); });
                   });
  }

  void on_scan_committed(const std::string& station, ScanFeedback fb, std::exception_ptr error) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("scan.not_committed station={} error=\"{}\"", station, e.what());
      }
      fb.ok = false;
      fb.message = "Not saved (database error); scan again";
      fb.ts = format_rfc3339(clock.now());
    } else {
      spdlog::info("scan.{} station={} mode={} code=\"{}\" message=\"{}\"{}",
                   fb.ok ? "accepted" : "refused", station, fb.mode, fb.code, fb.message,
                   fb.duplicate ? " duplicate=true" : "");
    }
    publish_feedback(station, fb);
    publish_alert_changes();
  }

  void publish_feedback(const std::string& station, const ScanFeedback& fb) {
    if (!mqtt) return;
    mqtt->publish(topic("station/" + station + "/feedback"), feedback_json(fb), 1, false);
  }

  void refuse_message(const std::string& topic_name, const std::string& reason) {
    ++rejected_messages;
    spdlog::warn("mqtt.rejected topic={} reason=\"{}\" total={}", topic_name, reason, rejected_messages.load());
  }

  void on_message(const mqtt::Message& msg) {
    if (stopping) return;
    const std::string scan_prefix = topic("scan/");
    if (msg.topic.rfind(scan_prefix, 0) == 0) {
      std::string rest = msg.topic.substr(scan_prefix.size());
      if (rest.find('/') != std::string::npos) {
        refuse_message(msg.topic, "unexpected scan topic");
        return;
      }
      if (!scans_for_station(rest)) {
        refuse_message(msg.topic, "station \"" + rest + "\" is not in the config");
        return;
      }
      auto request = parse_scan_payload(rest, msg.payload);
      if (!request) {
        refuse_message(msg.topic, request.error());
        ScanFeedback fb;
        fb.ok = false;
        fb.code = msg.payload.size() > 200 ? msg.payload.substr(0, 200) : msg.payload;
        fb.message = "Refused: " + request.error();
        fb.ts = format_rfc3339(clock.now());
        publish_feedback(rest, fb);
        return;
      }
      submit_scan(std::move(*request));
      return;
    }
    refuse_message(msg.topic, "no handler for this topic");
  }

  bool scans_for_station(const std::string& id) const {
    for (const auto& s : config.stations)
      if (s.id == id) return true;
    return false;
  }

  void start_mqtt() {
    mqtt = std::make_unique<mqtt::Client>(config.mqtt, [this](std::function<void()> f) { asio::post(io, std::move(f)); });
    mqtt->on_message([this](const mqtt::Message& m) { on_message(m); });
    mqtt->on_connected([this](bool) {
      // Retained alert topics must match the database after every (re)connect.
      published_alert_seq = 0;
      publish_alert_changes();
      if (!ready_sent) {
        ready_sent = true;
        sd_notify(0, "READY=1\nSTATUS=Running");
        spdlog::info("daemon.ready");
      }
    });
    mqtt->subscribe({topic("scan/+"), topic("scan/+/image"), topic("sterilizer/+/event")});
    mqtt->start();
  }

  void arm_watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0) return;
    const auto half = std::chrono::microseconds(usec / 2);
    watchdog_timer.expires_after(half);
    watchdog_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      sd_notify(0, "WATCHDOG=1");
      arm_watchdog();
    });
  }

  void arm_rules_timer() {
    rules_timer.expires_after(std::chrono::seconds(config.alert_check_interval_s));
    rules_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      check_time_rules();
      arm_rules_timer();
    });
  }

  // Time-based alert rules read the clock now, never a date from start-up.
  void check_time_rules() {
    writer->submit([this](store::Connection& db) { inventory::check_dates(db, clock.now(), config.policy); },
                   [this](std::exception_ptr error) {
                     if (error) {
                       try {
                         std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                         spdlog::error("alerts.check_failed error=\"{}\"", e.what());
                       }
                     }
                     asio::post(io, [this] { publish_alert_changes(); });
                   });
  }

  void reload() {
    try {
      Config staged = load_config(config_path);
      if (staged.database_path != config.database_path || staged.mqtt.url != config.mqtt.url ||
          staged.mqtt.client_id != config.mqtt.client_id)
        spdlog::warn("config.reload_partial reason=\"database and mqtt settings apply after a restart\"");
      staged.database_path = config.database_path;
      staged.mqtt = config.mqtt;
      config = std::move(staged);
      spdlog::info("config.reloaded path={}", config_path);
    } catch (const ConfigError& e) {
      spdlog::error("config.reload_failed error=\"{}\" kept=previous", e.what());
    }
  }

  void wait_signals() {
    signals.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        sd_notify(0, "RELOADING=1");
        reload();
        sd_notify(0, "READY=1");
        wait_signals();
        return;
      }
      spdlog::info("daemon.stopping signal={}", sig);
      sd_notify(0, "STOPPING=1");
      shutdown();
    });
  }

  void shutdown() {
    stopping = true;
    watchdog_timer.cancel();
    rules_timer.cancel();
    // Commit what is queued, publish its feedback, then say offline.
    writer->stop();
    io.poll();
    if (mqtt) mqtt->stop();
    io.stop();
  }

  int run() {
    open_database();
    dispatcher.set_handler(stations::Mode::receive, std::make_shared<inventory::ReceiveMode>());
    dispatcher.set_handler(stations::Mode::consume, std::make_shared<inventory::ConsumeMode>());
    dispatcher.set_handler(stations::Mode::count, std::make_shared<inventory::CountMode>());
    scans = std::make_unique<ScanService>(config, dispatcher);
    // Dates moved while the daemon was down: check them before the first tick.
    check_time_rules();
    wait_signals();
    start_mqtt();
    arm_watchdog();
    arm_rules_timer();
    io.run();
    spdlog::info("daemon.stopped rejected_messages={}", rejected_messages.load());
    return 0;
  }
};

Daemon::Daemon(Config config, std::string config_path)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(config_path))) {}
Daemon::~Daemon() = default;
int Daemon::run() { return impl_->run(); }

}  // namespace steritrack::app
