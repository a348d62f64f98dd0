// SPDX-License-Identifier: MIT
#pragma once

// The one home of every option name and default value. The checks (errmsg.cpp), the typed
// options (options.cpp) and the QML layer (plugin/) read them from here.

#include <QString>
#include <QStringList>

namespace Option {

// connectSocket's options, in the order they are checked (docs/contract.md).
inline const QString url = QStringLiteral("url");
inline const QString header = QStringLiteral("header");
inline const QString protocols = QStringLiteral("protocols");
inline const QString timeout = QStringLiteral("timeout");
inline const QString tcpNoDelay = QStringLiteral("tcpNoDelay");
inline const QString perMessageDeflate = QStringLiteral("perMessageDeflate");
inline const QString caCertificates = QStringLiteral("caCertificates");
inline const QString heartbeat = QStringLiteral("heartbeat"); // { interval, timeout }
inline const QString interval = QStringLiteral("interval");
inline const QString proxy = QStringLiteral("proxy"); // "http://user:pw@host:port", socks5://
inline const QStringList connectNames = { url, header, protocols, timeout, tcpNoDelay,
    perMessageDeflate, caCertificates, heartbeat, proxy };
// The QML element's reconnect policy (SocketTaskReconnector::Policy), not a connectSocket option.
inline const QString reconnect = QStringLiteral("reconnect");
inline const QString initialDelay = QStringLiteral("initialDelay");
inline const QString maxDelay = QStringLiteral("maxDelay");
inline const QString multiplier = QStringLiteral("multiplier");
inline const QString jitter = QStringLiteral("jitter");
inline const QString maxAttempts = QStringLiteral("maxAttempts");
inline const QString retryCloseCodes = QStringLiteral("retryCloseCodes");
// send's and close's.
inline const QString data = QStringLiteral("data");
inline const QString code = QStringLiteral("code");
inline const QString reason = QStringLiteral("reason");

} // namespace Option

namespace Default {

constexpr int timeout = 60000; // ms, connect + handshake
constexpr int closeCode = 1000; // close() without a code
constexpr int abnormalCloseCode = 1006; // onClose after a failure without a close frame
constexpr int maxConcurrentTasks = 5; // Taro's and WeChat's limit
constexpr qint64 maxIncomingMessageSize = 64 * 1024 * 1024;
// What may wait to be written per task: a send of the largest message another task accepts
// waits whole, but a server that never reads cannot grow us without bound (pongs, sends).
constexpr qint64 maxBufferedAmount = 64 * 1024 * 1024;
constexpr int bufferFullCloseCode = 1008; // policy violation: the server does not read
// A frame that began and stopped coming fails after this long without data. Qt 6.4-6.11 give
// up after 5 s themselves, so a longer one changes nothing.
constexpr int frameTimeout = 5000; // ms
// After close(), how long the peer has to answer with its close frame before the task aborts
// the connection (onClose 1006): Firefox's network.websocket.timeout.close (Chromium: 60 s).
constexpr int closingTimeout = 20000; // ms
// SocketTaskReconnector::Policy: 0.5 s to 1 s, 1 s to 2 s, ... at most 30 s between attempts.
constexpr int reconnectInitialDelay = 1000; // ms
constexpr int reconnectMaxDelay = 30000; // ms
constexpr double reconnectMultiplier = 2;
constexpr double reconnectJitter = 0.5;

} // namespace Default
