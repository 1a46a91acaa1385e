#pragma once
// Time is injected: everything about days, expiry, overdue tests and timeouts
// asks a Clock, so tests move time instead of sleeping and a long-running
// daemon never works from a date captured at start-up.
#include <atomic>
#include <chrono>

namespace steritrack {

using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Duration>;

class Clock {
public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

// A clock that only moves when told; for tests and simulations.
class ManualClock final : public Clock {
public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint{Duration{now_.load()}}; }
  void set(TimePoint t) { now_ = t.time_since_epoch().count(); }
  void advance(Duration d) { now_ += d.count(); }

private:
  std::atomic<Duration::rep> now_;
};

}  // namespace steritrack
