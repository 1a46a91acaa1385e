// bench_scan: the scan pipeline end to end, through the real steritrackd on
// a private mosquitto and a real SQLite file.
//  - throughput: JSON scans with ids, QoS 1, published pipelined to
//    steritrack/scan/desk (RECEIVE: one row changed per scan), timed from the
//    first publish to the last feedback; against mosquitto's own QoS 1 pipe
//    with payloads of the same size, measured in the same run (the ceiling);
//    and against raw SQLite committing one bare row per transaction with the
//    daemon's durability (WAL, synchronous=FULL): the daemon acknowledges
//    each MQTT message after its own commit, so that is its other bound;
//  - latency: scans at a steady rate (default 100/s), publish to feedback,
//    p50/p99/max;
//  - sample ingest: an hour-long 1 Hz cycle of canonical sterilizer events
//    published pipelined, timed until the daemon has verified it, against
//    the broker pipe with payloads of the same size;
//  - alert delay: a CLI write (an order added or cancelled) to the alert's
//    change on MQTT, which the daemon notices through PRAGMA data_version.
//   bench_scan [--scans N] [--runs R] [--rate PER_S] [--seconds S]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

#include "bench/broker_pipe.hpp"
#include "common/clock.hpp"
#include "common/time.hpp"
#include "integration/fixture.hpp"
#include "store/sqlite.hpp"

using namespace steritrack;
using bench::median;
using bench::percentile;
using namespace steritrack::testkit;
using Steady = std::chrono::steady_clock;

namespace {

const std::string kGloves = "00614141000012";
const std::string kPouches = "00614141000029";
const std::string kScanTopic = "steritrack/scan/desk";

// Everything the daemon publishes that the benchmark times: feedback by scan
// id and alert changes, each with its arrival time.
class Observer {
public:
  explicit Observer(const std::string& url)
      : client_(url, unique_client_id("bench-observer"), create_options(), nullptr) {
    client_.set_message_callback([this](::mqtt::const_message_ptr m) { on_message(*m); });
    ::mqtt::connect_options connect;
    connect.set_clean_session(true);
    client_.connect(connect)->wait();
    client_.subscribe("steritrack/station/desk/feedback", 1)->wait();
    client_.subscribe("steritrack/alerts/reorder/" + kPouches, 1)->wait();
  }
  ~Observer() { client_.disconnect()->wait(); }

  // Waits until feedback for `count` scans with ids has arrived in total.
  void wait_feedback(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds{120}) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return feedback_.size() >= count; }))
      throw std::runtime_error("feedback: " + std::to_string(feedback_.size()) + " of " + std::to_string(count));
  }
  Steady::time_point feedback_at(const std::string& id) {
    std::lock_guard lock(mutex_);
    return feedback_.at(id);
  }
  std::size_t refused() {
    std::lock_guard lock(mutex_);
    return refused_;
  }
  // Waits for the next change of the pouches' reorder alert to `open`
  // (true) or cleared (false); returns when it arrived.
  Steady::time_point wait_alert(bool open) {
    std::unique_lock lock(mutex_);
    const std::size_t from = alerts_seen_;
    auto found = [&] {
      for (std::size_t i = from; i < alerts_.size(); ++i)
        if (alerts_[i].first == open) return true;
      return false;
    };
    if (!changed_.wait_for(lock, std::chrono::seconds{30}, found))
      throw std::runtime_error("the reorder alert did not change within 30 s");
    for (std::size_t i = from; i < alerts_.size(); ++i)
      if (alerts_[i].first == open) {
        alerts_seen_ = i + 1;
        return alerts_[i].second;
      }
    return {};
  }

private:
  static ::mqtt::create_options create_options() {
    ::mqtt::create_options create;
    create.set_max_buffered_messages(100000);
    return create;
  }

  void on_message(const ::mqtt::message& m) {
    const auto now = Steady::now();
    std::lock_guard lock(mutex_);
    if (m.get_topic().find("/alerts/") != std::string::npos) {
      if (!m.is_retained())
        alerts_.emplace_back(!m.get_payload_str().empty(), now);
    } else {
      const auto fb = nlohmann::json::parse(m.get_payload_str(), nullptr, false);
      if (fb.is_object() && fb.contains("id")) {
        feedback_.emplace(fb["id"].get<std::string>(), now);
        if (fb["ok"] != true) ++refused_;
      }
    }
    changed_.notify_all();
  }

  ::mqtt::async_client client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Steady::time_point> feedback_;
  std::size_t refused_ = 0;
  std::vector<std::pair<bool, Steady::time_point>> alerts_;
  std::size_t alerts_seen_ = 0;
};

std::string scan_payload(const std::string& id) {
  return R"({"id":")" + id + R"(","code":"01)" + kGloves + R"(1727033110A12","ts":"2026-11-27T08:00:00Z"})";
}

double seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// An hour-long 1 Hz gravity cycle at 132-133 °C, as canonical events,
// starting two hours ago (the recorder refuses times far in the future).
std::vector<std::string> hour_long_cycle(const std::string& cycle) {
  const auto start = std::chrono::floor<std::chrono::seconds>(SystemClock{}.now()) - std::chrono::hours{2};
  auto at = [&](int s) { return format_rfc3339(start + std::chrono::seconds{s}); };
  std::vector<std::string> events;
  events.push_back(R"({"type":"cycle_start","cycle":")" + cycle + R"(","program":"gravity-132-15","ts":")" + at(0) + R"("})");
  for (int s = 1; s < 3600; ++s) {
    const bool exposure = s >= 1200 && s < 2400;
    const std::string temp = exposure ? (s % 2 ? "132.6" : "132.4") : "110.0";
    events.push_back(R"({"type":"sample","cycle":")" + cycle + R"(","phase":")" + (exposure ? "exposure" : "heating") +
                     R"(","temp_c":)" + temp + R"(,"pressure_kpa":290,"ts":")" + at(s) + R"("})");
  }
  events.push_back(R"({"type":"cycle_end","cycle":")" + cycle + R"(","result":"pass","ts":")" + at(3600) + R"("})");
  return events;
}

// Publishes `count` messages at `rate` per second, each stamped when sent,
// and calls `publish(i)` for the i-th.
std::vector<Steady::time_point> publish_paced(int rate, int count, const std::function<void(int)>& publish) {
  std::vector<Steady::time_point> sent(static_cast<std::size_t>(count));
  const auto period = std::chrono::nanoseconds{1'000'000'000 / rate};
  auto next = Steady::now();
  for (int i = 0; i < count; ++i) {
    std::this_thread::sleep_until(next);
    next += period;
    sent[static_cast<std::size_t>(i)] = Steady::now();
    publish(i);
  }
  return sent;
}

// The latency ceiling: mosquitto's own QoS 1 hop from a bare Paho publisher
// to a bare subscriber, at the same rate and payload size.
std::vector<double> broker_latency_ms(const std::string& url, int rate, int count, std::size_t payload_bytes) {
  std::mutex mutex;
  std::condition_variable all_in;
  std::vector<Steady::time_point> arrived(static_cast<std::size_t>(count));
  int received = 0;
  const std::string topic = "bench/latency";
  ::mqtt::async_client subscriber(url, unique_client_id("bench-latency-sub"), ::mqtt::create_options{}, nullptr);
  subscriber.set_message_callback([&](::mqtt::const_message_ptr m) {
    const auto now = Steady::now();
    std::lock_guard lock(mutex);
    arrived.at(std::stoul(m->get_payload_str())) = now;
    ++received;
    all_in.notify_all();
  });
  ::mqtt::async_client publisher(url, unique_client_id("bench-latency-pub"), ::mqtt::create_options{}, nullptr);
  ::mqtt::connect_options connect;
  connect.set_clean_session(true);
  subscriber.connect(connect)->wait();
  subscriber.subscribe(topic, 1)->wait();
  publisher.connect(connect)->wait();
  const auto sent = publish_paced(rate, count, [&](int i) {
    std::string p = std::to_string(i);
    p.append(payload_bytes > p.size() ? payload_bytes - p.size() : 0, ' ');
    publisher.publish(topic, p.data(), p.size(), 1, false);
  });
  {
    std::unique_lock lock(mutex);
    if (!all_in.wait_for(lock, std::chrono::minutes{1}, [&] { return received >= count; }))
      throw std::runtime_error("broker latency: messages missing");
  }
  publisher.disconnect()->wait();
  subscriber.disconnect()->wait();
  std::vector<double> ms;
  for (std::size_t i = 0; i < sent.size(); ++i) ms.push_back(1000 * seconds(arrived[i] - sent[i]));
  return ms;
}

// Rows per second, one bare row of `bytes` per transaction, WAL and
// synchronous=FULL as the daemon's database.
double sqlite_commit_rate(const std::filesystem::path& path, std::size_t rows, std::size_t bytes) {
  store::Connection db(path.string());
  db.exec("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  const std::string payload(bytes, 'x');
  const auto start = Steady::now();
  for (std::size_t i = 0; i < rows; ++i) {
    store::Transaction tx(db);
    db.execute("INSERT INTO bench_rows (payload) VALUES (?)", payload);
    tx.commit();
  }
  return static_cast<double>(rows) / seconds(Steady::now() - start);
}

void cli(const std::vector<std::string>& args) {
  const auto r = run_cli_args(args);
  if (r.exit_code != 0) throw std::runtime_error("steritrack " + args.front() + ": " + r.err);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t scans = 3000;
  int runs = 3, rate = 100, duration_s = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--scans")) scans = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rate")) rate = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) duration_s = std::atoi(argv[i + 1]);
  }
  if (scans == 0 || runs <= 0 || rate <= 0 || duration_s <= 0) {
    std::fprintf(stderr, "usage: bench_scan [--scans N] [--runs R] [--rate PER_S] [--seconds S]\n");
    return 2;
  }

  Broker broker;
  Daemon daemon(broker);
  const std::string db = daemon.db_path();
  cli({"init", "--db", db});
  cli({"supplies", "import", STERITRACK_TEST_DATA "/supplies.csv", "--db", db});
  daemon.start_ready();
  Observer observer(broker.url());
  ::mqtt::create_options create;
  create.set_max_buffered_messages(100000);
  ::mqtt::async_client publisher(broker.url(), unique_client_id("bench-scanner"), create, nullptr);
  {
    ::mqtt::connect_options connect;
    connect.set_clean_session(true);
    publisher.connect(connect)->wait();
  }
  auto publish = [&](const std::string& payload) { return publisher.publish(kScanTopic, payload.data(), payload.size(), 1, false); };
  publish(R"({"id":"op","code":"U-0042"})");
  publish(R"({"id":"mode","code":"CMD-RECEIVE"})");
  std::size_t expected = 2;
  observer.wait_feedback(expected);

  const std::size_t payload_bytes = scan_payload("t-1-0000").size();
  std::printf("scan pipeline: %zu JSON scans (%zu B) per run, RECEIVE at desk, %d runs, broker %s\n", scans,
              payload_bytes, runs, broker.url().c_str());
  std::printf("%-4s %14s %14s %14s %8s %8s\n", "run", "broker msg/s", "sqlite tx/s", "scans/s", "/broker",
              "/sqlite");
  std::vector<double> ceiling, commits, pipeline;
  for (int r = 1; r <= runs; ++r) {
    ceiling.push_back(bench::measure_broker_pipe(broker.url(), scans, payload_bytes).rate());
    commits.push_back(sqlite_commit_rate(daemon.dir() / ("ceiling-" + std::to_string(r) + ".db"), scans, payload_bytes));
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < scans; ++i) payloads.push_back(scan_payload("t-" + std::to_string(r) + "-" + std::to_string(i)));
    const auto first = Steady::now();
    for (const auto& p : payloads) publish(p);
    expected += scans;
    observer.wait_feedback(expected);
    auto last = first;
    for (std::size_t i = 0; i < scans; ++i)
      last = std::max(last, observer.feedback_at("t-" + std::to_string(r) + "-" + std::to_string(i)));
    pipeline.push_back(static_cast<double>(scans) / seconds(last - first));
    std::printf("%-4d %14.0f %14.0f %14.0f %8.3f %8.3f\n", r, ceiling.back(), commits.back(), pipeline.back(),
                pipeline.back() / ceiling.back(), pipeline.back() / commits.back());
  }
  std::printf("%-4s %14.0f %14.0f %14.0f %8.3f %8.3f\n", "med", median(ceiling), median(commits), median(pipeline),
              median(pipeline) / median(ceiling), median(pipeline) / median(commits));

  // Sample ingest: one hour-long cycle per run, on sterilizer A.
  std::printf("sample ingest: an hour-long 1 Hz cycle (3601 events) per run\n%-4s %14s %14s %6s\n", "run",
              "ceiling msg/s", "events/s", "ratio");
  std::vector<double> event_ceiling, ingest;
  for (int r = 1; r <= runs; ++r) {
    const auto events = hour_long_cycle(std::to_string(9000 + r));
    event_ceiling.push_back(bench::measure_broker_pipe(broker.url(), events.size(), events[1].size()).rate());
    const auto first = Steady::now();
    for (const auto& e : events) publisher.publish("steritrack/sterilizer/A/event", e.data(), e.size(), 1, false);
    const std::string verified = "cycle.verified cycle=A/" + std::to_string(9000 + r) + " verdict=pass";
    if (!daemon.wait_log(verified, std::chrono::seconds{120}))
      throw std::runtime_error("cycle " + std::to_string(9000 + r) + " was not verified pass; see " + daemon.log_path().string());
    ingest.push_back(static_cast<double>(events.size()) / seconds(Steady::now() - first));
    std::printf("%-4d %14.0f %14.0f %6.3f\n", r, event_ceiling.back(), ingest.back(), ingest.back() / event_ceiling.back());
  }
  std::printf("%-4s %14.0f %14.0f %6.3f\n", "med", median(event_ceiling), median(ingest),
              median(ingest) / median(event_ceiling));

  // Steady rate: each scan's publish to its feedback.
  const int count = rate * duration_s;
  const auto sent = publish_paced(rate, count, [&](int i) { publish(scan_payload("l-" + std::to_string(i))); });
  expected += static_cast<std::size_t>(count);
  observer.wait_feedback(expected);
  std::vector<double> latency_ms;
  for (int i = 0; i < count; ++i)
    latency_ms.push_back(1000 * seconds(observer.feedback_at("l-" + std::to_string(i)) - sent[static_cast<std::size_t>(i)]));
  const auto hop_ms = broker_latency_ms(broker.url(), rate, count, payload_bytes);
  std::printf("latency at %d/s, %d messages   %8s %8s %8s\n", rate, count, "p50 ms", "p99 ms", "max ms");
  std::printf("  broker hop (ceiling)              %8.2f %8.2f %8.2f\n", percentile(hop_ms, 0.50),
              percentile(hop_ms, 0.99), percentile(hop_ms, 1.0));
  std::printf("  scan to feedback                  %8.2f %8.2f %8.2f\n", percentile(latency_ms, 0.50),
              percentile(latency_ms, 0.99), percentile(latency_ms, 1.0));

  // CLI write -> alert on MQTT. The pouches start with nothing on hand: their
  // reorder alert is open; an order clears it, cancelling it raises it again.
  std::vector<double> delay_ms;
  for (int i = 1; i <= 5; ++i) {
    cli({"orders", "add", kPouches, "12", "--db", db});
    auto written = Steady::now();
    delay_ms.push_back(1000 * seconds(observer.wait_alert(false) - written));
    cli({"orders", "cancel", std::to_string(i), "--db", db});
    written = Steady::now();
    delay_ms.push_back(1000 * seconds(observer.wait_alert(true) - written));
  }
  std::printf("CLI write (order added/cancelled) -> reorder alert on MQTT, %zu changes: median %.0f ms, max %.0f ms\n",
              delay_ms.size(), median(delay_ms), percentile(delay_ms, 1.0));

  if (observer.refused() != 0) {
    std::fprintf(stderr, "%zu scans were refused: the figures are not valid\n", observer.refused());
    return 1;
  }
  publisher.disconnect()->wait();
  return 0;
}
