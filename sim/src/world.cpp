// World: the public face of WorldState; seams, random streams, the schedule and the trace.
#include "aio/sim/world.h"

#include "aio/sim/hash.h"
#include "world_state.h"

namespace aio::sim {

namespace detail {

void WorldState::run_due_events() {
  while (auto event = events.pop_due(clock.now())) {
    if (!event->label.empty()) trace("event " + event->label);
    event->fn();
  }
}

}  // namespace detail

World::World(std::uint64_t seed, WorldOptions options)
    : state_(std::make_shared<detail::WorldState>(seed, options.chaos)) {
  state_->os.attach_world(state_);
  // Any non-zero key permutes; 0 would mean FIFO.
  if (options.chaos) state_->clock.set_equal_time_order(random("chaos.timers").next_u64() | 1);
}

World::~World() = default;

std::uint64_t World::seed() const {
  return state_->seed;
}

bool World::chaos() const {
  return state_->chaos;
}

VirtualClock& World::clock() {
  return state_->clock;
}

SimOs& World::os() {
  return state_->os;
}

double World::now() const {
  return state_->clock.now();
}

Seams World::seams() {
  // Aliasing shared_ptrs: each seam keeps the whole world state alive.
  return Seams{std::shared_ptr<Clock>(state_, &state_->clock), make_selector(),
               std::shared_ptr<Os>(state_, &state_->os)};
}

std::shared_ptr<SimSelector> World::make_selector(std::string trace_name) {
  return std::make_shared<SimSelector>(*this, std::move(trace_name));
}

Random World::random(std::string_view label) const {
  return Random(splitmix64_mix(splitmix64_mix(state_->seed) ^ fnv1a64(label)));
}

void World::call_at(double when, std::function<void()> fn, std::string label) {
  state_->events.push(when, std::move(fn), std::move(label));
}

void World::call_later(double delay, std::function<void()> fn, std::string label) {
  call_at(state_->clock.now() + delay, std::move(fn), std::move(label));
}

std::size_t World::pending_events() const {
  return state_->events.size();
}

void World::advance(double seconds) {
  state_->clock.advance(seconds);
}

void World::trace(std::string_view event) {
  state_->trace(event);
}

const std::vector<std::string>& World::trace_lines() const {
  return state_->trace_log.lines();
}

std::uint64_t World::fingerprint() const {
  return state_->trace_log.fingerprint();
}

std::string World::fingerprint_hex() const {
  return state_->trace_log.fingerprint_hex();
}

void World::setenv(const std::string& name, const std::string& value) {
  state_->os.setenv(name, value);
}

void World::unsetenv(const std::string& name) {
  state_->os.unsetenv(name);
}

}  // namespace aio::sim
