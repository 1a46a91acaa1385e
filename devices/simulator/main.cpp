// steritrack-sim: publishes realistic sterilizer cycles (or replays a
// recorded trace) over MQTT, for the demo and the integration tests.
// Exit codes: 0 published, 1 failed (broker, files), 2 bad arguments.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "simulator/trace.hpp"

namespace {

using namespace steritrack;

struct Options {
  std::string devices_dir = STERITRACK_DEVICES_DIR;
  std::string program = "prevac-132-4";
  std::string variant = "pass";
  std::string format = "generic";
  std::string sterilizer = "A";
  std::string cycle = "1";
  std::string start;
  int interval_s = 1;
  double speed = 1;
  unsigned seed = 1;
  std::string prefix = "steritrack";
  std::string url = "tcp://127.0.0.1:1883";
  std::string client_id;
  std::string output = "mqtt";
  std::string replay;
};

class Failed : public std::runtime_error {
public:
  Failed(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

private:
  int code_;
};

std::vector<simulator::Message> generate(const Options& o) {
  const auto variant = simulator::parse_variant(o.variant);
  if (!variant) throw Failed("--variant: \"" + o.variant + "\" is not a variant", 2);
  const auto format = simulator::parse_format(o.format);
  if (!format) throw Failed("--format: \"" + o.format + "\" is not generic, tuttnauer or amsco", 2);
  const auto catalog = sterilization::ProgramCatalog::load((std::filesystem::path(o.devices_dir) / "programs.toml").string());
  const sterilization::Program* program = catalog.find(o.program);
  if (!program) throw Failed("--program: \"" + o.program + "\" is not in " + o.devices_dir + "/programs.toml", 2);
  std::optional<sterilization::DeviceProfile> vendor;
  if (*format != simulator::Format::generic)
    vendor = sterilization::load_profile(o.devices_dir, std::string{simulator::profile_name(*format)});

  simulator::TraceOptions t;
  t.sterilizer = o.sterilizer;
  t.cycle = o.cycle;
  t.variant = *variant;
  t.format = *format;
  t.interval_s = o.interval_s;
  t.topic_prefix = o.prefix;
  t.seed = o.seed;
  if (o.start.empty()) {
    t.start = std::chrono::floor<std::chrono::seconds>(SystemClock{}.now());
  } else {
    const auto s = parse_rfc3339(o.start);
    if (!s) throw Failed("--start: \"" + o.start + "\" is not an RFC 3339 time", 2);
    t.start = *s;
  }
  return simulator::make_trace(*program, t, vendor ? &*vendor : nullptr);
}

// A recorded trace: one {"topic": ..., "payload": ...} object a line. Its
// timing comes from the payloads' "ts" when they have one.
std::vector<simulator::Message> replay(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Failed(path + ": cannot read", 1);
  std::vector<simulator::Message> out;
  std::optional<TimePoint> first;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("topic") || !j["topic"].is_string() || !j.contains("payload"))
      throw Failed(path + ":" + std::to_string(n) + ": not a {\"topic\", \"payload\"} object", 1);
    simulator::Message m;
    m.topic = j["topic"].get<std::string>();
    const auto& p = j["payload"];
    m.payload = p.is_string() ? p.get<std::string>() : p.dump();
    if (p.is_object() && p.contains("ts") && p["ts"].is_string()) {
      if (const auto ts = parse_rfc3339(p["ts"].get<std::string>())) {
        if (!first) first = *ts;
        m.offset = std::max(Duration{0}, *ts - *first);
      }
    }
    if (!out.empty()) m.offset = std::max(m.offset, out.back().offset);
    out.push_back(std::move(m));
  }
  return out;
}

void print(const std::vector<simulator::Message>& messages, const std::string& output) {
  for (const auto& m : messages) {
    if (output == "payload") {
      std::cout << m.payload << '\n';
      continue;
    }
    const auto p = nlohmann::json::parse(m.payload, nullptr, false);
    nlohmann::json line = {{"topic", m.topic}, {"payload", p.is_discarded() ? nlohmann::json(m.payload) : p}};
    std::cout << line.dump() << '\n';
  }
}

void publish(const std::vector<simulator::Message>& messages, const Options& o) {
  const std::string id = o.client_id.empty() ? "steritrack-sim-" + o.sterilizer : o.client_id;
  // Messages published while the broker is away are kept and sent on
  // reconnect, so a broker restart mid-cycle loses nothing.
  mqtt::create_options create(MQTTVERSION_3_1_1, static_cast<int>(messages.size()) + 100);
  create.set_send_while_disconnected(true);
  mqtt::async_client client(o.url, id, create);
  mqtt::connect_options conn;
  conn.set_clean_session(false);
  conn.set_automatic_reconnect(std::chrono::seconds{1}, std::chrono::seconds{4});
  conn.set_keep_alive_interval(std::chrono::seconds{10});
  try {
    client.connect(conn)->wait_for(std::chrono::seconds{10});
  } catch (const mqtt::exception& e) {
    throw Failed(o.url + ": cannot connect: " + e.what(), 1);
  }
  if (!client.is_connected()) throw Failed(o.url + ": cannot connect", 1);

  using clock = std::chrono::steady_clock;
  const auto wall_start = clock::now();
  std::vector<mqtt::delivery_token_ptr> tokens;
  tokens.reserve(messages.size());
  for (const auto& m : messages) {
    if (o.speed > 0) {
      const auto due = wall_start + std::chrono::duration_cast<clock::duration>(
                                        std::chrono::duration<double, std::milli>(m.offset.count() / o.speed));
      std::this_thread::sleep_until(due);
    }
    tokens.push_back(client.publish(m.topic, m.payload.data(), m.payload.size(), 1, false));
  }
  // Every message acknowledged by the broker, even across a broker restart.
  for (auto& t : tokens)
    if (!t->wait_for(std::chrono::seconds{60})) throw Failed("a message was not acknowledged within 60 s", 1);
  client.disconnect()->wait_for(std::chrono::seconds{5});
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"steritrack-sim: publish simulated sterilizer cycles over MQTT"};
  app.add_option("--devices", o.devices_dir, "folder with programs.toml and profiles/");
  app.add_option("--program", o.program, "program name from programs.toml");
  app.add_option("--variant", o.variant,
                 "pass, device-fail, aborted, temp-dip, sample-gap, data-fail or missing-end");
  app.add_option("--format", o.format, "generic (canonical JSON), tuttnauer (printout lines) or amsco (1 Hz records)");
  app.add_option("--sterilizer", o.sterilizer, "sterilizer id");
  app.add_option("--cycle", o.cycle, "cycle number");
  app.add_option("--start", o.start, "RFC 3339 start time (default: now)");
  app.add_option("--interval", o.interval_s, "seconds between samples")->check(CLI::Range(1, 600));
  app.add_option("--speed", o.speed, "speed-up against real time (0: as fast as possible)")->check(CLI::Range(0.0, 1e6));
  app.add_option("--seed", o.seed, "noise seed");
  app.add_option("--prefix", o.prefix, "topic prefix (generic format)");
  app.add_option("--url", o.url, "MQTT broker");
  app.add_option("--client-id", o.client_id, "MQTT client id (default steritrack-sim-<sterilizer>)");
  app.add_option("--output", o.output, "mqtt (publish), jsonl ({topic, payload} lines) or payload (for mosquitto_pub -l)")
      ->check(CLI::IsMember({"mqtt", "jsonl", "payload"}));
  app.add_option("--replay", o.replay, "publish a recorded trace (JSON lines of {topic, payload}) instead");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    const auto messages = o.replay.empty() ? generate(o) : replay(o.replay);
    if (o.output == "mqtt")
      publish(messages, o);
    else
      print(messages, o.output);
  } catch (const Failed& e) {
    std::cerr << "steritrack-sim: " << e.what() << '\n';
    return e.code();
  } catch (const std::exception& e) {
    std::cerr << "steritrack-sim: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
