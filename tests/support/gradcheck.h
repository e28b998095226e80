// Gradient checks against central finite differences, in double precision, for the
// differentiable kernels and layers (fitting, issue 5).
//
// gradcheck(loss, inputs) evaluates `loss` (a closure returning a 0-d float64 tensor
// computed from the inputs; it must restart any state it uses), takes the gradient of every
// input with autograd, then perturbs every element v of every input by +-h, with
// h = relative_step * max(|v|, max|input|) (a step relative to the input's magnitude, so a
// time constant of 0.02 s gets a step of ~2e-8 s), and compares (loss(v+h) - loss(v-h)) / 2h
// with the autograd value. The error of an input is max |autograd - numeric| over its
// elements, relative to max |numeric| (1 when the gradient is all zero). Inputs are float64
// leaves that require a gradient; they are modified in place (and restored) between the
// evaluations, so tensors shared with a plan or a layer are perturbed where they are used.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace cvm::test {

/// The comparison for one input.
struct GradientError {
  std::string name;
  double max_error = 0;      ///< max |autograd - numeric| over the elements
  double max_gradient = 0;   ///< max |numeric|
  int64_t worst_element = -1;
  double relative() const { return max_error / (max_gradient > 0 ? max_gradient : 1.0); }
  std::string text() const {
    std::ostringstream s;
    s << name << ": relative error " << relative() << " (max abs error " << max_error << " at element "
      << worst_element << ", max |gradient| " << max_gradient << ")";
    return s.str();
  }
};

using NamedInputs = std::vector<std::pair<std::string, at::Tensor>>;

/// Compares autograd's gradient of `loss` with central differences for every element of
/// every input (see the top of this file).
inline std::vector<GradientError> gradcheck(const std::function<at::Tensor()>& loss, const NamedInputs& inputs,
                                            double relative_step = 1e-6) {
  std::vector<at::Tensor> leaves;
  for (const auto& [name, t] : inputs) {
    if (t.scalar_type() != at::kDouble || !t.requires_grad() || !t.is_leaf() || !t.is_contiguous())
      throw std::invalid_argument("gradcheck: '" + name + "' must be a contiguous float64 leaf requiring grad");
    leaves.push_back(t);
  }
  std::vector<at::Tensor> analytic;
  {
    at::AutoGradMode grad_mode(true);
    const at::Tensor value = loss();
    analytic = torch::autograd::grad({value}, leaves, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                     /*allow_unused=*/true);
  }
  at::NoGradGuard no_grad;
  std::vector<GradientError> errors;
  for (size_t i = 0; i < leaves.size(); ++i) {
    const at::Tensor data = leaves[i].detach();  // shares the leaf's storage
    double* v = data.data_ptr<double>();
    const at::Tensor a = analytic[i].defined() ? analytic[i].contiguous() : at::zeros_like(data);
    const double* g = a.data_ptr<double>();
    const double magnitude = data.numel() > 0 ? data.abs().max().item<double>() : 0.0;
    GradientError e;
    e.name = inputs[i].first;
    for (int64_t k = 0; k < data.numel(); ++k) {
      const double original = v[k];
      const double h = relative_step * std::max({std::abs(original), magnitude, 1e-300});
      v[k] = original + h;
      const double up = loss().item<double>();
      v[k] = original - h;
      const double down = loss().item<double>();
      v[k] = original;
      const double numeric = (up - down) / (2 * h);
      e.max_gradient = std::max(e.max_gradient, std::abs(numeric));
      const double diff = std::abs(numeric - g[k]);
      if (diff > e.max_error || e.worst_element < 0) {
        e.max_error = std::max(e.max_error, diff);
        e.worst_element = k;
      }
    }
    errors.push_back(e);
  }
  return errors;
}

/// A loss that weighs every element of every output differently: sum_i sum(w_i * out_i)
/// with fixed pseudo-random weights in [0.5, 1.5) (drawn once per output shape from `seed`),
/// so the gradient of each output element is checked, not only of their sum.
class WeightedSum {
 public:
  explicit WeightedSum(uint64_t seed = 1) : seed_(seed) {}
  at::Tensor operator()(const std::vector<at::Tensor>& outputs) {
    at::Tensor total = at::zeros({}, at::kDouble);
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (weights_.size() <= i) {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed_ + i);
        weights_.push_back(at::rand(outputs[i].sizes(), gen, at::kDouble) + 0.5);
      }
      total = total + (outputs[i].to(at::kDouble) * weights_[i]).sum();
    }
    return total;
  }

 private:
  uint64_t seed_;
  std::vector<at::Tensor> weights_;
};

}  // namespace cvm::test
