// SPDX-License-Identifier: MIT
#include "democlient.h"

#include "chatserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

namespace DemoClient {

bool useOffscreenWithoutDisplay()
{
    if (qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        return qgetenv("QT_QPA_PLATFORM") == "offscreen";
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return true;
    }
    return false;
}

Options parse(QCoreApplication &app, const QString &description, bool headless)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption({ QStringLiteral("url"),
        QStringLiteral("Chat server to join. Default: start one in this process."),
        QStringLiteral("ws://...") });
    parser.addOption({ QStringLiteral("nick"), QStringLiteral("Nickname (1 to 32 characters)."),
        QStringLiteral("NAME"), qEnvironmentVariable("USER", QStringLiteral("guest")) });
    parser.addOption({ QStringLiteral("screenshot"),
        QStringLiteral("Connect, send a greeting, wait for it to come back, save the "
                       "window to FILE (PNG) and exit."),
        QStringLiteral("FILE") });
    parser.addOption({ QStringLiteral("greeting"), QStringLiteral("What --screenshot sends."),
        QStringLiteral("TEXT") });
    parser.addOption({ QStringLiteral("expect"),
        QStringLiteral("With --screenshot, also wait for TEXT from someone else."),
        QStringLiteral("TEXT") });
    parser.process(app);

    Options options;
    options.nick = parser.value(QStringLiteral("nick"));
    options.screenshot = parser.value(QStringLiteral("screenshot"));
    options.greeting = parser.value(QStringLiteral("greeting"));
    options.expect = parser.value(QStringLiteral("expect"));
    if (headless && options.screenshot.isEmpty()) {
        options.screenshot = QCoreApplication::applicationName() + QStringLiteral(".png");
        note(QStringLiteral("no display: running offscreen; the window goes to %1")
                 .arg(options.screenshot));
    }
    if (parser.isSet(QStringLiteral("url"))) {
        options.url = QUrl(parser.value(QStringLiteral("url")), QUrl::StrictMode);
        if (!options.url.isValid() || options.url.isEmpty()) {
            fail(QStringLiteral("--url: not a URL: %1").arg(parser.value(QStringLiteral("url"))));
            ::exit(2);
        }
    }
    return options;
}

bool resolveUrl(Options *options, ChatServer *embedded)
{
    if (!options->url.isEmpty())
        return true;
    if (!embedded->listen(QHostAddress::LocalHost, 0)) {
        fail(QStringLiteral("cannot start the embedded chat server: %1")
                 .arg(embedded->errorString()));
        return false;
    }
    options->url = embedded->url();
    note(QStringLiteral("chat server started in this process at %1").arg(options->url.toString()));
    return true;
}

void note(const QString &line)
{
    QTextStream(stdout) << QCoreApplication::applicationName() << ": " << line << Qt::endl;
}

void fail(const QString &line)
{
    QTextStream(stderr) << QCoreApplication::applicationName() << ": " << line << Qt::endl;
}

Screenshot::Screenshot(const QString &file, std::function<QImage()> grab,
    std::function<QString()> stage, QObject *parent)
    : QObject(parent), m_file(file), m_grab(std::move(grab)), m_stage(std::move(stage))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("--screenshot: gave up after 10 s; the step that did not finish: %1")
                 .arg(m_stage()));
        QCoreApplication::exit(1);
    });
    m_deadline.start(10000);
}

void Screenshot::take()
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    const QImage image = m_grab();
    if (image.isNull() || !image.save(m_file, "PNG")) {
        fail(QStringLiteral("--screenshot: could not save %1").arg(m_file));
        QCoreApplication::exit(1);
        return;
    }
    Q_EMIT taken();
    note(QStringLiteral("greeting came back; window saved to %1 (%2x%3)")
             .arg(QFileInfo(m_file).absoluteFilePath())
             .arg(image.width())
             .arg(image.height()));
    QCoreApplication::exit(0);
}

Screenshot *screenshot(QObject *parent, const QString &file, std::function<QImage()> grab,
    std::function<QString()> stage)
{
    return new Screenshot(file, std::move(grab), std::move(stage), parent);
}

} // namespace DemoClient
