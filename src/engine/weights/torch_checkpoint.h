// Reader for PyTorch's pytorch_model.bin (torch.save of a state_dict): a ZIP archive holding
// "<root>/data.pkl" (a pickle) and "<root>/data/<key>" (raw little-endian storages).
//
// The pickle is run by a restricted interpreter that knows only what a plain state_dict
// needs: containers, numbers, strings, and the globals collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 and torch.<Type>Storage. Any other global (os.system,
// builtins.eval, a model class...) is refused with an error naming it: no pickle code runs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/status.h"
#include "engine/weights/safetensors.h"

namespace shoebox {

// Maps and validates a checkpoint; the result serves tensors like a safetensors file.
Result<std::unique_ptr<SafetensorsFile>> OpenTorchCheckpoint(const std::filesystem::path& path);

// The same on bytes already in memory (which must outlive the result): the fuzz entry point.
Result<std::unique_ptr<SafetensorsFile>> ParseTorchCheckpoint(const uint8_t* data, size_t size,
                                                              const std::string& label);

}  // namespace shoebox
