// What each model file is fed when the Studio runs it: the inputs description a user gives once
// per file (one --input-shape per forward input, as `prepare` takes them, or a file of inputs
// saved with torch.save), remembered in the settings. The tensor shapes on the graph and the
// comparison's inputs both come from it.
#pragma once

#include "base/input_spec.h"

#include <QString>
#include <QStringList>

namespace torchprep {

struct ModelInputs
{
    QStringList shapes; // "1,3,224,224", "1,16:int64:0..999": one per forward input
    QString file;       // inputs saved with torch.save; used instead of shapes when set

    bool isEmpty() const { return shapes.isEmpty() && file.isEmpty(); }
    // "1,3,224,224; 1,16:int64:0..999", or "file: /data/inputs.pt".
    QString text() const;
    // The inverse of text(): shapes separated by ';' (or spaces), or "file: PATH". Never throws.
    static ModelInputs fromText(const QString &text);
    // As the core runs them; throws InputError naming a bad shape, dtype or range.
    InputSpec spec() const;
    bool operator==(const ModelInputs &other) const
    {
        return shapes == other.shapes && file == other.file;
    }
};

// The description remembered for `modelPath` (absolute), empty when none.
ModelInputs rememberedInputs(const QString &modelPath);
// Remembers `inputs` for `modelPath` (and as the default offered for the next new file).
void rememberInputs(const QString &modelPath, const ModelInputs &inputs);
// The last description given for any file: what the dialog offers for a new one.
ModelInputs lastInputs();
// The user declined to describe `modelPath`'s inputs: the Studio asks no more for it.
void declineInputs(const QString &modelPath);
bool inputsDeclined(const QString &modelPath);

} // namespace torchprep
