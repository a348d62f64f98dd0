// SPDX-License-Identifier: MIT
#include "sockettaskbinding_p.h"

#include "sockettask_p.h"
#include "sockettaskreconnector_p.h"

#include <QCoreApplication>

const QStringList &SocketTaskBinding::connectOptionNames()
{
    return Option::connectNames;
}

SocketTask *SocketTaskBinding::connectSocket(
    const QVariant &option, const SocketTask::Callbacks &callbacks, QObject *parent)
{
    return SocketTaskPrivate::connect(option, callbacks, parent);
}

bool SocketTaskBinding::sendData(
    SocketTask *task, const QVariant &data, const SocketTask::Callbacks &callbacks)
{
    return SocketTaskPrivate::get(task)->send(data, callbacks);
}

void SocketTaskBinding::send(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    // No slot runs inside doSend (what the socket does waits for the event loop): only
    // finishCall's errMsgChanged may destroy the task, and finishCall allows for that.
    QVariant data;
    QString result = ErrMsg::checkSendOption(option, &data);
    if (result.isEmpty())
        result = SocketTaskPrivate::get(task)->doSend(data);
    SocketTaskPrivate::get(task)->finishCall(result, callbacks);
}

void SocketTaskBinding::close(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    SocketTaskPrivate::call(task, callbacks, [&option](SocketTaskPrivate *d) {
        int code = Default::closeCode;
        QString reason;
        const QString result = ErrMsg::checkCloseOption(option, &code, &reason);
        return result.isEmpty() ? d->doClose(code, reason) : result;
    });
}

void SocketTaskBinding::setBeforeDelivery(SocketTask *task, std::function<void()> checkpoint)
{
    SocketTaskPrivate::get(task)->setBeforeDelivery(std::move(checkpoint));
}

quint64 SocketTaskBinding::addListener(
    SocketTask *task, std::function<void(const SocketTask::OnOpenCallbackResult &)> listener)
{
    return SocketTaskPrivate::get(task)->addListener(std::move(listener));
}

quint64 SocketTaskBinding::addListener(
    SocketTask *task, std::function<void(const SocketTask::OnMessageCallbackResult &)> listener)
{
    return SocketTaskPrivate::get(task)->addListener(std::move(listener));
}

quint64 SocketTaskBinding::addListener(
    SocketTask *task, std::function<void(const SocketTask::OnErrorCallbackResult &)> listener)
{
    return SocketTaskPrivate::get(task)->addListener(std::move(listener));
}

quint64 SocketTaskBinding::addListener(
    SocketTask *task, std::function<void(const SocketTask::OnCloseCallbackResult &)> listener)
{
    return SocketTaskPrivate::get(task)->addListener(std::move(listener));
}

void SocketTaskBinding::removeListener(SocketTask *task, ListenerKind kind, quint64 id)
{
    SocketTaskPrivate *d = SocketTaskPrivate::get(task);
    switch (kind) {
    case OpenListener:
        return d->removeListener<SocketTask::OnOpenCallbackResult>(id);
    case MessageListener:
        return d->removeListener<SocketTask::OnMessageCallbackResult>(id);
    case ErrorListener:
        return d->removeListener<SocketTask::OnErrorCallbackResult>(id);
    case CloseListener:
        return d->removeListener<SocketTask::OnCloseCallbackResult>(id);
    }
}

void SocketTaskBinding::reportAfterReturn(SocketTask *task, const SocketTask::Callbacks &callbacks,
    const SocketTask::CallbackResult &result, bool ok)
{
    if (callbacks.isEmpty())
        return;
    const int taskId = task ? task->socketTaskId() : 0;
    auto report = [callbacks, result, ok, taskId] {
        SocketTaskPrivate::report(callbacks, result, ok, taskId);
    };
    if (task)
        SocketTaskPrivate::get(task)->queueCallbacks(std::move(report));
    else
        QMetaObject::invokeMethod(QCoreApplication::instance(), report, Qt::QueuedConnection);
}

QString SocketTaskBinding::checkQueryData(
    const QVariant &url, const QVariant &data, QVariant *withQuery)
{
    return ErrMsg::checkQueryData(url, data, withQuery);
}

QString SocketTaskBinding::checkOneSocket(const SocketTask *current)
{
    return current && current->readyState() != SocketTask::CLOSED ? ErrMsg::connectionExists
                                                                  : QString();
}

QVariant SocketTaskBinding::fromBase64(const QVariant &data)
{
    return ErrMsg::fromBase64(data);
}

bool SocketTaskBinding::isOk(const QString &errMsg)
{
    return ErrMsg::isOk(errMsg);
}

int SocketTaskBinding::alipayError(const QString &errMsg)
{
    return ErrMsg::alipayError(errMsg);
}

QString SocketTaskBinding::valueLimit(qsizetype depth, bool containsItself, double length)
{
    return ErrMsg::checkValueLimits(depth, containsItself, length);
}

namespace {

// WeChat's one-socket functions: the call on the task, or "not connected" when there is none
// or it is CLOSED.
template<typename Call>
void onLiveTask(SocketTask *task, const QString &notConnected,
    const SocketTask::Callbacks &callbacks, Call call)
{
    if (task && task->readyState() != SocketTask::CLOSED)
        call(task);
    else
        SocketTaskPrivate::report(callbacks, { notConnected, 0 }, false, 0);
}

} // namespace

void SocketTaskBinding::sendSocketMessage(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    onLiveTask(task, ErrMsg::sendNotConnected, callbacks,
        [&](SocketTask *live) { send(live, option, callbacks); });
}

void SocketTaskBinding::closeSocket(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    onLiveTask(task, ErrMsg::closeNotConnected, callbacks,
        [&](SocketTask *live) { close(live, option, callbacks); });
}

SocketTaskLimits *SocketTaskLimits::instance()
{
    static SocketTaskLimits *const limits = new SocketTaskLimits; // lives as long as the process
    return limits;
}

QString SocketTaskBinding::typeName(const QVariant &value)
{
    return ErrMsg::typeName(value);
}

QString SocketTaskBinding::reconnectPolicy(
    const QVariant &reconnect, SocketTaskReconnector::Policy *policy)
{
    return ErrMsg::checkReconnect(reconnect, policy);
}

void SocketTaskBinding::setConnector(
    SocketTaskReconnector *reconnector, std::function<SocketTask *(QString *failure)> connector)
{
    SocketTaskReconnectorPrivate::get(reconnector)->connector = std::move(connector);
}
