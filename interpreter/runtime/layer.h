// A running instance of a primitive layer: its parameter tensors, its state, and a
// forward pass over one chunk of frames. The execution plan holds one Layer per graph
// node; layers are created by name from the registry (layer_registry.h), which binds each
// primitive declared in stdlib/*.cvm to its C++ implementation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "frontend/graph/model_graph.h"

namespace cvm::interp {

/// Resolution and run settings a layer may need.
struct LayerContext {
  Resolution resolution;
  /// The run's seed (`--seed`, or a fit's `seed`). Random layers draw from a counter-based
  /// generator keyed by (seed, layer path, cell, step), so the same seed gives the same
  /// numbers whatever the chunking or thread count.
  uint64_t seed = 0;
};

/// An error in the model or data found while running (exit code 1), with the source
/// range of the layer it concerns.
class RuntimeError : public std::runtime_error {
 public:
  RuntimeError(const std::string& message, SourceRange range = {})
      : std::runtime_error(message), range(range) {}
  SourceRange range;
};

class Layer {
 public:
  virtual ~Layer() = default;
  /// One chunk: inputs per port (each [batch, channel, time, x, y]) -> outputs per port.
  virtual std::vector<at::Tensor> forward(const std::vector<at::Tensor>& inputs) = 0;
  /// Back to the initial state (as before the first frame).
  virtual void reset_state() {}
  /// A copy of the state, to restore later (push/pop).
  virtual std::vector<at::Tensor> save_state() const { return {}; }
  virtual void restore_state(const std::vector<at::Tensor>& state) {}
  /// Cuts the state off the autograd graph (after a fit's optimizer step, so gradients
  /// never cross chunks). Default: save, detach every tensor, restore.
  virtual void detach_state() {
    std::vector<at::Tensor> state = save_state();
    for (auto& t : state) {
      if (t.defined()) t = t.detach();
    }
    restore_state(state);
  }
  /// Which output ports the plan reads (one flag per declared output: connected in the
  /// graph, a model output, or recorded), told once before the first chunk. A layer may
  /// skip computing an unneeded port and return an undefined tensor for it. Default: every
  /// port is computed.
  virtual void set_needed_outputs(const std::vector<bool>& needed) { (void)needed; }
  /// Sets one declared state variable (`state V` in the primitive's declaration) to a
  /// value, e.g. an initial membrane potential [x, y]. Layers without settable state refuse.
  virtual void set_state(const std::string& name, const at::Tensor& value) {
    (void)value;
    throw RuntimeError("the state '" + name + "' of this layer cannot be set");
  }

  /// Parameter tensors by local name ("weight"), shared with the plan.
  std::map<std::string, at::Tensor> params;
};

}  // namespace cvm::interp
