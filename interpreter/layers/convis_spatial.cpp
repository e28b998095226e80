// std.convis spatial primitives (stdlib/convis/spatial.cvm) bound to their kernels: Conv2d,
// RF, SpatialRecursiveFilter, Sum and McIntosh's Readout. Each class reads its evaluated
// arguments from the graph node; RF keeps its time history between chunks, the others are
// stateless.
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/linear_readout.h"
#include "interpreter/kernels/receptive_field.h"
#include "interpreter/kernels/spatial_recursive.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {

/// Conv2d: a 1-frame causal_conv3d; the scalar bias is added to every output channel.
class Conv2dLayer : public Layer {
 public:
  explicit Conv2dLayer(const graph::Node& node) : padding_{true, arg_bool(node, "autopad")} {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    const at::Tensor& weight = params.at("weight");
    const at::Tensor bias = params.at("bias").reshape({1}).expand({weight.size(0)});
    return {kernels::causal_conv3d(in[0], weight.unsqueeze(2), bias, conv_, padding_)};
  }

 private:
  kernels::ConvPadding padding_;
  kernels::TimeHistory conv_;  // no frames (K_t = 1): only the kernel spectrum cache
};

class ReceptiveFieldLayer : public Layer {
 public:
  explicit ReceptiveFieldLayer(const graph::Node& node) {
    const graph::Value* mode = node.arg("rf_mode");
    if (mode && mode->text != "corner") {
      throw RuntimeError("RF: rf_mode \"" + mode->text + "\" is not implemented; only \"corner\" is (as in convis)",
                         node.range);
    }
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    c10::optional<at::Tensor> bias;
    auto it = params.find("bias");
    if (it != params.end()) bias = it->second;
    return {kernels::receptive_field(in[0], params.at("weight"), bias, history_)};
  }
  void reset_state() override { history_.frames = at::Tensor(); }
  std::vector<at::Tensor> save_state() const override {
    return {history_.frames.defined() ? history_.frames.clone() : at::Tensor()};
  }
  void restore_state(const std::vector<at::Tensor>& s) override { history_.frames = s.at(0); }

 private:
  kernels::TimeHistory history_;
};

class SpatialRecursiveLayer : public Layer {
 public:
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {kernels::spatial_recursive_gaussian(in[0], kernels::deriche_coefficient_tensor(params.at("density")))};
  }
};

/// Sum: the plan has already added every signal connected to the input; this sums over
/// `dim` keeping it, as convis's filters.sum does on the concatenation.
class SumLayer : public Layer {
 public:
  explicit SumLayer(const graph::Node& node) : dim_(static_cast<int64_t>(arg_number(node, "dim"))) {
    if (dim_ == 1 || dim_ == 2 || dim_ < 0 || dim_ > 4) {
      throw RuntimeError("Sum(dim = " + std::to_string(dim_) +
                             ") is not supported: dim must be 0 (batch), 3 (x) or 4 (y); summing channels "
                             "would change the declared channel count and summing time would depend on "
                             "the chunks",
                         node.range);
    }
  }
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (in[0].size(dim_) == 1) return {in[0]};
    return {in[0].sum(dim_, /*keepdim=*/true)};
  }

 private:
  int64_t dim_;
};

class ReadoutLayer : public Layer {
 public:
  explicit ReadoutLayer(const graph::Node& node) : size_(arg_ints(node, "size")), range_(node.range) {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    if (in[0].size(3) != size_.at(0) || in[0].size(4) != size_.at(1)) {
      throw RuntimeError("the readout expects frames of " + std::to_string(size_[0]) + "x" +
                             std::to_string(size_[1]) + " pixels (its size argument) but gets " +
                             std::to_string(in[0].size(3)) + "x" + std::to_string(in[0].size(4)),
                         range_);
    }
    return {kernels::linear_readout(in[0], params.at("weight"))};
  }

 private:
  std::vector<int64_t> size_;
  SourceRange range_;
};

const bool registered = [] {
  register_layer("Conv2d", [](const graph::Node& n, const LayerContext&) { return std::make_unique<Conv2dLayer>(n); });
  register_layer("RF",
                 [](const graph::Node& n, const LayerContext&) { return std::make_unique<ReceptiveFieldLayer>(n); });
  register_layer("SpatialRecursiveFilter",
                 [](const graph::Node&, const LayerContext&) { return std::make_unique<SpatialRecursiveLayer>(); });
  register_layer("Sum", [](const graph::Node& n, const LayerContext&) { return std::make_unique<SumLayer>(n); });
  register_layer("Readout", [](const graph::Node& n, const LayerContext&) { return std::make_unique<ReadoutLayer>(n); });
  return true;
}();

}  // namespace
}  // namespace cvm::interp
