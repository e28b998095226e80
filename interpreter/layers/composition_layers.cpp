// Layers that combine signals in composite models (stdlib/convis/models.cvm): the
// difference of two signals, as convis's models write `a - feedback(a)`.
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

class SubtractLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (!in[0].sizes().equals(in[1].sizes())) {
      throw std::invalid_argument("Subtract needs two signals of the same shape");
    }
    return {in[0] - in[1]};
  }
};

const bool registered = register_layer(
    "Subtract", [](const graph::Node&, const LayerContext&) { return std::make_unique<SubtractLayer>(); });

}  // namespace
}  // namespace cvm::interp
