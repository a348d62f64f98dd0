// SPDX-License-Identifier: MIT
#include "pythonpeer.h"

PythonPeer::PythonPeer(const QString &script, const QStringList &arguments, QObject *parent)
    : QObject(parent)
{
    m_process.setProgram(QStringLiteral("/usr/bin/python3"));
    m_process.setArguments(
        QStringList { QStringLiteral(SOCKETTASK_RELIABILITY_DIR "/") + script } + arguments);
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start();
    if (!m_process.waitForStarted()) {
        qWarning("PythonPeer: %s did not start: %s", qPrintable(script),
            qPrintable(m_process.errorString()));
        return;
    }
    while (!m_process.canReadLine() && m_process.waitForReadyRead(10000)) { }
    const QByteArray line = m_process.readLine().trimmed();
    if (line.startsWith("PORT "))
        m_port = line.mid(5).toInt();
    else
        qWarning("PythonPeer: %s said \"%s\", not its port", qPrintable(script), line.constData());
}

PythonPeer::~PythonPeer()
{
    m_process.terminate();
    if (!m_process.waitForFinished(5000))
        m_process.kill();
}

QStringList PythonPeer::lines()
{
    while (m_process.canReadLine())
        m_lines << QString::fromUtf8(m_process.readLine().trimmed());
    return m_lines;
}
