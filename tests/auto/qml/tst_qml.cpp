// SPDX-License-Identifier: MIT
// Qt Quick Test runner for the QML side (tst_*.qml here). It gives the QML tests real
// WebSocket peers (tests/shared/testserver.h) through the `TestHelper` singleton.

#include <SocketTask>

#include "testserver.h"

#include <QPointer>
#include <QQmlEngine>
#include <QTcpServer>
#include <QtQuickTest>

class TestHelper : public QObject
{
    Q_OBJECT
public:
    explicit TestHelper(QQmlEngine *engine) : m_engine(engine) { }

    // A fresh server for one test: "Echo", "TwoThenClose", "Refuse403", "Refuse404", "Hang".
    Q_INVOKABLE TestServer *server(const QString &mode)
    {
        const int value = QMetaEnum::fromType<TestServer::Mode>().keyToValue(mode.toLatin1());
        Q_ASSERT(value >= 0);
        auto *server = new TestServer(TestServer::Mode(value), this);
        QJSEngine::setObjectOwnership(server, QJSEngine::CppOwnership);
        m_servers.append(server);
        return server;
    }
    Q_INVOKABLE void stopServers()
    {
        qDeleteAll(m_servers);
        m_servers.clear();
    }
    // A loopback port that nobody listens on.
    Q_INVOKABLE int closedPort() const
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        return server.serverPort();
    }
    Q_INVOKABLE int liveTaskCount() const { return SocketTask::liveTaskCount(); }
    Q_INVOKABLE void setMaxIncomingMessageSize(double bytes)
    {
        SocketTask::setMaxIncomingMessageSize(qint64(bytes));
    }
    // Weak references, to see whether the garbage collector took an object.
    Q_INVOKABLE int watch(QObject *object)
    {
        m_watched.append(object);
        return int(m_watched.size() - 1);
    }
    Q_INVOKABLE bool isAlive(int handle) const { return !m_watched.value(handle).isNull(); }
    Q_INVOKABLE void collectGarbage()
    {
        m_engine->collectGarbage();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    // An ArrayBuffer's bytes as hex, to compare binary data.
    Q_INVOKABLE QString hex(const QByteArray &bytes) const
    {
        return QString::fromLatin1(bytes.toHex());
    }

private:
    QQmlEngine *m_engine;
    QList<TestServer *> m_servers;
    QList<QPointer<QObject>> m_watched;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        qmlRegisterUncreatableType<TestServer>(
            "SocketTaskTest", 1, 0, "TestServer", "from TestHelper");
        qmlRegisterSingletonInstance("SocketTaskTest", 1, 0, "TestHelper", new TestHelper(engine));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(qml, Setup)
#include "tst_qml.moc"
