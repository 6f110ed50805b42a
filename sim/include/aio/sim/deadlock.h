#pragma once
// aio::sim::Deadlock: thrown by SimSelector::select() when it is asked to wait forever but
// nothing can ever become ready (nothing ready, no wake-up, no pending world event). On a real
// kernel that program would hang; the simulator reports it instead. Must not be thrown for
// anything a finite timeout could end.

#include "aio/errors.h"

namespace aio::sim {

class Deadlock final : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
  const char* type_name() const noexcept override { return "Deadlock"; }
};

}  // namespace aio::sim
