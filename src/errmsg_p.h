// SPDX-License-Identifier: MIT
#pragma once

// Every errMsg the library produces, in one place (the contract: docs/contract.md), and
// the checks that decide them. The typed API and the QML layer (through SocketTaskBinding, with
// JavaScript values as QVariants) both reach these; neither writes an errMsg of its own.

#include "options_p.h"
#include "sockettaskreconnector.h"

#include <QByteArray>
#include <QList>
#include <QNetworkProxy>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVariant>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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

// Whether a call's errMsg says it succeeded ("...:ok").
bool isOk(const QString &errMsg);

QString exceedLimit(int limit);
// An error reported by the connection while CONNECTING (refused, DNS, TLS, HTTP status).
QString connectFailed(const QString &why);
// An error reported by the connection after it opened (dropped, protocol error, too big).
QString connectionFailed(const QString &why);
// The error of a message over the incoming limit (Qt closed the connection with 1009).
QString messageTooBig(qint64 limit);
// The `why` of a refused certificate: Qt's certificate errors, joined.
QString tlsFailed(const QStringList &certificateErrors);
// The `why` of a connection whose write buffer went over its limit (the server does not read).
QString tooMuchWaiting(qint64 limit);
// The `why` of a frame that began and stopped coming.
QString frameStalled(int ms);
// The `why` of a connection that stopped answering the keepalive pings.
inline const QString heartbeatTimedOut = QStringLiteral("heartbeat timeout");
// A send refused because the write buffer is over its limit.
QString sendBufferFull(qint64 limit);

// The limits of a JavaScript value's conversion (the QML API): a value past one is not read
// further, and its check's errMsg says which (e.g. "parameter.protocols has 500000000
// elements, more than 1048576"). Unknown options are ignored as before, whatever they hold.
constexpr int maxValueDepth = 64; // Arrays and Objects inside one another
constexpr qint64 maxValueLength = 1 << 20; // elements of an Array, properties of an Object
// Why an Array or Object inside `depth` others, with `length` elements, is not converted, or
// an empty string.
QString checkValueLimits(qsizetype depth, bool containsItself, double length);

// What connectSocket's checks 1..6 produce when they pass.
struct ConnectRequest
{
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> header;
    QStringList protocols;
    std::optional<bool> tcpNoDelay;
    int timeout = Default::timeout;
    QList<QSslCertificate> caCertificates; // trusted in addition to the system's
    // Keepalive: a ping every heartbeatInterval ms once open (0: none); the connection fails
    // when nothing at all arrives for heartbeatTimeout ms after one.
    int heartbeatInterval = 0;
    int heartbeatTimeout = 0;
    std::optional<QNetworkProxy> proxy; // unset: the application's (QNetworkProxy's default)
};

// Each returns the errMsg of the first check that fails, or an empty string.
QString checkConnectOption(const QVariant &option, ConnectRequest *request);
// Only the option's own type: the data is checked by checkSendData, for both overloads.
QString checkSendOption(const QVariant &option, QVariant *data);
inline QString checkSendData(const QVariant &data); // below: it runs on every message
QString checkCloseOption(const QVariant &option, int *code, QString *reason);
QString checkClose(int code, const QString &reason);

QString typeName(const QVariant &value);

// Alipay's my.connectSocket (docs/contract.md, "Alipay"): `data` goes into the URL's query,
// each key=value percent-encoded, strings as they are, other values as JSON. The URL with it,
// or the errMsg (data not an Object). `url` is returned untouched when data is undefined.
QString checkQueryData(const QVariant &url, const QVariant &data, QVariant *urlWithQuery);
// Alipay's one-socket mode (no `multiple: true`): a second connection while one is not CLOSED.
inline const QString connectionExists = QStringLiteral(
    "connectSocket:fail a WebSocket connection already exists (close it first, or pass "
    "multiple: true)");
// Alipay's my.sendSocketMessage({ data, isBuffer: true }): data is binary as Base64. The
// bytes, or a value that checkSendData refuses with "parameter.data is not Base64 ...";
// anything but a string is left as it is (an ArrayBuffer is sent, the rest refused).
QVariant fromBase64(const QVariant &data);
// Alipay's numbered error for an errMsg: the table of docs/contract.md ("Alipay"), that of
// Alipay's network docs (1 unknown, 2 invalid parameter / connection exists, 3 empty URL,
// 4 bad URL, 5 not ws/wss, 6 timeout, 7 bad certificate, 8 bad response, 9 unrequested
// subprotocol, 10 not open, 11 send failed).
int alipayError(const QString &errMsg);

// The reconnect policy's ranges, for the typed Policy and the QML element's `reconnect` alike.
QString checkReconnectPolicy(const SocketTaskReconnector::Policy &policy);
// The QML element's `reconnect: { initialDelay, ... }`: the types, then the ranges.
QString checkReconnect(const QVariant &reconnect, SocketTaskReconnector::Policy *policy);

// The index of the first lone UTF-16 surrogate in `text` (one not in a high-low pair), or -1.
// A text frame must be valid UTF-8: Qt would send a lone surrogate as U+FFFD, changing the
// message. Wide vectors where the CPU has them (errmsg.cpp).
qsizetype findLoneSurrogate(const QString &text);

// Every text message is checked. Most are short and have no surrogate at all, which this tells
// inline, 8 code units at a time (a unit is a surrogate when (unit & 0xF800) == 0xD800); long
// texts, and any with a surrogate, go to findLoneSurrogate.
inline bool hasLoneSurrogate(const QString &text)
{
    const qsizetype n = text.size();
    if (n > 64)
        return findLoneSurrogate(text) >= 0;
    const char16_t *units = reinterpret_cast<const char16_t *>(text.constData()); // inline
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i mask = _mm_set1_epi16(short(0xF800));
    const __m128i surrogate = _mm_set1_epi16(short(0xD800));
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(units + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, mask), surrogate)))
            return findLoneSurrogate(text) >= 0;
    }
#endif
    for (; i < n; ++i) {
        if ((units[i] & 0xF800) == 0xD800)
            return findLoneSurrogate(text) >= 0;
    }
    return false;
}

// The data's type and, for text, its UTF-16: sendDataPasses answers the common case inline
// (it runs on every message); checkSendDataCarefully finds the errMsg otherwise.
Q_ALWAYS_INLINE bool sendDataPasses(const QString &text)
{
    return !hasLoneSurrogate(text);
}
Q_ALWAYS_INLINE bool sendDataPasses(const QByteArray &)
{
    return true;
}
Q_ALWAYS_INLINE bool sendDataPasses(const QVariant &data)
{
    const int id = data.typeId();
    return id == QMetaType::QByteArray
        || (id == QMetaType::QString
            && sendDataPasses(*static_cast<const QString *>(data.constData())));
}
QString checkSendDataCarefully(const QVariant &data);
inline QString checkSendData(const QVariant &data)
{
    return Q_LIKELY(sendDataPasses(data)) ? QString() : checkSendDataCarefully(data);
}

} // namespace ErrMsg
