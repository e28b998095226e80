// The space a fit searches: one unconstrained leaf tensor per free parameter (what the
// optimizer updates) and the map from leaves to the full parameter vector the execution
// plan runs with. A free parameter's value is its bounds transform of its leaf
// (transforms.h); fixed and non-free parameters keep their start values; a tied parameter
// takes its target's tensor; a derived parameter (a kernel built from a free sigma or tau,
// a scalar equal to another) is rebuilt from its sources so the gradient reaches them.
//
// A derived tensor keeps exactly the numbers `cvm run` would build from the same source
// values (it is built by the same code, materialise_param); its derivative with respect to
// each scalar source is a central difference of that same builder in double precision
// (h = 1e-3 of the value), attached with the value trick (autograd_support.h). Kernels
// built by convis's formulas are smooth in sigma and tau between the points where their
// support grows by a sample, which a step of 1e-3 rarely straddles.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "frontend/graph/model_graph.h"
#include "interpreter/fit/transforms.h"

namespace cvm::interp::fit {

class ParamSpace {
 public:
  /// `start`: every parameter's value before fitting (graph order, as setup_model builds
  /// them: --set and --params applied); `free`: graph indices of the free parameters;
  /// `given`: flat names a parameter file gave (a derived tensor it gave is not rebuilt).
  ParamSpace(const graph::ModelGraph& g, std::string model_dir, std::vector<at::Tensor> start,
             const std::vector<int>& free, std::set<std::string> given);

  /// The leaves the optimizer updates (requires_grad, float32, each parameter's shape).
  std::vector<at::Tensor>& leaves() { return leaves_; }
  const std::vector<int>& free() const { return free_; }
  const Transform& transform(size_t k) const { return transforms_[k]; }

  /// One tensor per graph parameter for the current leaves, differentiable in them.
  std::vector<at::Tensor> values() const;
  /// Sum of -log prior over the free parameters that declare a prior (0-d; 0 without any).
  at::Tensor prior_penalty(const std::vector<at::Tensor>& values) const;
  /// The values to export and run with: no graph, free values strictly inside their
  /// bounds, derived tensors rebuilt from them.
  std::vector<at::Tensor> final_values() const;

  /// Free parameters whose start value lay on a bound and was moved inside.
  const std::vector<std::string>& moved_inside() const { return moved_inside_; }

 private:
  at::Tensor resolve(size_t i, std::vector<at::Tensor>& out, std::vector<bool>& done, bool with_grad) const;
  at::Tensor derived_with_gradient(size_t i, const std::vector<at::Tensor>& out) const;
  bool is_derived(size_t i) const;

  const graph::ModelGraph& g_;
  std::string model_dir_;
  std::vector<at::Tensor> start_;
  std::vector<int> free_;
  std::vector<int> leaf_of_;  // graph index -> leaf index or -1
  std::set<std::string> given_;
  std::vector<at::Tensor> leaves_;
  std::vector<Transform> transforms_;
  std::vector<std::string> moved_inside_;
};

}  // namespace cvm::interp::fit
