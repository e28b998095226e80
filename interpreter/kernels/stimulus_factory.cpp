#include "interpreter/kernels/stimulus_factory.h"

#include "interpreter/kernels/stimuli.h"

namespace cvm::kernels {

std::unique_ptr<io::FrameSource> make_stimulus(const graph::Value& call) {
  auto n = [&](const char* name) { return call.arg(name)->number; };
  auto i = [&](const char* name) { return static_cast<int64_t>(call.arg(name)->number); };
  for (const char* dim : {"t", "x", "y"}) {
    if (i(dim) < 1) throw io::DataError(std::string("stimulus size '") + dim + "' must be at least 1");
  }
  if (call.text == "moving_grating") {
    return std::make_unique<MovingGrating>(i("t"), i("x"), i("y"), n("vt"), n("vx"), n("vy"));
  }
  if (call.text == "impulse") return std::make_unique<Impulse>(i("t"), i("x"), i("y"), i("at"), n("amplitude"));
  throw io::DataError("stimulus '" + call.text + "' is not implemented");
}

}  // namespace cvm::kernels
