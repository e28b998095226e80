// Every dataset under /kernels and /samples of convis's reference file, reproduced bit for
// bit in float32, plus convis's SampleGenerator (reference case fit_ln_adam).
//
// Tolerance: 0 ulp (exact float32 equality) for everything convis computes with numpy (the
// kernels of numerical_filters, deriche_coefficients and every stimulus) and for
// ExponentialKernel (torch float32, recomputed with the same torch operations). Only the
// SampleGenerator's output goes through a convolution (torch's float32 conv3d in convis,
// an FFT here), so it is compared within 1e-6 of max |reference|.
//
// Stimuli are built from the recorded call (attribute `call`) through the frontend's
// stimulus evaluation, as `cvm run --stimulus` does, so the built-in signatures and
// defaults are checked too. Random stimuli get `seed = <np_seed>`.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "frontend/semantic/command_line.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/nonlinearities.h"
#include "interpreter/kernels/numpy_random.h"
#include "interpreter/kernels/sample_images.h"
#include "interpreter/kernels/stimuli_random.h"
#include "interpreter/kernels/stimulus_factory.h"
#include "tests/support/reference_file.h"

namespace {

namespace k = cvm::kernels;
using cvm::test::reference_file;
using Attribute = cvm::test::ReferenceAttribute;

at::Tensor load(const std::string& dataset) { return cvm::test::load_reference(dataset); }

double number_attr(const std::string& object, const std::string& name) {
  return Attribute(object, name).number();
}

bool has_attr(const std::string& object, const std::string& name) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(reference_file().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const htri_t exists = H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT);
  H5Fclose(file);
  return exists > 0;
}

/// Distance in units in the last place between two floats (0: bit-identical values).
int64_t ulps(float a, float b) {
  if (a == b) return 0;
  if (std::isnan(a) || std::isnan(b)) return INT64_MAX;
  auto ordered = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i < 0 ? int64_t{INT32_MIN} - i : int64_t{i};
  };
  return std::llabs(ordered(a) - ordered(b));
}

/// Same shape and every element within `max_ulps` of the reference.
void check_ulps(const at::Tensor& actual, const at::Tensor& expected, int64_t max_ulps, const std::string& what) {
  INFO(what);
  REQUIRE(actual.sizes() == expected.sizes());
  const at::Tensor a = actual.to(at::kFloat).contiguous(), e = expected.to(at::kFloat).contiguous();
  const float* pa = a.data_ptr<float>();
  const float* pe = e.data_ptr<float>();
  int64_t worst = 0, worst_at = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const int64_t d = ulps(pa[i], pe[i]);
    if (d > worst) {
      worst = d;
      worst_at = i;
    }
  }
  INFO("largest difference " << worst << " ulp at flat index " << worst_at << ": " << pa[worst_at] << " vs "
                             << pe[worst_at]);
  CHECK(worst <= max_ulps);
}

/// The stimulus of a recorded convis call, evaluated as `cvm run --stimulus` evaluates it.
std::unique_ptr<cvm::io::FrameSource> stimulus_of(std::string call) {
  for (auto [python, cvm_text] : {std::pair<std::string, std::string>{"True", "true"}, {"False", "false"}}) {
    for (size_t at = call.find(python); at != std::string::npos; at = call.find(python, at))
      call.replace(at, python.size(), cvm_text);
  }
  cvm::Compilation c;
  auto value = cvm::evaluate_stimulus(c, cvm::Resolution{}, call);
  INFO("stimulus call: " << call);
  REQUIRE(value);
  return k::make_stimulus(*value);
}

/// Adds `seed = S` to a call "f(a=1,b=2)".
std::string with_seed(const std::string& call, int64_t seed) {
  return call.substr(0, call.rfind(')')) + ",seed=" + std::to_string(seed) + ")";
}

}  // namespace

TEST_CASE("every /kernels dataset is reproduced exactly", "[reference][kernels]") {
  const std::string ref = reference_file();
  const auto names = cvm::io::list_hdf5_datasets(ref, "/kernels");
  REQUIRE(names.size() >= 20);
  for (const auto& name : names) {
    const std::string ds = "/kernels/" + name;
    const at::Tensor expected = load(ds);
    if (name.rfind("exponential_filter_1d__", 0) == 0) {
      check_ulps(k::exponential_filter_1d(number_attr(ds, "tau"), static_cast<int>(number_attr(ds, "n")),
                                          number_attr(ds, "normalize") != 0, 1000, number_attr(ds, "amplification")),
                 expected, 0, ds);
    } else if (name.rfind("exponential_highpass_filter_1d__", 0) == 0) {
      check_ulps(k::exponential_highpass_filter_1d(number_attr(ds, "tau"), number_attr(ds, "relative_weight"), 1000),
                 expected, 0, ds);
    } else if (name.rfind("gauss_filter_2d__", 0) == 0) {
      check_ulps(k::gauss_filter_2d(number_attr(ds, "x_sig"), number_attr(ds, "y_sig"), 10,
                                    number_attr(ds, "even") != 0),
                 expected, 0, ds);
    } else if (name.rfind("deriche_coefficients__", 0) == 0) {
      REQUIRE(Attribute(ds, "order").text() == "A1,A2,A3,A4,B1,B2");
      const auto c = k::deriche_coefficients(number_attr(ds, "density"));
      check_ulps(at::tensor(at::ArrayRef<double>(c.data(), c.size()), at::kDouble).to(at::kFloat), expected, 0, ds);
    } else if (name.rfind("ExponentialKernel__", 0) == 0) {
      // The call is recorded only as text: ExponentialKernel(tau=0.01,n=0,amplification=1.0,length=30)().
      REQUIRE(Attribute(ds, "function").text() ==
              "convis.kernels.ExponentialKernel(tau=0.01,n=0,amplification=1.0,length=30)()");
      check_ulps(k::exponential_kernel(0.01, 0, 1.0, 30), expected, 0, ds);
    } else {
      FAIL("no reproduction for reference kernel " << ds);
    }
  }
}

TEST_CASE("every /samples dataset is reproduced exactly", "[reference][stimuli]") {
  const std::string ref = reference_file();
  const auto names = cvm::io::list_hdf5_datasets(ref, "/samples");
  REQUIRE(names.size() >= 12);
  for (const auto& name : names) {
    const std::string ds = "/samples/" + name;
    std::string call = Attribute(ds, "call").text();
    if (has_attr(ds, "np_seed")) call = with_seed(call, static_cast<int64_t>(number_attr(ds, "np_seed")));
    auto source = stimulus_of(call);
    at::Tensor got = [&] {
      cvm::io::Array a = source->read(0, source->frames());
      return at::tensor(at::ArrayRef<float>(a.data), at::kFloat).reshape(a.shape);
    }();
    at::Tensor expected = load(ds);
    if (name.rfind("mask_", 0) == 0) {
      // convis's masks are (1, y, x) (np.meshgrid's 'xy' indexing); cvm's are [x, y].
      expected = expected.transpose(1, 2);
    }
    if (expected.dim() == 2) expected = expected.unsqueeze(0);  // gabor_kernel, text_kernel: one frame
    check_ulps(got.squeeze(0).squeeze(0), expected, 0, ds + " = " + call);
  }
}

TEST_CASE("masks and sample kernels as tensors equal the reference", "[reference][stimuli]") {
  check_ulps(k::mask_square(10, 12, 3), load("/samples/mask_square")[0].t(), 0, "mask_square(x=10,y=12,width=3)");
  check_ulps(k::mask_circle(10, 12, 3), load("/samples/mask_circle")[0].t(), 0, "mask_circle(x=10,y=12,radius=3)");
  check_ulps(k::gabor_kernel(), load("/samples/gabor_kernel"), 0, "gabor_kernel()");
  check_ulps(k::text_kernel(), load("/samples/text_kernel"), 0, "text_kernel()");
}

TEST_CASE("SampleGenerator: kernel, input and LN output of case fit_ln_adam", "[reference][sample]") {
  // np.random.seed(42); g = SampleGenerator("random", kernel_size=(10,3,3), dt=100);
  // np.random.seed(1); x, y = g.generate("random", (400,10,10))
  const std::string group = "/cases/fit_ln_adam";
  k::NumpyRandomState kernel_rng(42);
  at::Tensor kernel = at::empty({10, 3, 3}, at::kFloat);
  for (int64_t i = 0; i < kernel.numel(); ++i) kernel.data_ptr<float>()[i] = static_cast<float>(kernel_rng.standard_normal());
  check_ulps(kernel, load(group + "/true_kernel"), 0, "randn kernel after np.random.seed(42)");
  const at::Tensor weight = kernel.flip({0, 1, 2}).reshape({1, 1, 10, 3, 3});
  check_ulps(weight, load(group + "/generator/params/conv_weight"), 0, "the kernel flipped as set_weight stores it");

  k::NumpyNoise input(400, 10, 10, k::NumpyNoise::Kind::Normal, k::NumpyRandomState(1));
  cvm::io::Array a = input.read(0, 400);
  const at::Tensor x = at::tensor(at::ArrayRef<float>(a.data), at::kFloat).reshape(a.shape);
  check_ulps(x, load(group + "/input"), 0, "randn input after np.random.seed(1)");

  k::TimeHistory history;
  const at::Tensor y = k::nl_rectify(k::causal_conv3d(x, weight.contiguous(), c10::nullopt, history));
  const at::Tensor target = load(group + "/target");
  REQUIRE(y.sizes() == target.sizes());
  const double err = (y - target).abs().max().item<double>(), scale = target.abs().max().item<double>();
  INFO("max |diff| " << err << " of max |target| " << scale);
  CHECK(err <= 1e-6 * scale);
}

TEST_CASE("kernel arguments the reference file does not cover follow convis's formulas", "[kernels]") {
  // exponential_filter_1d, n > 0: L = int(-tau_steps ln(eps / amp)) - n, n L samples
  // amp (n t)^n exp(-n t / tau_steps) / ((n - 1)! tau_steps^(n + 1)), t = 1, 2, ...
  const at::Tensor cascade = k::exponential_filter_1d(0.01, 2);
  REQUIRE(cascade.size(0) == 2 * (69 - 2));
  for (int64_t i : {0, 10, 133}) {
    const double t = static_cast<double>(i + 1);
    CHECK(cascade[i].item<float>() == static_cast<float>(4.0 * t * t * std::exp(-2.0 * t / 10.0) / 1000.0));
  }
  CHECK(k::exponential_filter_1d(0.01, 3, true, 1000, 1.0, 20).size(0) == 3 * 20);        // max_length
  CHECK(k::exponential_filter_1d(0.01, 2, true, 1000, 1.0, 1000, 10, true).size(0) == 2 * 68);  // even
  CHECK(k::exponential_filter_1d(0.001, 0, true, 1000, 1.0, 1000, 20).size(0) == 20);     // min_steps
  // normalize = false drops the factor amplification / tau_steps.
  const at::Tensor raw = k::exponential_highpass_filter_1d(0.02, 0.7, 1000, false);
  CHECK(raw[0].item<float>() == 1.0f);
  CHECK(raw[1].item<float>() == static_cast<float>(-std::exp(-0.4 / 20.0)));
  CHECK(k::exponential_highpass_filter_1d(0.02, 0.7, 1000, true, 30).size(0) == 31);
  // border_factor scales the half-width m (6 for 0.15 deg at 10 px/deg): 0.75 m = 4.5 gives
  // the 8 samples -3.5 .. 3.5.
  CHECK((k::gauss_filter_2d(0.15, 0.15, 10, false, 0.5).sizes() == at::IntArrayRef{5, 5}));
  const at::Tensor wide = k::gauss_filter_2d(0.15, 0.15, 10, false, 0.75);
  REQUIRE((wide.sizes() == at::IntArrayRef{8, 8}));
  const double a = 1.0 / (1.5 * std::sqrt(2.0 * std::acos(-1.0)));
  const double g = a * std::exp(-0.5 * 3.5 * 3.5 / (1.5 * 1.5));
  CHECK(wide[0][0].item<float>() == static_cast<float>(g * g));
  // ExponentialKernel with n > 0 (a NameError in convis): the cascade formula over n * length.
  const at::Tensor kernel = k::exponential_kernel(0.01, 2, 1.0, 30);
  REQUIRE(kernel.size(0) == 60);
  CHECK(kernel[0].item<float>() == Approx(4.0 * std::exp(-0.2) / 1000.0).epsilon(1e-6));
}
