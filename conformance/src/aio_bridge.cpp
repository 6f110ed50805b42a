// The in-process aio adapters (native, sim), over the library loopcheck_aio_adapter
// (conformance/adapters/aio/). Compiled only when that library is part of the build.
#include "bridges.h"
#include "loopcheck/adapters.h"

#ifdef LOOPCHECK_HAVE_AIO_ADAPTER
#include "loopcheck/aio_adapter.h"

namespace loopcheck {
namespace {

class AioAdapter : public Adapter {
 public:
  explicit AioAdapter(aio_adapter::Backend backend) : backend_(backend) {}
  Json describe() override {
    aio_adapter::AdapterOptions o;
    o.backend = backend_;
    return from_plain(aio_adapter::describe(o));
  }
  Json run(const Json& scenario, const RunOptions& options) override {
    aio_adapter::AdapterOptions o;
    o.backend = backend_;
    o.seed = options.seed;
    o.chaos = options.chaos;
    o.trace_world = options.trace_world;
    return from_plain(aio_adapter::run_scenario(to_plain(scenario), o));
  }

 private:
  aio_adapter::Backend backend_;
};

}  // namespace

std::shared_ptr<Adapter> make_aio_adapter(const std::string& name) {
  if (name == "native") return std::make_shared<AioAdapter>(aio_adapter::Backend::native);
  if (name == "sim") return std::make_shared<AioAdapter>(aio_adapter::Backend::sim);
  return nullptr;
}

std::string inprocess_unavailable_reason() { return {}; }

}  // namespace loopcheck

#else

namespace loopcheck {

std::shared_ptr<Adapter> make_aio_adapter(const std::string&) { return nullptr; }

std::string inprocess_unavailable_reason() {
  return "not built in: the library loopcheck_aio_adapter (conformance/adapters/aio/) was not "
         "part of this build";
}

}  // namespace loopcheck

#endif
