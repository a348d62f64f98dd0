// SPDX-License-Identifier: MIT
#pragma once

// What both demo clients (QML and Widgets) share: their command line, the embedded server,
// headless runs and the --screenshot step. Qt Core and Gui only: the Widgets client links no QML.

#include <QImage>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>

class QCoreApplication;
class ChatServer;

namespace DemoClient {

struct Options
{
    QUrl url; // empty: start the chat server in this process
    QString nick;
    QString greeting; // what --screenshot sends
    QString expect; // --screenshot also waits for this text from someone else
    QString screenshot; // PNG file, or empty
};

// Call before the application object: with no display, Qt runs offscreen.
bool useOffscreenWithoutDisplay();
// With no display and no --screenshot, the window goes to <application name>.png.
Options parse(QCoreApplication &app, const QString &description, bool headless);
// Starts `embedded` when no --url was given, and sets options->url to it.
bool resolveUrl(Options *options, ChatServer *embedded);
void note(const QString &line); // one line on stdout
void fail(const QString &line); // one line on stderr

// --screenshot: take() grabs the window to the file and quits with 0; if it has not happened
// 10 s after start, it quits with 1 and names the step that did not finish.
class Screenshot : public QObject
{
    Q_OBJECT
public:
    Screenshot(const QString &file, std::function<QImage()> grab, std::function<QString()> stage,
        QObject *parent);
public Q_SLOTS:
    void take();
Q_SIGNALS:
    void taken();

private:
    QString m_file;
    std::function<QImage()> m_grab;
    std::function<QString()> m_stage;
    QTimer m_deadline;
    bool m_done = false;
};

Screenshot *screenshot(QObject *parent, const QString &file, std::function<QImage()> grab,
    std::function<QString()> stage);

} // namespace DemoClient
