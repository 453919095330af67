// Edit ▸ Preferences: the custom operator libraries the Studio loads at start (what
// `--ops-library PATH` loads for the CLI). torchvision's and torchaudio's need no entry: the
// core finds and loads them when a model calls their ops.
#pragma once

#include <QDialog>
#include <QStringList>

class QLabel;
class QListWidget;

namespace torchprep {

class PreferencesDialog : public QDialog
{
    Q_OBJECT
  public:
    explicit PreferencesDialog(const QStringList &libraries, QWidget *parent = nullptr);
    QStringList libraries() const;

  private:
    QListWidget *list_;
};

} // namespace torchprep
