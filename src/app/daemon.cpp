#include "app/daemon.hpp"

// Asio needs <utility> first with Boost 1.74 + GCC 12 in C++20.
#include <utility>

#include <boost/asio.hpp>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <map>
#include <optional>

#include "alerts/publisher.hpp"
#include "app/scan_service.hpp"
#include "common/time.hpp"
#include "inventory/station_modes.hpp"
#include "inventory/stock_alerts.hpp"
#include "mqtt/client.hpp"
#include "report/chain.hpp"
#include "scan/image_decoder.hpp"
#include "scan/evdev_reader.hpp"
#include "scan/line_splitter.hpp"
#include "scan/serial_reader.hpp"
#include "stations/station.hpp"
#include "sterilization/cycle_recorder.hpp"
#include "sterilization/indicators.hpp"
#include "sterilization/profiles.hpp"
#include "sterilization/programs.hpp"
#include "sterilization/station_modes.hpp"
#include "sterilization/workflow.hpp"
#include "store/migrations.hpp"
#include "store/writer.hpp"

namespace steritrack::app {
namespace asio = boost::asio;

namespace {

// Sterilizers are wiring: the daemon records them so the CLI and the log
// can name them. Inside the caller's transaction (the writer's, on reload).
void record_wiring(store::Connection& db, const Config& config) {
  for (const auto& s : config.sterilizers)
    db.execute(
        "INSERT INTO sterilizers (id, name, type, profile) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, profile = excluded.profile",
        s.id, s.name, s.type, s.profile);
}

// Programs and device profiles are read at start and on SIGHUP; an error
// names the file and key and is a config error.
struct DeviceSetup {
  sterilization::ProgramCatalog programs;
  std::unique_ptr<sterilization::ProfileRouter> router;
};

DeviceSetup load_devices(const Config& config) {
  DeviceSetup d;
  try {
    d.programs = sterilization::ProgramCatalog::standard_and(config.devices_dir);
    d.programs.add(config.programs);
    std::vector<sterilization::DeviceProfile> profiles;
    std::map<std::string, std::string> by_sterilizer;
    for (const auto& s : config.sterilizers) {
      by_sterilizer[s.id] = s.profile;
      const bool loaded = std::any_of(profiles.begin(), profiles.end(), [&](const auto& p) { return p.name == s.profile; });
      if (!loaded) profiles.push_back(sterilization::find_profile(config.devices_dir + "/profiles", s.profile));
    }
    d.router = std::make_unique<sterilization::ProfileRouter>(profiles, by_sterilizer, config.mqtt.topic_prefix);
  } catch (const sterilization::ProgramError& e) {
    throw ConfigError(e.what());
  } catch (const sterilization::ProfileError& e) {
    throw ConfigError(e.what());
  }
  return d;
}

// What a reload cannot apply while running, named for the log; nullopt when
// the new config can be applied whole.
std::optional<std::string> restart_only_change(const Config& running, const Config& staged) {
  if (staged.database_path != running.database_path) return "database.path changed";
  if (!(staged.mqtt == running.mqtt)) return "[mqtt] changed";
  if (staged.alert_check_interval_s != running.alert_check_interval_s) return "alerts.check_interval_s changed";
  // Scanners on serial or evdev devices are opened at start; MQTT stations
  // need no subscription of their own (scan/+), so they may come and go.
  auto devices = [](const Config& c) {
    std::vector<StationConfig> out;
    for (const auto& s : c.stations)
      if (s.input != "mqtt") out.push_back(s);
    return out;
  };
  if (devices(staged) != devices(running)) return "a serial or evdev station changed";
  return std::nullopt;
}

}  // namespace

void check_devices(const Config& config) { load_devices(config); }

struct Daemon::Impl {
  Impl(Config cfg, std::string path)
      : loop_config(std::make_shared<const Config>(std::move(cfg))), writer_config(loop_config),
        config_path(std::move(path)), prefix(loop_config->mqtt.topic_prefix),
        check_interval(loop_config->alert_check_interval_s), signals(io, SIGINT, SIGTERM, SIGHUP),
        watchdog_timer(io), rules_timer(io) {}

  // Each thread reads its own immutable snapshot of the config: the loop
  // `loop_config`, the writer's jobs `writer_config`. A reload makes a new
  // snapshot and each thread swaps in its copy itself, so no thread ever
  // reads a config another is replacing.
  std::shared_ptr<const Config> loop_config;
  std::shared_ptr<const Config> writer_config;
  std::string config_path;
  const std::string prefix;
  const int check_interval;
  SystemClock clock;
  asio::io_context io;
  asio::signal_set signals;
  asio::steady_timer watchdog_timer;
  asio::steady_timer rules_timer;
  std::unique_ptr<store::Writer> writer;
  std::unique_ptr<mqtt::Client> mqtt;
  stations::Dispatcher dispatcher;
  std::unique_ptr<ScanService> scans;
  DeviceSetup devices;
  std::unique_ptr<sterilization::Workflow> workflow;
  std::unique_ptr<sterilization::CycleRecorder> recorder;
  std::unique_ptr<alerts::Publisher> alert_publisher;  // used on the writer thread only
  std::vector<std::unique_ptr<scan::SerialReader>> serial_readers;
  std::vector<std::unique_ptr<scan::EvdevReader>> evdev_readers;
  // Image decoding takes milliseconds to seconds: it runs off the loop.
  scan::ImageDecoder image_decoder;
  asio::thread_pool decode_pool{1};
  // Retained alert topics seen right after a connect, for the resync.
  std::vector<std::string> retained_alert_topics;
  asio::steady_timer resync_timer{io};
  // Keeps the loop running from SIGTERM until MQTT has stopped (shutdown()).
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> stop_guard;
  bool stopping = false;
  std::uint64_t rejected_messages = 0;

  std::string topic(std::string_view rest) const { return prefix + "/" + std::string{rest}; }

  void open_database() {
    const Config& config = *loop_config;
    store::Connection db(config.database_path, store::OpenMode::create);
    const int applied = store::migrate(db);
    if (applied > 0) spdlog::info("db.migrated path={} applied={}", config.database_path, applied);
    {
      store::Transaction tx(db);
      record_wiring(db, config);
      tx.commit();
    }
    writer = std::make_unique<store::Writer>(config.database_path, store::Writer::Options{},
                                             [this] { asio::post(io, [this] { publish_alert_changes(); }); });
    spdlog::info("db.opened path={}", config.database_path);
  }

  // Publishes the alerts changed by every commit so far (ours and the
  // CLI's). Runs on the writer, after the commits it reports on.
  void publish_alert_changes() {
    if (stopping) return;
    writer->submit([this](store::Connection& db) { alert_publisher->publish_changes(db); }, {});
  }

  // After a (re)connect the broker's retained alert topics are made to
  // match the database: the retained ones that arrived since the connect
  // are compared with the unresolved alerts.
  void resync_alerts() {
    writer->submit(
        [this, topics = std::move(retained_alert_topics)](store::Connection& db) {
          const auto sent = alert_publisher->resync(db, topics);
          spdlog::info("alerts.resynced published={} cleared={}", sent.published, sent.cleared);
        },
        {});
    retained_alert_topics.clear();
  }

  // `ack` (MQTT scans) is released once the scan is committed: only then
  // does the broker forget the message.
  void submit_scan(ScanRequest request, mqtt::Ack ack = {}) {
    auto feedback = std::make_shared<ScanFeedback>();
    const std::string station = request.station;
    writer->submit([this, request = std::move(request), feedback](
                       store::Connection& db) { *feedback = scans->process(db, request, clock.now(), *writer_config); },
                   [this, feedback, station, ack](std::exception_ptr error) {
                     ack();
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
    spdlog::warn("mqtt.rejected topic={} reason=\"{}\" total={}", topic_name, reason, rejected_messages);
  }

  // Handled while stopping too: the MQTT client stops first, and every
  // message it hands over until then is applied and acknowledged. The Ack
  // goes with the work to its commit; where it is dropped here, the message
  // is done with (refused or not ours).
  void on_message(const mqtt::Message& msg, const mqtt::Ack& ack) {
    const std::string scan_prefix = topic("scan/");
    if (msg.topic.rfind(scan_prefix, 0) == 0) {
      std::string rest = msg.topic.substr(scan_prefix.size());
      if (rest.size() > 6 && rest.ends_with("/image")) {
        const std::string station = rest.substr(0, rest.size() - 6);
        if (!scans_for_station(station)) {
          refuse_message(msg.topic, "station \"" + station + "\" is not in the config");
          return;
        }
        decode_image(msg.topic, station, msg.payload, ack);
        return;
      }
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
      submit_scan(std::move(*request), ack);
      return;
    }
    if (alert_publisher->is_alert_topic(msg.topic)) {
      if (msg.retained) retained_alert_topics.push_back(msg.topic);
      return;
    }
    auto mapped = devices.router->map(msg.topic, msg.payload, clock.now());
    if (!mapped) {
      refuse_message(msg.topic, mapped.error());
      return;
    }
    for (auto& event : mapped->events) submit_event(msg.topic, mapped->sterilizer, std::move(event), ack);
  }

  // Every barcode in the image is a scan, in reading order. Its id comes
  // from the image's hash and the barcode's place, so a redelivered image
  // is applied once. The message's Ack goes with every barcode's scan.
  void decode_image(const std::string& topic_name, const std::string& station, std::string bytes,
                    mqtt::Ack ack) {
    asio::post(decode_pool, [this, topic_name, station, bytes = std::move(bytes), ack] {
      const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
      auto symbols = image_decoder.decode(std::span<const std::uint8_t>{data, bytes.size()});
      const std::string image_id = report::sha256_hex(bytes).substr(0, 24);
      asio::post(io, [this, topic_name, station, image_id, ack, symbols = std::move(symbols)]() mutable {
        if (!symbols) {
          refuse_message(topic_name, symbols.error());
          ScanFeedback fb;
          fb.message = "Image refused: " + symbols.error();
          fb.ts = format_rfc3339(clock.now());
          publish_feedback(station, fb);
          return;
        }
        if (symbols->empty()) {
          ScanFeedback fb;
          fb.message = "No barcode found in the image";
          fb.ts = format_rfc3339(clock.now());
          publish_feedback(station, fb);
          return;
        }
        for (std::size_t i = 0; i < symbols->size(); ++i)
          submit_scan(ScanRequest{station, std::move((*symbols)[i].text), "img:" + image_id + ":" + std::to_string(i),
                                  "image"},
                      ack);
      });
    });
  }

  // Copies of one message's Ack go with each of its events: the message is
  // acknowledged when the last of them is committed.
  void submit_event(const std::string& topic_name, const std::string& sterilizer,
                    sterilization::CanonicalEvent event, mqtt::Ack ack) {
    auto result = std::make_shared<sterilization::HandleResult>();
    writer->submit(
        [this, sterilizer, event = std::move(event), result](store::Connection& db) {
          *result = recorder->handle(db, sterilizer, event, clock.now());
        },
        [this, topic_name, sterilizer, result, ack = std::move(ack)](std::exception_ptr error) {
          ack();
          asio::post(io, [this, topic_name, sterilizer, result, error] {
            if (error) {
              refuse_message(topic_name, "not saved: database error");
              return;
            }
            if (result->outcome == sterilization::Outcome::refused) refuse_message(topic_name, result->reason);
            for (const auto& v : result->verdicts)
              spdlog::info("cycle.verified cycle={} verdict={}", v.cycle, sterilization::to_string(v.verdict));
            publish_alert_changes();
          });
        });
  }

  bool scans_for_station(const std::string& id) const {
    for (const auto& s : loop_config->stations)
      if (s.id == id) return true;
    return false;
  }

  void start_mqtt() {
    mqtt = std::make_unique<mqtt::Client>(loop_config->mqtt, [this](std::function<void()> f) { asio::post(io, std::move(f)); });
    mqtt->on_message([this](mqtt::Message m, mqtt::Ack ack) { on_message(m, ack); });
    mqtt->on_connected([this](bool) {
      // Retained alert topics must match the database after every (re)connect:
      // give the broker a moment to send what it retains (some of it may
      // already be here: it follows the SUBACK), then resync.
      resync_timer.expires_after(std::chrono::milliseconds(500));
      resync_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopping) resync_alerts();
      });
    });
    mqtt->on_connection_lost([this](const std::string&) {
      retained_alert_topics.clear();
      writer->submit([this](store::Connection&) { alert_publisher->disconnected(); }, {});
    });
    std::vector<std::string> filters = {topic("scan/+"), topic("scan/+/image"), alert_publisher->retained_filter()};
    for (auto& f : devices.router->subscriptions()) filters.push_back(std::move(f));
    mqtt->subscribe(filters);
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
    rules_timer.expires_after(std::chrono::seconds(check_interval));
    rules_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      check_time_rules();
      arm_rules_timer();
    });
  }

  // Time-based alert rules read the clock now, never a date from start-up.
  void check_time_rules() {
    writer->submit(
        [this](store::Connection& db) {
          const TimePoint now = clock.now();
          const Policy& policy = writer_config->policy;
          const auto timeouts = recorder->check_timeouts(db, now, policy);
          for (const auto& v : timeouts.verdicts)
            spdlog::warn("cycle.end_overdue cycle={} verdict={}", v.cycle, sterilization::to_string(v.verdict));
          for (const auto& s : timeouts.silent) spdlog::warn("sterilizer.silent sterilizer={}", s);
          inventory::check_dates(db, now, policy);
          sterilization::check_time_rules(db, now, policy);
        },
        [this](std::exception_ptr error) {
          if (error) spdlog::error("alerts.time_rules_failed");
          asio::post(io, [this] { publish_alert_changes(); });
        });
  }

  // A reload applies fully or not at all. It is validated on the loop
  // (config, programs, profiles); then the writer records the sterilizers
  // and takes the new snapshot and recorder; only once that is committed
  // does the loop take its snapshot and subscribe to new sterilizers'
  // topics, so no message of a new sterilizer arrives before it is known.
  void reload() {
    std::shared_ptr<const Config> staged;
    std::shared_ptr<DeviceSetup> staged_devices;
    std::shared_ptr<std::unique_ptr<sterilization::CycleRecorder>> staged_recorder;
    try {
      auto loaded = std::make_shared<Config>(load_config(config_path));
      if (auto why = restart_only_change(*loop_config, *loaded)) {
        spdlog::error("config.reload_refused reason=\"{}: restart steritrackd to apply it\" kept=previous", *why);
        return;
      }
      staged = loaded;
      staged_devices = std::make_shared<DeviceSetup>(load_devices(*staged));
      staged_recorder = std::make_shared<std::unique_ptr<sterilization::CycleRecorder>>(
          make_recorder(*staged, *staged_devices));
    } catch (const ConfigError& e) {
      spdlog::error("config.reload_failed error=\"{}\" kept=previous", e.what());
      return;
    }
    writer->submit([staged](store::Connection& db) { record_wiring(db, *staged); },
                   [this, staged, staged_devices, staged_recorder](std::exception_ptr error) {
                     if (!error) {
                       writer_config = staged;
                       recorder = std::move(*staged_recorder);
                     }
                     asio::post(io, [this, staged, staged_devices, error] {
                       if (error) {
                         std::string why = "unknown";
                         try {
                           std::rethrow_exception(error);
                         } catch (const std::exception& e) {
                           why = e.what();
                         }
                         spdlog::error("config.reload_failed error=\"the sterilizers could not be recorded: {}\" "
                                       "kept=previous",
                                       why);
                         return;
                       }
                       loop_config = staged;
                       devices.router = std::move(staged_devices->router);
                       mqtt->subscribe(devices.router->subscriptions());
                       spdlog::info("config.reloaded path={} stations={} sterilizers={}", config_path,
                                    staged->stations.size(), staged->sterilizers.size());
                     });
                   });
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

  // Nothing the broker handed us may be lost: first stop taking messages
  // (offline, disconnect), then commit everything queued. Feedback for the
  // last scans may not get out; a station that re-sends with the same scan
  // id gets the stored answer.
  void shutdown() {
    stopping = true;
    for (auto& r : serial_readers) r->stop();
    for (auto& r : evdev_readers) r->stop();
    watchdog_timer.cancel();
    rules_timer.cancel();
    resync_timer.cancel();
    // MQTT first, with the loop still running: messages handed over until
    // the disconnect are committed and acknowledged (a message never
    // acknowledged comes again after restart). Then the images still being
    // decoded, then commit what is queued. The loop has no other work left
    // by now: without the guard, run() would return while MQTT still hands
    // over messages, whose Acks would then never come (and Paho, waiting
    // for one, would hang the exit).
    stop_guard.emplace(io.get_executor());
    auto finish = [this](bool) {
      decode_pool.join();
      io.poll();
      writer->stop();
      io.poll();
      stop_guard.reset();
      io.stop();
    };
    if (mqtt) mqtt->stop_async(finish);
    else finish(true);
  }

  std::unique_ptr<sterilization::CycleRecorder> make_recorder(const Config& cfg, const DeviceSetup& d) {
    auto r = std::make_unique<sterilization::CycleRecorder>(d.programs, cfg.policy, workflow.get());
    for (const auto& s : cfg.sterilizers)
      if (auto gap = d.router->max_sample_interval_s(s.id)) r->set_max_sample_interval(s.id, *gap);
    return r;
  }

  void start_scanners() {
    for (const auto& st : loop_config->stations) {
      auto on_scan = [this, id = st.id, source = st.input](std::string text) {
        if (stopping) return;
        submit_scan(ScanRequest{id, std::move(text), std::nullopt, source});
      };
      if (st.input == "serial") {
        scan::SerialOptions o;
        o.station = st.id;
        o.device = st.device;
        o.baud = st.baud;
        o.terminator = scan::line_end_from_string(st.terminator).value_or(scan::LineEnd::cr);
        o.gs_substitute = st.gs_substitute;
        serial_readers.push_back(std::make_unique<scan::SerialReader>(io, o, on_scan));
        serial_readers.back()->start();
      } else if (st.input == "evdev") {
        scan::EvdevOptions o;
        o.station = st.id;
        o.device = st.device;
        o.gs_substitute = st.gs_substitute;
        evdev_readers.push_back(std::make_unique<scan::EvdevReader>(io, o, on_scan));
        evdev_readers.back()->start();
      }
    }
  }

  void register_modes() {
    dispatcher.set_handler(stations::Mode::receive, std::make_shared<inventory::ReceiveMode>());
    dispatcher.set_handler(stations::Mode::consume, std::make_shared<inventory::ConsumeMode>());
    dispatcher.set_handler(stations::Mode::count, std::make_shared<inventory::CountMode>());
    dispatcher.set_handler(stations::Mode::assemble, std::make_shared<sterilization::AssembleMode>());
    dispatcher.set_handler(stations::Mode::load, std::make_shared<sterilization::LoadMode>());
    dispatcher.set_handler(stations::Mode::issue, std::make_shared<sterilization::IssueMode>());
    dispatcher.set_handler(stations::Mode::return_, std::make_shared<sterilization::ReturnMode>());
  }

  int run() {
    devices = load_devices(*loop_config);
    open_database();
    workflow = std::make_unique<sterilization::Workflow>([this] { return writer_config->policy; });
    recorder = make_recorder(*loop_config, devices);
    register_modes();
    scans = std::make_unique<ScanService>(dispatcher);
    alert_publisher = std::make_unique<alerts::Publisher>(
        prefix, [this](const std::string& t, const std::string& payload, bool retain) {
          mqtt->publish(t, payload, 1, retain);
        });
    wait_signals();
    // Ready once the config and the database are: a broker that is down at
    // boot is waited for (with back-off) by a running service, not by
    // systemd restarting it.
    sd_notify(0, "READY=1\nSTATUS=Running");
    spdlog::info("daemon.ready");
    start_mqtt();
    start_scanners();
    check_time_rules();
    arm_watchdog();
    arm_rules_timer();
    io.run();
    spdlog::info("daemon.stopped rejected_messages={}", rejected_messages);
    return 0;
  }
};

Daemon::Daemon(Config config, std::string config_path)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(config_path))) {}
Daemon::~Daemon() = default;
int Daemon::run() { return impl_->run(); }

}  // namespace steritrack::app
