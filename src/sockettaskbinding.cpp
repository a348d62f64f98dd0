// SPDX-License-Identifier: MIT
#include "sockettaskbinding_p.h"

#include "sockettask_p.h"

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
    QVariant data;
    QString result = ErrMsg::checkSendOption(option, &data);
    if (result.isEmpty())
        result = SocketTaskPrivate::get(task)->doSend(data);
    SocketTaskPrivate::get(task)->finishCall(result, callbacks);
}

void SocketTaskBinding::close(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    int code = Default::closeCode;
    QString reason;
    QString result = ErrMsg::checkCloseOption(option, &code, &reason);
    if (result.isEmpty())
        result = SocketTaskPrivate::get(task)->doClose(code, reason);
    SocketTaskPrivate::get(task)->finishCall(result, callbacks);
}

void SocketTaskBinding::sendSocketMessage(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    if (task && task->readyState() != SocketTask::CLOSED)
        send(task, option, callbacks);
    else
        SocketTaskPrivate::report(callbacks, { ErrMsg::sendNotConnected, 0 }, false, 0);
}

void SocketTaskBinding::closeSocket(
    SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks)
{
    if (task && task->readyState() != SocketTask::CLOSED)
        close(task, option, callbacks);
    else
        SocketTaskPrivate::report(callbacks, { ErrMsg::closeNotConnected, 0 }, false, 0);
}

QString SocketTaskBinding::typeName(const QVariant &value)
{
    return ErrMsg::typeName(value);
}
