#include "interpreter/fit/priors.h"

#include <cmath>
#include <stdexcept>

namespace cvm::interp::fit {
namespace {

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(2 pi) / 2

double number_arg(const graph::Value& call, const char* name) {
  const graph::Value* v = call.arg(name);
  if (!v || v->kind != graph::ValueKind::Number) {
    throw std::invalid_argument("prior '" + call.text + "' has no number '" + name + "'");
  }
  return v->number;
}

at::Tensor roughness(const at::Tensor& w) {
  at::Tensor total = at::zeros({}, w.options());
  for (int64_t axis = 0; axis < w.dim(); ++axis) {
    int64_t n = w.size(axis);
    if (n < 3) continue;
    at::Tensor second = w.narrow(axis, 2, n - 2) - 2 * w.narrow(axis, 1, n - 2) + w.narrow(axis, 0, n - 2);
    total = total + second.pow(2).sum();
  }
  return total;
}

}  // namespace

at::Tensor prior_penalty(const graph::Value& prior, const at::Tensor& x) {
  const std::string& name = prior.text;
  const double count = static_cast<double>(x.numel());
  if (name == "normal") {
    double mu = number_arg(prior, "mu"), sigma = number_arg(prior, "sigma");
    return ((x - mu).pow(2) / (2 * sigma * sigma)).sum() + count * (std::log(sigma) + kHalfLog2Pi);
  }
  if (name == "lognormal") {
    double mu = number_arg(prior, "mu"), sigma = number_arg(prior, "sigma");
    at::Tensor log_x = at::log(x);
    return ((log_x - mu).pow(2) / (2 * sigma * sigma) + log_x).sum() + count * (std::log(sigma) + kHalfLog2Pi);
  }
  if (name == "gamma") {
    double alpha = number_arg(prior, "alpha"), beta = number_arg(prior, "beta");  // beta: rate
    return (-(alpha - 1) * at::log(x) + beta * x).sum() + count * (std::lgamma(alpha) - alpha * std::log(beta));
  }
  if (name == "uniform") {
    double lower = number_arg(prior, "lower"), upper = number_arg(prior, "upper");
    // Flat inside; the bounds lie within [lower, upper] (checked), or the transform keeps
    // the value inside it (transforms.h).
    return (x * 0).sum() + count * std::log(upper - lower);
  }
  if (name == "laplace") {
    double mu = number_arg(prior, "mu"), b = number_arg(prior, "b");
    return ((x - mu).abs() / b).sum() + count * std::log(2 * b);
  }
  if (name == "halfnormal") {
    double sigma = number_arg(prior, "sigma");
    return (x.pow(2) / (2 * sigma * sigma)).sum() + count * (std::log(sigma) + 0.5 * std::log(M_PI / 2));
  }
  if (name == "smooth") {
    return number_arg(prior, "strength") * roughness(x);
  }
  throw std::invalid_argument("unknown prior '" + name + "'");
}

}  // namespace cvm::interp::fit
