// SPDX-License-Identifier: MIT
#include "errmsg_p.h"

#include <QJsonDocument>

#include "options_p.h"
#include "sockettaskbinding_p.h"

#include <QSet>

#include <cmath>
#include <cstring>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace ErrMsg {

namespace {

const QString connectParam = QStringLiteral("connectSocket:fail parameter error: ");
const QString sendParam = QStringLiteral("sendSocketMessage:fail parameter error: ");
const QString closeParam = QStringLiteral("closeSocket:fail parameter error: ");

// RFC 7230: a header name is a token; RFC 6455 4.1: so is each subprotocol.
bool isToken(const QString &s)
{
    if (s.isEmpty())
        return false;
    static const QString separators = QStringLiteral("()<>@,;:\\\"/[]?={} \t");
    for (QChar c : s) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f || separators.contains(c))
            return false;
    }
    return true;
}

// Names the handshake writes itself; letting a user override them breaks the handshake.
bool isHandshakeHeader(const QString &name)
{
    static const QSet<QString> owned
        = { QStringLiteral("host"), QStringLiteral("connection"), QStringLiteral("upgrade"),
              QStringLiteral("sec-websocket-key"), QStringLiteral("sec-websocket-version"),
              QStringLiteral("sec-websocket-extensions"), QStringLiteral("content-length") };
    return owned.contains(name.toLower());
}

constexpr qsizetype maxHeaderValueBytes = 8192; // what common servers accept per header line

// A string as it appears in an errMsg: quoted, control characters spelled out.
QString quoted(const QString &s)
{
    // As JavaScript writes them in a string literal.
    static const char escapable[] = "\r\n\t\"\\";
    static const char *const escaped[] = { "\\r", "\\n", "\\t", "\\\"", "\\\\" };
    QString out = QStringLiteral("\"");
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (const char *at = u < 0x80 && u != 0 ? std::strchr(escapable, char(u)) : nullptr)
            out += QLatin1String(escaped[at - escapable]);
        else if (u < 0x20 || u == 0x7f)
            out += QStringLiteral("\\x%1").arg(uint(u), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

QString jsNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    return QString::number(v, 'g', 17);
}

bool isNumber(const QVariant &v)
{
    switch (v.metaType().id()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

bool isObject(const QVariant &v)
{
    const int id = v.metaType().id();
    return id == QMetaType::QVariantMap || id == QMetaType::QVariantHash;
}

bool isArray(const QVariant &v)
{
    const int id = v.metaType().id();
    return id == QMetaType::QVariantList || id == QMetaType::QStringList;
}

bool isString(const QVariant &v)
{
    return v.metaType().id() == QMetaType::QString;
}

QString shouldBe(
    const QString &prefix, const QString &what, const QString &expected, const QVariant &actual)
{
    // A value whose getter threw never has the expected type: say what it threw instead.
    if (actual.metaType() == QMetaType::fromType<SocketTaskBinding::ScriptType>()) {
        const auto script = actual.value<SocketTaskBinding::ScriptType>();
        if (!script.limit.isEmpty())
            return prefix + what + QLatin1Char(' ') + script.limit;
        if (!script.exception.isEmpty())
            return prefix + what + QStringLiteral(" threw ") + script.exception;
    }
    return prefix + what + QStringLiteral(" should be ") + expected + QStringLiteral(" instead of ")
        + typeName(actual);
}

QString checkHeader(const QVariant &header, ConnectRequest *request)
{
    if (!header.isValid())
        return {};
    if (!isObject(header))
        return shouldBe(
            connectParam, QStringLiteral("parameter.header"), QStringLiteral("Object"), header);
    const QVariantMap map = header.toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString &name = it.key();
        const QString where = QStringLiteral("parameter.header[%1]").arg(quoted(name));
        if (!isToken(name))
            return connectParam
                + QStringLiteral("parameter.header name %1 is not a valid HTTP token")
                      .arg(quoted(name));
        if (isHandshakeHeader(name))
            return connectParam + where
                + QStringLiteral(" is set by the WebSocket handshake and cannot be given");
        if (!isString(it.value()))
            return shouldBe(connectParam, where, QStringLiteral("String"), it.value());
        const QString value = it.value().toString();
        if (value.contains(QLatin1Char('\r')) || value.contains(QLatin1Char('\n'))
            || value.contains(QChar(0)))
            return connectParam + where + QStringLiteral(" must not contain CR, LF or NUL");
        QByteArray bytes = value.toUtf8();
        if (bytes.size() > maxHeaderValueBytes)
            return connectParam + where
                + QStringLiteral(" is longer than %1 bytes").arg(maxHeaderValueBytes);
        request->header.append({ name.toLatin1(), std::move(bytes) });
    }
    return {};
}

// An optional Array option: `item` checks each element, named "parameter.<name>[i]" in errMsg.
template<typename CheckItem>
QString checkEach(const QVariant &value, const QString &name, CheckItem item)
{
    if (!value.isValid())
        return {};
    const QString what = QStringLiteral("parameter.") + name;
    if (!isArray(value))
        return shouldBe(connectParam, what, QStringLiteral("Array"), value);
    const QVariantList list = value.toList();
    for (qsizetype i = 0; i < list.size(); ++i) {
        QString error = item(what + QStringLiteral("[%1]").arg(i), list.at(i));
        if (!error.isEmpty())
            return error;
    }
    return {};
}

QString checkProtocols(const QVariant &protocols, ConnectRequest *request)
{
    return checkEach(
        protocols, Option::protocols, [request](const QString &where, const QVariant &item) {
            if (!isString(item))
                return shouldBe(connectParam, where, QStringLiteral("String"), item);
            const QString token = item.toString();
            if (!isToken(token))
                return connectParam + where
                    + QStringLiteral(" %1 is not a valid protocol token").arg(quoted(token));
            if (request->protocols.contains(token))
                return connectParam + where
                    + QStringLiteral(" %1 is a duplicate").arg(quoted(token));
            request->protocols.append(token);
            return QString();
        });
}

// An optional number of milliseconds, `what` in errMsg ("parameter.timeout"); `*ms` keeps its
// value when it is not given.
QString checkMilliseconds(const QVariant &value, const QString &what, int *ms)
{
    if (!value.isValid())
        return {};
    if (!isNumber(value))
        return shouldBe(connectParam, what, QStringLiteral("Number"), value);
    const double number = value.toDouble();
    if (!std::isfinite(number) || number < 0)
        return connectParam
            + QStringLiteral("%1 must be a finite number >= 0, not %2").arg(what, jsNumber(number));
    // QTimer counts in int milliseconds; anything longer than ~24 days is "never" anyway.
    *ms = number >= double(std::numeric_limits<int>::max()) ? 0 : int(std::ceil(number));
    return {};
}

QString checkTimeout(const QVariant &timeout, ConnectRequest *request)
{
    return checkMilliseconds(timeout, QStringLiteral("parameter.timeout"), &request->timeout);
}

// A URL (http:// for HTTP CONNECT, socks5://, with user:password if the proxy wants them), or
// from C++ a QNetworkProxy as it is.
QString checkProxy(const QVariant &proxy, ConnectRequest *request)
{
    if (!proxy.isValid())
        return {};
    if (proxy.metaType() == QMetaType::fromType<QNetworkProxy>()) {
        request->proxy = proxy.value<QNetworkProxy>();
        return {};
    }
    const QString what = QStringLiteral("parameter.") + Option::proxy;
    if (!isString(proxy))
        return shouldBe(connectParam, what, QStringLiteral("String"), proxy);
    const QString text = proxy.toString();
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    const bool http = scheme == QLatin1String("http");
    if (!url.isValid() || !(http || scheme == QLatin1String("socks5")) || url.host().isEmpty()
        || url.port() < 1 || (!url.path().isEmpty() && url.path() != QLatin1String("/"))
        || url.hasQuery() || url.hasFragment())
        return connectParam + what
            + QStringLiteral(" %1 is not an http:// or socks5:// URL with a host and a port")
                  .arg(quoted(text));
    request->proxy = QNetworkProxy(http ? QNetworkProxy::HttpProxy : QNetworkProxy::Socks5Proxy,
        url.host(), quint16(url.port()), url.userName(QUrl::FullyDecoded),
        url.password(QUrl::FullyDecoded));
    return {};
}

// { interval, timeout }: interval 0 (or none) turns the keepalive off; timeout defaults to
// interval.
QString checkHeartbeat(const QVariant &heartbeat, ConnectRequest *request)
{
    if (!heartbeat.isValid())
        return {};
    const QString what = QStringLiteral("parameter.") + Option::heartbeat;
    if (!isObject(heartbeat))
        return shouldBe(connectParam, what, QStringLiteral("Object"), heartbeat);
    const QVariantMap map = heartbeat.toMap();
    QString error = checkMilliseconds(map.value(Option::interval),
        what + QLatin1Char('.') + Option::interval, &request->heartbeatInterval);
    request->heartbeatTimeout = request->heartbeatInterval;
    if (error.isEmpty())
        error = checkMilliseconds(map.value(Option::timeout),
            what + QLatin1Char('.') + Option::timeout, &request->heartbeatTimeout);
    return error;
}

QString checkFlag(const QVariant &flag, const QString &name, std::optional<bool> *out)
{
    if (!flag.isValid())
        return {};
    if (flag.metaType().id() != QMetaType::Bool)
        return shouldBe(
            connectParam, QStringLiteral("parameter.") + name, QStringLiteral("Boolean"), flag);
    if (out)
        *out = flag.toBool();
    return {};
}

QString checkCaCertificates(const QVariant &certificates, ConnectRequest *request)
{
    return checkEach(certificates, Option::caCertificates,
        [request](const QString &where, const QVariant &item) {
            QList<QSslCertificate> parsed;
            if (isString(item))
                parsed = QSslCertificate::fromData(item.toString().toUtf8(), QSsl::Pem);
            else if (item.metaType().id() == QMetaType::QByteArray)
                parsed = QSslCertificate::fromData(item.toByteArray(), QSsl::Der);
            else
                return shouldBe(connectParam, where, QStringLiteral("String or ArrayBuffer"), item);
            if (parsed.isEmpty())
                return connectParam + where
                    + QStringLiteral(" is not a certificate (PEM text or DER bytes)");
            request->caCertificates += parsed;
            return QString();
        });
}

} // namespace

QString exceedLimit(int limit)
{
    return QStringLiteral("connectSocket:fail exceed max concurrent socket tasks: %1").arg(limit);
}

QString connectFailed(const QString &why)
{
    return QStringLiteral("connectSocket:fail ") + why;
}

QString connectionFailed(const QString &why)
{
    return QStringLiteral("socketTask:fail ") + why;
}

QString messageTooBig(qint64 limit)
{
    return connectionFailed(QStringLiteral("incoming message larger than %1 bytes").arg(limit));
}

QString checkValueLimits(qsizetype depth, bool containsItself, double length)
{
    if (containsItself)
        return QStringLiteral("contains itself");
    if (depth >= maxValueDepth)
        return QStringLiteral("is nested more than %1 levels deep").arg(maxValueDepth);
    if (length > double(maxValueLength))
        return QStringLiteral("has %1 elements, more than %2")
            .arg(QString::number(length, 'f', 0))
            .arg(maxValueLength);
    return {};
}

QString tooMuchWaiting(qint64 limit)
{
    return QStringLiteral("more than %1 bytes wait to be sent: the server does not read them")
        .arg(limit);
}

QString frameStalled(int ms)
{
    return QStringLiteral("no data for %1 ms in the middle of a message").arg(ms);
}

QString sendBufferFull(qint64 limit)
{
    return QStringLiteral("sendSocketMessage:fail more than %1 bytes wait to be sent").arg(limit);
}

QString tlsFailed(const QStringList &certificateErrors)
{
    return QStringLiteral("TLS handshake failed: ") + certificateErrors.join(QStringLiteral("; "));
}

QString typeName(const QVariant &value)
{
    if (!value.isValid())
        return QStringLiteral("Undefined");
    if (isNumber(value))
        return QStringLiteral("Number");
    if (isObject(value))
        return QStringLiteral("Object");
    if (isArray(value))
        return QStringLiteral("Array");
    switch (value.metaType().id()) {
    case QMetaType::Nullptr:
        return QStringLiteral("Null");
    case QMetaType::Bool:
        return QStringLiteral("Boolean");
    case QMetaType::QString:
        return QStringLiteral("String");
    case QMetaType::QByteArray:
        return QStringLiteral("ArrayBuffer");
    case QMetaType::QUrl:
        return QStringLiteral("URL");
    default:
        break;
    }
    if (value.metaType() == QMetaType::fromType<SocketTaskBinding::ScriptType>())
        return value.value<SocketTaskBinding::ScriptType>().name;
    return QString::fromLatin1(value.metaType().name());
}

QString checkReconnectPolicy(const SocketTaskReconnector::Policy &policy)
{
    const QString what = QStringLiteral("parameter.") + Option::reconnect + QLatin1Char('.');
    auto atLeast = [&](const QString &name, double value, double least, const char *kind) {
        if (std::isfinite(value) && value >= least)
            return QString();
        return connectParam
            + QStringLiteral("%1 must be a %2 >= %3, not %4")
                  .arg(what + name, QLatin1String(kind), jsNumber(least), jsNumber(value));
    };
    QString error = atLeast(Option::initialDelay, policy.initialDelay(), 0, "finite number");
    if (error.isEmpty())
        error = atLeast(Option::maxDelay, policy.maxDelay(), 0, "finite number");
    if (error.isEmpty())
        error = atLeast(Option::multiplier, policy.multiplier(), 1, "finite number");
    if (error.isEmpty() && !(policy.jitter() >= 0 && policy.jitter() <= 1))
        error = connectParam
            + QStringLiteral("%1 must be a number from 0 to 1, not %2")
                  .arg(what + Option::jitter, jsNumber(policy.jitter()));
    if (error.isEmpty())
        error = atLeast(Option::maxAttempts, policy.maxAttempts(), 0, "whole number");
    const QList<int> codes = policy.retryCloseCodes();
    for (qsizetype i = 0; error.isEmpty() && i < codes.size(); ++i) {
        if (codes.at(i) < 1000 || codes.at(i) > 4999)
            error = connectParam
                + QStringLiteral("%1[%2] must be a close code from 1000 to 4999, not %3")
                      .arg(what + Option::retryCloseCodes)
                      .arg(i)
                      .arg(codes.at(i));
    }
    return error;
}

QString checkReconnect(const QVariant &reconnect, SocketTaskReconnector::Policy *policy)
{
    *policy = SocketTaskReconnector::Policy();
    const QString what = QStringLiteral("parameter.") + Option::reconnect;
    if (!isObject(reconnect))
        return shouldBe(connectParam, what, QStringLiteral("Object"), reconnect);
    const QVariantMap map = reconnect.toMap();
    auto name = [&what](const QString &field) { return what + QLatin1Char('.') + field; };
    int ms = policy->initialDelay();
    QString error
        = checkMilliseconds(map.value(Option::initialDelay), name(Option::initialDelay), &ms);
    policy->setInitialDelay(ms);
    ms = policy->maxDelay();
    if (error.isEmpty())
        error = checkMilliseconds(map.value(Option::maxDelay), name(Option::maxDelay), &ms);
    policy->setMaxDelay(ms);
    // A number, or a whole number that becomes an int: NaN, 1.5 or -1 reach the range check.
    auto number = [&](const QString &field, double *out) {
        const QVariant value = map.value(field);
        if (!value.isValid() || !error.isEmpty())
            return false;
        if (!isNumber(value)) {
            error = shouldBe(connectParam, name(field), QStringLiteral("Number"), value);
            return false;
        }
        *out = value.toDouble();
        return true;
    };
    auto whole = [&](const QString &field, double value, int *out) {
        if (value == std::floor(value) && std::isfinite(value)) {
            *out = value > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                : value < -1                               ? -1
                                                           : int(value);
            return true;
        }
        error = connectParam
            + QStringLiteral("%1 must be a whole number >= 0, not %2")
                  .arg(name(field), jsNumber(value));
        return false;
    };
    double value = 0;
    if (number(Option::multiplier, &value))
        policy->setMultiplier(value);
    if (number(Option::jitter, &value))
        policy->setJitter(value);
    int attempts = 0;
    if (number(Option::maxAttempts, &value) && whole(Option::maxAttempts, value, &attempts))
        policy->setMaxAttempts(attempts);
    if (error.isEmpty()) {
        QList<int> codes;
        error = checkEach(map.value(Option::retryCloseCodes),
            Option::reconnect + QLatin1Char('.') + Option::retryCloseCodes,
            [&](const QString &where, const QVariant &item) {
                if (!isNumber(item))
                    return shouldBe(connectParam, where, QStringLiteral("Number"), item);
                const double code = item.toDouble();
                if (code != std::floor(code) || code < 1000 || code > 4999)
                    return connectParam
                        + QStringLiteral("%1 must be a close code from 1000 to 4999, not %2")
                              .arg(where, jsNumber(code));
                codes.append(int(code));
                return QString();
            });
        policy->setRetryCloseCodes(codes);
    }
    return error.isEmpty() ? checkReconnectPolicy(*policy) : error;
}

QString checkConnectOption(const QVariant &option, ConnectRequest *request)
{
    // 1. options
    if (!isObject(option))
        return shouldBe(
            connectParam, QStringLiteral("parameter"), QStringLiteral("Object"), option);
    const QVariantMap map = option.toMap();

    // 2. url's type; 3. url's value (Taro's own wording for 3)
    const QVariant url = map.value(Option::url);
    QString urlText;
    if (isString(url))
        urlText = url.toString();
    else if (url.metaType().id() == QMetaType::QUrl)
        urlText = url.toUrl().toString();
    else
        return shouldBe(
            connectParam, QStringLiteral("parameter.url"), QStringLiteral("String"), url);
    const QUrl parsed(urlText, QUrl::StrictMode);
    const QString scheme = parsed.scheme();
    if (!parsed.isValid() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))
        || parsed.host().isEmpty() || parsed.hasFragment())
        return QStringLiteral("connectSocket:fail request:fail invalid url %1")
            .arg(quoted(urlText));
    request->url = parsed;

    // 4..6, then the flags that the contract lists without a number of their own
    QString error = checkHeader(map.value(Option::header), request);
    if (error.isEmpty())
        error = checkProtocols(map.value(Option::protocols), request);
    if (error.isEmpty())
        error = checkTimeout(map.value(Option::timeout), request);
    if (error.isEmpty())
        error = checkFlag(map.value(Option::tcpNoDelay), Option::tcpNoDelay, &request->tcpNoDelay);
    if (error.isEmpty())
        error = checkFlag(map.value(Option::perMessageDeflate), Option::perMessageDeflate, nullptr);
    if (error.isEmpty())
        error = checkCaCertificates(map.value(Option::caCertificates), request);
    if (error.isEmpty())
        error = checkHeartbeat(map.value(Option::heartbeat), request);
    if (error.isEmpty())
        error = checkProxy(map.value(Option::proxy), request);
    return error;
}

QString checkSendOption(const QVariant &option, QVariant *data)
{
    if (!isObject(option))
        return shouldBe(sendParam, QStringLiteral("parameter"), QStringLiteral("Object"), option);
    *data = option.toMap().value(Option::data);
    return {};
}

namespace {

// The first index at or after `from` that holds a surrogate (paired or not), or n.
using FindSurrogate = qsizetype (*)(const char16_t *units, qsizetype from, qsizetype n);

qsizetype findSurrogateScalar(const char16_t *units, qsizetype from, qsizetype n)
{
    for (qsizetype i = from; i < n; ++i) {
        if ((units[i] & 0xF800) == 0xD800)
            return i;
    }
    return n;
}

#if defined(__x86_64__) && defined(__GNUC__)
// 16 units a step. Only called where the CPU has AVX2 (see pickFindSurrogate).
__attribute__((target("avx2"))) qsizetype findSurrogateAvx2(
    const char16_t *units, qsizetype from, qsizetype n)
{
    const __m256i mask = _mm256_set1_epi16(short(0xF800));
    const __m256i surrogate = _mm256_set1_epi16(short(0xD800));
    qsizetype i = from;
    for (; i + 16 <= n; i += 16) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(units + i));
        const unsigned hits = unsigned(
            _mm256_movemask_epi8(_mm256_cmpeq_epi16(_mm256_and_si256(v, mask), surrogate)));
        if (hits)
            return i + __builtin_ctz(hits) / 2;
    }
    return findSurrogateScalar(units, i, n);
}
#endif

FindSurrogate pickFindSurrogate()
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2"))
        return findSurrogateAvx2;
#endif
    return findSurrogateScalar; // the tails of the AVX2 scan test this one too
}

} // namespace

qsizetype findLoneSurrogate(const QString &text)
{
    static const FindSurrogate findSurrogate = pickFindSurrogate();
    const char16_t *units = reinterpret_cast<const char16_t *>(text.constData());
    const qsizetype n = text.size();
    qsizetype i = findSurrogate(units, 0, n);
    while (i < n) {
        const bool pair = units[i] < 0xDC00 && i + 1 < n && (units[i + 1] & 0xFC00) == 0xDC00;
        if (!pair)
            return i;
        i = findSurrogate(units, i + 2, n);
    }
    return -1;
}

QString checkSendDataCarefully(const QVariant &data)
{
    const int id = data.metaType().id();
    if (id == QMetaType::QByteArray)
        return {};
    if (id != QMetaType::QString)
        return shouldBe(sendParam, QStringLiteral("parameter.data"),
            QStringLiteral("String or ArrayBuffer"), data);
    const qsizetype at = findLoneSurrogate(*static_cast<const QString *>(data.constData()));
    if (at >= 0)
        return sendParam
            + QStringLiteral("parameter.data has a lone UTF-16 surrogate at index %1").arg(at);
    return {};
}

QString checkCloseOption(const QVariant &option, int *code, QString *reason)
{
    *code = Default::closeCode;
    reason->clear();
    if (!option.isValid())
        return {};
    if (!isObject(option))
        return shouldBe(closeParam, QStringLiteral("parameter"), QStringLiteral("Object"), option);
    const QVariantMap map = option.toMap();
    const QVariant codeValue = map.value(Option::code);
    if (codeValue.isValid()) {
        if (!isNumber(codeValue))
            return shouldBe(
                closeParam, QStringLiteral("parameter.code"), QStringLiteral("Number"), codeValue);
        const double c = codeValue.toDouble();
        if (c != std::trunc(c) || c < 0 || c > 65535)
            return closeCode;
        *code = int(c);
    }
    const QVariant reasonValue = map.value(Option::reason);
    if (reasonValue.isValid()) {
        if (!isString(reasonValue))
            return shouldBe(closeParam, QStringLiteral("parameter.reason"),
                QStringLiteral("String"), reasonValue);
        *reason = reasonValue.toString();
    }
    return checkClose(*code, *reason);
}

bool isOk(const QString &errMsg)
{
    // The ok results are the shared strings above: compare by identity first.
    const QChar *p = errMsg.constData();
    if (p == sendOk.constData() || p == closeOk.constData())
        return true;
    return errMsg.endsWith(QLatin1String(":ok"));
}

QString checkClose(int code, const QString &reason)
{
    if (code != 1000 && (code < 3000 || code > 4999))
        return closeCode;
    if (reason.toUtf8().size() > 123)
        return closeReason;
    return {};
}

} // namespace ErrMsg

namespace ErrMsg {

QString checkQueryData(const QVariant &url, const QVariant &data, QVariant *urlWithQuery)
{
    *urlWithQuery = url;
    if (!data.isValid())
        return {};
    if (!isObject(data))
        return shouldBe(
            connectParam, QStringLiteral("parameter.data"), QStringLiteral("Object"), data);
    if (!isString(url))
        return {}; // connectSocket's own check names it
    const QVariantMap map = data.toMap();
    if (map.isEmpty())
        return {};
    QStringList pairs;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QVariant &value = it.value();
        QString text;
        if (isString(value))
            text = value.toString();
        else if (isNumber(value))
            text = jsNumber(value.toDouble());
        else if (value.metaType().id() == QMetaType::Bool)
            text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        else if (value.metaType().id() == QMetaType::Nullptr)
            text = QStringLiteral("null");
        else if (isObject(value) || isArray(value))
            text = QString::fromUtf8(
                QJsonDocument::fromVariant(value).toJson(QJsonDocument::Compact));
        else
            return shouldBe(connectParam, QStringLiteral("parameter.data.") + it.key(),
                QStringLiteral("String, Number, Boolean, Object or Array"), value);
        pairs << QString::fromLatin1(QUrl::toPercentEncoding(it.key())) + QLatin1Char('=')
                + QString::fromLatin1(QUrl::toPercentEncoding(text));
    }
    const QString base = url.toString();
    *urlWithQuery = base + (base.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?'))
        + pairs.join(QLatin1Char('&'));
    return {};
}

QVariant fromBase64(const QVariant &data)
{
    if (!isString(data))
        return data;
    const QString text = data.toString();
    auto decoded
        = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || text.size() % 4 != 0) {
        return QVariant::fromValue(SocketTaskBinding::ScriptType {
            QStringLiteral("String"), {}, QStringLiteral("is not Base64 (isBuffer is true)") });
    }
    return *decoded;
}

int alipayError(const QString &errMsg)
{
    constexpr int unknown = 1, invalidParameter = 2, emptyUrl = 3, badUrl = 4, notWebSocket = 5,
                  timedOut = 6, badCertificate = 7, badResponse = 8, unrequestedProtocol = 9,
                  notOpen = 10, sendFailed = 11;
    if (errMsg.contains(QLatin1String(":fail parameter error:")) || errMsg == closeCode
        || errMsg == closeReason || errMsg == connectionExists)
        return invalidParameter;
    static const QString invalidUrl
        = QStringLiteral("connectSocket:fail request:fail invalid url ");
    if (errMsg.startsWith(invalidUrl)) {
        // The URL, quoted; its scheme tells which of Alipay's three URL errors it is.
        const QString quotedUrl = errMsg.mid(invalidUrl.size());
        const QString url = quotedUrl.mid(1, quotedUrl.size() - 2);
        if (url.isEmpty())
            return emptyUrl;
        const QString scheme = QUrl(url).scheme();
        return scheme == QLatin1String("ws") || scheme == QLatin1String("wss") ? badUrl
                                                                               : notWebSocket;
    }
    if (errMsg == connectTimeout)
        return timedOut;
    if (errMsg.startsWith(QLatin1String("connectSocket:fail TLS handshake failed")))
        return badCertificate;
    if (errMsg.startsWith(QLatin1String("connectSocket:fail the server chose the subprotocol")))
        return unrequestedProtocol;
    if (errMsg.startsWith(QLatin1String("connectSocket:fail the server"))
        || errMsg.contains(QLatin1String("refuses the server's")))
        return badResponse;
    if (errMsg == sendNotOpen || errMsg == sendNotConnected || errMsg == closeNotConnected)
        return notOpen;
    if (errMsg.startsWith(QLatin1String("sendSocketMessage:fail")))
        return sendFailed;
    return unknown;
}

} // namespace ErrMsg
