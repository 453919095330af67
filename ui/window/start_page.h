// What an empty window shows, as Netron does: an Open Model button, the files opened lately
// (each with its folder), and a line about dropping a file anywhere. While a model loads it
// says which.
#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace torchprep {

class StartPage : public QWidget
{
    Q_OBJECT
  public:
    explicit StartPage(QWidget *parent = nullptr);

    void setRecent(const QStringList &paths);
    // "Loading resnet18.pt…" while a file loads; empty: the page as it is at rest.
    void setLoading(const QString &text);
    QPushButton *openButton() const { return open_; }
    QListWidget *recentList() const { return recent_; }

  signals:
    void openRequested();
    void recentChosen(const QString &path);

  private:
    QPushButton *open_;
    QListWidget *recent_;
    QLabel *recentTitle_;
    QLabel *status_;
};

} // namespace torchprep
