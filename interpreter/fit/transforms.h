// Bounds as transforms: the optimizer works on an unconstrained tensor u, and the
// parameter's value is x = f(u), which always lies inside the declared bounds (as Stan
// does it). Bounds `in [l, h]` (or a `uniform(l, h)` prior): x = l + (h - l) sigmoid(u);
// no bounds but a prior that lives on (0, inf) (lognormal, gamma, halfnormal): x = exp(u);
// otherwise x = u, so the optimizer trains the value itself, exactly as convis's
// Parameter. (The language's bounds always have both ends.)
#pragma once

#include <optional>
#include <string>

#include "frontend/graph/model_graph.h"

namespace cvm::interp::fit {

class Transform {
 public:
  enum class Kind { Identity, Logit, Log };

  /// The transform a free parameter gets from its bounds and prior.
  static Transform for_param(const graph::Parameter& p);

  Kind kind() const { return kind_; }
  /// "identity", "logit" or "log": written to the parameter bundle.
  std::string name() const;

  /// The value x = f(u) (differentiable).
  at::Tensor to_value(const at::Tensor& u) const;
  /// The unconstrained u = f^-1(x). A value on a bound (or outside) is first moved inside
  /// (clamp_inside); `moved` is set when that happened, so the caller can warn.
  at::Tensor to_unconstrained(const at::Tensor& x, bool* moved = nullptr) const;
  /// x with every value on or beyond a bound moved 1e-6 of the interval inside (in float32,
  /// sigmoid and exp may round onto a bound); values inside are kept as they are.
  at::Tensor clamp_inside(const at::Tensor& x) const;

 private:
  Kind kind_ = Kind::Identity;
  double lower_ = 0, upper_ = 0;
};

}  // namespace cvm::interp::fit
