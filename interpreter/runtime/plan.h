// The execution plan: the checked graph lowered once into a list of steps, one per node
// in dependency order, each with its Layer and the source range of its declaration (so a
// runtime error names the line). Runs one chunk at a time; state is kept in the layers
// between chunks and can be reset, pushed and popped.
#pragma once

#include <memory>

#include "interpreter/runtime/layer.h"

namespace cvm::interp {

class ExecutionPlan {
 public:
  /// Creates a layer per node; `params` has one tensor per graph parameter.
  ExecutionPlan(const graph::ModelGraph& g, std::vector<at::Tensor> params, const LayerContext& ctx);

  /// Runs one chunk. `inputs` has one tensor per graph input ([batch, channel, time, x, y]);
  /// returns one tensor per graph output. `record` names node paths (or path.port) whose
  /// outputs are also returned in `recorded`.
  std::vector<at::Tensor> run_chunk(const std::vector<at::Tensor>& inputs,
                                    const std::vector<std::string>& record = {},
                                    std::vector<at::Tensor>* recorded = nullptr);

  void reset_state();
  /// Sets state variables by flat name ("lif_V": layer path and state name joined with
  /// '_', as parameters are named). Every name must be a declared state of some layer.
  void set_states(const std::vector<std::pair<std::string, at::Tensor>>& values);
  void push_state();
  void pop_state();
  /// The state tensors the layer of graph node `node` holds now (what push_state saves);
  /// empty for a stateless layer or before its first chunk.
  std::vector<at::Tensor> layer_state(int node) const;

  const graph::ModelGraph& graph() const { return graph_; }
  const std::vector<at::Tensor>& params() const { return params_; }
  /// The graph signal a record path names; throws RuntimeError when there is none.
  graph::SignalRef record_signal(const std::string& path) const;

 private:
  struct Step {
    int node;
    std::unique_ptr<Layer> layer;
  };
  const graph::ModelGraph& graph_;
  std::vector<at::Tensor> params_;
  std::vector<Step> steps_;
  std::vector<std::vector<std::vector<at::Tensor>>> saved_;  // push/pop stack
};

}  // namespace cvm::interp
