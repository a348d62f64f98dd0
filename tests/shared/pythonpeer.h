// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>

// A peer of tests/reliability written in Python (hostile_server.py, proxy_server.py), started for
// one test on an ephemeral loopback port: the port it printed first ("PORT <n>"), and the lines
// it printed after that (a proxy's tunnels). Stopped when destroyed.
class PythonPeer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int port READ port CONSTANT)
public:
    // `script`: a file name in tests/reliability. port() is 0 if it did not start.
    explicit PythonPeer(
        const QString &script, const QStringList &arguments = {}, QObject *parent = nullptr);
    ~PythonPeer() override;

    int port() const { return m_port; }
    // What it printed since the port, so far.
    Q_INVOKABLE QStringList lines();

private:
    QProcess m_process;
    int m_port = 0;
    QStringList m_lines;
};
