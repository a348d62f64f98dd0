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

#include <cstring>
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
inline QString checkSendData(const QVariant &data); // below: it runs on every message
QString checkCloseOption(const QVariant &option, int *code, QString *reason);
QString checkClose(int code, const QString &reason);

QString typeName(const QVariant &value);

// True if `text` has any UTF-16 surrogate: then checkSendData looks closer. It runs on every
// text message sent, so it looks at 8 code units at a time (SSE2 on x86-64), else 4: a lane
// is a surrogate when (unit & 0xF800) == 0xD800.
inline bool hasSurrogate(const QString &text)
{
    const char16_t *units = reinterpret_cast<const char16_t *>(text.constData()); // inline
    const qsizetype n = text.size();
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i mask = _mm_set1_epi16(short(0xF800));
    const __m128i surrogate = _mm_set1_epi16(short(0xD800));
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(units + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, mask), surrogate)))
            return true;
    }
#endif
    for (; i + 4 <= n; i += 4) {
        quint64 w;
        memcpy(&w, units + i, sizeof w);
        const quint64 t = (w & 0xF800F800F800F800ULL) ^ 0xD800D800D800D800ULL;
        if ((t - 0x0001000100010001ULL) & ~t & 0x8000800080008000ULL)
            return true;
    }
    for (; i < n; ++i) {
        if ((units[i] & 0xF800) == 0xD800)
            return true;
    }
    return false;
}

// The data's type and, for text, its UTF-16: sendDataPasses answers the common case inline
// (it runs on every message); checkSendDataCarefully finds the errMsg otherwise.
Q_ALWAYS_INLINE bool sendDataPasses(const QString &text)
{
    return !hasSurrogate(text);
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
