// SPDX-License-Identifier: MIT
#pragma once

// Every errMsg the library produces, in one place (the contract: spec/socket-task.md), and
// the checks that decide them. The QML layer converts JavaScript values to QVariant and calls
// these through SocketTask's QVariant overloads; it never writes an errMsg of its own.

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVariant>

#include <optional>
#include <utility>

namespace ErrMsg {

inline const QString connectOk = QStringLiteral("connectSocket:ok");
inline const QString sendOk = QStringLiteral("sendSocketMessage:ok");
inline const QString closeOk = QStringLiteral("closeSocket:ok");
inline const QString sendNotOpen
    = QStringLiteral("sendSocketMessage:fail SocketTask.readyState is not OPEN");
inline const QString closeNotConnected
    = QStringLiteral("closeSocket:fail WebSocket is not connected");
inline const QString sendNotConnected
    = QStringLiteral("sendSocketMessage:fail WebSocket is not connected");
inline const QString connectTimeout = QStringLiteral("connectSocket:fail timeout");
inline const QString closeCode
    = QStringLiteral("closeSocket:fail The code must be either 1000, or between 3000 and 4999");
inline const QString closeReason
    = QStringLiteral("closeSocket:fail The reason must be no longer than 123 UTF-8 bytes");

QString exceedLimit(int limit);
// An error reported by the connection while CONNECTING (refused, DNS, TLS, HTTP status).
QString connectFailed(const QString &why);
// An error reported by the connection after it opened (dropped, protocol error, too big).
QString connectionFailed(const QString &why);

// What connectSocket's checks 1..6 produce when they pass.
struct ConnectRequest
{
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> header;
    QStringList protocols;
    std::optional<bool> tcpNoDelay;
    int timeout = 60000;
    QList<QSslCertificate> caCertificates; // trusted in addition to the system's
};

// Each returns the errMsg of the first check that fails, or an empty string.
QString checkConnectOption(const QVariant &option, ConnectRequest *request);
// Only the option's own type: the data is checked by checkSendData, for both overloads.
QString checkSendOption(const QVariant &option, QVariant *data);
QString checkSendData(const QVariant &data);
QString checkCloseOption(const QVariant &option, int *code, QString *reason);
QString checkClose(int code, const QString &reason);

QString typeName(const QVariant &value);

} // namespace ErrMsg
