#include "interpreter/fit/losses.h"

#include <cmath>
#include <stdexcept>

namespace cvm::interp::fit {
namespace {

at::Tensor poisson_terms(const at::Tensor& rate, const at::Tensor& count) {
  return rate - count * at::log(rate + 1e-8) + at::lgamma(count + 1);
}

}  // namespace

LossKind loss_kind(const std::string& keyword) {
  if (keyword == "mse") return LossKind::Mse;
  if (keyword == "sse") return LossKind::Sse;
  if (keyword == "poisson") return LossKind::Poisson;
  if (keyword == "corr") return LossKind::Corr;
  throw std::invalid_argument("unknown loss '" + keyword + "' (mse, sse, poisson, corr)");
}

const char* loss_keyword(LossKind kind) {
  switch (kind) {
    case LossKind::Mse: return "mse";
    case LossKind::Sse: return "sse";
    case LossKind::Poisson: return "poisson";
    case LossKind::Corr: return "corr";
  }
  return "sse";
}

at::Tensor chunk_loss(LossKind kind, const at::Tensor& prediction, const at::Tensor& target) {
  switch (kind) {
    case LossKind::Mse: return (prediction - target).pow(2).mean();
    case LossKind::Sse: return (prediction - target).pow(2).sum();
    case LossKind::Poisson: return poisson_terms(prediction, target).sum();
    case LossKind::Corr: {
      at::Tensor x = prediction - prediction.mean();
      at::Tensor y = target - target.mean();
      at::Tensor r = (x * y).sum() / at::sqrt((x * x).sum() * (y * y).sum());
      return 1 - r;
    }
  }
  throw std::invalid_argument("unknown loss");
}

void LossAccumulator::add(const at::Tensor& prediction, const at::Tensor& target) {
  at::NoGradGuard no_grad;
  at::Tensor x = prediction.to(at::kDouble), y = target.to(at::kDouble);
  count_ += static_cast<double>(x.numel());
  switch (kind_) {
    case LossKind::Mse:
    case LossKind::Sse: sum_ += (x - y).pow(2).sum().item<double>(); break;
    case LossKind::Poisson: sum_ += poisson_terms(x, y).sum().item<double>(); break;
    case LossKind::Corr:
      sx_ += x.sum().item<double>();
      sy_ += y.sum().item<double>();
      sxx_ += (x * x).sum().item<double>();
      syy_ += (y * y).sum().item<double>();
      sxy_ += (x * y).sum().item<double>();
      break;
  }
}

double LossAccumulator::value() const {
  if (count_ == 0) return 0;
  switch (kind_) {
    case LossKind::Mse: return sum_ / count_;
    case LossKind::Sse:
    case LossKind::Poisson: return sum_;
    case LossKind::Corr: {
      double cov = sxy_ - sx_ * sy_ / count_;
      double vx = sxx_ - sx_ * sx_ / count_, vy = syy_ - sy_ * sy_ / count_;
      return 1 - cov / std::sqrt(vx * vy);
    }
  }
  return 0;
}

}  // namespace cvm::interp::fit
