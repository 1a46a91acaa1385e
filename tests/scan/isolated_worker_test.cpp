#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "scan/isolated_worker.hpp"

namespace {

using namespace std::chrono_literals;
using steritrack::scan::IsolatedWorker;

// Echoes; "crash" aborts the child as a failed assertion would; "hang" never
// answers in time.
std::string handler(std::string_view request) {
  if (request == "crash") std::abort();
  if (request == "hang") std::this_thread::sleep_for(30s);
  if (request == "throw") throw std::runtime_error("handler failed");
  return "echo:" + std::string(request);
}

bool alive(pid_t pid) { return kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("a worker answers from a child process it starts on first use", "[scan][worker]") {
  IsolatedWorker worker(handler);
  CHECK(worker.child() == -1);
  const auto answer = worker.call("ping", 10s);
  REQUIRE(answer.ok());
  CHECK(*answer == "echo:ping");
  const pid_t child = worker.child();
  CHECK(child > 0);
  CHECK(child != getpid());
  // Forked once, not per call.
  CHECK(worker.call("again", 10s).value() == "echo:again");
  CHECK(worker.child() == child);

  const std::string big(4 * 1024 * 1024, 'x');
  const auto echoed = worker.call(big, 10s);
  REQUIRE(echoed.ok());
  CHECK(echoed->size() == big.size() + 5);
}

TEST_CASE("a crash in the handler costs the child, not the caller", "[scan][worker]") {
  IsolatedWorker worker(handler);
  REQUIRE(worker.call("ping", 10s).ok());
  const pid_t first = worker.child();
  const auto crashed = worker.call("crash", 10s);
  REQUIRE_FALSE(crashed.ok());
  CHECK(crashed.error() == "the worker process crashed (signal " + std::to_string(SIGABRT) + ")");
  CHECK(worker.child() == -1);
  CHECK_FALSE(alive(first));
  const auto after = worker.call("ping", 10s);
  REQUIRE(after.ok());
  CHECK(*after == "echo:ping");
  CHECK(worker.child() != first);

  const auto threw = worker.call("throw", 10s);
  REQUIRE_FALSE(threw.ok());
  CHECK(threw.error() == "the worker process failed");
  CHECK(worker.call("ping", 10s).ok());
}

TEST_CASE("a child that does not answer in time is stopped", "[scan][worker]") {
  IsolatedWorker worker(handler);
  REQUIRE(worker.call("ping", 10s).ok());
  const pid_t child = worker.child();
  const auto start = std::chrono::steady_clock::now();
  const auto hung = worker.call("hang", 300ms);
  REQUIRE_FALSE(hung.ok());
  CHECK(hung.error() == "no answer within 300 ms (the worker was stopped)");
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK_FALSE(alive(child));
  CHECK(worker.call("ping", 10s).ok());
}

TEST_CASE("a child that died between calls is replaced", "[scan][worker]") {
  IsolatedWorker worker(handler);
  REQUIRE(worker.call("ping", 10s).ok());
  const pid_t child = worker.child();
  REQUIRE(kill(child, SIGKILL) == 0);
  // Gone for good before the next call (the worker then finds it reaped).
  REQUIRE(waitpid(child, nullptr, 0) == child);
  const auto answer = worker.call("ping", 10s);
  REQUIRE(answer.ok());
  CHECK(worker.child() != child);
}

TEST_CASE("the child ends with its worker, and calls from threads queue", "[scan][worker]") {
  pid_t child = -1;
  {
    IsolatedWorker worker(handler);
    std::thread other([&] {
      const auto r = worker.call("from a thread", 10s);
      CHECK((r ? *r : r.error()) == "echo:from a thread");
    });
    const auto r = worker.call("from main", 10s);
    CHECK((r ? *r : r.error()) == "echo:from main");
    other.join();
    child = worker.child();
  }
  // Reaped, not a zombie.
  CHECK(kill(child, 0) == -1);
  CHECK(errno == ESRCH);
}
