// File ▸ Export: what the Studio writes from the model on screen (the selection's session).
// Pictures of the graph and of the Before / After tab and the findings as JSON or Markdown are
// written at once; the prepared model (only once proven equal to the opened one, as `torchprep
// prepare` writes it), its Python source and ONNX run in the background and end with a signal.
// Each export has a function for scripts and tests and a dialog for the menu, which asks where
// and, when the export runs the model, for its inputs first.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace torchprep {

class FixWorkflow;
class GraphPane;
class ModelSession;
class OnnxExportJob;
class PreparedExportJob;
class Selection;
class ShapesFlow;
class WorkTracker;
struct ModelInputs;

class ModelExports : public QObject
{
    Q_OBJECT
  public:
    // `window` parents the dialogs and titles the SVG picture.
    ModelExports(WorkTracker *work, Selection *selection, GraphPane *pane, FixWorkflow *fixes,
                 ShapesFlow *shapes, QWidget *window);

    // Written at once; false with one line in `error` when not.
    bool png(const QString &path, QString *error);
    bool svg(const QString &path, QString *error);
    bool diffPicture(const QString &path, QString *error); // the Before / After tab, by suffix
    bool findingsJson(const QString &path, QString *error);
    bool report(const QString &path, QString *error); // Markdown
    // What the findings describe when the model on screen is no file as is: "m.pt after 3 fixes
    // (fixed in the Studio, not saved)", or the file it was saved as; "" for the opened file.
    QString describedModel() const;
    // In the background: false, with one line, when nothing started; else preparedExported()
    // or onnxExported() follows. Never over the opened file.
    bool preparedModel(const QString &path, QString *error);
    bool pythonSource(const QString &dir, const QString &stem, QString *error); // STEM.py, ...
    bool onnx(const QString &path, int opset, QString *error);

    // The menu's dialogs. The prepared model's: false when nothing started (cancelled, refused
    // with a message, or inputs asked for first: it goes on once they are described).
    using Write = bool (ModelExports::*)(const QString &, QString *);
    void withDialog(const QString &title, const QString &filter, const QString &suffix,
                    Write write);
    bool preparedWithDialog();
    void pythonWithDialog();
    void onnxWithDialog();

  signals:
    // A background export ended: `written` when on disk; `report` as the CLI words it (the
    // proof, what broke it, what was written).
    void onnxExported(bool written, const QString &report);
    void preparedExported(bool written, const QString &report);
    // For the status bar (0: until replaced), and a failure for a message box (rich text).
    void status(const QString &message, int timeoutMs);
    void failed(const QString &title, const QString &text);

  private:
    // The model on screen, or null with "no model is open" in *error.
    std::shared_ptr<const ModelSession> onScreen(QString *error) const;
    static ModelInputs inputsOf(const ModelSession &session); // described for its file
    bool needsModel(const QString &title); // false, and says so, when no model is open
    QString openedBaseName() const;

    Selection *selection_;
    GraphPane *pane_;
    FixWorkflow *fixes_;
    ShapesFlow *shapes_;
    QWidget *window_;
    OnnxExportJob *onnx_;
    PreparedExportJob *prepared_;
};

} // namespace torchprep
