// The execution plan: the checked graph lowered once into a list of steps, one per node
// in dependency order, each with its Layer and the source range of its declaration (so a
// runtime error names the line). Runs one chunk at a time; state is kept in the layers
// between chunks and can be reset, pushed and popped. The signals to record are fixed when
// the plan is made, so each layer is told before its first chunk which of its outputs are
// read (Layer::set_needed_outputs).
#pragma once

#include <memory>

#include "interpreter/runtime/layer.h"

namespace cvm::interp {

class ExecutionPlan {
 public:
  /// Creates a layer per node; `params` has one tensor per graph parameter. `records` names
  /// the signals each chunk also returns (record_signal's paths); an unknown one throws
  /// RuntimeError here, before any frame is run.
  ExecutionPlan(const graph::ModelGraph& g, std::vector<at::Tensor> params, const LayerContext& ctx,
                const std::vector<std::string>& records = {});

  /// Runs one chunk. `inputs` has one tensor per graph input ([batch, channel, time, x, y]);
  /// returns one tensor per graph output, and in `recorded` (when given) one per record.
  std::vector<at::Tensor> run_chunk(const std::vector<at::Tensor>& inputs,
                                    std::vector<at::Tensor>* recorded = nullptr);

  /// Rebinds every layer's parameters to `params` (one tensor per graph parameter, tied
  /// ones sharing their target's tensor), e.g. a fit's values of this evaluation.
  void set_params(std::vector<at::Tensor> params);

  void reset_state();
  /// Sets state variables by flat name ("lif_V": layer path and state name joined with
  /// '_', as parameters are named). Every name must be a declared state of some layer.
  void set_states(const std::vector<std::pair<std::string, at::Tensor>>& values);
  void push_state();
  void pop_state();
  /// Drops the last pushed state without restoring it.
  void discard_pushed();
  /// Cuts every layer's state off the autograd graph.
  void detach_state();
  /// Every layer's state (what push_state saves), and back (a fit's checkpoint).
  std::vector<std::vector<at::Tensor>> save_states() const;
  void restore_states(const std::vector<std::vector<at::Tensor>>& states);
  /// The state tensors the layer of graph node `node` holds now (what push_state saves);
  /// empty for a stateless layer or before its first chunk.
  std::vector<at::Tensor> layer_state(int node) const;

  const graph::ModelGraph& graph() const { return graph_; }
  const std::vector<at::Tensor>& params() const { return params_; }
  /// The graph signal a record path names: a node ("bipolar"), a node's port
  /// ("opl.opl_filter.center_signal"), a composite instance with one output ("opl") or an
  /// instance's output ("opl.y"), or a model input. Throws RuntimeError when there is none.
  graph::SignalRef record_signal(const std::string& path) const;
  /// Per node, per output port: whether anything reads it (a connection, a model output,
  /// a record).
  const std::vector<std::vector<bool>>& needed_outputs() const { return needed_; }

 private:
  struct Step {
    int node;
    std::unique_ptr<Layer> layer;
  };
  /// Points every layer's `params` at the tensors of params_.
  void bind_params();
  const graph::ModelGraph& graph_;
  std::vector<at::Tensor> params_;
  std::vector<Step> steps_;
  std::vector<graph::SignalRef> records_;
  std::vector<std::vector<bool>> needed_;
  std::vector<std::vector<std::vector<at::Tensor>>> saved_;  // push/pop stack
};

}  // namespace cvm::interp
