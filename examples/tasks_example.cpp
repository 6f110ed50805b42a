// The README's example: a coroutine that sleeps, spawns tasks and cancels one, run with
// aio::run on the real kernel, then the same code on the simulator from a seed. Built and run
// by the tests (example_tasks), which check its output.
#include <cstdio>

#include "aio/aio.h"
#include "aio/sim/world.h"

aio::Coro<int> worker(int n) {
  co_await aio::sleep(0.01 * n);
  co_return n * n;
}

aio::Coro<int> main_coro() {
  auto a = aio::create_task(worker(2));
  auto b = aio::create_task(worker(100));   // too slow: cancelled below
  co_await aio::sleep(0.05);
  b.cancel("no time");
  int sum = co_await a;
  try { co_await b; } catch (const aio::CancelledError& e) { std::printf("b: %s\n", e.what()); }
  co_return sum;
}

int main() {
  std::printf("epoll: %d\n", aio::run(main_coro()));
  aio::sim::World world(42);                  // virtual time, from a seed
  int sum = aio::run(main_coro(), world.seams());
  std::printf("sim:   %d at t=%.2f\n", sum, world.now());
}
