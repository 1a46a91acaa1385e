#pragma once
// Helpers shared by the cycle tests and the crash suite: steritrack-sim
// runs, the cycle records they leave, and the checks that a database came
// through intact. Failures are Catch assertions.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "integration/fixture.hpp"

namespace steritrack::testkit {

// `hours` before now, to the second: cycles in the recent past.
std::string hours_ago(int hours);

// The command line of steritrack-sim publishing to `broker` under a client
// id of its own, with these arguments.
std::vector<std::string> sim_args(const Broker& broker, const std::vector<std::string>& args);

// `steritrack cycle show <which>` (e.g. "A/50") as JSON.
nlohmann::json cycle(const Daemon& daemon, const std::string& which);

// Waits for the daemon's `cycle.verified` log line of `which`.
void require_verdict(Daemon& daemon, const std::string& which, const std::string& verdict);

// PRAGMA integrity_check says ok and `steritrack verify` exits 0.
void require_sound_database(const Daemon& daemon);

// Cycle A/50 (1189 samples, one a second) published `speed` times faster
// than real time (200: about six seconds) while `disrupt` restarts or kills
// something part-way: the cycle must still be recorded once, with every
// sample and its cycle_end, verified pass, in a sound database.
void cycle_survives(const std::function<void(Broker&, Daemon&)>& disrupt, int speed = 200);

}  // namespace steritrack::testkit
