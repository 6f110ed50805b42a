#pragma once
// aio::sim::detail::WorldEvents: the world's own schedule (message arrivals, peer actions,
// faults), a queue ordered by (when, insertion sequence). Private to the simulator: only
// SimSelector::select() runs these, when the loop would otherwise wait.
// Must not order by anything but (when, seq): no pointer or hash order.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace aio::sim::detail {

class WorldEvents final {
 public:
  struct Event {
    double when = 0.0;
    std::function<void()> fn;
    std::string label;  // traced when run, unless empty
  };

  // Throws aio::ValueError if `when` is not finite.
  void push(double when, std::function<void()> fn, std::string label);
  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }
  // The time of the first event, or nullopt when none is scheduled.
  std::optional<double> next_time() const;
  // Removes and returns the first event if it is due at `now` (when <= now).
  std::optional<Event> pop_due(double now);

 private:
  std::map<std::pair<double, std::uint64_t>, Event> queue_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace aio::sim::detail
