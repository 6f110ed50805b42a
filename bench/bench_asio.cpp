// bench_asio: the comparative workloads on Boost.Asio's io_context (header-only Boost 1.74,
// C++20 coroutines through co_spawn/awaitable). Prints one JSON line per invocation.
//   bench_asio <workload> [--n N] [--seed S]
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

// Boost 1.74 looks for clang's coroutines in <experimental/coroutine> only; clang 14 with
// libstdc++ has the standard <coroutine>, which 1.74 supports as it does for g++.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && __has_include(<coroutine>)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "peer_common.h"

namespace asio = boost::asio;

namespace {

using peer::check;
using peer::count_mismatch;
using peer::Result;
using peer::Stopwatch;

// Single-threaded workloads tell Asio so with BOOST_ASIO_CONCURRENCY_HINT_UNSAFE: no locking
// in the scheduler or the reactor, the same guarantee as aio's call_soon (loop thread only),
// and Asio's fastest documented configuration (faster than hint 1 for post from outside run).
// One io_context of each kind for the process: the cold run and the measured run share it.
asio::io_context& one_thread_context() {
  static asio::io_context ctx(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);
  ctx.restart();  // run() returned when it ran out of work
  return ctx;
}
asio::io_context& thread_safe_context() {
  static asio::io_context ctx;
  ctx.restart();
  return ctx;
}

// 1. n handlers posted, then run.
Result call_soon_batch(std::int64_t n, std::uint64_t) {
  asio::io_context& ctx = one_thread_context();
  std::int64_t count = 0;
  Stopwatch sw;
  for (std::int64_t i = 0; i < n; ++i) asio::post(ctx, [&count] { ++count; });
  ctx.run();
  double s = sw.seconds();
  check(count == n, count_mismatch("handlers run", count, n));
  return {n, s, {}};
}

// 2. Each handler posts the next; run() returns when the last one posts nothing.
struct Chain {
  asio::io_context* ctx;
  std::int64_t remaining;
  std::int64_t count = 0;
  void step() {
    ++count;
    if (--remaining > 0) asio::post(*ctx, [this] { step(); });
  }
};

Result call_soon_chain(std::int64_t n, std::uint64_t) {
  asio::io_context& ctx = one_thread_context();
  Chain chain{&ctx, n};
  Stopwatch sw;
  asio::post(ctx, [&chain] { chain.step(); });
  ctx.run();
  double s = sw.seconds();
  check(chain.count == n, count_mismatch("handlers run", chain.count, n));
  return {n, s, {}};
}

// 3. n steady_timers with random delays within 10 ms; every other one cancelled (its handler
// then runs with operation_aborted, as Asio does); run to completion.
Result timers(std::int64_t n, std::uint64_t seed) {
  asio::io_context& ctx = one_thread_context();
  peer::Rng rng{seed};
  std::int64_t fired = 0, aborted = 0, wrong = 0;
  static std::vector<asio::steady_timer> ts;  // storage kept, as the programs' other buffers
  ts.clear();
  Stopwatch sw;
  ts.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    auto delay = std::chrono::nanoseconds(static_cast<std::int64_t>(rng.uniform() * 1e7));
    ts.emplace_back(ctx, delay).async_wait([&, i](const boost::system::error_code& ec) {
      bool cancelled = ec == asio::error::operation_aborted;
      if (cancelled != (i % 2 == 0)) ++wrong;
      ++(cancelled ? aborted : fired);
    });
  }
  for (std::int64_t i = 0; i < n; i += 2) ts[static_cast<std::size_t>(i)].cancel();
  ctx.run();
  double s = sw.seconds();
  check(wrong == 0, count_mismatch("timers with the wrong outcome", wrong, 0));
  check(fired == n / 2, count_mismatch("timers fired", fired, n / 2));
  check(aborted == n - n / 2, count_mismatch("timers aborted", aborted, n - n / 2));
  return {n, s, {}};
}

// 4. n live 10 ms timeouts; 10 passes cancel and re-arm each (cancel, expires_after,
// async_wait); run to completion: only the last arm of each fires. Items: the 10 n re-arms.
constexpr int kRearms = 10;

Result timer_churn(std::int64_t n, std::uint64_t) {
  asio::io_context& ctx = one_thread_context();
  std::int64_t fired = 0, aborted = 0, stale = 0;
  static std::vector<asio::steady_timer> ts;  // storage kept, as the programs' other buffers
  ts.clear();
  auto wait = [&](asio::steady_timer& t, int gen) {
    t.async_wait([&, gen](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted) {
        ++aborted;
        return;
      }
      if (gen != kRearms) ++stale;
      ++fired;
    });
  };
  Stopwatch sw;
  ts.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) wait(ts.emplace_back(ctx, std::chrono::milliseconds(10)), 0);
  for (int gen = 1; gen <= kRearms; ++gen) {
    for (asio::steady_timer& t : ts) {
      t.cancel();
      t.expires_after(std::chrono::milliseconds(10));
      wait(t, gen);
    }
  }
  ctx.run();
  double s = sw.seconds();
  check(stale == 0, count_mismatch("cancelled arms that fired", stale, 0));
  check(fired == n, count_mismatch("timeouts fired", fired, n));
  check(aborted == n * kRearms, count_mismatch("arms aborted", aborted, n * kRearms));
  return {n * kRearms, s, {}};
}

// 5. Another thread posts n handlers to a thread-safe io_context (default hint) kept running
// by a work guard; the last handler stops it.
Result cross_thread(std::int64_t n, std::uint64_t) {
  asio::io_context& ctx = thread_safe_context();
  auto guard = asio::make_work_guard(ctx);
  std::int64_t count = 0;  // io_context thread only
  Stopwatch sw;
  std::thread producer([&] {
    for (std::int64_t i = 0; i < n; ++i)
      asio::post(ctx, [&ctx, &count, n] {
        if (++count == n) ctx.stop();
      });
  });
  ctx.run();
  double s = sw.seconds();
  producer.join();
  check(count == n, count_mismatch("handlers run", count, n));
  return {n, s, {}};
}

// 6a. n trivial coroutines, each co_spawn'ed (detached), run to their end.
asio::awaitable<void> trivial(std::int64_t& count) {
  ++count;
  co_return;
}

Result task_spawn(std::int64_t n, std::uint64_t) {
  asio::io_context& ctx = one_thread_context();
  std::int64_t count = 0;
  Stopwatch sw;
  for (std::int64_t i = 0; i < n; ++i) asio::co_spawn(ctx, trivial(count), asio::detached);
  ctx.run();
  double s = sw.seconds();
  check(count == n, count_mismatch("coroutines finished", count, n));
  return {n, s, {}};
}

// 6b. Ping-pong: two coroutines hand a value back and forth n times. Asio 1.74 has no future
// or channel a coroutine can await, so this is the minimal one: a one-value mailbox whose
// waiter is resumed by posting its completion to the io_context (as asyncio's set_result
// schedules the waiting task with call_soon).
class Mailbox {
 public:
  template <class Token>
  auto async_get(Token&& token) {
    return asio::async_initiate<Token, void(std::int64_t)>(
        [this](auto handler) {
          if (full_) {
            full_ = false;
            resume(std::move(handler), value_);
          } else {
            waiter_ = std::make_unique<Waiter<decltype(handler)>>(std::move(handler));
          }
        },
        token);
  }
  void set(std::int64_t v) {
    if (waiter_) {
      std::unique_ptr<WaiterBase> w = std::move(waiter_);
      w->complete(v);
    } else {
      value_ = v;
      full_ = true;
    }
  }

 private:
  template <class H>
  static void resume(H&& handler, std::int64_t v) {
    auto ex = asio::get_associated_executor(handler);
    asio::post(ex, [h = std::move(handler), v]() mutable { h(v); });
  }
  struct WaiterBase {
    virtual ~WaiterBase() = default;
    virtual void complete(std::int64_t v) = 0;
  };
  template <class H>
  struct Waiter final : WaiterBase {
    explicit Waiter(H&& handler) : h(std::move(handler)) {}
    void complete(std::int64_t v) override { resume(std::move(h), v); }
    H h;
  };
  std::unique_ptr<WaiterBase> waiter_;
  std::int64_t value_ = 0;
  bool full_ = false;
};

struct PingPong {
  Mailbox to_ping, to_pong;
  std::int64_t handoffs = 0, wrong = 0;
};

asio::awaitable<void> pinger(PingPong& p, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    p.to_pong.set(i);
    std::int64_t v = co_await p.to_ping.async_get(asio::use_awaitable);
    ++p.handoffs;
    if (v != i) ++p.wrong;
  }
}

asio::awaitable<void> ponger(PingPong& p, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    std::int64_t v = co_await p.to_pong.async_get(asio::use_awaitable);
    ++p.handoffs;
    p.to_ping.set(v);
  }
}

Result task_pingpong(std::int64_t n, std::uint64_t) {
  asio::io_context& ctx = one_thread_context();
  PingPong p;
  std::int64_t rounds = (n + 1) / 2;
  Stopwatch sw;
  asio::co_spawn(ctx, pinger(p, rounds), asio::detached);
  asio::co_spawn(ctx, ponger(p, rounds), asio::detached);
  ctx.run();
  double s = sw.seconds();
  check(p.wrong == 0, count_mismatch("values out of order", p.wrong, 0));
  check(p.handoffs == 2 * rounds, count_mismatch("hand-offs", p.handoffs, 2 * rounds));
  return {2 * rounds, s, {}};
}

}  // namespace

int main(int argc, char** argv) {
  return peer::main(
      argc, argv, "asio",
      {
          {"call_soon_batch", {call_soon_batch, "post x n, then run (concurrency hint UNSAFE)"}},
          {"call_soon_chain", {call_soon_chain, "post from the handler (concurrency hint UNSAFE)"}},
          {"timers", {timers, "steady_timer + async_wait; cancel (handler runs aborted)"}},
          {"timer_churn",
           {timer_churn, "steady_timer cancel + expires_after + async_wait (aborted handler runs)"}},
          {"cross_thread", {cross_thread, "post from one std::thread; work guard; thread-safe io_context"}},
          {"task_spawn", {task_spawn, "co_spawn(awaitable, detached)"}},
          {"task_pingpong",
           {task_pingpong, "co_spawn coroutines; one-value mailbox via async_initiate + post"}},
      });
}
