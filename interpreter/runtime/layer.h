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

  /// Parameter tensors by local name ("weight"), shared with the plan.
  std::map<std::string, at::Tensor> params;
};

}  // namespace cvm::interp
