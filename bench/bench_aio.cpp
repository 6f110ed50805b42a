// bench_aio: the comparative workloads (reports/bench/README.md) on aio::EventLoop (epoll),
// and the virtual-time workload on aio::sim::World. Prints one JSON line per invocation.
//   bench_aio <workload> [--n N] [--seed S]
#include <cstdint>
#include <thread>
#include <vector>

#include "aio/aio.h"
#include "aio/sim/world.h"
#include "peer_common.h"

namespace {

using peer::check;
using peer::count_mismatch;
using peer::Result;
using peer::Stopwatch;

// One loop for the process: the cold run and the measured run share it, as batches of work
// share the loop of a long-lived program.
aio::EventLoop& process_loop() {
  static aio::EventLoop loop;
  return loop;
}

// Runs the loop until no timer and no callback is left (cancelled timers included: aio drops
// them from its heap lazily). No live timer is due later than `last_delay` from now: a stop
// timer there lets one run_forever do the bulk of the work.
void run_to_completion(aio::EventLoop& loop, double last_delay) {
  loop.call_later(last_delay, [&loop] { loop.stop(); });
  loop.run_forever();
  while (loop.scheduled_count() != 0 || loop.ready_count() != 0) {
    loop.stop();
    loop.run_forever();
  }
}

// 1. n callbacks queued with call_soon, then run in one iteration.
Result call_soon_batch(std::int64_t n, std::uint64_t) {
  aio::EventLoop& loop = process_loop();
  std::int64_t count = 0;
  Stopwatch sw;
  for (std::int64_t i = 0; i < n; ++i) loop.call_soon([&count] { ++count; });
  loop.stop();
  loop.run_forever();
  double s = sw.seconds();
  check(count == n, count_mismatch("callbacks run", count, n));
  return {n, s, {}};
}

// 2. Each callback schedules the next with call_soon; n in all.
struct Chain {
  aio::EventLoop* loop;
  std::int64_t remaining;
  std::int64_t count = 0;
  void step() {
    ++count;
    if (--remaining > 0)
      loop->call_soon([this] { step(); });
    else
      loop->stop();
  }
};

Result call_soon_chain(std::int64_t n, std::uint64_t) {
  aio::EventLoop& loop = process_loop();
  Chain chain{&loop, n};
  Stopwatch sw;
  loop.call_soon([&chain] { chain.step(); });
  loop.run_forever();
  double s = sw.seconds();
  check(chain.count == n, count_mismatch("callbacks run", chain.count, n));
  return {n, s, {}};
}

// 3. n timers with random delays in [0, max_delay); every other one cancelled (in a second
// pass, as timeouts cancelled later are); run to completion. Also the simulator's workload.
struct TimerCounts {
  std::int64_t fired = 0;
  std::int64_t wrong = 0;  // a cancelled timer that fired
};

void schedule_half_cancelled(aio::EventLoop& loop, std::int64_t n, double max_delay,
                             std::uint64_t seed, TimerCounts& counts) {
  peer::Rng rng{seed};
  static std::vector<aio::TimerHandle> to_cancel;  // kept, as the programs' other buffers
  to_cancel.clear();
  to_cancel.reserve(static_cast<std::size_t>(n / 2 + 1));
  for (std::int64_t i = 0; i < n; ++i) {
    aio::TimerHandle h = loop.call_later(rng.uniform() * max_delay, [&counts, i] {
      if (i % 2 == 0) ++counts.wrong;
      ++counts.fired;
    });
    if (i % 2 == 0) to_cancel.push_back(std::move(h));
  }
  for (aio::TimerHandle& h : to_cancel) {
    h.cancel();
    h = aio::TimerHandle{};
  }
}

void check_timers(const TimerCounts& counts, std::int64_t n) {
  check(counts.wrong == 0, count_mismatch("cancelled timers that fired", counts.wrong, 0));
  check(counts.fired == n / 2, count_mismatch("timers fired", counts.fired, n / 2));
}

Result timers(std::int64_t n, std::uint64_t seed) {
  aio::EventLoop& loop = process_loop();
  TimerCounts counts;
  Stopwatch sw;
  schedule_half_cancelled(loop, n, 0.010, seed, counts);
  run_to_completion(loop, 0.010);
  double s = sw.seconds();
  check_timers(counts, n);
  return {n, s, {}};
}

// 4. n live 10 ms timeouts; 10 passes cancel and re-arm each; run to completion: only the
// last arm of each fires. Items: the 10 n re-arms.
constexpr int kRearms = 10;
constexpr double kIdleTimeout = 0.010;

Result timer_churn(std::int64_t n, std::uint64_t) {
  aio::EventLoop& loop = process_loop();
  std::int64_t fired = 0;
  std::int64_t stale = 0;  // an arm that was cancelled, yet fired
  static std::vector<aio::TimerHandle> timeouts;  // kept, as the programs' other buffers
  timeouts.resize(static_cast<std::size_t>(n));
  auto arm = [&](std::size_t i, int gen) {
    timeouts[i] = loop.call_later(kIdleTimeout, [&fired, &stale, gen] {
      if (gen != kRearms) ++stale;
      ++fired;
    });
  };
  Stopwatch sw;
  for (std::size_t i = 0; i < timeouts.size(); ++i) arm(i, 0);
  for (int gen = 1; gen <= kRearms; ++gen) {
    for (std::size_t i = 0; i < timeouts.size(); ++i) {
      timeouts[i].cancel();
      arm(i, gen);
    }
  }
  run_to_completion(loop, kIdleTimeout);
  double s = sw.seconds();
  check(stale == 0, count_mismatch("cancelled arms that fired", stale, 0));
  check(fired == n, count_mismatch("timeouts fired", fired, n));
  for (aio::TimerHandle& h : timeouts) h = aio::TimerHandle{};
  return {n * kRearms, s, {}};
}

// 5. Another thread submits n callbacks with call_soon_threadsafe; the last one stops the loop.
Result cross_thread(std::int64_t n, std::uint64_t) {
  aio::EventLoop& loop = process_loop();
  std::int64_t count = 0;  // loop thread only
  Stopwatch sw;
  std::thread producer([&] {
    for (std::int64_t i = 0; i < n; ++i)
      loop.call_soon_threadsafe([&loop, &count, n] {
        if (++count == n) loop.stop();
      });
  });
  loop.run_forever();
  double s = sw.seconds();
  producer.join();
  check(count == n, count_mismatch("callbacks run", count, n));
  return {n, s, {}};
}

// 6a. n trivial coroutine tasks: created, run, finished; the last one stops the loop.
Result task_spawn(std::int64_t n, std::uint64_t) {
  aio::EventLoop& loop = process_loop();
  std::int64_t count = 0;
  struct Trivial {
    static aio::Coro<void> run(aio::EventLoop& l, std::int64_t& c, std::int64_t total) {
      if (++c == total) l.stop();
      co_return;
    }
  };
  std::vector<aio::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  Stopwatch sw;
  for (std::int64_t i = 0; i < n; ++i) tasks.push_back(loop.create_task(Trivial::run(loop, count, n)));
  loop.run_forever();
  double s = sw.seconds();
  check(count == n, count_mismatch("coroutines finished", count, n));
  std::int64_t done = 0;
  for (const aio::Task<void>& t : tasks) done += t.done();
  check(done == n, count_mismatch("tasks done", done, n));
  return {n, s, {}};
}

// 6b. Two tasks hand a value back and forth through futures, a new Future per hand-off; n
// hand-offs in all.
Result task_pingpong(std::int64_t n, std::uint64_t) {
  aio::EventLoop& loop = process_loop();
  const std::int64_t rounds = (n + 1) / 2;
  std::int64_t handoffs = 0, wrong = 0;
  aio::Future<std::int64_t> to_pong = loop.create_future<std::int64_t>();
  aio::Future<std::int64_t> to_ping;
  auto pinger = [&]() -> aio::Coro<void> {
    for (std::int64_t i = 0; i < rounds; ++i) {
      to_ping = loop.create_future<std::int64_t>();
      to_pong.set_result(i);
      const std::int64_t v = co_await to_ping;
      ++handoffs;
      wrong += v != i;
    }
  };
  auto ponger = [&]() -> aio::Coro<void> {
    for (std::int64_t i = 0; i < rounds; ++i) {
      const std::int64_t v = co_await to_pong;
      ++handoffs;
      to_pong = loop.create_future<std::int64_t>();
      to_ping.set_result(v);
    }
  };
  Stopwatch sw;
  aio::Task<void> a = loop.create_task(pinger());
  aio::Task<void> b = loop.create_task(ponger());
  loop.run_until_complete(aio::gather(std::vector<aio::Future<void>>{a, b}));
  double s = sw.seconds();
  check(wrong == 0, count_mismatch("values out of order", wrong, 0));
  check(handoffs == 2 * rounds, count_mismatch("hand-offs", handoffs, 2 * rounds));
  return {2 * rounds, s, {}};
}

// 8. The timer workload on virtual time: n timers spread over 24 simulated hours, half
// cancelled, run to completion. Reports simulated seconds per wall second.
Result sim_timers(std::int64_t n, std::uint64_t seed) {
  constexpr double kDay = 24 * 3600.0;
  aio::sim::World world(seed);
  aio::EventLoop loop(world.seams());
  TimerCounts counts;
  Stopwatch sw;
  schedule_half_cancelled(loop, n, kDay, seed, counts);
  run_to_completion(loop, kDay);
  double s = sw.seconds();
  check_timers(counts, n);
  check(world.now() >= kDay, "virtual time did not reach 24 hours");
  double sim = world.now();
  loop.close();
  return {n, s, {{"sim_seconds", sim}, {"sim_seconds_per_second", sim / s}}};
}

}  // namespace

int main(int argc, char** argv) {
  return peer::main(
      argc, argv, "aio",
      {
          {"call_soon_batch", {call_soon_batch, "call_soon x n, then one iteration"}},
          {"call_soon_chain", {call_soon_chain, ""}},
          {"timers", {timers, "call_later; TimerHandle.cancel"}},
          {"timer_churn", {timer_churn, "TimerHandle.cancel + call_later"}},
          {"cross_thread", {cross_thread, "call_soon_threadsafe from one std::thread"}},
          {"task_spawn", {task_spawn, "loop.create_task(coro()) x n"}},
          {"task_pingpong", {task_pingpong, "two tasks; a new Future per hand-off"}},
          {"sim_timers", {sim_timers, "aio::sim::World; timers over 24 simulated hours"}},
      });
}
