// The fixture's own tests: every later integration test stands on it.
#include <catch2/catch.hpp>

#include <csignal>

#include "integration/fixture.hpp"

using namespace steritrack::testkit;

TEST_CASE("fixture: TempDir is removed at the end", "[fixture]") {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    dir.write("a.txt", "hello");
    CHECK(read_file(dir / "a.txt") == "hello");
  }
  if (!std::getenv("STERITRACK_KEEP_TMP")) CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("fixture: run_command captures output and exit code", "[fixture]") {
  const auto r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(r.exit_code == 3);
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
  CHECK_THROWS(run_command({"/nonexistent/program"}));
  CHECK_THROWS(run_command({"sleep", "5"}, 100ms));
}

TEST_CASE("fixture: TestClient waits for messages in order, by filter and predicate", "[fixture]") {
  Broker broker;
  TestClient a(broker.url());
  a.subscribe("t/#");
  TestClient b(broker.url());
  b.publish("t/x", "1");
  b.publish("t/y", "2");
  b.publish("t/x", "3");

  auto first = a.wait_for("t/x");
  REQUIRE(first);
  CHECK(first->payload == "1");
  CHECK(first->qos == 1);
  auto second = a.wait_for("t/x");
  REQUIRE(second);
  CHECK(second->payload == "3");
  CHECK_FALSE(a.wait_for("t/x", {}, 200ms));
  CHECK(a.wait_for("t/+", [](const Message& m) { return m.payload == "2"; }));
  CHECK(a.count("t/#") == 3);

  a.skip_received();
  b.publish("t/z", "4");
  CHECK(a.wait_for_payload("t/z", "4"));
  CHECK(a.messages().size() == 4);
}

TEST_CASE("fixture: the broker keeps sessions and retained messages across restart()", "[fixture]") {
  Broker broker;
  {
    TestClient persistent(broker.url(), TestClient::persistent_session("fixture-persistent"));
    persistent.subscribe("q/#");
    persistent.disconnect();
  }
  TestClient publisher(broker.url());
  publisher.publish("r/status", "kept", 1, true);
  publisher.publish("q/queued", "while away");

  broker.restart();  // SIGTERM: mosquitto saves to its persistence folder

  TestClient late(broker.url());
  late.subscribe("r/#");
  auto retained = late.wait_for("r/status");
  REQUIRE(retained);
  CHECK(retained->payload == "kept");
  CHECK(retained->retained);

  TestClient back(broker.url(), TestClient::persistent_session("fixture-persistent"));
  auto queued = back.wait_for("q/queued");
  REQUIRE(queued);
  CHECK(queued->payload == "while away");
  CHECK(broker.log().find("Saving in-memory database") != std::string::npos);
}

TEST_CASE("fixture: a TestClient resubscribes after the broker comes back", "[fixture]") {
  Broker broker;
  TestClient sub(broker.url());
  sub.subscribe("x/#");
  broker.kill();  // nothing saved: the clean session is gone anyway
  broker.start();
  TestClient pub(broker.url());
  // The subscriber reconnects on its own within its 1-2 s back-off.
  bool got = false;
  for (int i = 0; i < 50 && !got; ++i) {
    pub.publish("x/after", std::to_string(i));
    got = sub.wait_for("x/after", {}, 200ms).has_value();
  }
  CHECK(got);
}

// mqtt_probe takes --config like the daemon and speaks the same status
// protocol, so it exercises Daemon without the real daemon.
TEST_CASE("fixture: Daemon starts, waits for online, terminates, restarts, captures stderr", "[fixture]") {
  Broker broker;
  DaemonConfig config;
  config.binary = MQTT_PROBE_PATH;
  config.topic_prefix = "fx";
  Daemon daemon(broker, config);
  TestClient watch(broker.url());
  watch.subscribe("fx/status");

  daemon.start_ready();
  CHECK(daemon.running());
  CHECK(watch.wait_for_payload("fx/status", "online"));
  CHECK(daemon.topic_prefix() == "fx");
  CHECK(daemon.db_path() == (daemon.dir() / "steritrack.db").string());

  TestClient(broker.url()).publish("fx/probe/hello", "world");
  CHECK(daemon.wait_log("probe.message topic=fx/probe/hello payload=world"));

  CHECK(daemon.terminate() == 0);
  CHECK(watch.wait_for_payload("fx/status", "offline"));

  daemon.restart();
  CHECK(daemon.log_count("mqtt.connected") == 2);
  daemon.kill9();
  CHECK(watch.wait_for_payload("fx/status", "offline"));  // the last will
  CHECK_FALSE(daemon.running());
}

TEST_CASE("fixture: Daemon reports a daemon that exits before it is ready", "[fixture]") {
  Broker broker;
  auto daemon = Daemon::from_toml(broker, "[mqtt]\nurl = 42\n", MQTT_PROBE_PATH);
  daemon->start();
  try {
    daemon->wait_ready(10s);
    FAIL("wait_ready returned for a daemon that exited");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("exited with code 1") != std::string::npos);
    CHECK(what.find("probe.failed") != std::string::npos);  // its stderr is in the message
  }
}

TEST_CASE("fixture: run_cli runs the steritrack CLI", "[fixture]") {
  const auto help = run_cli("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("steritrack") != std::string::npos);
  const auto bad = run_cli("no-such-command");
  CHECK(bad.exit_code != 0);
  CHECK_FALSE(bad.err.empty());
}
