// Task switch cost of aio (issue 3), next to the core benchmarks: create + run + complete
// trivial coroutine tasks, and a ping-pong of hand-offs between two tasks through futures
// (a new Future per hand-off, as asyncio code does). Google Benchmark, on epoll.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "aio/aio.h"

namespace {

aio::Coro<void> trivial(std::int64_t& count) {
  ++count;
  co_return;
}

void BM_TaskSpawn(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  aio::EventLoop loop;
  std::int64_t count = 0;
  std::vector<aio::Task<void>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (auto _ : state) {
    for (std::int64_t i = 0; i < n; ++i) tasks.push_back(loop.create_task(trivial(count)));
    loop.stop();
    loop.run_forever();  // one iteration runs every first (and only) step
    tasks.clear();
  }
  if (count != n * static_cast<std::int64_t>(state.iterations())) state.SkipWithError("lost tasks");
  state.SetItemsProcessed(count);
  loop.close();
}
// Several iterations: the first one faults the pools' memory in (about 0.5 GB for 1M live tasks).
BENCHMARK(BM_TaskSpawn)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(5);

struct PingPong {
  aio::EventLoop& loop;
  std::int64_t rounds;
  aio::Future<std::int64_t> to_pong, to_ping;
  std::int64_t handoffs = 0;

  aio::Coro<void> pinger() {
    for (std::int64_t i = 0; i < rounds; ++i) {
      to_ping = loop.create_future<std::int64_t>();
      to_pong.set_result(i);
      if (co_await to_ping != i) throw aio::RuntimeError("out of order");
      ++handoffs;
    }
  }
  aio::Coro<void> ponger() {
    for (std::int64_t i = 0; i < rounds; ++i) {
      const std::int64_t v = co_await to_pong;
      ++handoffs;
      to_pong = loop.create_future<std::int64_t>();
      to_ping.set_result(v);
    }
  }
};

void BM_TaskPingPong(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  aio::EventLoop loop;
  std::int64_t total = 0;
  for (auto _ : state) {
    PingPong game{loop, n / 2, loop.create_future<std::int64_t>(), {}};
    aio::Task<void> a = loop.create_task(game.pinger());
    aio::Task<void> b = loop.create_task(game.ponger());
    loop.run_until_complete(aio::gather(std::vector<aio::Future<void>>{a, b}));
    total += game.handoffs;
  }
  if (total != n * static_cast<std::int64_t>(state.iterations())) state.SkipWithError("lost hand-offs");
  state.SetItemsProcessed(total);
  loop.close();
}
BENCHMARK(BM_TaskPingPong)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
