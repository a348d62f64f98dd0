// SPDX-License-Identifier: MIT
#pragma once

// The QML test module `SocketTaskTest`: real WebSocket peers (tests/shared/testserver.h) and a
// few probes, for the Quick tests here.

#include <SocketTask>

#include "pythonpeer.h"
#include "testserver.h"
#include "trywait.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QJSValue>
#include <QMetaEnum>
#include <QPointer>
#include <QQmlEngine>
#include <QTcpServer>
#include <QtQml/qqmlregistration.h>

struct TestServerForeign
{
    Q_GADGET
    QML_FOREIGN(TestServer)
    QML_NAMED_ELEMENT(TestServer)
    QML_UNCREATABLE("made by TestHelper.server()")
};

struct PythonPeerForeign
{
    Q_GADGET
    QML_FOREIGN(PythonPeer)
    QML_NAMED_ELEMENT(PythonPeer)
    QML_UNCREATABLE("made by TestHelper.python()")
};

class TestHelper : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    explicit TestHelper(QQmlEngine *engine) : m_engine(engine) { }
    static TestHelper *create(QQmlEngine *engine, QJSEngine *) { return new TestHelper(engine); }

    // Runs the event loop until `condition()` is true (then true) or `timeout` ms passed (then
    // false), checking it after each event. TestCase.tryVerify checks every 50 ms once its first
    // pass of the event loop found it false: tst_order's 1 620 round trips took 65 s that way on
    // Qt 6.8, where a loopback round trip takes more than one pass.
    // A condition that throws ends the wait as false, with the error in the log (an error
    // object would otherwise read as true).
    Q_INVOKABLE bool waitFor(QJSValue condition, int timeout = 5000)
    {
        QJSValue thrown;
        const bool met = TestWait::until(
            [&] {
                const QJSValue result = condition.call();
                if (result.isError())
                    thrown = result;
                return result.isError() || result.toBool();
            },
            timeout);
        if (thrown.isError()) {
            qWarning("TestHelper.waitFor: the condition threw %s", qPrintable(thrown.toString()));
            return false;
        }
        return met;
    }

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
    // A Python peer of tests/reliability, e.g. python("proxy_server.py", ["--forbid", "81"]).
    Q_INVOKABLE PythonPeer *python(const QString &script, const QStringList &arguments = {})
    {
        auto *peer = new PythonPeer(script, arguments, this);
        QJSEngine::setObjectOwnership(peer, QJSEngine::CppOwnership);
        m_peers.append(peer);
        return peer;
    }
    Q_INVOKABLE void stopServers()
    {
        qDeleteAll(m_servers);
        m_servers.clear();
        qDeleteAll(m_peers);
        m_peers.clear();
    }
    // A loopback port that nobody listens on.
    Q_INVOKABLE int closedPort() const
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        return server.serverPort();
    }
    // Whether this Qt answers a server's 401 itself (QWebSocket::authenticationRequired, 6.6+).
    Q_INVOKABLE bool qtAnswersChallenges() const { return QT_VERSION >= QT_VERSION_CHECK(6, 6, 0); }
    Q_INVOKABLE int liveTaskCount() const { return SocketTask::liveTaskCount(); }
    // The timers running on `object` and the objects under it (a reconnect's wait, a task's
    // deadline): none means nothing of theirs can still happen by itself.
    Q_INVOKABLE int runningTimers(QObject *object) const
    {
        if (!object)
            return 0;
        auto *dispatcher = QAbstractEventDispatcher::instance();
        int count = int(dispatcher->registeredTimers(object).size());
        for (QObject *child : object->findChildren<QObject *>())
            count += int(dispatcher->registeredTimers(child).size());
        return count;
    }
    // The core's limit, set and read from C++ as a Widgets part of an app would.
    Q_INVOKABLE void setMaxConcurrentTasks(int limit) { SocketTask::setMaxConcurrentTasks(limit); }
    Q_INVOKABLE int maxConcurrentTasks() const { return SocketTask::maxConcurrentTasks(); }
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
    // The name of the first method that `object`'s own class declares: see QmlSocketTaskSignals.
    Q_INVOKABLE QString firstOwnMethod(QObject *object) const
    {
        const QMetaObject *meta = object->metaObject();
        return QString::fromLatin1(meta->method(meta->methodOffset()).name());
    }
    // Options as C++ hands them to QML: a QVariantMap and a QStringList.
    Q_INVOKABLE QVariantMap headerMap(const QString &name, const QVariant &value) const
    {
        return { { name, value } };
    }
    Q_INVOKABLE QStringList stringList(const QString &item) const { return { item }; }
    // An ArrayBuffer's bytes as hex, to compare binary data.
    Q_INVOKABLE QString hex(const QByteArray &bytes) const
    {
        return QString::fromLatin1(bytes.toHex());
    }

private:
    QQmlEngine *m_engine;
    QList<TestServer *> m_servers;
    QList<PythonPeer *> m_peers;
    QList<QPointer<QObject>> m_watched;
};
