// The losses a fit target may name (keywords fixed by the language): `mse` (mean of
// squared errors), `sse` (sum of squared errors, convis's default), `poisson` (negative
// log-likelihood of counts y given rates yhat: sum(yhat - y log(yhat + 1e-8) + lgamma(y + 1)))
// and `corr` (1 - Pearson correlation over all elements).
//
// A training step takes the loss of one chunk (differentiable). Validation runs over many
// chunks without gradient; LossAccumulator sums what each loss needs, so the value over a
// chunked run is the value over the whole run.
#pragma once

#include <string>

namespace cvm::interp::fit {

enum class LossKind { Mse, Sse, Poisson, Corr };

/// The loss for a keyword; throws std::invalid_argument for an unknown one.
LossKind loss_kind(const std::string& keyword);
const char* loss_keyword(LossKind kind);

/// The loss of one chunk (0-d, float64 is not forced: same dtype as the prediction).
at::Tensor chunk_loss(LossKind kind, const at::Tensor& prediction, const at::Tensor& target);

/// The loss over several chunks, accumulated without gradient in double precision.
class LossAccumulator {
 public:
  explicit LossAccumulator(LossKind kind) : kind_(kind) {}
  void add(const at::Tensor& prediction, const at::Tensor& target);
  /// The loss over everything added (0 when nothing was).
  double value() const;

 private:
  LossKind kind_;
  double count_ = 0;
  double sum_ = 0;  // sse, mse, poisson: sum of the per-element terms
  // corr: sums of x, y, xx, yy, xy
  double sx_ = 0, sy_ = 0, sxx_ = 0, syy_ = 0, sxy_ = 0;
};

}  // namespace cvm::interp::fit
