// The generator's state while it writes one scenario (internal to loopcheck_generate):
// the Choices source, the ids made so far, which ids each place may reference, the timers
// made (for unique offsets), and the capabilities used. It only builds JSON.
#pragma once

#include <string>
#include <vector>

#include "loopcheck/generate/generate.h"

namespace loopcheck::gen::detail {

// Ids a step may reference: made by a step that surely ran before it.
struct Scope {
  std::vector<std::string> handles;  // call_soon
  std::vector<std::string> timers;   // call_later, call_at
  std::vector<std::string> futures;
  std::vector<std::string> tasks;
  std::vector<std::string> done_cbs;  // add_done_callback ids (with the future they are on)
  std::vector<std::string> done_futures;
};

// Where steps are being written, which decides what they may do.
struct Place {
  int depth = 0;
  bool in_try = false;   // an exception raised here is caught
  bool body = false;     // a coroutine body (await, sleep, return)
  bool sure_end = false;  // a run_until_complete body: must finish without help
  std::string self;      // the callback's id (probes)
};

class Generator {
 public:
  Generator(Choices& choices, const GenOptions& options) : c_(choices), o_(options) {}
  Json scenario();

  // Callbacks and bodies (generate_steps.cpp).
  Json callback_do(Scope scope, Place place);
  Json body_do(Scope scope, Place place);
  Json schedule(Scope& scope, const Place& place, Json& out);  // appends the step (+probes)

 private:
  Json callback_step(Scope& scope, const Place& place, Json& out, bool& ended);
  Json body_step(Scope& scope, const Place& place, Json& out, bool& ended);
  void top_step(Scope& scope, Json& out);
  void run_step(Scope& scope, Json& out, bool forever);
  Json observe_step(const Scope& scope);
  Json raise_step(const Place& place, Json& out);
  Json cancel_step(const Scope& scope, bool with_futures);
  Json future_op(const Scope& scope);
  Json try_cancelled(Scope& scope, const Place& place);

 public:
  std::uint32_t pick(std::uint32_t n) { return c_.pick(n); }
  bool maybe(std::uint32_t num, std::uint32_t den) { return c_.pick(den) >= den - num; }
  template <class V>
  const std::string& one_of(const V& items) { return items[pick(static_cast<std::uint32_t>(items.size()))]; }
  std::string new_id(const char* prefix) { return prefix + std::to_string(++ids_); }
  bool room() const { return ids_ < o_.max_objects; }
  bool timer_room() const { return o_.ties || timers_ < kMaxUniqueTimers; }
  // A time of up to (steps - 1) / 16 s: multiples of 1/16, or of 1/4 with ties allowed, so
  // that several timers fall due together (heap and FIFO orders differ from 4 on, ORD-08).
  double grid(std::uint32_t steps) {
    if (o_.ties) return static_cast<double>(pick((steps + 3) / 4)) / 4.0;
    return static_cast<double>(pick(steps)) / 16.0;
  }
  double offset();  // 0 with ties; else 2^-(7+k) for the k-th timer
  Json iterations(const std::string& label) const;  // a probe step
  Json guard(double delay, Json steps);  // a call_later guard timer (no id)
  const GenOptions& options() const { return o_; }
  bool used_tasks_ = false;

 private:
  Choices& c_;
  const GenOptions& o_;
  int ids_ = 0;
  int timers_ = 0;
};

}  // namespace loopcheck::gen::detail
