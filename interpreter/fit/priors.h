// Priors as penalties: -log p(x) of a parameter's value under its declared prior
// (`~ normal(mu, sigma)` ...), summed over the elements of a tensor, in base units (s, deg,
// Hz), so that adding it to the loss gives the maximum a posteriori fit. No Jacobian term
// is added for the bounds transform: the optimum is the mode in the parameter's own space,
// which is what the analytic MAP gives.
//
// `smooth(strength)` is not a density but a roughness penalty on a kernel: strength times
// the sum of squared second differences along every axis at least 3 long.
#pragma once

#include "frontend/graph/value.h"

namespace cvm::interp::fit {

/// -log p(x) (a 0-d tensor, differentiable in x). `prior` is the graph's Call value.
at::Tensor prior_penalty(const graph::Value& prior, const at::Tensor& x);

}  // namespace cvm::interp::fit
