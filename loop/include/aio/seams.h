#pragma once
// The three seams an EventLoop is built on, bundled. Real ones come from aio::real_seams()
// (aio/real_seams.h); simulated ones from aio::sim::World::seams() (aio/sim/world.h).
// Each seam keeps alive whatever it needs, so a loop may outlive the factory that made it.

#include <memory>

#include "aio/clock.h"
#include "aio/os.h"
#include "aio/selector.h"

namespace aio {

struct Seams {
  std::shared_ptr<Clock> clock;
  std::shared_ptr<Selector> selector;
  std::shared_ptr<Os> os;
};

}  // namespace aio
