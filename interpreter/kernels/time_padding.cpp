#include "interpreter/kernels/time_padding.h"

#include <stdexcept>
#include <utility>
#include <vector>

namespace cvm::kernels {

namespace {

const std::pair<const char*, PaddingMode> kModes[] = {
    {"first_frame", PaddingMode::FirstFrame}, {"zeros", PaddingMode::Zeros},
    {"ones", PaddingMode::Ones},              {"mean", PaddingMode::Mean},
    {"mirror", PaddingMode::Mirror},          {"full_copy", PaddingMode::FullCopy}};

/// Frame indices into x for the mirror and full_copy modes.
at::Tensor cyclic_indices(int64_t length, int64_t frames, bool reversed) {
  std::vector<int64_t> index(static_cast<size_t>(length));
  for (int64_t j = 0; j < length; ++j) {
    const int64_t k = ((j - length) % frames + frames) % frames;
    index[static_cast<size_t>(j)] = reversed ? frames - 1 - k : k;
  }
  return at::tensor(index, at::kLong);
}

}  // namespace

std::optional<PaddingMode> padding_mode(const std::string& name) {
  for (const auto& [text, mode] : kModes)
    if (name == text) return mode;
  return std::nullopt;
}

const char* padding_mode_names() { return "first_frame, zeros, ones, mean, mirror, full_copy"; }

at::Tensor time_padding(const at::Tensor& x, int64_t length, PaddingMode mode) {
  if (x.dim() != 5 || !at::isFloatingType(x.scalar_type()))
    throw std::invalid_argument("time_padding: expected a float [B, C, T, X, Y] tensor");
  if (length < 0) throw std::invalid_argument("time_padding: length must be >= 0");
  const int64_t frames = x.size(2);
  if (frames == 0) throw std::invalid_argument("time_padding: the input has no frames");
  std::vector<int64_t> shape = x.sizes().vec();
  shape[2] = length;
  switch (mode) {
    case PaddingMode::FirstFrame: return x.narrow(2, 0, 1).expand(shape).contiguous();
    case PaddingMode::Zeros: return at::zeros(shape, x.options());
    case PaddingMode::Ones: return at::ones(shape, x.options());
    case PaddingMode::Mean: return at::full(shape, x.mean().item<double>(), x.options());
    case PaddingMode::Mirror: return x.index_select(2, cyclic_indices(length, frames, true));
    case PaddingMode::FullCopy: return x.index_select(2, cyclic_indices(length, frames, false));
  }
  throw std::invalid_argument("time_padding: unknown mode");
}

}  // namespace cvm::kernels
