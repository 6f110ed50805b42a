// WorldEvents: the (when, seq)-ordered schedule of world actions.
#include "world_events.h"

#include <cmath>

#include "aio/errors.h"

namespace aio::sim::detail {

void WorldEvents::push(double when, std::function<void()> fn, std::string label) {
  if (!std::isfinite(when)) throw ValueError("world event time must be finite");
  if (!fn) throw ValueError("world event needs a callable");
  queue_.emplace(std::make_pair(when, next_seq_++), Event{when, std::move(fn), std::move(label)});
}

std::optional<double> WorldEvents::next_time() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first.first;
}

std::optional<WorldEvents::Event> WorldEvents::pop_due(double now) {
  if (queue_.empty() || queue_.begin()->first.first > now) return std::nullopt;
  auto node = queue_.extract(queue_.begin());
  return std::move(node.mapped());
}

}  // namespace aio::sim::detail
