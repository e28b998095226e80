// Layers that combine signals in composite models (stdlib/convis/models.cvm): the
// difference of two signals, as convis's models write `a - feedback(a)`, and two signals
// side by side on the channel axis, as convis's Parallel(sum = 'cat') joins its branches.
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

class ConcatLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const at::Tensor& x = in[0];
    const at::Tensor& y = in[1];
    if (x.size(0) != y.size(0) || x.size(2) != y.size(2) || x.size(3) != y.size(3) || x.size(4) != y.size(4)) {
      throw std::invalid_argument("Concat needs two signals with the same batch, frames and frame size");
    }
    return {at::cat({x, y}, 1)};
  }
};

const bool registered = register_layer("Subtract",
                                       [](const graph::Node&, const LayerContext&) {
                                         return std::make_unique<SubtractLayer>();
                                       }) &&
                        register_layer("Concat", [](const graph::Node&, const LayerContext&) {
                          return std::make_unique<ConcatLayer>();
                        });

}  // namespace
}  // namespace cvm::interp
