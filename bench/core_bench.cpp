// Core throughput of aio::EventLoop on the real backend (epoll):
//   call_soon batch  1M callbacks queued, then run in one iteration
//   call_soon chain  each callback schedules the next
//   timers           1M timers with random delays within 10 ms, half cancelled, run to the end
// Targets (issue 2): batch >= 50M callbacks/s; timers < 150 ms.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "aio/event_loop.h"
#include "aio/sim/world.h"

namespace {

void BM_CallSoonBatch(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  aio::EventLoop loop;
  std::int64_t count = 0;
  for (auto _ : state) {
    for (std::int64_t i = 0; i < n; ++i) loop.call_soon([&count] { ++count; });
    loop.stop();
    loop.run_forever();
  }
  if (count != n * static_cast<std::int64_t>(state.iterations())) state.SkipWithError("lost callbacks");
  state.SetItemsProcessed(count);
  loop.close();
}
BENCHMARK(BM_CallSoonBatch)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

struct Chain {
  aio::EventLoop* loop;
  std::int64_t remaining;
  void step() {
    if (--remaining > 0)
      loop->call_soon([this] { step(); });
    else
      loop->stop();
  }
};

void BM_CallSoonChain(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  aio::EventLoop loop;
  for (auto _ : state) {
    Chain chain{&loop, n};
    loop.call_soon([&chain] { chain.step(); });
    loop.run_forever();
  }
  state.SetItemsProcessed(n * static_cast<std::int64_t>(state.iterations()));
  loop.close();
}
BENCHMARK(BM_CallSoonChain)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Schedules n timers, then cancels every other one (in a separate pass, so that the
// cancellations find the handles cold, as timeouts cancelled later would), then runs the loop
// until all are done. Only the handles to cancel are kept, and each is dropped as soon as it
// is cancelled: holding the others, or dropping all of them in one more pass, only measured
// this function's bookkeeping.
void run_timers(aio::EventLoop& loop, std::int64_t n, std::uint64_t seed, std::int64_t& fired) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> delay(0.0, 0.010);
  std::vector<aio::TimerHandle> to_cancel;
  to_cancel.reserve(static_cast<std::size_t>(n / 2 + 1));
  for (std::int64_t i = 0; i < n; ++i) {
    aio::TimerHandle handle = loop.call_later(delay(rng), [&fired] { ++fired; });
    if (i % 2 == 0) to_cancel.push_back(std::move(handle));
  }
  for (aio::TimerHandle& handle : to_cancel) {
    handle.cancel();
    handle = aio::TimerHandle{};
  }
  to_cancel.clear();
  loop.call_later(0.010, [&loop] { loop.stop(); });
  loop.run_forever();
  while (loop.scheduled_count() != 0 || loop.ready_count() != 0) {
    loop.stop();
    loop.run_forever();
  }
}

void BM_Timers(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  aio::EventLoop loop;
  std::int64_t fired = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) run_timers(loop, n, seed++, fired);
  if (fired != n / 2 * static_cast<std::int64_t>(state.iterations())) state.SkipWithError("wrong count");
  state.SetItemsProcessed(n * static_cast<std::int64_t>(state.iterations()));
  loop.close();
}
BENCHMARK(BM_Timers)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TimersSimulated(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  aio::sim::World world(1);
  aio::EventLoop loop(world.seams());
  std::int64_t fired = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) run_timers(loop, n, seed++, fired);
  state.SetItemsProcessed(n * static_cast<std::int64_t>(state.iterations()));
  loop.close();
}
BENCHMARK(BM_TimersSimulated)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
