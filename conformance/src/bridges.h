// The in-process adapters' factories, one bridge file each: aio_bridge.cpp (native, sim; when
// loopcheck_aio_adapter is built in) and model_bridge.cpp (model). make_inprocess_adapter
// (adapters.cpp) picks by name. Must not: be included outside src/ (not a public header).
#pragma once

#include <memory>
#include <string>

#include "loopcheck/adapter.h"

namespace loopcheck {

// `native` or `sim`, or null when that library is not part of the build (or another name).
std::shared_ptr<Adapter> make_aio_adapter(const std::string& name);
// `model` (heap order for equal-time timers) and `model-fifo`: the reference model.
std::shared_ptr<Adapter> make_model_adapter(bool fifo);

}  // namespace loopcheck
