// The in-process adapters `model` and `model-fifo`: the reference model (conformance/model/,
// the library loopcheck_model), CPython 3.11's scheduling semantics on virtual time, with
// equal-time timers in heap order (CPython's) or in scheduling order (aio's choice, so that
// `loopcheck fuzz --ties` can compare aio's simulator with it exactly).
#include "bridges.h"
#include "loopcheck/refmodel.h"

namespace loopcheck {
namespace {

class ModelAdapter : public Adapter {
 public:
  explicit ModelAdapter(refmodel::TieBreak ties) { options_.ties = ties; }
  Json describe() override { return from_plain(refmodel::describe(options_)); }
  Json run(const Json& scenario, const RunOptions&) override {
    return from_plain(refmodel::run_scenario(to_plain(scenario), options_));
  }

 private:
  refmodel::ModelOptions options_;
};

}  // namespace

std::shared_ptr<Adapter> make_model_adapter(bool fifo) {
  return std::make_shared<ModelAdapter>(fifo ? refmodel::TieBreak::fifo : refmodel::TieBreak::heap);
}

}  // namespace loopcheck
