// Precompiled header shared by the interpreter's translation units (LibTorch is costly to
// parse; see docs/architecture.md).
#pragma once
#include <torch/torch.h>
