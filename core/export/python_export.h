// A TorchScript model as PyTorch source: nn.Module classes plus a state_dict, for users who
// go on in Python (AIMET's QuantSim wants an nn.Module, not a ScriptModule).
#pragma once

#include <string>
#include <vector>

namespace torchprep {

class TorchModel;

struct PythonPackage
{
    std::string stem;      // files are STEM.py and STEM_state_dict.pt
    std::string source;    // the .py file
    std::string weights;   // the state_dict, as torch.save writes it (torch.load reads it)
    std::string rootClass; // the model's class in `source`
    std::string modelPath; // the file the model was loaded from: never overwritten
    // torch.nn layers written out op by op because their constructor arguments could not be
    // read (e.g. a traced nn.MultiheadAttention), by module path.
    std::vector<std::string> plainLayers;
};

// Writes the model as Python: one class per distinct module, whose __init__ declares every
// submodule (torch.nn layers through their own constructors), parameter and buffer, and whose
// forward runs the model's graph; plus `load_model()`, which builds it and loads the weights.
// Throws InputError naming the first thing that has no Python form.
PythonPackage emitPythonPackage(const TorchModel &model, const std::string &stem);

// Makes sure `dir` is a folder that can take the files (creating it if missing), before any
// work is done. Throws InputError when it is a file or cannot be created.
void preparePythonFolder(const std::string &dir);

// The two files writePythonPackage writes: DIR/STEM.py and DIR/STEM_state_dict.pt.
std::vector<std::string> pythonPackagePaths(const std::string &stem, const std::string &dir);

// Writes STEM.py and STEM_state_dict.pt into `dir` (created if missing), each through an unnamed
// file linked into place once both are complete. Refuses (InputError) to write over the model's
// own file. Returns the two paths. Throws InputError when it cannot.
std::vector<std::string> writePythonPackage(const PythonPackage &package, const std::string &dir);

} // namespace torchprep
