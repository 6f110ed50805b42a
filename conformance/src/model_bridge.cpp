// The in-process adapter `model`: the reference model (conformance/model/, the library
// loopcheck_model), CPython 3.11's scheduling semantics on virtual time, heap order for
// equal-time timers.
#include "bridges.h"
#include "loopcheck/refmodel.h"

namespace loopcheck {
namespace {

class ModelAdapter : public Adapter {
 public:
  Json describe() override { return from_plain(refmodel::describe(options_)); }
  Json run(const Json& scenario, const RunOptions&) override {
    return from_plain(refmodel::run_scenario(to_plain(scenario), options_));
  }

 private:
  refmodel::ModelOptions options_;  // TieBreak::heap: the order CPython gives
};

}  // namespace

std::shared_ptr<Adapter> make_model_adapter() {
  return std::make_shared<ModelAdapter>();
}

}  // namespace loopcheck
