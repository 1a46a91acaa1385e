#include <catch2/catch.hpp>

#include "mqtt/topic.hpp"

using steritrack::mqtt::topic_matches;

TEST_CASE("topic filters match as the broker does", "[mqtt]") {
  CHECK(topic_matches("steritrack/scan/desk", "steritrack/scan/desk"));
  CHECK_FALSE(topic_matches("steritrack/scan/desk", "steritrack/scan/desk2"));
  CHECK_FALSE(topic_matches("steritrack/scan/desk", "steritrack/scan"));

  CHECK(topic_matches("steritrack/scan/+", "steritrack/scan/desk"));
  CHECK_FALSE(topic_matches("steritrack/scan/+", "steritrack/scan/desk/image"));
  CHECK(topic_matches("steritrack/scan/+/image", "steritrack/scan/desk/image"));
  CHECK(topic_matches("+/+", "a/"));
  CHECK(topic_matches("+", ""));

  CHECK(topic_matches("steritrack/#", "steritrack/scan/desk/image"));
  CHECK(topic_matches("steritrack/#", "steritrack"));  // '#' includes the parent level
  CHECK(topic_matches("#", "anything/at/all"));
  CHECK_FALSE(topic_matches("steritrack/#", "other/scan"));
  CHECK(topic_matches("steritrack/sterilizer/+/event", "steritrack/sterilizer/A/event"));
}

TEST_CASE("leading wildcards do not match $ topics", "[mqtt]") {
  CHECK_FALSE(topic_matches("#", "$SYS/broker/uptime"));
  CHECK_FALSE(topic_matches("+/broker/uptime", "$SYS/broker/uptime"));
  CHECK(topic_matches("$SYS/#", "$SYS/broker/uptime"));
}
