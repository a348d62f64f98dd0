// SPDX-License-Identifier: MIT
#pragma once

#include <SocketTaskReconnector>

#include <QJSValue>
#include <QList>
#include <QString>

#include <memory>
#include <utility>

// The declarative element's own part of a QML SocketTask (`SocketTask { url: ...; active: true
// }`): the options it connects with, and what it gives each connection it makes. A task made
// by Taro.connectSocket has none: it is only the handle of its connection. (Both are the one QML
// type SocketTask: users write `property SocketTask task` for either.)
struct SocketTaskElement
{
    enum Kind { Open, Message, Error, Close };

    // The options, by connectSocket's names; undefined until set.
    QJSValue url, header, protocols, timeout, tcpNoDelay, perMessageDeflate, caCertificates,
        heartbeat, proxy;
    // The option of that name (SocketTaskBinding::connectOptionNames()), undefined if none.
    QJSValue option(const QString &name) const
    {
        const std::pair<const char *, const QJSValue *> options[] = { { "url", &url },
            { "header", &header }, { "protocols", &protocols }, { "timeout", &timeout },
            { "tcpNoDelay", &tcpNoDelay }, { "perMessageDeflate", &perMessageDeflate },
            { "caCertificates", &caCertificates }, { "heartbeat", &heartbeat },
            { "proxy", &proxy } };
        for (const auto &[optionName, value] : options) {
            if (name == QLatin1String(optionName))
                return *value;
        }
        return QJSValue();
    }
    // `reconnect: { initialDelay, ... }`: not a connectSocket option, the policy of the
    // reconnector that makes the element's connections while it is active (none: one each time
    // it becomes active).
    QJSValue reconnect;
    std::unique_ptr<SocketTaskReconnector> reconnector;
    // The listeners added to the element, given to each connection it makes.
    QList<std::pair<Kind, QJSValue>> listeners;
    QString errMsg; // while it has no task: why its options were refused
    bool complete = false; // componentComplete() ran: `active` may connect
};
